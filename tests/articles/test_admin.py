import datetime
import json
import re

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth.models import Permission
from django.urls import reverse

from articles import importers
from articles.models import Article, Paragraph, Source, Tag
from tests.factories import ArticleFactory, SourceFactory, UserFactory

SEED_TEXT = """

Harbour Board Delays the Vote on the Terminal Lease

By [Mara Quist](#)

Harbour Ledger, March 4, 2025

Region: [Northern Coast](#)

Theme: [City Politics](#)

The harbour board postponed Tuesday's vote on the container terminal lease.

Support our reporting: <https://harbourledger.example/support>
"""


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
    return client


@pytest.fixture
def corpus(db):
    """Two publishers, three articles, one of them tagged."""
    ledger, review = SourceFactory(name="Harbour Ledger"), SourceFactory(name="Meridian Review")
    first = ArticleFactory(
        title="Council votes on the lease", publisher=ledger, published_on=datetime.date(2025, 3, 4)
    )
    second = ArticleFactory(
        title="Dockworkers threaten a strike",
        publisher=review,
        original_source=ledger,
        paragraphs=["Dockworkers said they would strike on Friday.", "The union called it a last resort."],
    )
    third = ArticleFactory(title="Water board meets", publisher=review)
    first.tags.add(Tag.objects.create(kind="theme", name="City Politics"))
    return {"ledger": ledger, "review": review, "first": first, "second": second, "third": third}


def admin_pages(corpus) -> list[str]:
    return [
        reverse("admin:articles_source_changelist"),
        reverse("admin:articles_source_add"),
        reverse("admin:articles_source_change", args=[corpus["ledger"].pk]),
        reverse("admin:articles_tag_changelist"),
        reverse("admin:articles_tag_add"),
        reverse("admin:articles_tag_change", args=[Tag.objects.get().pk]),
        reverse("admin:articles_article_changelist"),
        reverse("admin:articles_article_change", args=[corpus["second"].pk]),
        reverse("admin:articles_article_upload"),
    ]


def test_staff_sees_every_corpus_admin_page(staff_client, corpus):
    for url in admin_pages(corpus):
        response = staff_client.get(url)
        assert response.status_code == 200, url


def test_view_on_site_opens_the_article_page(staff_client, corpus):
    article = corpus["first"]
    page = staff_client.get(reverse("admin:articles_article_change", args=[article.pk])).content.decode()
    link = re.search(r'<a href="([^"]+)" class="viewsitelink">View on site</a>', page).group(1)
    response = staff_client.get(link, follow=True)
    assert response.redirect_chain[-1][0] == f"http://testserver/articles/{article.pk}/"
    assert response.status_code == 200
    assert "Council votes on the lease" in response.content.decode()


def test_anonymous_users_are_sent_to_log_in(client, corpus):
    for url in admin_pages(corpus):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"] == f"{reverse('login')}?next={url}"


def test_articles_are_added_by_import_not_by_the_add_form(staff_client):
    assert staff_client.get(reverse("admin:articles_article_add")).status_code == 403
    page = staff_client.get(reverse("admin:articles_article_changelist"))
    assert '<a href="/admin/articles/article/upload/" class="addlink">Import files</a>' in page.text
    assert "Add article" not in page.text


def test_staff_without_the_add_permission_cannot_upload(client, db):
    clerk = UserFactory(username="clerk", is_staff=True)
    clerk.user_permissions.add(Permission.objects.get(codename="view_article"))
    client.force_login(clerk)
    page = client.get(reverse("admin:articles_article_changelist"))
    assert page.status_code == 200
    assert "Import files" not in page.text
    assert client.get(reverse("admin:articles_article_upload")).status_code == 403


def test_an_analyst_without_staff_status_is_sent_to_the_admin_login(client, analyst, corpus):
    client.force_login(analyst)
    response = client.get(reverse("admin:articles_article_changelist"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_the_article_list_shows_publishers_and_paragraph_counts(staff_client, corpus):
    response = staff_client.get(reverse("admin:articles_article_changelist"))
    rows = {row.title: row for row in response.context["cl"].result_list}
    assert rows["Dockworkers threaten a strike"].paragraph_count == 2
    assert rows["Council votes on the lease"].paragraph_count == 3
    assert "Meridian Review" in response.text


def test_the_admin_search_finds_what_the_article_list_and_the_api_find(staff_client, client, corpus):
    """One search for articles: by title, byline, publisher's name or paragraph text, in any case."""
    corpus["third"].byline = "By Mara Quist"
    corpus["third"].save()
    admin_list = reverse("admin:articles_article_changelist")
    for term in ["MARA QUIST", "meridian", "last resort", "Water Board"]:
        found = {a.title for a in staff_client.get(admin_list, {"q": term}).context["cl"].result_list}
        assert found == {a.title for a in Article.objects.visible().search(term)}, term
        assert found
    page = staff_client.get(admin_list, {"q": "mara quist"}).text
    assert "1 result" in page
    assert "byline, publisher or a paragraph contains the text" in page


def test_search_finds_articles_by_paragraph_text_once(staff_client, corpus):
    response = staff_client.get(reverse("admin:articles_article_changelist"), {"q": "strike"})
    assert [a.title for a in response.context["cl"].result_list] == ["Dockworkers threaten a strike"]
    response = staff_client.get(reverse("admin:articles_article_changelist"), {"q": "the"})
    titles = [a.title for a in response.context["cl"].result_list]
    assert len(titles) == len(set(titles)) == 3


@pytest.mark.parametrize(
    ("key", "value", "expected"),
    [
        ("publisher__id__exact", "review", {"Dockworkers threaten a strike", "Water board meets"}),
        ("original_source__id__exact", "ledger", {"Dockworkers threaten a strike"}),
        ("tags__id__exact", "tag", {"Council votes on the lease"}),
        ("published_on__year", "2025", {"Council votes on the lease"}),
    ],
)
def test_the_article_list_filters(staff_client, corpus, key, value, expected):
    ids = {"review": corpus["review"].pk, "ledger": corpus["ledger"].pk, "tag": Tag.objects.get().pk}
    response = staff_client.get(reverse("admin:articles_article_changelist"), {key: ids.get(value, value)})
    assert {a.title for a in response.context["cl"].result_list} == expected


def test_the_change_page_lists_paragraphs_in_order(staff_client, corpus):
    response = staff_client.get(reverse("admin:articles_article_change", args=[corpus["first"].pk]))
    formset = response.context["inline_admin_formsets"][0].formset
    assert [form.instance.position for form in formset.forms] == [0, 1, 2]
    assert response.text.index("On Monday the council met") < response.text.index("Some observers wonder")


def _inline_post(article: Article, texts: dict[int, str]) -> dict:
    paragraphs = list(article.paragraphs.order_by("position"))
    data = {
        "title": article.title,
        "byline": article.byline,
        "publisher": article.publisher_id,
        "language": article.language,
        "paragraphs-TOTAL_FORMS": len(paragraphs),
        "paragraphs-INITIAL_FORMS": len(paragraphs),
        "paragraphs-MIN_NUM_FORMS": 0,
        "paragraphs-MAX_NUM_FORMS": 1000,
        "_save": "Save",
    }
    for i, paragraph in enumerate(paragraphs):
        data |= {
            f"paragraphs-{i}-id": paragraph.pk,
            f"paragraphs-{i}-article": article.pk,
            f"paragraphs-{i}-position": paragraph.position,
            f"paragraphs-{i}-text": texts.get(paragraph.position, paragraph.text),
            f"paragraphs-{i}-links": "[]",
        }
    return data


def test_an_anchored_paragraph_keeps_its_text_while_others_can_be_edited(staff_client, corpus, annotate):
    article = corpus["first"]
    annotate(article.paragraphs.get(position=1), "mayor", "attributed_claim")
    response = staff_client.get(reverse("admin:articles_article_change", args=[article.pk]))
    forms = response.context["inline_admin_formsets"][0].formset.forms
    assert [form.fields["text"].disabled for form in forms] == [False, True, False]
    assert re.search(r'<textarea name="paragraphs-1-text"[^>]* disabled', response.text)
    assert forms[1].fields["text"].help_text == "Spans point into this paragraph, so its text cannot change."
    changed = {0: "On Tuesday the council met.", 1: "Rewritten text the span no longer fits."}
    response = staff_client.post(
        reverse("admin:articles_article_change", args=[article.pk]), _inline_post(article, changed)
    )
    assert response.status_code == 302
    texts = list(article.paragraphs.order_by("position").values_list("text", flat=True))
    assert texts[0] == "On Tuesday the council met."
    assert texts[1] == "The mayor said the budget would be cut by 10%."


def _action(client, action: str, articles: list[Article], **extra):
    data = {"action": action, "_selected_action": [a.pk for a in articles], **extra}
    return client.post(reverse("admin:articles_article_changelist"), data)


def test_reassign_publisher_asks_for_the_publisher_then_applies_it(staff_client, corpus):
    chosen = [corpus["first"], corpus["third"]]
    response = _action(staff_client, "reassign_publisher", chosen)
    assert response.status_code == 200
    assert "Choose the publisher of these 2 articles" in response.text
    assert "Council votes on the lease (now: Harbour Ledger)" in response.text
    response = _action(staff_client, "reassign_publisher", chosen, apply="1", publisher=corpus["review"].pk)
    assert response.status_code == 302
    assert set(Article.objects.filter(publisher=corpus["review"]).values_list("title", flat=True)) == {
        "Council votes on the lease",
        "Dockworkers threaten a strike",
        "Water board meets",
    }


def test_reassign_publisher_without_a_choice_changes_nothing(staff_client, corpus):
    response = _action(staff_client, "reassign_publisher", [corpus["first"]], apply="1", publisher="")
    assert response.status_code == 200
    assert "This field is required." in response.text
    corpus["first"].refresh_from_db()
    assert corpus["first"].publisher == corpus["ledger"]


def test_soft_delete_and_restore(staff_client, corpus):
    _action(staff_client, "soft_delete", [corpus["first"], corpus["second"]])
    assert set(Article.objects.visible().values_list("title", flat=True)) == {"Water board meets"}
    assert Article.objects.count() == 3
    assert Paragraph.objects.filter(article=corpus["first"]).count() == 3
    response = staff_client.get(reverse("admin:articles_article_changelist"), {"status": "deleted"})
    assert {a.title for a in response.context["cl"].result_list} == {
        "Council votes on the lease",
        "Dockworkers threaten a strike",
    }
    _action(staff_client, "restore", [corpus["first"]])
    assert Article.objects.visible().count() == 2


def test_deleting_an_article_in_the_admin_is_a_soft_delete(staff_client, corpus):
    first = corpus["first"]
    response = staff_client.get(reverse("admin:articles_article_delete", args=[first.pk]))
    assert response.status_code == 200
    assert "Paragraph" not in response.text  # nothing goes with the article: it stays, soft-deleted
    response = staff_client.post(reverse("admin:articles_article_delete", args=[first.pk]), {"post": "yes"})
    assert response.status_code == 302
    first.refresh_from_db()
    assert first.deleted_at is not None
    assert Paragraph.objects.filter(article=first).count() == 3
    _action(staff_client, "restore", [first])
    assert Article.objects.visible().count() == 3


def test_the_delete_page_says_it_soft_deletes_and_how_to_restore(staff_client, corpus):
    first = corpus["first"]
    url = reverse("admin:articles_article_delete", args=[first.pk])

    page = re.sub(r"\s+", " ", staff_client.get(url).text)

    assert "Soft-delete the article “Council votes on the lease”?" in page
    assert "hidden everywhere outside this admin" in page
    assert "its paragraphs, its spans and their history stay" in page
    assert "“Restore the selected soft-deleted articles” action" in page
    assert "related items will be deleted" not in page

    response = staff_client.post(url, {"post": "yes"}, follow=True)

    assert [str(m) for m in response.context["messages"]] == [
        "The article “Council votes on the lease” was soft-deleted; the article list's “Restore the selected "
        "soft-deleted articles” action brings it back."
    ]
    assert "deleted successfully" not in response.text
    entry = LogEntry.objects.get(object_id=str(first.pk))
    assert (entry.action_flag, entry.get_change_message()) == (CHANGE, "Soft-deleted.")


def test_deleting_an_article_already_deleted_says_so_and_changes_nothing(staff_client, corpus):
    first = corpus["first"]
    url = reverse("admin:articles_article_delete", args=[first.pk])
    staff_client.post(url, {"post": "yes"})
    first.refresh_from_db()
    deleted_at = first.deleted_at

    page = re.sub(r"\s+", " ", staff_client.get(url).text)
    response = staff_client.post(url, {"post": "yes"}, follow=True)

    assert "was already soft-deleted on" in page
    assert "deleting it again changes nothing" in page
    assert [str(m) for m in response.context["messages"]] == [
        "The article “Council votes on the lease” was already soft-deleted: nothing changed; "
        "the article list's “Restore the selected soft-deleted articles” action brings it back."
    ]
    first.refresh_from_db()
    assert first.deleted_at == deleted_at
    assert LogEntry.objects.filter(object_id=str(first.pk)).count() == 1


def test_the_article_list_offers_no_hard_delete(staff_client, corpus):
    response = staff_client.get(reverse("admin:articles_article_changelist"))
    assert "delete_selected" not in response.text
    assert "soft_delete" in response.text
    _action(staff_client, "delete_selected", [corpus["first"]], post="yes")
    assert Article.objects.count() == 3


def test_export_writes_json_lines_that_import_back_unchanged(staff_client):
    importers.import_bytes(SEED_TEXT.encode(), name="lease.txt")
    importers.import_bytes(
        b"Dockworkers vote\n\nThe union voted to strike.\n\nTalks resume on Monday.", name="v.txt"
    )
    chosen = list(Article.objects.filter(title__in=["Dockworkers vote", SEED_TITLE]))
    response = _action(staff_client, "export_jsonl", chosen)
    assert response["Content-Type"] == "application/jsonl; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="articles-')
    body = b"".join(response.streaming_content).decode()
    rows = {row["title"]: row for row in map(json.loads, body.splitlines())}
    assert rows[SEED_TITLE]["links"] == [
        [],
        [{"start": 23, "end": 60, "url": "https://harbourledger.example/support"}],
    ]
    assert rows[SEED_TITLE]["tags"] == [
        {"kind": "region", "name": "Northern Coast"},
        {"kind": "theme", "name": "City Politics"},
    ]
    before = {a.title: importers.record_of(a) for a in chosen}
    assert importers.import_bytes(body.encode(), name="export.jsonl").duplicates == 2
    Article.objects.filter(pk__in=[a.pk for a in chosen]).delete()
    report = importers.import_bytes(body.encode(), name="export.jsonl")
    assert report.error is None
    for article in report.articles:
        again, original = importers.record_of(article), before[article.title]
        for field in [
            "paragraphs",
            "links",
            "byline",
            "publisher",
            "published_on",
            "original_source",
            "tags",
        ]:
            assert getattr(again, field) == getattr(original, field), field


SEED_TITLE = "Harbour Board Delays the Vote on the Terminal Lease"


def test_upload_imports_good_files_and_names_the_bad_ones(staff_client, staff):
    files = [
        _upload("lease.txt", SEED_TEXT.encode()),
        _upload("latin1.txt", "Caf\xe9 society\n".encode("latin-1")),
    ]
    response = staff_client.post(reverse("admin:articles_article_upload"), {"files": files})
    assert response.status_code == 200
    assert "Imported: 1 article" in response.text
    assert "Skipped as duplicate: 0" in response.text
    assert "Failed: 1 file" in response.text
    assert (
        "<strong>latin1.txt</strong>: the file is not UTF-8 text: byte 0xE9 at offset 3 (line 1) is not "
        "valid UTF-8; save the file as UTF-8 and import it again" in response.text
    )
    article = Article.objects.get()
    assert (article.title, article.publisher.name, article.imported_by) == (
        SEED_TITLE,
        "Harbour Ledger",
        staff,
    )
    response = staff_client.post(
        reverse("admin:articles_article_upload"), {"files": [_upload("again.txt", SEED_TEXT.encode())]}
    )
    assert "Imported: 0 articles" in response.text
    assert "Skipped as duplicate: 1" in response.text
    assert Article.objects.count() == 1


def test_upload_over_the_size_limit_is_refused(staff_client, settings):
    settings.IMPORT_MAX_BYTES = 100
    response = staff_client.post(
        reverse("admin:articles_article_upload"), {"files": [_upload("big.txt", SEED_TEXT.encode())]}
    )
    assert (
        f"the file is {len(SEED_TEXT.encode())} bytes; the limit is 100 bytes (IMPORT_MAX_BYTES)"
        in response.text
    )
    assert Article.objects.count() == 0


def test_upload_without_files_is_a_bad_request(staff_client):
    response = staff_client.post(reverse("admin:articles_article_upload"), {})
    assert response.status_code == 400
    assert "Choose files to upload or give addresses of web pages." in response.text


def test_upload_is_for_staff_only(client, analyst):
    client.force_login(analyst)
    response = client.post(
        reverse("admin:articles_article_upload"), {"files": [_upload("lease.txt", SEED_TEXT.encode())]}
    )
    assert response.status_code == 302
    assert Article.objects.count() == 0


def test_sources_show_how_many_articles_they_published_and_originated(staff_client, corpus):
    response = staff_client.get(reverse("admin:articles_source_changelist"))
    rows = {source.name: source for source in response.context["cl"].result_list}
    assert (rows["Harbour Ledger"].published_count, rows["Harbour Ledger"].original_count) == (1, 1)
    assert (rows["Meridian Review"].published_count, rows["Meridian Review"].original_count) == (2, 0)
    assert Source.objects.count() == 2


def _upload(name: str, content: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content, content_type="text/plain")

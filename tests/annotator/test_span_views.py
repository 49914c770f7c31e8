"""Span writes from the workbench: status codes, exact messages, nothing written on refusal."""

import json

import pytest
from django.test import Client
from django.urls import reverse

from annotator import spans
from annotator.models import Annotation, AnnotationChange
from tests.factories import ArticleFactory

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def paragraph(article):
    return article.paragraphs.get(position=1)


def create_url(article, query=""):
    return reverse("annotator:span-create", args=[article.pk]) + query


def tag(client, paragraph, quote, label="attributed_claim", **extra):
    start = paragraph.text.index(quote)
    data = {
        "paragraph": paragraph.pk,
        "start": start,
        "end": start + len(quote),
        "quote": quote,
        "label": label,
    }
    data.update(extra)
    return client.post(create_url(paragraph.article), data, **HTMX)


def test_it_creates_a_span_and_returns_the_paragraph(client, analyst, paragraph, labels):
    client.force_login(analyst)
    response = tag(client, paragraph, "The mayor", attributed_to="  The mayor ", note="check the minutes")
    assert response.status_code == 200
    span = Annotation.objects.get()
    assert (span.start, span.end, span.quote, span.reviewer) == (0, 9, "The mayor", analyst)
    assert (span.attributed_to, span.note) == ("The mayor", "check the minutes")
    body = response.content.decode()
    assert body.startswith(f'<section class="para" id="para-{paragraph.pk}"')
    assert f'data-paragraph-id="{paragraph.pk}"' in body
    assert f'data-annotation-id="{span.pk}" data-label="attributed_claim"' in body
    assert response["HX-Retarget"] == f"#para-{paragraph.pk}"
    assert response["HX-Reswap"] == "outerHTML"
    event = json.loads(response["HX-Trigger"])["annotationChanged"]
    assert event["message"] == "Tagged as Attributed claim."
    assert event["undo"] == reverse("annotator:change-undo", args=[span.changes.get().pk])


def test_without_htmx_it_redirects_to_the_paragraph(client, analyst, paragraph, labels):
    client.force_login(analyst)
    response = client.post(
        create_url(paragraph.article, "?layer=all"),
        {"paragraph": paragraph.pk, "start": 4, "end": 9, "quote": "mayor", "label": "speculation"},
    )
    assert response.status_code == 302
    assert response["Location"] == f"/articles/{paragraph.article_id}/?layer=all#para-{paragraph.pk}"
    assert Annotation.objects.get().quote == "mayor"


def test_leading_and_trailing_white_space_is_left_out(client, analyst, paragraph, labels):
    client.force_login(analyst)
    response = client.post(
        create_url(paragraph.article),
        {"paragraph": paragraph.pk, "start": 3, "end": 15, "quote": " mayor said ", "label": "reported_fact"},
        **HTMX,
    )
    assert response.status_code == 200
    span = Annotation.objects.get()
    assert (span.start, span.end, span.quote) == (4, 14, "mayor said")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"start": 9, "end": 4}, "end (4) must be greater than start (9)."),
        ({"start": 0, "end": 500}, "end (500) is past the end of the paragraph (46 characters)."),
        (
            {"start": 4, "end": 9, "quote": "Mayor"},
            "The quote does not match the paragraph text at 4-9: expected 'mayor'.",
        ),
        (
            {"start": 4, "end": 9, "label": "rumour"},
            "Unknown label 'rumour'. "
            "Choose one of: reported_fact, attributed_claim, speculation, boilerplate.",
        ),
        ({"start": 3, "end": 4, "quote": " "}, "The span holds only white space: it must cover some words."),
        ({"start": -1, "end": 4}, "start must be 0 or more."),
        (
            {"start": 4, "end": 9, "attributed_to": "x" * 201},
            "'Attributed to' is 201 characters long; the limit is 200.",
        ),
    ],
)
def test_bad_input_is_refused_with_its_message_and_nothing_is_written(
    client, analyst, paragraph, labels, data, message
):
    client.force_login(analyst)
    payload = {"paragraph": paragraph.pk, "label": "speculation", **data}
    response = client.post(create_url(paragraph.article), payload, **HTMX)
    assert response.status_code == 400
    assert response.content.decode() == message
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert Annotation.objects.count() == 0
    assert AnnotationChange.objects.count() == 0


def test_a_paragraph_of_another_article_is_refused(client, analyst, paragraph, labels):
    other = ArticleFactory().paragraphs.get(position=1)
    client.force_login(analyst)
    response = client.post(
        create_url(paragraph.article),
        {"paragraph": other.pk, "start": 4, "end": 9, "label": "speculation"},
        **HTMX,
    )
    assert (response.status_code, response.content.decode()) == (
        400,
        "This paragraph is not part of this article.",
    )
    assert Annotation.objects.count() == 0


def test_tagging_the_same_words_twice_is_refused(client, analyst, paragraph, labels):
    client.force_login(analyst)
    assert tag(client, paragraph, "mayor").status_code == 200
    response = tag(client, paragraph, "mayor")
    assert (response.status_code, response.content.decode()) == (
        400,
        "alice already tagged these words as Attributed claim.",
    )
    assert Annotation.objects.count() == 1


def test_tagging_in_someone_elses_layer_is_refused(client, analyst, paragraph, labels):
    client.force_login(analyst)
    response = client.post(
        create_url(paragraph.article, "?reviewer=bob"),
        {"paragraph": paragraph.pk, "start": 4, "end": 9, "label": "speculation"},
        **HTMX,
    )
    assert (response.status_code, response.content.decode()) == (
        400,
        "You are looking at bob's spans: switch to your layer to tag.",
    )
    assert Annotation.objects.count() == 0


def test_anonymous_writes_go_to_the_login_page(client, paragraph, labels):
    response = client.post(create_url(paragraph.article), {"paragraph": paragraph.pk})
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert Annotation.objects.count() == 0


def test_a_write_without_the_csrf_token_is_refused(analyst, paragraph, labels):
    client = Client(enforce_csrf_checks=True)
    client.force_login(analyst)
    response = client.post(
        create_url(paragraph.article),
        {"paragraph": paragraph.pk, "start": 4, "end": 9, "label": "speculation"},
        **HTMX,
    )
    assert response.status_code == 403
    assert Annotation.objects.count() == 0


def test_the_csrf_header_htmx_sends_is_accepted(analyst, paragraph, labels):
    client = Client(enforce_csrf_checks=True)
    client.force_login(analyst)
    page = client.get(paragraph.article.get_absolute_url())
    token = page.context["csrf_token"]
    assert f'hx-headers=\'{{"x-csrftoken": "{token}"}}\'' in page.content.decode()
    response = client.post(
        create_url(paragraph.article),
        {"paragraph": paragraph.pk, "start": 4, "end": 9, "label": "speculation"},
        HTTP_X_CSRFTOKEN=str(token),
        **HTMX,
    )
    assert response.status_code == 200


@pytest.fixture
def claim(paragraph, analyst, labels):
    return spans.create(paragraph=paragraph, label="attributed_claim", start=0, end=9, reviewer=analyst)


def change_url(span):
    return reverse("annotator:span-change", args=[span.pk])


def test_the_owner_changes_the_label_note_and_attribution(client, analyst, claim):
    client.force_login(analyst)
    response = client.post(
        change_url(claim),
        {"version": 1, "label": "speculation", "note": "hedged", "attributed_to": "the mayor"},
        **HTMX,
    )
    assert response.status_code == 200
    claim.refresh_from_db()
    assert (claim.label.slug, claim.note, claim.attributed_to, claim.version) == (
        "speculation",
        "hedged",
        "the mayor",
        2,
    )
    assert f'data-annotation-id="{claim.pk}" data-label="speculation"' in response.content.decode()
    assert json.loads(response["HX-Trigger"])["annotationChanged"]["message"] == "Span saved as Speculation."


def test_someone_elses_span_is_read_only(client, outsider, claim):
    client.force_login(outsider)
    response = client.post(change_url(claim), {"version": 1, "label": "speculation"}, **HTMX)
    assert (response.status_code, response.content.decode()) == (403, "You can only change your own spans.")
    response = client.post(reverse("annotator:span-delete", args=[claim.pk]), {"version": 1}, **HTMX)
    assert response.status_code == 403
    claim.refresh_from_db()
    assert (claim.label.slug, claim.version, claim.deleted_at) == ("attributed_claim", 1, None)
    assert AnnotationChange.objects.count() == 1


def test_staff_may_change_anyones_span(client, staff, claim):
    client.force_login(staff)
    response = client.post(change_url(claim), {"version": 1, "label": "reported_fact"}, **HTMX)
    assert response.status_code == 200
    claim.refresh_from_db()
    assert claim.label.slug == "reported_fact"


CONFLICT = (
    "This span was changed meanwhile (you had version 1, it is now at version 2); nothing was saved. "
    "Look at its current state and try again."
)


def test_a_stale_version_is_a_conflict_and_nothing_is_overwritten(client, analyst, claim):
    spans.change(annotation=claim, actor=analyst, version=1, note="changed in another tab")
    client.force_login(analyst)
    response = client.post(change_url(claim), {"version": 1, "label": "speculation", "note": "mine"})
    assert (response.status_code, response.content.decode()) == (409, CONFLICT)
    claim.refresh_from_db()
    assert (claim.label.slug, claim.note, claim.version) == ("attributed_claim", "changed in another tab", 2)


def test_a_conflict_answers_htmx_with_the_paragraph_as_it_now_is_in_the_chosen_layer(
    client, analyst, colleague, staff, claim, paragraph, annotate, django_assert_max_num_queries
):
    theirs = annotate(paragraph, "budget", "reported_fact", reviewer=colleague)
    spans.change(annotation=claim, actor=staff, version=1, label="speculation")
    client.force_login(analyst)
    url = change_url(claim) + "?layer=all"
    # session, user, span, savepoint, its lock, its re-read, rollback, release, labels, spans: no page, no
    # side panel (the lock takes the span's row alone, so the span and its relations are read after it), and
    # which labels exclude each other, to mark contradicting spans, and whether any blind project is open
    with django_assert_max_num_queries(12):
        response = client.post(url, {"version": 1, "label": "reported_fact", "note": "mine"}, **HTMX)
    assert response.status_code == 409
    body = response.content.decode()
    assert body.startswith(f'<section class="para" id="para-{paragraph.pk}" hx-swap-oob="outerHTML"')
    assert f'data-annotation-id="{claim.pk}" data-label="speculation"' in body
    assert f'data-annotation-id="{theirs.pk}" data-label="reported_fact"' in body
    assert "<html" not in body and "History" not in body
    events = json.loads(response["HX-Trigger-After-Swap"])
    assert events == {"spanConflict": {"message": CONFLICT, "span": claim.pk}, "panelStale": {}}
    claim.refresh_from_db()
    assert (claim.label.slug, claim.note, claim.version) == ("speculation", "", 2)


def test_a_missing_version_is_refused(client, analyst, claim):
    client.force_login(analyst)
    response = client.post(change_url(claim), {"label": "speculation"}, **HTMX)
    assert (response.status_code, response.content.decode()) == (400, "version: This field is required.")


def test_delete_is_soft_and_offers_undo(client, analyst, claim, paragraph):
    client.force_login(analyst)
    response = client.post(reverse("annotator:span-delete", args=[claim.pk]), {"version": 1}, **HTMX)
    assert response.status_code == 200
    assert "<mark" not in response.content.decode()
    claim.refresh_from_db()
    assert claim.deleted_at is not None
    event = json.loads(response["HX-Trigger"])["annotationChanged"]
    assert event["message"] == "Span deleted: “The mayor”."
    response = client.post(event["undo"], **HTMX)
    assert response.status_code == 200
    assert f'data-annotation-id="{claim.pk}"' in response.content.decode()
    claim.refresh_from_db()
    assert claim.deleted_at is None
    assert list(claim.changes.values_list("action", flat=True)) == ["undo", "delete", "create"]


def test_undo_last_undoes_my_newest_change(client, analyst, colleague, claim, paragraph):
    spans.create(paragraph=paragraph, label="speculation", start=4, end=9, reviewer=colleague)
    spans.change(annotation=claim, actor=analyst, version=1, label="reported_fact")
    client.force_login(analyst)
    response = client.post(reverse("annotator:undo-last", args=[paragraph.article_id]), **HTMX)
    assert response.status_code == 200
    assert json.loads(response["HX-Trigger"])["annotationChanged"]["message"] == (
        "Undone: the span “The mayor” is back as it was."
    )
    claim.refresh_from_db()
    assert claim.label.slug == "attributed_claim"


def test_undo_last_with_nothing_to_undo(client, analyst, article, labels):
    client.force_login(analyst)
    response = client.post(reverse("annotator:undo-last", args=[article.pk]), **HTMX)
    assert (response.status_code, response.content.decode()) == (
        400,
        "Nothing of yours to undo in this article.",
    )


def test_an_undo_cannot_be_undone(client, analyst, claim):
    entry = spans.undo(entry=claim.changes.get(), actor=analyst)
    client.force_login(analyst)
    response = client.post(reverse("annotator:change-undo", args=[entry.pk]), **HTMX)
    assert (response.status_code, response.content.decode()) == (
        400,
        "An undo cannot itself be undone; make the change again instead.",
    )


def test_someone_elses_change_cannot_be_undone(client, outsider, claim):
    client.force_login(outsider)
    response = client.post(reverse("annotator:change-undo", args=[claim.changes.get().pk]), **HTMX)
    assert response.status_code == 403
    claim.refresh_from_db()
    assert claim.deleted_at is None


def test_spans_of_a_deleted_article_are_not_found(client, analyst, claim, paragraph):
    from django.utils import timezone

    paragraph.article.deleted_at = timezone.now()
    paragraph.article.save()
    client.force_login(analyst)
    assert client.post(change_url(claim), {"version": 1, "label": "speculation"}, **HTMX).status_code == 404
    assert tag(client, paragraph, "said").status_code == 404


def undo_last(client, article):
    return client.post(reverse("annotator:undo-last", args=[article.pk]), **HTMX)


def notice(response):
    return json.loads(response["HX-Trigger"])["annotationChanged"]["message"]


def test_u_walks_back_tag_then_relabel(client, analyst, paragraph, labels):
    client.force_login(analyst)
    assert tag(client, paragraph, "The mayor").status_code == 200
    span = Annotation.objects.get()
    response = client.post(change_url(span), {"version": 1, "label": "speculation"}, **HTMX)
    assert response.status_code == 200
    response = undo_last(client, paragraph.article)
    assert (response.status_code, notice(response)) == (
        200,
        "Undone: the span “The mayor” is back as it was.",
    )
    assert 'data-label="attributed_claim"' in response.content.decode()
    response = undo_last(client, paragraph.article)
    assert (response.status_code, notice(response)) == (200, "Undone: the new span “The mayor” is removed.")
    assert "<mark" not in response.content.decode()
    response = undo_last(client, paragraph.article)
    assert (response.status_code, response.content.decode()) == (
        400,
        "Nothing of yours to undo in this article.",
    )
    assert not Annotation.objects.live().exists()


def test_u_walks_back_tag_then_delete(client, analyst, paragraph, labels):
    client.force_login(analyst)
    tag(client, paragraph, "The mayor")
    span = Annotation.objects.get()
    client.post(reverse("annotator:span-delete", args=[span.pk]), {"version": 1}, **HTMX)
    response = undo_last(client, paragraph.article)
    assert (response.status_code, notice(response)) == (200, "Undone: the span “The mayor” is restored.")
    response = undo_last(client, paragraph.article)
    assert (response.status_code, notice(response)) == (200, "Undone: the new span “The mayor” is removed.")
    assert not Annotation.objects.live().exists()


def test_history_undo_offers_the_older_change_once_the_newer_is_undone(client, analyst, claim, paragraph):
    spans.change(annotation=claim, actor=analyst, version=1, label="speculation")
    client.force_login(analyst)
    undo_last(client, paragraph.article)
    create = claim.changes.get(action="create")
    body = client.get(paragraph.article.get_absolute_url()).content.decode()
    assert f'hx-post="/changes/{create.pk}/undo/"' in body
    response = client.post(reverse("annotator:change-undo", args=[create.pk]), **HTMX)
    assert (response.status_code, notice(response)) == (200, "Undone: the new span “The mayor” is removed.")
    assert not Annotation.objects.live().exists()


def test_u_refuses_when_someone_else_changed_the_span(client, analyst, staff, claim, paragraph):
    spans.change(annotation=claim, actor=analyst, version=1, label="speculation")
    spans.change(annotation=claim, actor=staff, version=2, note="checked")
    client.force_login(analyst)
    mine = claim.changes.get(action="change", actor=analyst)
    body = client.get(paragraph.article.get_absolute_url()).content.decode()
    assert f'hx-post="/changes/{mine.pk}/undo/"' not in body
    response = undo_last(client, paragraph.article)
    assert (response.status_code, response.content.decode()) == (
        400,
        f"{staff} changed this span since; undoing this change would overwrite theirs.",
    )
    claim.refresh_from_db()
    assert (claim.label.slug, claim.note, claim.version) == ("speculation", "checked", 3)
    assert claim.changes.count() == 3

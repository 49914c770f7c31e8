import pytest
from django.urls import reverse

from annotator import spans
from annotator.models import Annotation, AnnotationChange, Label


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
    return client


@pytest.fixture
def paragraph(article):
    """'The mayor said the budget would be cut by 10%.' (46 characters)."""
    return article.paragraphs.get(position=1)


@pytest.fixture
def span(paragraph, analyst, labels):
    return spans.create(paragraph=paragraph, label="attributed_claim", start=4, end=9, reviewer=analyst)


def admin_pages(span) -> list[str]:
    change = span.changes.get()
    return [
        reverse("admin:annotator_label_changelist"),
        reverse("admin:annotator_label_change", args=[span.label_id]),
        reverse("admin:annotator_label_add"),
        reverse("admin:annotator_annotation_changelist"),
        reverse("admin:annotator_annotation_add"),
        reverse("admin:annotator_annotation_change", args=[span.pk]),
        reverse("admin:annotator_annotation_delete", args=[span.pk]),
        reverse("admin:annotator_annotationchange_changelist"),
        reverse("admin:annotator_annotationchange_change", args=[change.pk]),
    ]


def test_staff_sees_every_annotation_admin_page(staff_client, span):
    for url in admin_pages(span):
        assert staff_client.get(url).status_code == 200, url


def test_anonymous_users_are_sent_to_log_in(client, span):
    for url in admin_pages(span):
        response = client.get(url)
        assert response["Location"] == f"{reverse('login')}?next={url}", url


def _add(client, paragraph, reviewer, **values):
    data = {
        "paragraph": paragraph.pk,
        "label": Label.objects.get(slug="speculation").pk,
        "reviewer": reviewer.pk,
    }
    return client.post(reverse("admin:annotator_annotation_add"), data | values)


@pytest.mark.parametrize(
    ("start", "end", "quote", "message"),
    [
        (5, 5, "", "end (5) must be greater than start (5)."),
        (0, 500, "", "end (500) is past the end of the paragraph (46 characters)."),
        (4, 9, "Mayor", "The quote does not match the paragraph text at 4-9: expected &#x27;mayor&#x27;."),
    ],
)
def test_adding_a_span_with_bad_offsets_shows_the_error_and_stores_nothing(
    staff_client, paragraph, analyst, labels, start, end, quote, message
):
    response = _add(staff_client, paragraph, analyst, start=start, end=end, quote=quote)
    assert response.status_code == 200
    assert message in response.text
    assert Annotation.objects.count() == 0
    assert AnnotationChange.objects.count() == 0


def test_adding_a_span_goes_through_the_span_rules(staff_client, staff, paragraph, analyst, labels):
    response = _add(staff_client, paragraph, analyst, start=19, end=25, quote="", attributed_to=" the mayor ")
    assert response.status_code == 302
    span = Annotation.objects.get()
    assert (span.start, span.end, span.quote, span.label.slug) == (19, 25, "budget", "speculation")
    assert (span.reviewer, span.attributed_to, span.article_id) == (
        analyst,
        "the mayor",
        paragraph.article_id,
    )
    assert [(c.action, c.actor) for c in span.changes.all()] == [("create", analyst)]


def test_the_same_span_twice_is_refused(staff_client, span, paragraph, analyst):
    response = _add(staff_client, paragraph, analyst, start=4, end=9, label=span.label_id)
    assert "alice already tagged these words as Attributed claim." in response.text
    assert Annotation.objects.count() == 1


def test_changing_a_span_bumps_its_version_and_records_the_change(staff_client, staff, span, labels):
    url = reverse("admin:annotator_annotation_change", args=[span.pk])
    data = {"label": labels["speculation"].pk, "note": "loaded", "attributed_to": "", "version": 1}
    assert staff_client.post(url, data).status_code == 302
    span.refresh_from_db()
    assert (span.label.slug, span.note, span.version, span.quote) == ("speculation", "loaded", 2, "mayor")
    assert span.changes.first().action == "change"
    assert span.changes.first().actor == staff


def test_a_stale_change_is_refused_with_the_conflict(staff_client, span, analyst, labels):
    spans.change(annotation=span, actor=analyst, version=1, note="meanwhile")
    url = reverse("admin:annotator_annotation_change", args=[span.pk])
    data = {"label": labels["speculation"].pk, "note": "mine", "attributed_to": "", "version": 1}
    response = staff_client.post(url, data)
    assert response.status_code == 200
    conflict = "This span was changed meanwhile (you had version 1, it is now at version 2)"
    assert conflict in response.text
    span.refresh_from_db()
    assert (span.label.slug, span.note, span.version) == ("attributed_claim", "meanwhile", 2)


def test_deleting_a_span_is_a_soft_delete_with_history(staff_client, staff, span):
    response = staff_client.post(
        reverse("admin:annotator_annotation_delete", args=[span.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    span.refresh_from_db()
    assert span.deleted_at is not None
    assert [c.action for c in span.changes.all()] == ["delete", "create"]


def test_the_bulk_delete_action_soft_deletes_too(staff_client, span, paragraph, analyst, labels):
    other = spans.create(paragraph=paragraph, label="speculation", start=19, end=25, reviewer=analyst)
    data = {"action": "delete_selected", "_selected_action": [span.pk, other.pk], "post": "yes"}
    assert staff_client.post(reverse("admin:annotator_annotation_changelist"), data).status_code == 302
    assert Annotation.objects.count() == 2
    assert Annotation.objects.live().count() == 0


def test_the_span_list_filters_and_searches(staff_client, span, paragraph, colleague, labels):
    spans.create(
        paragraph=paragraph, label="speculation", start=19, end=25, reviewer=colleague, note="why cut?"
    )
    url = reverse("admin:annotator_annotation_changelist")
    by_label = staff_client.get(url, {"label__id__exact": labels["attributed_claim"].pk})
    assert [a.quote for a in by_label.context["cl"].result_list] == ["mayor"]
    by_reviewer = staff_client.get(url, {"reviewer__id__exact": colleague.pk})
    assert [a.quote for a in by_reviewer.context["cl"].result_list] == ["budget"]
    by_note = staff_client.get(url, {"q": "why cut"})
    assert [a.quote for a in by_note.context["cl"].result_list] == ["budget"]
    by_article = staff_client.get(url, {"article__id__exact": paragraph.article_id})
    assert len(by_article.context["cl"].result_list) == 2


def test_the_history_can_be_read_but_not_written(staff_client, span):
    change = span.changes.get()
    url = reverse("admin:annotator_annotationchange_change", args=[change.pk])
    page = staff_client.get(url)
    assert 'name="_save"' not in page.text
    assert staff_client.post(url, {"action": "undo"}).status_code == 403
    assert staff_client.get(reverse("admin:annotator_annotationchange_add")).status_code == 403
    assert (
        staff_client.post(reverse("admin:annotator_annotationchange_delete", args=[change.pk])).status_code
        == 403
    )
    assert AnnotationChange.objects.count() == 1


def test_labels_are_edited_in_the_list(staff_client, labels):
    data = {"form-TOTAL_FORMS": 4, "form-INITIAL_FORMS": 4, "_save": "Save"}
    for i, label in enumerate(Label.objects.all()):
        data |= {f"form-{i}-id": label.pk, f"form-{i}-colour": label.colour}
        data |= {f"form-{i}-shortcut": label.shortcut, f"form-{i}-order": label.order}
    data |= {"form-0-colour": "#fca5a5", "form-0-order": 9}
    response = staff_client.post(reverse("admin:annotator_label_changelist"), data)
    assert response.status_code == 302
    assert Label.objects.values_list("slug", "colour").order_by("order").last() == (
        "reported_fact",
        "#fca5a5",
    )


def test_a_bad_label_colour_is_refused(staff_client, labels):
    label = labels["speculation"]
    data = {"name": label.name, "colour": "pink", "shortcut": label.shortcut, "order": label.order}
    response = staff_client.post(reverse("admin:annotator_label_change", args=[label.pk]), data)
    assert "Enter a colour as #rrggbb." in response.text
    label.refresh_from_db()
    assert label.colour == "#fbcfe8"


def test_the_article_list_counts_live_spans_per_label(staff_client, span, paragraph, analyst, colleague):
    spans.create(paragraph=paragraph, label="attributed_claim", start=4, end=9, reviewer=colleague)
    gone = spans.create(paragraph=paragraph, label="speculation", start=19, end=25, reviewer=analyst)
    spans.delete(annotation=gone, actor=analyst)
    response = staff_client.get(reverse("admin:articles_article_changelist"))
    assert "Reported fact: 0 · Attributed claim: 2 · Speculation: 0 · Boilerplate: 0" in response.text
    page = staff_client.get(reverse("admin:articles_article_change", args=[paragraph.article_id]))
    assert "Reported fact: 0 · Attributed claim: 2 · Speculation: 0 · Boilerplate: 0" in page.text


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"shortcut": "j"}, "shortcut",
         "'j' already means next paragraph in the workbench; choose another key."),
        ({"shortcut": "?"}, "shortcut",
         "'?' already means the shortcut list in the workbench; choose another key."),
        ({"shortcut": "F"}, "shortcut", "Reported fact already uses the key 'f' (keys ignore case)."),
        ({"colour": "#7a7a7a"}, "colour",
         "Text on #7a7a7a reaches only 4.29:1 contrast, below the 4.5:1 that WCAG AA asks for; "
         "choose a lighter or a darker colour."),
        ({"colour": "#f6f7f9"}, "colour",
         "#f6f7f9 hardly shows on the white page; choose a stronger colour."),
        ({"colour": "#c3ddfd"}, "colour",
         "#c3ddfd looks like Reported fact's #bfdbfe; choose a colour apart from it."),
    ],
)  # fmt: skip
def test_a_label_keeps_its_key_reachable_and_its_highlight_readable(
    staff_client, labels, changes, field, message
):
    label = labels["speculation"]
    data = {"name": label.name, "colour": label.colour, "shortcut": label.shortcut, "order": label.order}
    response = staff_client.post(
        reverse("admin:annotator_label_change", args=[label.pk]), {**data, **changes}
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors[field] == [message]
    label.refresh_from_db()
    assert (label.colour, label.shortcut) == (data["colour"], data["shortcut"])


def test_a_readable_colour_and_a_free_key_are_saved(staff_client, labels):
    label = labels["speculation"]
    data = {"name": label.name, "colour": "#a7f3d0", "shortcut": "x", "order": label.order, "description": ""}
    response = staff_client.post(reverse("admin:annotator_label_change", args=[label.pk]), data)
    assert response.status_code == 302
    label.refresh_from_db()
    assert (label.colour, label.shortcut) == ("#a7f3d0", "x")


def test_admin_pages_carry_an_icon_so_browsers_do_not_ask_for_a_missing_one(staff_client):
    body = staff_client.get(reverse("admin:index")).content.decode()
    assert '<link rel="icon" href="data:,">' in body
    assert "Site administration" in body

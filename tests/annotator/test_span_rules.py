import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from annotator import spans
from annotator.models import Annotation, AnnotationChange


@pytest.fixture
def paragraph(article):
    return article.paragraphs.get(position=1)


def test_it_creates_a_span_with_its_quote(paragraph, analyst, labels):
    span = spans.create(paragraph=paragraph, label="attributed_claim", start=4, end=9, reviewer=analyst)
    assert (span.start, span.end, span.quote) == (4, 9, "mayor")
    assert span.article_id == paragraph.article_id
    assert span.changes.get().action == "create"


@pytest.mark.parametrize(
    ("start", "end", "field", "message"),
    [
        (5, 5, "end", "end (5) must be greater than start (5)."),
        (9, 4, "end", "end (4) must be greater than start (9)."),
        (0, 500, "end", "end (500) is past the end of the paragraph (46 characters)."),
        (-1, 3, "start", "start must be 0 or more."),
    ],
)
def test_bad_offsets_are_refused_and_nothing_is_written(
    paragraph, analyst, labels, start, end, field, message
):
    with pytest.raises(ValidationError) as error:
        spans.create(paragraph=paragraph, label="speculation", start=start, end=end, reviewer=analyst)
    assert error.value.message_dict[field] == [message]
    assert Annotation.objects.count() == 0
    assert AnnotationChange.objects.count() == 0


def test_a_quote_that_does_not_match_is_refused(paragraph, analyst, labels):
    with pytest.raises(ValidationError) as error:
        spans.create(
            paragraph=paragraph, label="speculation", start=4, end=9, quote="Mayor", reviewer=analyst
        )
    assert "expected 'mayor'" in error.value.message_dict["quote"][0]
    assert Annotation.objects.count() == 0


def test_an_unknown_label_is_refused(paragraph, analyst, labels):
    with pytest.raises(ValidationError) as error:
        spans.create(paragraph=paragraph, label="rumour", start=4, end=9, reviewer=analyst)
    assert error.value.message_dict["label"] == [
        "Unknown label 'rumour'. Choose one of: reported_fact, attributed_claim, speculation, boilerplate."
    ]


@pytest.mark.parametrize(("start", "end"), [(5, 5), (6, 2)])
def test_the_database_rejects_bad_offsets(paragraph, analyst, labels, start, end):
    with pytest.raises(IntegrityError), transaction.atomic():
        Annotation.objects.create(
            article=paragraph.article,
            paragraph=paragraph,
            start=start,
            end=end,
            quote="",
            label=labels["speculation"],
            reviewer=analyst,
        )


def test_a_stale_version_is_a_conflict(paragraph, analyst, labels):
    span = spans.create(paragraph=paragraph, label="reported_fact", start=4, end=9, reviewer=analyst)
    spans.change(annotation=span, actor=analyst, version=1, note="first")
    with pytest.raises(spans.SpanConflict):
        spans.change(annotation=span, actor=analyst, version=1, label="speculation")
    span.refresh_from_db()
    assert (span.label.slug, span.note, span.version) == ("reported_fact", "first", 2)


def test_only_the_reviewer_or_staff_may_change_a_span(paragraph, analyst, colleague, staff, labels):
    span = spans.create(paragraph=paragraph, label="reported_fact", start=4, end=9, reviewer=analyst)
    with pytest.raises(PermissionDenied):
        spans.delete(annotation=span, actor=colleague)
    spans.change(annotation=span, actor=staff, version=1, label="speculation")
    span.refresh_from_db()
    assert span.label.slug == "speculation"


def test_delete_then_undo_restores_the_span(paragraph, analyst, labels):
    span = spans.create(paragraph=paragraph, label="reported_fact", start=4, end=9, reviewer=analyst)
    spans.delete(annotation=span, actor=analyst)
    assert not Annotation.objects.live().exists()
    entry = spans.last_undoable(article=paragraph.article, actor=analyst)
    assert entry.action == "delete"
    spans.undo(entry=entry, actor=analyst)
    assert Annotation.objects.live().get().quote == "mayor"
    assert [c.action for c in AnnotationChange.objects.all()] == ["undo", "delete", "create"]


def test_anchored_paragraph_text_cannot_change(paragraph, analyst, labels):
    spans.create(paragraph=paragraph, label="reported_fact", start=4, end=9, reviewer=analyst)
    paragraph.text = "Something else entirely."
    with pytest.raises(ValidationError):
        paragraph.save()
    paragraph.refresh_from_db()
    assert paragraph.text.startswith("The mayor")


def undo_last(article, actor):
    return spans.undo(entry=spans.last_undoable(article=article, actor=actor), actor=actor)


def test_repeated_undo_walks_back_through_my_changes(paragraph, analyst, labels):
    span = spans.create(paragraph=paragraph, label="reported_fact", start=4, end=9, reviewer=analyst)
    spans.change(annotation=span, actor=analyst, version=1, label="speculation", note="hedged")
    first = undo_last(paragraph.article, analyst)
    assert first.undoes.action == "change"
    span.refresh_from_db()
    assert (span.label.slug, span.note, span.deleted_at) == ("reported_fact", "", None)
    second = undo_last(paragraph.article, analyst)
    assert second.undoes.action == "create"
    assert not Annotation.objects.live().exists()
    assert spans.last_undoable(article=paragraph.article, actor=analyst) is None
    actions = [c.action for c in AnnotationChange.objects.all()]
    assert actions == ["undo", "undo", "change", "create"]


def test_undoing_a_delete_then_the_create_leaves_the_span_deleted(paragraph, analyst, labels):
    span = spans.create(paragraph=paragraph, label="reported_fact", start=4, end=9, reviewer=analyst)
    spans.delete(annotation=span, actor=analyst)
    undo_last(paragraph.article, analyst)
    assert Annotation.objects.live().get().quote == "mayor"
    assert undo_last(paragraph.article, analyst).undoes.action == "create"
    assert not Annotation.objects.live().exists()
    assert Annotation.objects.get().version == 4


def test_an_older_change_waits_for_the_later_ones(paragraph, analyst, labels):
    span = spans.create(paragraph=paragraph, label="reported_fact", start=4, end=9, reviewer=analyst)
    spans.change(annotation=span, actor=analyst, version=1, label="speculation")
    with pytest.raises(ValidationError) as error:
        spans.undo(entry=AnnotationChange.objects.get(action="create"), actor=analyst)
    assert error.value.messages == ["This span has changed since; undo the later changes first."]
    assert Annotation.objects.live().get().label.slug == "speculation"
    assert AnnotationChange.objects.count() == 2


def test_undo_is_refused_when_someone_else_changed_the_span_since(paragraph, analyst, staff, labels):
    span = spans.create(paragraph=paragraph, label="reported_fact", start=4, end=9, reviewer=analyst)
    spans.change(annotation=span, actor=analyst, version=1, label="speculation")
    spans.change(annotation=span, actor=staff, version=2, note="checked")
    with pytest.raises(ValidationError) as error:
        undo_last(paragraph.article, analyst)
    assert error.value.messages == [
        f"{staff} changed this span since; undoing this change would overwrite theirs."
    ]
    span.refresh_from_db()
    assert (span.label.slug, span.note, span.version) == ("speculation", "checked", 3)
    assert AnnotationChange.objects.count() == 3
    # Once that change is undone, mine can be undone again.
    spans.undo(entry=AnnotationChange.objects.first(), actor=staff)
    undo_last(paragraph.article, analyst)
    span.refresh_from_db()
    assert (span.label.slug, span.note) == ("reported_fact", "")

"""The one write path for labelled spans: create, change, delete, undo, transfer.

Every entry point (workbench, API, admin, importers, transfer, suggestions, commands) calls these functions,
so one set of rules holds everywhere, each with one message: offsets inside the paragraph, a given quote equal
to the text at its offsets, offsets trimmed to the words they cover (white space alone is refused), and the
length limits of note and attribution (edge white space dropped). Forms and serializers check only types.
Each function runs in one transaction and records its change in the history; the span returned by
create / change / delete carries that history entry as `last_change` (None when nothing changed).
"""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from annotator import projects
from annotator.models import (
    ATTRIBUTION_MAX_LENGTH,
    NOTE_MAX_LENGTH,
    Annotation,
    AnnotationChange,
    Label,
)
from articles.models import Article, Paragraph
from articles.text import trim_span

Action = AnnotationChange.Action
# What templates give `maxlength` and what the limit messages name.
LIMITS = {"note": NOTE_MAX_LENGTH, "attributed_to": ATTRIBUTION_MAX_LENGTH}
WHITE_SPACE_ONLY = "The span holds only white space: it must cover some words."


class SpanConflict(Exception):
    """Someone changed the span since the caller read it."""

    def __init__(self, annotation: Annotation, expected_version: int) -> None:
        self.annotation = annotation
        self.expected_version = expected_version
        if expected_version > annotation.version:
            message = (
                f"This span is at version {annotation.version}; version {expected_version} does not exist. "
                "Send the version you read."
            )
        else:
            # The same reviewer in another tab counts too: "meanwhile", not "by someone else".
            message = (
                f"This span was changed meanwhile (you had version {expected_version}, it is now at version "
                f"{annotation.version}); nothing was saved. Look at its current state and try again."
            )
        super().__init__(message)


def can_edit(user, annotation: Annotation) -> bool:
    """Return True when the user may change this span: its reviewer, staff, or for a project's gold layer
    the project's curators."""
    return projects.may_write_layer_of(user, annotation.reviewer_id)


def resolve_label(label: Label | str) -> Label:
    """Return the Label for a slug, with an error that lists the valid ones."""
    if isinstance(label, Label):
        return label
    found = Label.objects.filter(slug=label).first()
    if found is None:
        slugs = ", ".join(Label.objects.values_list("slug", flat=True))
        raise ValidationError({"label": f"Unknown label {label!r}. Choose one of: {slugs}."})
    return found


def anchor(*, paragraph: Paragraph, start: int, end: int, quote: str | None = None) -> tuple[int, int, str]:
    """Return the span's offsets trimmed to the words they cover, and its quote.

    Offsets are code-point indices into `paragraph.text`; a given quote must equal the text between them as
    sent (before trimming), so a quote and its offsets are checked together and trimmed together.
    """
    text = paragraph.text
    if start < 0:
        raise ValidationError({"start": "start must be 0 or more."})
    if start >= end:
        raise ValidationError({"end": f"end ({end}) must be greater than start ({start})."})
    if end > len(text):
        message = f"end ({end}) is past the end of the paragraph ({len(text)} characters)."
        raise ValidationError({"end": message})
    if quote is not None and quote != text[start:end]:
        raise ValidationError(
            {
                "quote": f"The quote does not match the paragraph text at {start}-{end}: "
                f"expected {text[start:end]!r}."
            }
        )
    start, end = trim_span(text, start, end)
    if start == end:
        raise ValidationError({"quote": WHITE_SPACE_ONLY})
    return start, end, text[start:end]


def _checked_texts(note: str, attributed_to: str) -> tuple[str, str]:
    """Return note and attribution without edge white space, refusing either past its limit."""
    note, attributed_to = note.strip(), attributed_to.strip()
    errors = {}
    if len(note) > NOTE_MAX_LENGTH:
        errors["note"] = f"The note is {len(note)} characters long; the limit is {NOTE_MAX_LENGTH}."
    if len(attributed_to) > ATTRIBUTION_MAX_LENGTH:
        errors["attributed_to"] = (
            f"'Attributed to' is {len(attributed_to)} characters long; the limit is {ATTRIBUTION_MAX_LENGTH}."
        )
    if errors:
        raise ValidationError(errors)
    return note, attributed_to


def _record(
    annotation: Annotation, *, actor, action: str, before: dict | None, undoes=None
) -> AnnotationChange:
    return AnnotationChange.objects.create(
        annotation=annotation,
        article_id=annotation.article_id,
        actor=actor,
        action=action,
        before=before,
        after=annotation.snapshot(),
        undoes=undoes,
    )


def _save(annotation: Annotation) -> None:
    """Save, turning the live-span uniqueness rule into a readable error."""
    try:
        with transaction.atomic():
            annotation.save()
    except IntegrityError:
        if (
            Annotation.objects.live()
            .filter(
                paragraph_id=annotation.paragraph_id,
                label_id=annotation.label_id,
                start=annotation.start,
                end=annotation.end,
                reviewer_id=annotation.reviewer_id,
            )
            .exclude(pk=annotation.pk)
            .exists()
        ):
            raise ValidationError(
                f"{annotation.reviewer} already tagged these words as {annotation.label.name}."
            ) from None
        raise


@transaction.atomic
def create(
    *,
    paragraph: Paragraph,
    label: Label | str,
    start: int,
    end: int,
    reviewer,
    quote: str | None = None,
    note: str = "",
    attributed_to: str = "",
    transferred_from: Annotation | None = None,
    imported_by=None,
    actor=None,
    created_at: datetime | None = None,
    updated_at: datetime | None = None,
) -> Annotation:
    """Create a span. Offsets are code-point indices into `paragraph.text`, trimmed to the words they cover;
    a given quote must equal the text at the offsets as sent (see `anchor`).

    An import names who ran it (`imported_by`, recorded in the history as an import) and may keep the
    span's own timestamps from the file, so that an export imported elsewhere comes back unchanged.
    A curator writing a project's gold layer is the `actor` (the history's who) and the gold reviewer the
    `reviewer`; the caller checks that the actor may write that layer (`projects.may_write_layer_of`).
    """
    label = resolve_label(label)
    start, end, quote = anchor(paragraph=paragraph, start=start, end=end, quote=quote)
    note, attributed_to = _checked_texts(note or "", attributed_to or "")
    if created_at and updated_at and updated_at < created_at:
        raise ValidationError(
            {"updated_at": f"The span was updated ({updated_at}) before it was created ({created_at})."}
        )
    annotation = Annotation(
        article_id=paragraph.article_id,
        paragraph=paragraph,
        start=start,
        end=end,
        quote=quote,
        label=label,
        reviewer=reviewer,
        note=note,
        attributed_to=attributed_to,
        transferred_from=transferred_from,
    )
    _save(annotation)
    if created_at or updated_at:
        annotation.created_at = created_at or updated_at
        annotation.updated_at = updated_at or created_at
        # `update` because the model's auto_now fields would overwrite the file's times on save().
        Annotation.objects.filter(pk=annotation.pk).update(
            created_at=annotation.created_at, updated_at=annotation.updated_at
        )
    if imported_by is not None:
        action, actor = Action.IMPORT, imported_by
    else:
        action = Action.TRANSFER if transferred_from is not None else Action.CREATE
        actor = actor or reviewer
    annotation.last_change = _record(annotation, actor=actor, action=action, before=None)
    return annotation


def _lock(annotation: Annotation, *, actor, version: int | None) -> Annotation:
    # Lock the span's row alone, then read it with its relations. Locking the joined label and paragraph too
    # made every write to a label's spans wait on every other, and crosswise relabels deadlock; and a locking
    # read with a join, even `of=("self",)`, finds no row when a concurrent relabel has just changed the join
    # column (PostgreSQL rechecks the new row against the old label's).
    Annotation.objects.select_for_update().filter(pk=annotation.pk).values_list("pk").get()
    current = Annotation.objects.select_related("label", "paragraph").get(pk=annotation.pk)
    if not can_edit(actor, current):
        raise PermissionDenied("You can only change your own spans.")
    if version is not None and current.version != version:
        raise SpanConflict(current, version)
    return current


@transaction.atomic
def change(
    *,
    annotation: Annotation,
    actor,
    version: int | None,
    label: Label | str | None = None,
    note: str | None = None,
    attributed_to: str | None = None,
) -> Annotation:
    """Change a span's label, note or attribution. A stale `version` raises SpanConflict."""
    current = _lock(annotation, actor=actor, version=version)
    current.last_change = None
    if current.is_deleted:
        raise ValidationError("This span was deleted; undo the deletion before changing it.")
    before = current.snapshot()
    if label is not None:
        current.label = resolve_label(label)
    current.note, current.attributed_to = _checked_texts(
        current.note if note is None else note,
        current.attributed_to if attributed_to is None else attributed_to,
    )
    if current.snapshot() == before:
        return current
    current.version += 1
    _save(current)
    current.last_change = _record(current, actor=actor, action=Action.CHANGE, before=before)
    return current


@transaction.atomic
def delete(*, annotation: Annotation, actor, version: int | None = None) -> Annotation:
    """Soft-delete a span; `undo` brings it back."""
    current = _lock(annotation, actor=actor, version=version)
    current.last_change = None
    if current.is_deleted:
        return current
    before = current.snapshot()
    current.deleted_at = timezone.now()
    current.version += 1
    current.save()
    current.last_change = _record(current, actor=actor, action=Action.DELETE, before=before)
    return current


def _restore(current: Annotation, values: dict) -> None:
    current.label = resolve_label(values["label"])
    current.note = values["note"]
    current.attributed_to = values["attributed_to"]
    current.deleted_at = timezone.now() if values["deleted"] else None


def _standing_changes():
    """Changes that still stand: not undone, and not undo entries themselves."""
    return AnnotationChange.objects.filter(undone_by__isnull=True).exclude(action=Action.UNDO)


def superseded() -> Exists:
    """Annotate history entries with whether a later change on the same span still stands.

    Changes are undone newest first: an entry can be undone once every later change on its span has been
    undone, i.e. when this is False.
    """
    return Exists(_standing_changes().filter(annotation_id=OuterRef("annotation_id"), pk__gt=OuterRef("pk")))


@transaction.atomic
def undo(*, entry: AnnotationChange, actor) -> AnnotationChange:
    """Revert one history entry, recording the revert as a new entry.

    The span gets the entry's `before` values back (a created span is removed). Repeated undos walk back
    through the span's changes newest first: an entry can be undone once every later change on the span
    has been undone.
    """
    entry = AnnotationChange.objects.select_for_update().get(pk=entry.pk)
    if entry.action == Action.UNDO:
        raise ValidationError("An undo cannot itself be undone; make the change again instead.")
    if AnnotationChange.objects.filter(undoes=entry).exists():
        raise ValidationError("This change has already been undone.")
    current = _lock(entry.annotation, actor=actor, version=None)
    later = (
        _standing_changes()
        .filter(annotation_id=entry.annotation_id, pk__gt=entry.pk)
        .select_related("actor")
        .order_by("-pk")
        .first()
    )
    if later is not None:
        if later.actor_id != entry.actor_id:
            raise ValidationError(
                f"{later.actor} changed this span since; undoing this change would overwrite theirs."
            )
        raise ValidationError("This span has changed since; undo the later changes first.")
    before = current.snapshot()
    if entry.before is None:
        current.deleted_at = timezone.now()
    else:
        _restore(current, entry.before)
    current.version += 1
    _save(current)
    return _record(current, actor=actor, action=Action.UNDO, before=before, undoes=entry)


def last_undoable(*, article: Article, actor) -> AnnotationChange | None:
    """Return the actor's newest change in this article that has not been undone.

    Called again after each undo, it walks back through the actor's changes in order.
    """
    return (
        AnnotationChange.objects.filter(article=article, actor=actor, undone_by__isnull=True)
        .exclude(action=Action.UNDO)
        .select_related("annotation")
        .first()
    )

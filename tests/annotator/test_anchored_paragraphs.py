"""A paragraph that spans point into keeps its text, whichever way it is saved; other changes still go."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from annotator import spans

MESSAGE = "This paragraph's text cannot change: annotations point into it."


@pytest.fixture
def paragraph(article):
    return article.paragraphs.get(position=1)


def test_saving_new_text_is_refused_with_the_reason(paragraph, annotate):
    annotate(paragraph, "mayor")
    original = paragraph.text
    paragraph.text = "Something else entirely."
    with pytest.raises(ValidationError) as refused:
        paragraph.save()
    assert refused.value.message_dict == {"text": [MESSAGE]}
    paragraph.refresh_from_db()
    assert paragraph.text == original


def test_a_deleted_span_still_holds_the_text(paragraph, annotate, analyst):
    # Undo can bring the span back at its offsets.
    span = annotate(paragraph, "mayor", reviewer=analyst)
    spans.delete(annotation=span, actor=analyst)
    paragraph.text = "Something else entirely."
    with pytest.raises(ValidationError, match="annotations point into it"):
        paragraph.save()


def test_other_fields_of_an_anchored_paragraph_may_change(paragraph, annotate):
    annotate(paragraph, "mayor")
    paragraph.links = [{"start": 4, "end": 9, "url": "https://example.org/mayor"}]
    paragraph.save()
    paragraph.refresh_from_db()
    assert paragraph.links == [{"start": 4, "end": 9, "url": "https://example.org/mayor"}]

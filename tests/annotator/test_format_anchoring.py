import pytest

from annotator.formats.anchoring import Anchor, Unmatched, locate

PARAGRAPHS = ["The army said the road was open.", "Later the army said the road was closed again."]


def test_a_span_whose_position_holds_its_quote_stays_put():
    assert locate(PARAGRAPHS, quote="army", paragraph=1, start=10, end=14) == Anchor(1, 10, 14, moved=False)


def test_article_level_offsets_are_mapped_to_the_paragraph():
    start = len(PARAGRAPHS[0]) + 2 + 10
    assert locate(PARAGRAPHS, quote="army", article_start=start, article_end=start + 4) == Anchor(
        1, 10, 14, False
    )


def test_a_moved_span_is_found_by_its_prefix_and_suffix():
    edited = ["Breaking. " + PARAGRAPHS[0], PARAGRAPHS[1]]
    found = locate(edited, quote="road", prefix="Later the army said the ", suffix=" was closed",
                   paragraph=1, start=26, end=30)  # fmt: skip
    assert found == Anchor(1, 24, 28, moved=True)


def test_one_side_of_the_context_is_enough_when_it_singles_out_one_place():
    edited = ["The army said the road was open.", "Later the army said the road was shut."]
    found = locate(edited, quote="road", prefix="Later the army said the ", suffix=" was closed again.",
                   paragraph=1, start=99, end=103)  # fmt: skip
    assert found == Anchor(1, 24, 28, moved=True)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"quote": "bridge"}, "the quote 'bridge' is not in the article."),
        ({"quote": "army said the road was"},
         "the quote 'army said the road was' occurs 2 times with the same context; cannot tell which."),
        ({"quote": "road", "prefix": "xyz ", "suffix": " abc"},
         "the quote 'road' occurs 2 time(s) but its prefix and suffix single out none of them."),
        ({"quote": "open.\n\nLater"},
         "the quote runs across a paragraph break; spans stay within one paragraph."),
    ],
)  # fmt: skip
def test_what_cannot_be_placed_without_guessing_is_unmatched(kwargs, message):
    with pytest.raises(Unmatched) as error:
        locate(PARAGRAPHS, paragraph=0, start=0, end=3, **kwargs)
    assert str(error.value) == message

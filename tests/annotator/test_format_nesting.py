"""Spans sorted into levels without overlap, and the refusal that names the spans a target cannot hold."""

from annotator.formats import nesting


def span(span_id: int, start: int, end: int, article: int = 1) -> dict:
    return {
        "id": span_id,
        "article": article,
        "article_start": start,
        "article_end": end,
        "label": "x",
        "quote": "q",
    }


def test_a_nested_span_is_always_deeper_than_its_container_and_touching_spans_share_a_level():
    placed = nesting.layers([span(1, 0, 18), span(2, 14, 46), span(3, 18, 25), span(4, 46, 50)])
    assert [(row["id"], layer, blocker and blocker["id"]) for row, layer, blocker in placed] == [
        (1, 0, None), (2, 1, 1), (3, 2, 2), (4, 0, None),
    ]  # fmt: skip


def test_a_long_refusal_names_the_first_spans_and_counts_the_rest():
    rows = [span(1, 0, 100)] + [span(n, n, n + 1) for n in range(2, 27)]
    message = nesting.refusal(rows, 1, "in 1 tag column")
    assert message.startswith(
        "25 spans do not fit in 1 tag column, nothing was exported: span 2 (x 'q' at 2-3"
    )
    assert message.count(" overlaps span 1 ") == nesting.LISTED
    assert message.endswith("; and 5 more.")
    assert nesting.refusal([span(1, 0, 5), span(2, 5, 9), span(3, 0, 5, article=2)], 1, "anywhere") is None

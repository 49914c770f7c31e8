"""The CoNLL export: one tag column per nesting level, article offsets on every token, nothing dropped."""

from annotator.formats import conll
from tests.annotator.format_rows import PARAGRAPHS, row

TEXT = "\n\n".join(PARAGRAPHS)


def lines_of(rows, **options) -> list[list[str]]:
    return [
        line.split("\t") if line else []
        for line in b"".join(conll.write(rows, **options)).decode().split("\n")
    ]


def spans_read_back(rows) -> list[tuple[int, int, str, str]]:
    """Read the file as a reader of the documented layout would: each B- starts a span on its level, the
    I- after it extend it; offsets from the columns, the quote from the article text."""
    found, open_spans = [], {}
    for cells in lines_of(rows):
        if not cells or cells[0] == "-DOCSTART-":
            continue
        _, start, end, *tags = cells
        for level, tag in enumerate(tags):
            if tag.startswith("B-"):
                open_spans[level] = [int(start), int(end), tag[2:]]
                found.append(open_spans[level])
            elif tag.startswith("I-"):
                open_spans[level][1] = int(end)
    return sorted((s, e, label, TEXT[s:e]) for s, e, label in found)


def test_the_tokenizer_keeps_hyphenated_words_and_splits_punctuation():
    text = "A cease-fire, don't you think? 10%."
    assert [text[s:e] for s, e in conll.tokens(text, 0, [])] == [
        "A", "cease-fire", ",", "don't", "you", "think", "?", "10", "%", ".",
    ]  # fmt: skip


def test_a_token_is_cut_where_a_span_starts_or_ends_inside_it():
    assert conll.tokens("cease-fire now", 100, [105, 106]) == [(100, 105), (105, 106), (106, 110), (111, 114)]


def test_the_layout_has_the_article_id_offsets_and_one_column_per_level():
    rows = [row("On Monday", "reported_fact", paragraph=0), row("mayor", "attributed_claim", span_id=2)]
    lines = lines_of(rows)
    assert lines[:4] == [
        ["-DOCSTART-", "article=7", "levels=1"],
        [],
        ["On", "0", "2", "B-reported_fact"],
        ["Monday", "3", "9", "I-reported_fact"],
    ]
    mayor = TEXT.index("mayor")
    assert ["mayor", str(mayor), str(mayor + 5), "B-attributed_claim"] in lines
    # Every paragraph of the article, each followed by a blank line; the third has no span.
    assert lines.count([]) == 1 + 3 + 1  # after DOCSTART, after each paragraph, then the file's last newline
    assert ["😮", str(TEXT.index("😮")), str(TEXT.index("😮") + 1), "O"] in lines
    for cells in lines:
        if cells and cells[0] != "-DOCSTART-":
            assert TEXT[int(cells[1]) : int(cells[2])] == cells[0]


def test_nested_and_overlapping_spans_each_get_a_level_and_none_is_lost():
    rows = [
        row("the budget would be cut", "reported_fact", span_id=1),
        row("budget", "attributed_claim", span_id=2),  # nested in 1
        row("be cut by 10%", "speculation", span_id=3),  # crosses 1
        row("the budget would be cut", "reported_fact", reviewer="bob", span_id=4),  # the same range again
        row("mayor", "boilerplate", span_id=5),
    ]
    lines = lines_of(rows)
    assert lines[0] == ["-DOCSTART-", "article=7", "levels=3"]
    assert {len(cells) for cells in lines if cells and cells[0] != "-DOCSTART-"} == {3 + 3}
    start = TEXT.index("the budget")
    tokens = [cells for cells in lines if cells and cells[0] != "-DOCSTART-" and int(cells[1]) >= start]
    by_token = {cells[0]: cells[3:] for cells in reversed(tokens)}  # the first occurrence from `start`
    assert by_token["the"] == ["B-reported_fact", "B-reported_fact", "O"]
    assert by_token["budget"] == ["I-reported_fact", "I-reported_fact", "B-attributed_claim"]
    assert by_token["be"] == ["I-reported_fact", "I-reported_fact", "B-speculation"]
    assert by_token["10"] == ["O", "O", "I-speculation"]
    assert spans_read_back(rows) == sorted(
        (r["article_start"], r["article_end"], r["label"], r["quote"]) for r in rows
    )


def test_a_span_inside_a_word_keeps_its_exact_offsets():
    rows = [
        row("privatisation", "speculation", paragraph=2),
        row("privat", "attributed_claim", paragraph=2, span_id=2),
    ]
    assert spans_read_back(rows) == sorted(
        (r["article_start"], r["article_end"], r["label"], r["quote"]) for r in rows
    )


def test_each_article_has_its_own_block_and_level_count():
    rows = [row("On Monday", "reported_fact", paragraph=0), row("On", "boilerplate", paragraph=0, span_id=2),
            row("town hall", "boilerplate", paragraph=0, article=8, span_id=3)]  # fmt: skip
    docstarts = [cells for cells in lines_of(rows) if cells and cells[0] == "-DOCSTART-"]
    assert docstarts == [["-DOCSTART-", "article=7", "levels=2"], ["-DOCSTART-", "article=8", "levels=1"]]


def test_a_single_column_refuses_nested_spans_by_name():
    rows = [
        row("the budget would be cut", "reported_fact", span_id=1),
        row("budget", "attributed_claim", span_id=2),
        row("mayor", "boilerplate", span_id=5),
    ]
    start = TEXT.index("the budget")
    assert conll.refusal(lambda: rows, {"levels": "1"}) == {
        "levels": [
            "1 span does not fit in 1 tag column (nested or overlapping), nothing was exported: span 2 "
            f"(attributed_claim 'budget' at {start + 4}-{start + 10} in article 7) overlaps span 1 "
            f"(reported_fact 'the budget would be cut' at {start}-{start + 23} in article 7)."
        ]
    }
    assert conll.refusal(lambda: rows, {"levels": "2"}) == {}
    assert conll.refusal(lambda: rows, {"levels": "any"}) == {}

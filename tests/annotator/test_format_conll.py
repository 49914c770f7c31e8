from annotator.formats import conll
from tests.annotator.format_rows import row


def test_the_tokenizer_keeps_hyphenated_words_and_splits_punctuation():
    tokens = [token for token, _ in conll.tag("A cease-fire, don't you think? 10%.", [])]
    assert tokens == ["A", "cease-fire", ",", "don't", "you", "think", "?", "10", "%", "."]


def test_spans_become_bio_tags():
    text = "The mayor said the budget would be cut."
    tagged = conll.tag(text, [(4, 9, "attributed_claim"), (15, 38, "reported_fact")])
    assert tagged == [
        ("The", "O"), ("mayor", "B-attributed_claim"), ("said", "O"), ("the", "B-reported_fact"),
        ("budget", "I-reported_fact"), ("would", "I-reported_fact"), ("be", "I-reported_fact"),
        ("cut", "I-reported_fact"), (".", "O"),
    ]  # fmt: skip


def test_where_spans_overlap_the_earlier_then_longer_one_keeps_the_tokens():
    text = "one two three four"
    tagged = conll.tag(text, [(4, 13, "speculation"), (0, 7, "boilerplate"), (0, 3, "reported_fact")])
    assert [bio for _, bio in tagged] == ["B-boilerplate", "I-boilerplate", "B-speculation", "O"]


def test_the_file_has_a_docstart_per_article_and_a_blank_line_per_paragraph():
    rows = [row("On Monday", "reported_fact", paragraph=0), row("mayor", "attributed_claim"),
            row("town hall", "boilerplate", paragraph=0, article=8)]  # fmt: skip
    text = b"".join(conll.write(rows)).decode()
    blocks = text.split("-DOCSTART-\tO\n\n")
    assert blocks[0] == "" and len(blocks) == 3
    first_article = blocks[1].split("\n\n")
    assert first_article[0].splitlines()[:3] == ["On\tB-reported_fact", "Monday\tI-reported_fact", "the\tO"]
    assert "mayor\tB-attributed_claim" in first_article[1].splitlines()

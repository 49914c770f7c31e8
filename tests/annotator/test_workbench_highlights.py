"""The paragraph renderer: nested marks whose text content is exactly the paragraph's text."""

import html
import re
from types import SimpleNamespace

import pytest

from annotator.colours import contrast_ratio, text_colour_for
from annotator.templatetags.highlights import label_styles, nest, render_highlights

TAG = re.compile(r"<[^>]+>")


def span(pk, start, end, slug="speculation", reviewer_id=1):
    label = SimpleNamespace(pk={"speculation": 3, "attributed_claim": 2}.get(slug, 1), slug=slug, name=slug)
    return SimpleNamespace(
        pk=pk, start=start, end=end, label=label, reviewer_name="alice", reviewer_id=reviewer_id
    )


def text_content(markup: str) -> str:
    return html.unescape(TAG.sub("", markup))


def test_text_is_escaped_and_keeps_its_characters():
    text = 'A <script>alert("x")</script> & “quotes” © 𝕏 end'
    markup = render_highlights(text, [span(1, 2, 10)])
    assert "<script>" not in markup
    assert "&lt;script&gt;" in markup
    assert text_content(markup) == text


def test_a_nested_span_is_one_mark_inside_the_other():
    text = "The terrorist group claim that the city could fall soon."
    start = text.index("could fall")
    outer, inner = span(1, 0, len(text), "attributed_claim"), span(2, start, start + len("could fall"))
    markup = render_highlights(text, [outer, inner])
    assert markup.count('data-annotation-id="1"') == 1
    assert markup.count('data-annotation-id="2"') == 1
    assert markup.index('data-annotation-id="1"') < markup.index('data-annotation-id="2"')
    assert re.search(r'<mark [^>]*data-annotation-id="2"[^>]*>could fall</mark>', markup)
    assert text_content(markup) == text


def test_crossing_spans_are_cut_where_they_cross():
    text = "abcdefghij"
    pieces = nest(len(text), [span(1, 0, 6), span(2, 4, 10)])
    assert [(p.start, p.end, p.item.pk, p.is_head) for p in pieces] == [(0, 6, 1, True), (6, 10, 2, False)]
    assert [(c.start, c.end, c.item.pk) for c in pieces[0].children] == [(4, 6, 2)]
    markup = render_highlights(text, [span(1, 0, 6), span(2, 4, 10)])
    assert 'class="hl l3 d0 cont"' in markup
    assert text_content(markup) == text


def test_two_spans_on_the_same_words_both_render():
    text = "up to 100 fighters"
    markup = render_highlights(
        text, [span(1, 0, 18, reviewer_id=1), span(2, 0, 18, reviewer_id=2)], user_id=1
    )
    assert markup.startswith('<mark class="hl l3 d0" data-annotation-id="1"')
    assert '<mark class="hl l3 d1 theirs" data-annotation-id="2"' in markup
    assert text_content(markup) == text


def test_offsets_outside_the_text_are_ignored():
    assert render_highlights("short", [span(1, 3, 50), span(2, 4, 4)]) == "short"


@pytest.mark.parametrize(
    ("url", "expected"),
    [("https://southfront.org/donate/", True), ("javascript:alert(1)", False), ("#", False)],
)
def test_only_web_links_become_anchors(url, expected):
    text = "donate here today"
    markup = render_highlights(text, [], [{"start": 7, "end": 11, "url": url}])
    assert ("<a href=" in markup) is expected
    assert text_content(markup) == text


def test_a_link_inside_a_span_nests_inside_its_mark():
    text = "via: http://southfront.org/donate/ or"
    link = {"start": 5, "end": 34, "url": "http://southfront.org/donate/"}
    markup = render_highlights(text, [span(1, 0, 37)], [link])
    assert markup.index("<mark") < markup.index("<a ") < markup.index("</a>") < markup.index("</mark>")
    assert text_content(markup) == text


def test_a_carriage_return_survives_html_parsing():
    markup = render_highlights("one\r\ntwo", [])
    assert markup == "one&#13;\ntwo"


def test_every_random_layout_keeps_the_text():
    import random

    rng = random.Random(4)
    text = "Pro-government sources deny this number of casualties and say that at least 8 vehicles burned."
    for _ in range(200):
        spans = []
        for pk in range(rng.randint(1, 8)):
            start = rng.randrange(len(text) - 1)
            spans.append(span(pk + 1, start, rng.randint(start + 1, len(text))))
        markup = render_highlights(text, spans)
        assert text_content(markup) == text
        assert markup.count("<mark") == markup.count("</mark>")
        for item in spans:
            assert f'data-annotation-id="{item.pk}"' in markup


@pytest.mark.django_db
def test_default_label_colours_pass_wcag_aa(labels):
    for label in labels.values():
        assert contrast_ratio(label.colour, text_colour_for(label.colour)) >= 4.5
    css = label_styles(labels.values())
    assert f".l{labels['speculation'].pk}{{--hl-bg:#fbcfe8;--hl-fg:#111827;" in css
    styles = re.findall(r"--hl-style:(\w+)", css)
    assert len(set(styles)) == 4


def test_a_dark_label_colour_gets_white_text():
    assert text_colour_for("#1e3a8a") == "#ffffff"


def test_a_colour_that_is_not_hex_is_not_written_into_css():
    evil = SimpleNamespace(pk=9, colour="red;}</style><script>")
    css = label_styles([evil])
    assert "script" not in css
    assert "--hl-bg:#e5e7eb" in css


def test_the_span_list_escapes_quotes_and_names():
    from annotator.templatetags.highlights import span_buttons

    item = SimpleNamespace(
        pk=7,
        label=SimpleNamespace(pk=3, name="<u>Spec</u>"),
        excerpt="<img src=x onerror=alert(1)>",
        attributed_to="Bob & <i>co</i>",
        reviewer_name="<b>",
        note="<s>unsure</s>",
    )
    markup = span_buttons([item], True, {7})
    assert "<img" not in markup and "<i>" not in markup and "<b>" not in markup and "<s>" not in markup
    assert markup == (
        '<li><button type="button" class="goto" data-goto="7">'
        '<span class="tag l3">&lt;u&gt;Spec&lt;/u&gt;</span>'
        ' <span class="contra-mark" title="Contradicts another span">⚠'
        '<span class="visually-hidden"> contradicts another span</span></span>'
        " <q>&lt;img src=x onerror=alert(1)&gt;</q> "
        '<span class="attr">— Bob &amp; &lt;i&gt;co&lt;/i&gt;</span> <span class="who">&lt;b&gt;</span>'
        ' <span class="note-text"><span class="note-mark" aria-hidden="true">✎</span>'
        " &lt;s&gt;unsure&lt;/s&gt;</span></button></li>"
    )


def test_a_span_with_a_note_is_marked_and_carries_its_note():
    text = "lost up to 100 fighters"
    noted = span(1, 0, 4)
    noted.note = 'unnamed "source" <b>'
    markup = render_highlights(text, [noted, span(2, 5, 7)], flagged={2})
    assert 'class="hl l3 d0 noted"' in markup
    assert 'data-note="unnamed &quot;source&quot; &lt;b&gt;"' in markup
    assert 'title="speculation · alice · Note: unnamed &quot;source&quot; &lt;b&gt;"' in markup
    assert 'class="hl l3 d0 contra"' in markup
    assert text_content(markup) == text


def test_label_names_reach_the_css_only_as_escaped_strings():
    css = label_styles([SimpleNamespace(pk=4, colour="#fbcfe8", name='Spe"c</style>\\')])
    assert '--hl-tag:"Spe\\000022c\\00003c\\00002fstyle\\00003e\\00005c"' in css

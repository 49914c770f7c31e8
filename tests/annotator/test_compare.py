"""The compare page: aligned paragraphs, shared text, word-level edits, which is older, shares."""

from __future__ import annotations

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from annotator import comparison, suggestions
from annotator.models import Label
from articles import detection
from articles.importers import import_file
from articles.models import Article, BoilerplateSuggestion
from tests.annotator.test_transfer_passages import REWRITTEN_SOURCE, REWRITTEN_TARGET
from tests.factories import ArticleFactory


@pytest.fixture
def seeds(db, seed_paths, settings):
    settings.BOILERPLATE_MIN_ARTICLES = 2
    first, second = (import_file(path).articles[0] for path in seed_paths)
    detection.detect([first.pk, second.pk])
    return first, second


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", html))


def test_the_seeds_side_by_side(client, analyst, seeds):
    first, second = seeds
    client.force_login(analyst)
    response = client.get(reverse("annotator:compare", args=[second.pk, first.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    older = html.index('id="older-title"')
    assert first.title in html[older : html.index('id="newer-title"')]
    assert '<span class="badge older">Older</span>' in html
    # The highway lost a town: the word-level edit of the one reused passage.
    assert '<del class="mk deleted" title="not in the newer text" data-link="0">Al-Salamiyah</del>' in html
    assert '<mark class="mk changed" title="was: Forces" data-link="0">Force</mark>' in html
    assert '<ins class="mk inserted" title="not in the older text" data-link="0">morning</ins>' in html
    assert (
        '<span class="mk same" data-link="0" title="Passage 1: edited, 88% alike">December 8 </span>' in html
    )
    assert '<span class="mk boilerplate" title="boilerplate of this publisher">Copyright' in html
    text = _text(html)
    assert "1 reused passage: 1 edited." in text
    assert "edited, 88% alike: older ¶1–6 (715 characters) → newer ¶1–2 (763 characters)" in text
    assert "19% of its words come from the older article" in text
    assert "75% of its words reappear in the newer article" in text
    added = "The terrorist group claim that government forces have lost up to 100 fighters"
    assert f'<p class="cpara" id="n{second.paragraphs.get(text__startswith=added).pk}">' in html


def test_paragraphs_are_aligned_and_the_added_ones_stand_apart(seeds):
    first, second = seeds
    c = comparison.build(second, first)
    assert (c.older, c.newer) == (first, second)
    rows = [([p.position for p in row.older], [p.position for p in row.newer], row.aligned) for row in c.rows]
    assert rows[:3] == [
        ([0, 1, 2, 3], [0], True),
        ([4, 5], [1], True),
        ([6, 7], [2, 3, 4, 5, 6, 7, 8], False),
    ]
    assert rows[3:] == [([i], [i + 1], True) for i in range(8, 16)]
    opening = "".join(piece.text for piece in c.rows[0].newer[0].pieces)
    assert opening == second.paragraphs.get(position=0).text


def test_unrelated_text_is_not_marked_and_is_escaped(client, analyst, db):
    a = ArticleFactory(
        paragraphs=["<script>alert(1)</script> The council met on Monday to vote on the budget."]
    )
    b = ArticleFactory(paragraphs=["A storm hit the coast and trees fell on the road between the towns."])
    client.force_login(analyst)
    html = client.get(reverse("annotator:compare", args=[a.pk, b.pk])).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert 'class="mk same" data-link' not in html
    assert "0 reused passages." in _text(html)


def test_comparing_an_article_with_itself_or_a_deleted_one_is_not_found(client, analyst, db):
    a, b = ArticleFactory(), ArticleFactory(deleted_at=timezone.now())
    client.force_login(analyst)
    assert client.get(reverse("annotator:compare", args=[a.pk, a.pk])).status_code == 404
    assert client.get(reverse("annotator:compare", args=[a.pk, b.pk])).status_code == 404


def test_the_compare_page_needs_a_login(client, db):
    a, b = ArticleFactory(), ArticleFactory()
    response = client.get(reverse("annotator:compare", args=[a.pk, b.pk]))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def _kinds_of(c: comparison.Comparison, text: str) -> set[str | None]:
    """Return the marks on `text` wherever it shows, on either side."""
    views = [view for row in c.rows for view in (*row.older, *row.newer)]
    return {piece.kind for view in views for piece in view.pieces if text in piece.text}


MEDIA = "For media inquiries: publications@globalresearch.ca"


def _dismiss_footer(seeds, user) -> None:
    """Dismiss, for `user`, every boilerplate suggestion of both seeds but the media line."""
    for suggestion in BoilerplateSuggestion.objects.filter(article__in=seeds).exclude(paragraph__text=MEDIA):
        suggestions.dismiss(suggestion=suggestion, user=user)


def test_boilerplate_the_analyst_dismissed_is_shown_as_text_to_them_only(seeds, analyst, colleague):
    first, second = seeds
    copyright = "Copyright © South Front, South Front, 2016"
    _dismiss_footer(seeds, analyst)
    assert _kinds_of(comparison.build(first, second, viewer=colleague), copyright) == {"boilerplate"}
    mine = comparison.build(first, second, viewer=analyst)
    # To the analyst the footer is text like any other, reused from the older article (the media line, still
    # boilerplate to them, is the one edit).
    assert _kinds_of(mine, copyright) == {"same"}
    assert [p.kind_name for p in mine.passages] == ["edited", "edited"]
    assert _kinds_of(mine, MEDIA) == {"boilerplate"}


def test_a_dismissed_line_alone_is_too_short_to_be_reuse(seeds, analyst):
    first, second = seeds
    copyright = "Copyright © South Front, South Front, 2016"
    _dismiss(first, copyright, analyst)
    _dismiss(second, copyright, analyst)
    mine = comparison.build(first, second, viewer=analyst)
    assert _kinds_of(mine, copyright) == {None}
    assert [p.kind_name for p in mine.passages] == ["edited"]


def test_the_compare_page_shows_dismissed_boilerplate_as_shared_text(client, seeds, analyst):
    first, second = seeds
    _dismiss_footer(seeds, analyst)
    client.force_login(analyst)
    html = client.get(reverse("annotator:compare", args=[first.pk, second.pk])).content.decode()
    assert re.search(r'<span class="mk boilerplate"[^>]*>Copyright ©', html) is None
    assert re.search(
        r'<span class="mk same" data-link="1" title="Passage 2: edited, \d+% alike">Copyright ©', html
    )


FACEBOOK = "Comment on Global Research Articles on our Facebook page"


def _dismiss(article: Article, text: str, user) -> None:
    for suggestion in BoilerplateSuggestion.objects.filter(article=article, paragraph__text=text):
        suggestions.dismiss(suggestion=suggestion, user=user)


def _kinds_by_side(c: comparison.Comparison, text: str) -> dict[str, set[tuple[str | None, str]]]:
    """Return the marks on `text` and the titles they carry, side by side."""
    found: dict[str, set[tuple[str | None, str]]] = {"older": set(), "newer": set()}
    for row in c.rows:
        for side, views in (("older", row.older), ("newer", row.newer)):
            found[side] |= {(p.kind, p.note) for view in views for p in view.pieces if text in p.text}
    return found


def test_a_line_dismissed_in_one_article_only_is_boilerplate_on_both_sides(seeds, analyst, colleague):
    first, second = seeds
    before = comparison.build(first, second, viewer=analyst)
    _dismiss(first, FACEBOOK, analyst)
    mine = comparison.build(first, second, viewer=analyst)
    assert _kinds_by_side(mine, FACEBOOK) == {
        "older": {("boilerplate", "boilerplate in the other article")},
        "newer": {("boilerplate", "boilerplate of this publisher")},
    }
    assert (mine.older_percent, mine.newer_percent, mine.passages) == (
        before.older_percent,
        before.newer_percent,
        before.passages,
    )
    theirs = _kinds_by_side(comparison.build(first, second, viewer=colleague), FACEBOOK)
    assert theirs == {side: {("boilerplate", "boilerplate of this publisher")} for side in ("older", "newer")}


def test_a_line_dismissed_in_the_newer_article_only_is_boilerplate_on_both_sides(seeds, analyst):
    first, second = seeds
    copyright = "Copyright © South Front, South Front, 2016"
    _dismiss(second, copyright, analyst)
    assert _kinds_of(comparison.build(first, second, viewer=analyst), copyright) == {"boilerplate"}
    _dismiss(first, copyright, analyst)
    # Dismissed on both sides it is ordinary text: too short alone to be a reused passage.
    assert _kinds_of(comparison.build(first, second, viewer=analyst), copyright) == {None}


def test_the_compare_page_marks_a_line_dismissed_on_one_side_as_boilerplate_on_both(client, seeds, analyst):
    first, second = seeds
    _dismiss(first, FACEBOOK, analyst)
    client.force_login(analyst)
    html = client.get(reverse("annotator:compare", args=[first.pk, second.pk])).content.decode()
    assert f'<span class="mk boilerplate" title="boilerplate in the other article">{FACEBOOK}</span>' in html
    assert f'<span class="mk boilerplate" title="boilerplate of this publisher">{FACEBOOK}</span>' in html
    assert f">{FACEBOOK}</p>" not in html


def test_the_transfer_preview_and_result_show_labels_in_their_colours(client, analyst, labels, annotate):
    old = ArticleFactory(paragraphs=["Troops tried to encircle the city on Friday, officials said."])
    new = ArticleFactory(
        paragraphs=["Troops tried to encircle the city on Friday, officials said. It rained."]
    )
    span = annotate(old.paragraphs.get(), "encircle the city", "speculation", reviewer=analyst)
    label = labels["speculation"]
    tag = f'<span class="tag l{label.pk}">{label.name}</span>'
    client.force_login(analyst)
    url = reverse("reuse:transfer", args=[old.pk, new.pk])
    page = client.get(url)
    stylesheet = reverse("annotator:label-styles")
    assert f'<link rel="stylesheet" href="{stylesheet}">' in page.content.decode()
    rules = client.get(stylesheet)
    assert rules["Content-Type"] == "text/css; charset=utf-8"
    assert f".l{label.pk}{{--hl-bg:{label.colour};" in rules.content.decode()
    assert tag in page.content.decode()
    compare = client.get(reverse("annotator:compare", args=[old.pk, new.pk])).content.decode()
    assert f'<link rel="stylesheet" href="{stylesheet}">' in compare
    assert tag in client.get(url, HTTP_HX_REQUEST="true").content.decode()
    apply = reverse("reuse:transfer-apply", args=[old.pk, new.pk])
    result = client.post(apply, {"span": [span.pk]}, HTTP_HX_REQUEST="true").content.decode()
    assert f"<li>{tag} <q>encircle the city</q></li>" in result


STATEMENT = (
    "The lease was approved in full compliance with the law, the city charter and the budget adopted by the "
    "council in March."
)
QUOTING = (
    "Dockworkers gathered at Pier 3 on Friday. A spokeswoman for the mayor insisted that the lease was "
    "approved in full compliance with the law, the city charter and the budget adopted by the council in "
    "March, and that the strike was unlawful."
)


def test_a_quote_inside_a_paragraph_marks_only_the_quoted_words(client, analyst, db):
    earlier = ArticleFactory(paragraphs=[STATEMENT], published_on=datetime.date(2024, 3, 1))
    later = ArticleFactory(paragraphs=[QUOTING], published_on=datetime.date(2024, 3, 2))
    client.force_login(analyst)
    html = client.get(reverse("annotator:compare", args=[later.pk, earlier.pk])).content.decode()
    quoted = QUOTING[QUOTING.index("the lease") : QUOTING.index(", and that")]
    title = "Passage 1: verbatim, 100% alike"
    assert f'insisted that <span class="mk same" data-link="0" title="{title}">{quoted}</span>, and' in html
    assert "Dockworkers gathered at Pier 3 on Friday." in html  # unmarked
    assert "1 reused passage: 1 verbatim." in _text(html)


def test_a_rewritten_passage_is_marked_as_such_without_word_edits(client, analyst, db):
    earlier = ArticleFactory(paragraphs=[REWRITTEN_SOURCE], published_on=datetime.date(2024, 3, 1))
    later = ArticleFactory(paragraphs=[REWRITTEN_TARGET], published_on=datetime.date(2024, 3, 2))
    c = comparison.build(later, earlier)
    [passage] = c.passages
    assert (passage.kind_name, passage.percent) == ("rewritten or summarised", 52)
    assert _kinds_of(c, "war crime") == {"rewritten"}
    client.force_login(analyst)
    html = client.get(reverse("annotator:compare", args=[earlier.pk, later.pk])).content.decode()
    title = "Passage 1: rewritten or summarised, 52% alike"
    assert f'<span class="mk rewritten" data-link="0" title="{title}">Overnight rebel shelling' in html
    assert "<mark" not in html.split("compare-grid")[1] and "<del" not in html.split("compare-grid")[1]
    assert "1 reused passage: 1 rewritten or summarised." in _text(html)


def test_an_undated_article_is_never_called_newer_and_the_import_order_sets_the_sides(client, analyst, db):
    # Imported first, so it goes on the left although the other has a date: no date is compared with an
    # import day.
    undated = ArticleFactory(paragraphs=[STATEMENT], published_on=None, title="No date here")
    dated = ArticleFactory(paragraphs=[QUOTING], published_on=datetime.date(2030, 3, 2))
    client.force_login(analyst)
    html = client.get(reverse("annotator:compare", args=[dated.pk, undated.pk])).content.decode()
    text = _text(html)
    assert "Newer" not in text and "Older" not in text and "newer" not in html.split("compare-grid")[1]
    assert '<span class="badge undated">Undated, earlier import</span>' in html
    assert '<span class="badge import">Dated, later import</span>' in html
    assert html.index(f'id="o{undated.paragraphs.get().pk}"') < html.index(
        f'id="n{dated.paragraphs.get().pk}"'
    )
    assert (
        "“No date here” has no publication date, so the two are set side by side in import order (earlier "
        "import on the left); which was written first is not known."
    ) in text
    assert "Undated, earlier import → dated, later import: preview" in text


def test_two_undated_articles_are_set_side_by_side_by_import_order(client, analyst, db):
    first = ArticleFactory(paragraphs=[STATEMENT], published_on=None)
    second = ArticleFactory(paragraphs=[QUOTING], published_on=None)
    client.force_login(analyst)
    html = client.get(reverse("annotator:compare", args=[second.pk, first.pk])).content.decode()
    assert html.index(f'id="o{first.paragraphs.get().pk}"') < html.index(
        f'id="n{second.paragraphs.get().pk}"'
    )
    assert '<span class="badge undated">Undated, earlier import</span>' in html
    assert '<span class="badge undated">Undated, later import</span>' in html
    assert "Neither has a publication date, so they are set side by side in import order" in _text(html)
    assert "Undated, earlier import → undated, later import: preview" in _text(html)


def test_the_same_day_sets_the_sides_by_import_order(client, analyst, db):
    day = datetime.date(2024, 3, 2)
    first = ArticleFactory(paragraphs=[STATEMENT], published_on=day)
    second = ArticleFactory(paragraphs=[QUOTING], published_on=day)
    client.force_login(analyst)
    html = client.get(reverse("annotator:compare", args=[second.pk, first.pk])).content.decode()
    assert '<span class="badge import">Earlier import</span>' in html
    assert "Both were published the same day, so the import order sets them side by side" in _text(html)


def test_my_spans_show_on_both_sides_over_the_reuse_marks(client, analyst, colleague, seed_paths, annotate):
    first, second = (import_file(path).articles[0] for path in seed_paths)
    older_paragraph = first.paragraphs.get(text__startswith="The tactical goal")
    newer_paragraph = second.paragraphs.get(text__contains="Homs-Palmyra highway")
    mine = annotate(older_paragraph, "Homs-Al-Salamiyah-Palmyra highway", "speculation", reviewer=analyst)
    annotate(older_paragraph, "highway", "reported_fact", reviewer=analyst, note="Checked on a map")
    annotate(newer_paragraph, "December 8 morning", "attributed_claim", reviewer=analyst, attributed_to="SF")
    annotate(newer_paragraph, "car bombs", "speculation", reviewer=colleague)  # not mine: not shown
    client.force_login(analyst)
    html = client.get(reverse("annotator:compare", args=[second.pk, first.pk])).content.decode()
    grid = html.split("compare-grid")[1]
    older_html = grid.split(f'id="o{older_paragraph.pk}"')[1].split("</p>")[0]
    newer_html = grid.split(f'id="n{newer_paragraph.pk}"')[1].split("</p>")[0]
    speculation, fact, claim = (
        Label.objects.get(slug=s).pk for s in ("speculation", "reported_fact", "attributed_claim")
    )
    # The deleted words of the edited passage carry my span too: the span runs across the reuse marks.
    assert re.search(
        rf'<del class="mk deleted"[^>]*><span class="cspan l{speculation} d1" data-annotation-id="{mine.pk}" '
        r'title="not in the newer text · Your spans: Speculation: “Homs-Al-Salamiyah-Palmyra highway”">'
        r"Al-Salamiyah</span></del>",
        older_html,
    )
    assert (
        f'<span class="cspan l{speculation} d1" data-annotation-id="{mine.pk}">'
        f'<span class="cspan l{fact} d2" data-annotation-id='
    ) in older_html
    assert "Reported fact: “highway”; note: Checked on a map" in older_html
    assert re.search(
        rf'<span class="cspan l{claim} d1" [^>]*title="[^"]*Attributed claim \(attributed to SF\): '
        r"“December 8 morning”\">December 8 </span></span>"
        r'<ins class="mk inserted" title="not in the older '
        rf'text" data-link="0"><span class="cspan l{claim} d1" [^>]*>morning</span></ins>',
        newer_html,
    )
    assert "car bombs</span>" not in newer_html
    text = _text(html)
    assert "Your spans, underlined in their label's colour" in text
    assert "2 on the left, 1 on the right." in text


def test_without_spans_the_compare_page_says_so(client, analyst, db):
    a = ArticleFactory(paragraphs=[STATEMENT])
    b = ArticleFactory(paragraphs=[QUOTING])
    client.force_login(analyst)
    html = client.get(reverse("annotator:compare", args=[a.pk, b.pk])).content.decode()
    assert "You have no spans on either article yet." in html
    assert "cspan" not in html.split("compare-grid")[1]


def test_span_notes_and_quotes_are_escaped_in_the_compare_view(client, analyst, annotate):
    a = ArticleFactory(paragraphs=["A <b>bold</b> claim & more."])
    b = ArticleFactory(paragraphs=[QUOTING])
    annotate(a.paragraphs.get(), "<b>bold</b>", "speculation", reviewer=analyst, note='"quoted" <i>')
    client.force_login(analyst)
    html = client.get(reverse("annotator:compare", args=[a.pk, b.pk])).content.decode()
    grid = html.split("compare-grid")[1]
    assert "<b>" not in grid and "<i>" not in grid
    assert "&lt;b&gt;bold&lt;/b&gt;</span>" in grid
    assert "note: &quot;quoted&quot; &lt;i&gt;" in grid

"""Boilerplate: text that recurs across articles of one publisher (copyright lines, disclaimers, appeals).

The pure core (`find`) takes a publisher's articles as plain texts. A sentence recurs when its normalised text
appears in another article of the publisher, or when nearly all of its word shingles do (so a cut-off copy
of a disclaimer still counts). Recurring text is suggested only where boilerplate sits: the closing block of
recurring paragraphs and the recurring sentences that end the last body paragraph. A republished story shares
its body with the original, so recurrence alone would flag the news itself. `refresh` stores the suggestions
of one publisher.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction

from articles.models import Article, BoilerplateSuggestion, Paragraph
from articles.reuse import Sentence, shingles, split_sentences

CONTAINED_SHARE = 0.9
CONTAINED_MIN_WORDS = 5
RECURRING_PARAGRAPH_SHARE = 0.5

ArticleTexts = list[tuple[int, str]]


@dataclass(frozen=True)
class Suggestion:
    """A suggested boilerplate range: code-point offsets into the paragraph's text."""

    paragraph: int
    start: int
    end: int
    occurrences: int


class _Publisher:
    """Where every sentence and shingle of one publisher's articles occurs."""

    def __init__(self, articles: dict[int, ArticleTexts]) -> None:
        self.sentences = {
            aid: [(pid, split_sentences(text, pid)) for pid, text in paragraphs]
            for aid, paragraphs in articles.items()
        }
        self.by_norm: dict[str, set[int]] = defaultdict(set)
        self.by_shingle: dict[int, set[int]] = defaultdict(set)
        self.shingles_of: dict[int, set[int]] = defaultdict(set)
        for aid, paragraphs in self.sentences.items():
            for _pid, sentences in paragraphs:
                for sentence in sentences:
                    self.by_norm[sentence.norm].add(aid)
                    hashes = shingles(sentence.keys)
                    self.shingles_of[aid].update(hashes)
                    for h in hashes:
                        self.by_shingle[h].add(aid)

    def occurrences(self, article: int, sentence: Sentence, enough: int) -> int:
        """Return in how many articles the sentence occurs, counting exact and nearly complete copies."""
        found = self.by_norm[sentence.norm]
        if len(found) >= enough or len(sentence.keys) < CONTAINED_MIN_WORDS:
            return len(found)
        hashes = sorted(set(shingles(sentence.keys)), key=lambda h: len(self.by_shingle[h]))
        needed = math.ceil(CONTAINED_SHARE * len(hashes))
        # An article holding `needed` of the hashes holds at least one of any len - needed + 1 of them.
        candidates = set().union(*(self.by_shingle[h] for h in hashes[: len(hashes) - needed + 1]))
        containing = {
            other
            for other in candidates - {article}
            if sum(h in self.shingles_of[other] for h in hashes) >= needed
        }
        return len(found | containing | {article})


def _closing_suggestions(
    paragraphs: list[tuple[int, list[Sentence]]], counts: dict[int, list[int]], enough: int
) -> list[Suggestion]:
    """Return the closing block of recurring paragraphs, and recurring sentences ending the last body one."""

    def recurring(pid: int, sentences: list[Sentence]) -> bool:
        total = sum(s.end - s.start for s in sentences)
        shared = sum(s.end - s.start for s, n in zip(sentences, counts[pid], strict=True) if n >= enough)
        return shared >= RECURRING_PARAGRAPH_SHARE * total

    body_end = len(paragraphs)
    while body_end and recurring(*paragraphs[body_end - 1]):
        body_end -= 1
    if body_end == 0:
        # Every paragraph recurs: a same-publisher republication, where nothing tells the frame apart.
        return []
    found = [
        Suggestion(pid, sentences[0].start, sentences[-1].end, max(counts[pid]))
        for pid, sentences in paragraphs[body_end:]
    ]
    pid, sentences = paragraphs[body_end - 1]
    n = counts[pid]
    trail = len(sentences)
    while trail > 1 and n[trail - 1] >= enough:
        trail -= 1
    if trail < len(sentences):
        found.insert(0, Suggestion(pid, sentences[trail].start, sentences[-1].end, max(n[trail:])))
    return found


def find(articles: dict[int, ArticleTexts], min_articles: int) -> dict[int, list[Suggestion]]:
    """Return suggestions per article id from one publisher's {article id: [(paragraph id, text)]}."""
    publisher = _Publisher(articles)
    result = {}
    for aid, paragraphs in publisher.sentences.items():
        paragraphs = [(pid, sentences) for pid, sentences in paragraphs if sentences]
        counts = {
            pid: [publisher.occurrences(aid, s, min_articles) for s in sentences]
            for pid, sentences in paragraphs
        }
        result[aid] = _closing_suggestions(paragraphs, counts, min_articles) if paragraphs else []
    return result


@transaction.atomic
def refresh(publisher_id: int) -> list[tuple[int, int, int]]:
    """Recompute and store one publisher's suggestions; return the new ones as (paragraph, start, end).

    Unchanged suggestions keep their rows (and ids), so a page showing them stays valid.
    """
    texts: dict[int, ArticleTexts] = defaultdict(list)
    rows = Paragraph.objects.filter(
        article__publisher_id=publisher_id, article__deleted_at__isnull=True
    ).order_by("article_id", "position")
    for aid, pid, text in rows.values_list("article_id", "id", "text"):
        texts[aid].append((pid, text))
    wanted = {
        (s.paragraph, s.start, s.end): (aid, s.occurrences)
        for aid, found in find(texts, settings.BOILERPLATE_MIN_ARTICLES).items()
        for s in found
    }
    existing = BoilerplateSuggestion.objects.filter(
        article__in=Article.objects.filter(publisher_id=publisher_id)
    )
    stale, changed = [], []
    for suggestion in existing:
        key = (suggestion.paragraph_id, suggestion.start, suggestion.end)
        if key not in wanted:
            stale.append(suggestion.pk)
            continue
        occurrences = wanted.pop(key)[1]
        if suggestion.occurrences != occurrences:
            suggestion.occurrences = occurrences
            changed.append(suggestion)
    BoilerplateSuggestion.objects.filter(pk__in=stale).delete()
    BoilerplateSuggestion.objects.bulk_update(changed, ["occurrences"])
    BoilerplateSuggestion.objects.bulk_create(
        BoilerplateSuggestion(article_id=aid, paragraph_id=pid, start=start, end=end, occurrences=n)
        for (pid, start, end), (aid, n) in wanted.items()
    )
    return list(wanted)

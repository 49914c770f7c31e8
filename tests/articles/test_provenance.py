"""Provenance of an article from the corpus: its chain of sources and the earlier articles it reuses."""

from __future__ import annotations

from articles import detection, provenance
from articles.importers import import_file


def test_the_seeds_share_one_passage(db, seed_paths, settings):
    settings.BOILERPLATE_MIN_ARTICLES = 2
    first, second = (import_file(path).articles[0] for path in seed_paths)
    detection.detect([first.pk, second.pk])
    [related] = provenance.related_articles(second)
    assert (related.article, related.passages, related.is_earlier) == (first, 1, True)
    chain = provenance.provenance_chain(second)
    assert [r.article for r in chain.earlier] == [first]
    assert chain.is_republication

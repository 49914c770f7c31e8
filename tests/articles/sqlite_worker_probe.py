"""Processes for the write-lock test: a file SQLite database, the worker's detection, an analyst writing.

Run as `python -m tests.articles.sqlite_worker_probe setup|detect|write` with DATABASE_URL pointing at a
file; each prints one JSON line. Every loop is bounded in count and time.
"""

from __future__ import annotations

import json
import os
import random
import sys
import time
from pathlib import Path


def _django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "annotator.settings")
    import django

    django.setup()


def _paragraphs(rng: random.Random, pool: list[str]) -> list[str]:
    # Every article takes most of its paragraphs from one shared pool, so each has many earlier articles
    # to align with: alignment, not writing, is what takes the time.
    return [rng.choice(pool) if rng.random() < 0.8 else _sentence(rng) for _ in range(30)]


def _sentence(rng: random.Random) -> str:
    words = [f"w{rng.randrange(5000)}" for _ in range(rng.randint(40, 60))]
    return " ".join(words).capitalize() + "."


def setup(count: int) -> dict:
    """Migrate and store `count` articles (nothing scanned); return their ids."""
    from django.core.management import call_command

    from articles.models import Article, Paragraph, Source

    call_command("migrate", verbosity=0)
    rng = random.Random(5)
    pool = [_sentence(rng) for _ in range(60)]
    source = Source.objects.create(name="Wire", slug="wire")
    ids = []
    for i in range(count):
        texts = _paragraphs(rng, pool)
        article = Article.objects.create(
            title=f"Article {i}",
            publisher=source,
            raw_text="",
            checksum=Article.checksum_of([str(i), *texts]),
        )
        Paragraph.objects.bulk_create(
            Paragraph(article=article, position=p, text=t) for p, t in enumerate(texts)
        )
        ids.append(article.pk)
    return {"ids": ids}


def detect(ids: list[int]) -> dict:
    """Run the worker's task function itself on the articles."""
    from articles.tasks import detect_reuse

    started = time.monotonic()
    links = detect_reuse.call(ids)
    return {"links": links, "seconds": round(time.monotonic() - started, 2)}


def write(done: Path, seconds: float) -> dict:
    """Write as an analyst would (a tag, then its rename) until `done` exists; return each write's wait."""
    from django.db import OperationalError, transaction

    from articles.models import Tag

    waits, errors = [], []
    deadline = time.monotonic() + seconds
    n = 0
    while not done.exists() and time.monotonic() < deadline:
        started = time.monotonic()
        try:
            with transaction.atomic():
                tag = Tag.objects.create(kind=Tag.Kind.THEME, name=f"probe {n}")
                Tag.objects.filter(pk=tag.pk).update(name=f"probe {n} renamed")
        except OperationalError as error:
            errors.append(str(error))
        waits.append(time.monotonic() - started)
        n += 1
        time.sleep(0.02)
    return {"writes": len(waits), "max_wait": round(max(waits, default=0), 3), "errors": errors}


if __name__ == "__main__":
    _django()
    mode, arg = sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else ""
    if mode == "setup":
        result = setup(int(arg))
    elif mode == "detect":
        result = detect(json.loads(arg))
    else:
        result = write(Path(arg), seconds=float(sys.argv[3]))
    print(json.dumps(result))

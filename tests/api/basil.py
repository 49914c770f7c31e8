"""Build articles and spans from the BASIL corpus (../shared/corpus/basil), for the round-trip tests.

Paragraphs are BASIL's `body-paragraphs`, each paragraph's sentences joined with one space; a span's
sentence-relative offsets become paragraph offsets by adding its sentence's start. Labels, documented here
because BASIL's own scheme (informational vs lexical bias) is not ours:
- `quote: yes` (the phrase is inside a quotation): attributed_claim, with the speaker as `attributed_to`;
- otherwise `bias: inf` (a fact chosen or framed to sway): reported_fact;
- otherwise (`bias: lex`, loaded wording): speculation.
The 3 headline spans are left out (our titles are not annotatable), and so are spans that repeat another
span's paragraph, offsets and label (one reviewer may tag the same words with a label only once).
"""

from __future__ import annotations

import json
from pathlib import Path

from annotator import spans
from articles.importers import ArticleRecord, save_article


def _label(span: dict) -> str:
    if span["quote"] == "yes":
        return "attributed_claim"
    return "reported_fact" if span["bias"] == "inf" else "speculation"


def load(root: Path, *, articles: int, reviewer) -> int:
    """Import the first `articles` BASIL articles (by path) with their spans; return how many spans."""
    created = 0
    for path in sorted((root / "articles").glob("*/*.json"))[:articles]:
        data = json.loads(path.read_text())
        where: dict[str, tuple[int, int]] = {}  # sentence id -> (paragraph index, offset in paragraph)
        paragraphs: list[str] = []
        sentence = 0
        for sentences in data["body-paragraphs"]:
            offset = 0
            for text in sentences:
                where[f"p{sentence}"] = (len(paragraphs), offset)
                offset += len(text) + 1
                sentence += 1
            paragraphs.append(" ".join(sentences))
        record = ArticleRecord(title=data["title"], paragraphs=paragraphs, publisher=data["source"].upper(),
                               url=data["url"], raw_text=path.read_text())  # fmt: skip
        article = save_article(record)
        stored = list(article.paragraphs.order_by("position"))
        annotation = root / "annotations" / path.parent.name / f"{path.stem}_ann.json"
        seen = set()
        for span in json.loads(annotation.read_text())["phrase-level-annotations"]:
            if span["id"] == "title":
                continue
            index, offset = where[span["id"]]
            key = (index, offset + span["start"], offset + span["end"], _label(span))
            if key in seen:
                continue
            seen.add(key)
            spans.create(
                paragraph=stored[index], label=key[3], start=key[1], end=key[2], quote=span["txt"],
                reviewer=reviewer, note=span["notes"], attributed_to=span["speaker"].replace("_", " "),
            )  # fmt: skip
            created += 1
    return created

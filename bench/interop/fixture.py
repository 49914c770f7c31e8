"""The round trip's test data: three articles and twelve spans stored by our own code, and their exports.

Run as `python -m bench.interop.fixture` on a scratch database (BENCH_DATABASE_URL, see
`bench.databases.run_child_on_scratch_sqlite`): it migrates, imports the articles through the JSON Lines
importer, tags the spans through `annotator.spans.create` (the one write path), then asks the export API for
each file in EXPORTS, as a researcher's download would. It prints one JSON line: the spans as the database
holds them (the truth every tool is compared with) and each export's body.

The spans cover what breaks offsets and overlap handling: an emoji outside the Basic Multilingual Plane
(one code point, two UTF-16 units) inside a span and before others, accented words, two spans nested in
others and two spans that overlap, from two reviewers.
"""

from __future__ import annotations

import json
import os

ARTICLES = [
    {
        "title": "Harbour lease vote",
        "url": "https://interop.example/harbour-lease-vote",
        "publisher": "Interop Wire",
        "paragraphs": [
            "Harbour board: the council said the lease vote 🌊 passed by seven votes to two on Tuesday.",
            "According to the mayor, the lease will pay for a new sea wall.",
            "Residents fear the fees could double by next summer.",
        ],
    },
    {
        "title": "Café owners and the tariff",
        "url": "https://interop.example/cafe-tariff",
        "publisher": "Interop Wire",
        "paragraphs": [
            "José Müller, who runs a café in Zürich, says the new tariff is « déjà trop élevé ».",
            "Économistes at the Société Générale expect prices to rise by 4 % before the année fiscale ends.",
        ],
    },
    {
        "title": "Convoy at the crossing",
        "url": "https://interop.example/convoy-crossing",
        "publisher": "Interop Wire",
        "paragraphs": [
            "Subscribe to our newsletter for the morning briefing.",
            "The ministry confirmed that the convoy reached the border crossing at Rafah, a spokesman said.",
            "Observers suspect the route could reopen next week.",
        ],
    },
]

# (article index, paragraph index, quote, label, reviewer); a quote names its first occurrence.
SPANS = [
    (0, 0, "the lease vote 🌊 passed by seven votes to two", "reported_fact", "ana"),
    (0, 0, "passed by seven votes to two on Tuesday", "speculation", "ben"),  # overlaps the one above
    (0, 1, "the lease will pay for a new sea wall", "attributed_claim", "ana"),
    (0, 2, "the fees could double by next summer", "speculation", "ana"),
    (1, 0, "José Müller, who runs a café in Zürich, says the new tariff is « déjà trop élevé »",
     "attributed_claim", "ana"),
    (1, 0, "runs a café in Zürich", "reported_fact", "ana"),  # nested in the one above
    (1, 1, "expect prices to rise by 4 % before the année fiscale ends", "speculation", "ben"),
    (1, 1, "Société Générale", "reported_fact", "ana"),
    (2, 0, "Subscribe to our newsletter for the morning briefing.", "boilerplate", "ana"),
    (2, 1, "The ministry confirmed that the convoy reached the border crossing at Rafah", "attributed_claim",
     "ana"),
    (2, 1, "the convoy reached the border crossing", "reported_fact", "ana"),  # nested in the one above
    (2, 2, "the route could reopen next week", "speculation", "ben"),
]  # fmt: skip

# Each export the round trip imports, as the query string of `GET /api/v1/export/spans`.
EXPORTS = {
    "doccano": "format=doccano",
    "doccano-utf16": "format=doccano&offsets=utf16",
    # What a researcher with a default doccano project should ask for: a refusal naming the overlapping
    # spans instead of a file doccano would silently thin out.
    "doccano-utf16-refuse": "format=doccano&offsets=utf16&overlap=refuse",
    "label-studio": "format=label-studio",
    "label-studio-predictions": "format=label-studio&as=predictions",
}
PARAGRAPH_SEPARATOR = "\n\n"  # how the doccano and Label Studio exports join an article's paragraphs


def store() -> None:
    """Import the articles and tag the spans, as an analyst's session would leave them."""
    from django.contrib.auth import get_user_model

    from annotator import spans
    from articles import importers
    from articles.models import Article

    lines = "".join(json.dumps(article, ensure_ascii=False) + "\n" for article in ARTICLES)
    report = importers.import_bytes(lines.encode(), name="interop.jsonl", format="jsonl")
    if report.error:
        raise RuntimeError(f"the test articles did not import: {report.error}")
    users = {name: get_user_model().objects.create(username=name) for name in ("ana", "ben")}
    by_url = {article.url: article for article in Article.objects.prefetch_related("paragraphs")}
    for article_index, paragraph_index, quote, label, reviewer in SPANS:
        article = by_url[ARTICLES[article_index]["url"]]
        paragraph = article.paragraphs.get(position=paragraph_index)
        start = paragraph.text.index(quote)
        spans.create(paragraph=paragraph, label=label, start=start, end=start + len(quote), quote=quote,
                     reviewer=users[reviewer])  # fmt: skip


def truth() -> list[dict]:
    """Return every live span as the database holds it, with its article's text and code-point offsets
    in that text, read from the tables (not through the export code under test)."""
    from annotator.models import Annotation

    rows = []
    spans = Annotation.objects.filter(deleted_at__isnull=True).select_related(
        "label", "reviewer", "paragraph"
    )
    for span in spans.order_by("article_id", "paragraph__position", "start", "id"):
        paragraphs = list(span.article.paragraphs.order_by("position").values_list("text", flat=True))
        offset = sum(len(text) + len(PARAGRAPH_SEPARATOR) for text in paragraphs[: span.paragraph.position])
        rows.append(
            {
                "id": span.pk,
                "article": span.article_id,
                "text": PARAGRAPH_SEPARATOR.join(paragraphs),
                "start": offset + span.start,
                "end": offset + span.end,
                "quote": span.quote,
                "label": span.label.slug,
                "reviewer": span.reviewer.username,
            }
        )
    return rows


def exports() -> dict[str, dict]:
    """Download each export through the API with a staff token, as `curl` would."""
    from django.contrib.auth import get_user_model
    from django.test import Client
    from knox.models import AuthToken

    staff = get_user_model().objects.create(username="interop-staff", is_staff=True)
    token = AuthToken.objects.create(staff)[1]
    client = Client(HTTP_HOST="127.0.0.1", HTTP_AUTHORIZATION=f"Token {token}")
    files = {}
    for name, query in EXPORTS.items():
        response = client.get(f"/api/v1/export/spans?{query}")
        body = b"".join(response.streaming_content) if response.streaming else response.content
        files[name] = {"query": query, "status": response.status_code, "body": body.decode()}
    return files


def main() -> dict:
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    store()
    return {"truth": truth(), "exports": exports()}


if __name__ == "__main__":
    os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1")
    print(json.dumps(main(), ensure_ascii=False))

"""The same span, edge case or mistake, sent through every way a span gets written: the same stored span or
the same message, because every entry point calls `annotator.spans` and nothing else judges a span's text.

The paragraph is 'The mayor said the budget would be cut by 10%.' (46 characters), the second of its article.
Imports, transfer, suggestions and the demo loader find a span by its quote or carry no quote, note or
offsets of their own, so each takes the cases it can express (`TAKES`); an import's quote that is not at its
offsets is searched for instead (see test_import_spans.py), so imports take no offset or quote mistakes.
"""

from __future__ import annotations

import html
import json
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError
from django.urls import reverse
from rest_framework.test import APIClient

from annotator import spans, suggestions, transfer
from annotator.management.commands import load_demo
from annotator.models import Annotation, Label
from articles.models import BoilerplateSuggestion
from tests.factories import ArticleFactory

PARAGRAPH_START = len("On Monday the council met in the town hall.") + len("\n\n")


@dataclass(frozen=True)
class Case:
    start: int
    end: int
    quote: str | None = None
    note: str = ""
    attributed_to: str = ""


CASES = {
    "edge_space": Case(3, 15, " mayor said ", note="  check the minutes ", attributed_to=" the mayor "),
    "white_space_only": Case(3, 4, " "),
    "note_too_long": Case(4, 9, "mayor", note="x" * 2001),
    "attribution_too_long": Case(4, 9, "mayor", attributed_to="y" * 201),
    "quote_mismatch": Case(4, 9, "Mayor"),
    "past_the_end": Case(0, 500),
    "end_before_start": Case(9, 4),
    "negative_start": Case(-1, 4),
}
STORED = {"edge_space": (4, 14, "mayor said", "check the minutes", "the mayor")}
MESSAGES = {
    "white_space_only": spans.WHITE_SPACE_ONLY,
    "note_too_long": "The note is 2001 characters long; the limit is 2000.",
    "attribution_too_long": "'Attributed to' is 201 characters long; the limit is 200.",
    "quote_mismatch": "The quote does not match the paragraph text at 4-9: expected 'mayor'.",
    "past_the_end": "end (500) is past the end of the paragraph (46 characters).",
    "end_before_start": "end (4) must be greater than start (9).",
    "negative_start": "start must be 0 or more.",
}


@pytest.fixture
def paragraph(article):
    return article.paragraphs.get(position=1)


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
    return client


def _api(paragraph, case: Case, *, analyst, **_) -> str | None:
    body = {"paragraph": paragraph.pk, "start": case.start, "end": case.end, "label": "reported_fact"}
    body |= {"note": case.note, "attributed_to": case.attributed_to}
    if case.quote is not None:
        body["quote"] = case.quote
    client = APIClient()
    client.force_authenticate(analyst)
    response = client.post("/api/v1/annotations/", body, format="json")
    if response.status_code == 201:
        return None
    return " ".join(message for messages in response.json().values() for message in messages)


def _workbench(paragraph, case: Case, *, analyst, client, **_) -> str | None:
    client.force_login(analyst)
    data = {"paragraph": paragraph.pk, "start": case.start, "end": case.end, "label": "reported_fact"}
    data |= {"quote": case.quote or "", "note": case.note, "attributed_to": case.attributed_to}
    response = client.post(
        reverse("annotator:span-create", args=[paragraph.article_id]), data, HTTP_HX_REQUEST="true"
    )
    return None if response.status_code == 200 else response.content.decode()


def _admin(paragraph, case: Case, *, analyst, staff_client, **_) -> str | None:
    data = {
        "paragraph": paragraph.pk,
        "start": case.start,
        "end": case.end,
        "quote": case.quote or "",
        "label": Label.objects.get(slug="reported_fact").pk,
        "reviewer": analyst.pk,
        "note": case.note,
        "attributed_to": case.attributed_to,
    }
    response = staff_client.post(reverse("admin:annotator_annotation_add"), data)
    return None if response.status_code == 302 else html.unescape(response.text)


def _import(content: dict, *, staff_client) -> str | None:
    upload = SimpleUploadedFile("spans.jsonl", json.dumps(content).encode())
    report = staff_client.post("/api/v1/import/", {"file": upload}).json()
    return " ".join(problem["message"] for problem in report["problems"]) or None


def _jsonl_import(paragraph, case: Case, *, analyst, staff_client, **_) -> str | None:
    line = {
        "article_checksum": paragraph.article.checksum,
        "paragraph_position": paragraph.position,
        "start": case.start,
        "end": case.end,
        "quote": case.quote,
        "label": "reported_fact",
        "reviewer": analyst.username,
        "note": case.note,
        "attributed_to": case.attributed_to,
    }
    return _import(line, staff_client=staff_client)


def _w3c_import(paragraph, case: Case, *, analyst, staff_client, **_) -> str | None:
    body = [{"type": "TextualBody", "purpose": "tagging", "value": "reported_fact"}]
    body += [{"type": "TextualBody", "purpose": "commenting", "value": case.note}] if case.note else []
    body += [{"type": "TextualBody", "purpose": "identifying", "value": case.attributed_to}] * bool(
        case.attributed_to
    )
    position = {"start": PARAGRAPH_START + case.start, "end": PARAGRAPH_START + case.end}
    annotation = {
        "@context": "http://www.w3.org/ns/anno.jsonld",
        "type": "Annotation",
        "creator": {"type": "Person", "nickname": analyst.username},
        "body": body,
        "target": {
            "source": f"urn:sha256:{paragraph.article.checksum}",
            "selector": [
                {"type": "TextQuoteSelector", "exact": case.quote},
                {"type": "TextPositionSelector", **position},
            ],
        },
    }
    return _import(annotation, staff_client=staff_client)


def _transfer(paragraph, case: Case, *, analyst, labels, **_) -> str | None:
    """A span stored before the rules held everywhere (straight into the table), transferred onto the same
    text in the paragraph's article."""
    source = ArticleFactory().paragraphs.get(position=1)
    Annotation.objects.create(
        article=source.article,
        paragraph=source,
        start=case.start,
        end=case.end,
        quote=source.text[case.start : case.end],
        label=labels["reported_fact"],
        reviewer=analyst,
        note=case.note,
        attributed_to=case.attributed_to,
    )
    try:
        transfer.apply(source=source.article, target=paragraph.article, reviewer=analyst)
    except ValidationError as error:
        return " ".join(error.messages)
    return None


def _suggestion_accept(paragraph, case: Case, *, analyst, **_) -> str | None:
    suggestion = BoilerplateSuggestion.objects.create(
        article=paragraph.article, paragraph=paragraph, start=case.start, end=case.end, occurrences=3
    )
    try:
        suggestions.accept(suggestion=suggestion, user=analyst)
    except ValidationError as error:
        return " ".join(error.messages)
    return None


def _demo_loader(paragraph, case: Case, *, analyst, monkeypatch, **_) -> str | None:
    demo = load_demo.DemoSpan(
        paragraph.article.title, case.quote, "reported_fact", attributed_to=case.attributed_to, note=case.note
    )
    monkeypatch.setattr(load_demo, "DEMO_SPANS", [demo])
    try:
        load_demo.add_spans(analyst)
    except CommandError as error:
        return str(error)
    return None


ALL = set(CASES)
QUOTED_TEXTS = {"edge_space", "white_space_only", "note_too_long", "attribution_too_long"}
ENTRY_POINTS: dict[str, tuple[Callable[..., str | None], set[str]]] = {
    "api": (_api, ALL),
    "workbench": (_workbench, ALL),
    "admin": (_admin, ALL),
    "jsonl_import": (_jsonl_import, QUOTED_TEXTS),
    "w3c_import": (_w3c_import, QUOTED_TEXTS),
    # The attribution column holds 200 characters, so no stored span can carry a longer one to transfer.
    "transfer": (_transfer, {"edge_space", "white_space_only", "note_too_long"}),
    # A suggestion is a range of one paragraph that the database keeps ordered and non-negative.
    "suggestion_accept": (_suggestion_accept, {"edge_space", "white_space_only", "past_the_end"}),
    "demo_loader": (_demo_loader, QUOTED_TEXTS),
}


@pytest.mark.parametrize(
    ("entry", "case"),
    [(entry, case) for entry, (_, takes) in ENTRY_POINTS.items() for case in CASES if case in takes],
)
def test_every_entry_point_stores_the_same_span_or_gives_the_same_message(
    entry, case, paragraph, analyst, labels, client, staff_client, monkeypatch
):
    enter, _ = ENTRY_POINTS[entry]
    refusal = enter(
        paragraph,
        CASES[case],
        analyst=analyst,
        labels=labels,
        client=client,
        staff_client=staff_client,
        monkeypatch=monkeypatch,
    )
    stored = Annotation.objects.filter(article=paragraph.article)
    if case in STORED:
        assert refusal is None
        [span] = stored
        carries_texts = entry != "suggestion_accept"
        start, end, quote, note, attributed_to = STORED[case]
        assert (span.start, span.end, span.quote) == (start, end, quote)
        if carries_texts:
            assert (span.note, span.attributed_to) == (note, attributed_to)
    else:
        assert refusal is not None and MESSAGES[case] in refusal
        assert not stored.exists()


def test_the_workbench_inputs_take_their_maxlength_from_the_span_rules(
    client, analyst, paragraph, annotate, monkeypatch
):
    span = annotate(paragraph, "mayor", reviewer=analyst)
    monkeypatch.setattr(spans, "LIMITS", {"note": 1234, "attributed_to": 56})
    client.force_login(analyst)
    page = client.get(reverse("annotator:article", args=[paragraph.article_id])).text
    popover = client.get(
        reverse("annotator:span-popover", args=[paragraph.article_id]),
        {"ids": span.pk},
        HTTP_HX_REQUEST="true",
    ).text
    for rendered in (page, popover):
        assert rendered.count('maxlength="56"') == 1
        assert rendered.count('maxlength="1234"') == 1

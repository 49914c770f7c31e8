"""The W3C export against the W3C annotation-model JSON schemas in ../shared/conformance/w3c-annotation."""

from __future__ import annotations

import copy
import datetime
import json
from pathlib import Path
from urllib.parse import urlsplit

import orjson
import pytest
from jsonschema import Draft4Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

from annotator.formats import w3c, w3c_collection
from annotator.formats.span_records import RecordError, SpanRecord
from tests.annotator.format_rows import row

EXTRA_KEYS = {"assertionType", "expectedResult", "onUnexpectedResult", "errorMessage"}
# Optional features the export claims: each of these assertions must hold for every annotation.
OPTIONALS = [
    "annotations/3.3.1-annotationCreatedImplemented.json",
    "annotations/3.3.1-annotationModifiedImplemented.json",
    "annotations/3.3.1-annotationSingleCreatorImplemented.json",
    "annotations/3.3.5-annotationMotivationImplemented.json",
    "annotations/3.1-bodyKeyFound.json",
    "annotations/bodiesTargets/3.3.5-bodyPurpose.json",
    "annotations/specificResource/4.2-selectorFound.json",
    "annotations/specificResource/4.2.4-textQuoteSelector.json",
    "annotations/specificResource/4.2.4-prefix.json",
    "annotations/specificResource/4.2.4-suffix.json",
    "annotations/specificResource/4.2.5-textPositionSelector.json",
]

# jsonschema checks "date-time" and "uri" only with optional packages; these two follow RFC 3339 and RFC 3986
# closely enough for what an exporter writes (an offset is required; a scheme is required).
formats = FormatChecker()


@formats.checks("date-time", raises=ValueError)
def _is_datetime(value: object) -> bool:
    return not isinstance(value, str) or datetime.datetime.fromisoformat(value).tzinfo is not None


@formats.checks("uri", raises=ValueError)
def _is_uri(value: object) -> bool:
    return not isinstance(value, str) or (bool(urlsplit(value).scheme) and " " not in value)


class Conformance:
    def __init__(self, root: Path) -> None:
        self.root = root
        resources = []
        for path in (root / "definitions").glob("*.json"):
            contents = json.loads(path.read_text())
            resources.append((contents["id"], Resource.from_contents(contents, default_specification=DRAFT4)))
        self.registry = Registry().with_resources(resources)

    def assertions(self, test_file: str) -> list[str]:
        listed = json.loads((self.root / test_file).read_text())["assertions"]
        return [entry for entry in listed if isinstance(entry, str)]

    def failures(self, annotation: dict, assertion_files: list[str]) -> list[str]:
        failed = []
        for name in assertion_files:
            schema = json.loads((self.root / name).read_text())
            expect_valid = schema.get("expectedResult", "valid") == "valid"
            schema = {key: value for key, value in schema.items() if key not in EXTRA_KEYS}
            validator = Draft4Validator(schema, registry=self.registry, format_checker=formats)
            if validator.is_valid(annotation) != expect_valid:
                failed.append(name)
        return failed


@pytest.fixture(scope="module")
def conformance(shared_dir: Path) -> Conformance:
    return Conformance(shared_dir / "conformance" / "w3c-annotation")


def exported(*rows: dict) -> list[dict]:
    data = b"".join(w3c.write(rows, annotation_base="https://provenance.example/api/v1/annotations/"))
    return [orjson.loads(line) for line in data.splitlines()]


ROWS = [
    row("mayor", "attributed_claim", attributed_to="the mayor", note='He said "painful".'),
    row("On Monday", "reported_fact", paragraph=0),
    row("privatisation 😮", "speculation", paragraph=2),
]


def test_every_exported_annotation_meets_every_must(conformance):
    musts = conformance.assertions("annotations/annotationMusts.test")
    assert len(musts) > 50
    for annotation in exported(*ROWS):
        assert conformance.failures(annotation, musts) == []


def test_every_exported_annotation_has_the_optional_features_it_claims(conformance):
    for annotation in exported(*ROWS):
        assert conformance.failures(annotation, OPTIONALS) == []


def test_the_validator_does_reject_broken_annotations(conformance):
    musts = conformance.assertions("annotations/annotationMusts.test")
    [good] = exported(ROWS[0])
    for breakage in [
        lambda a: a.pop("target"),
        lambda a: a.update({"@context": "http://example.org/not-the-context"}),
        lambda a: a.update({"created": "1 March 2025"}),
        lambda a: a["target"]["selector"][0].pop("exact"),
        lambda a: a.update({"id": "not a uri"}),
    ]:
        broken = copy.deepcopy(good)
        breakage(broken)
        assert conformance.failures(broken, musts) != []


def test_the_annotation_carries_label_note_attribution_creator_and_both_selectors():
    [annotation] = exported(ROWS[0])
    assert annotation["id"] == "https://provenance.example/api/v1/annotations/1/"
    assert annotation["creator"] == {"type": "Person", "nickname": "alice"}
    assert annotation["created"] == "2025-03-01T12:30:00+00:00"
    assert annotation["body"] == [
        {"type": "TextualBody", "purpose": "tagging", "value": "attributed_claim"},
        {
            "type": "TextualBody",
            "purpose": "commenting",
            "value": 'He said "painful".',
            "format": "text/plain",
        },
        {"type": "TextualBody", "purpose": "identifying", "value": "the mayor"},
    ]
    text = ROWS[0]["article_text"]
    quote, position = annotation["target"]["selector"]
    assert text[position["start"] : position["end"]] == quote["exact"] == "mayor"
    assert quote["prefix"] == "The " and quote["suffix"].startswith(" said the budget")
    assert annotation["target"]["source"] == "urn:sha256:" + "ab" * 32


def test_the_export_reads_back_as_the_same_spans():
    records = list(w3c.read("".join(line.decode() for line in w3c.write(ROWS))))
    assert [(r.quote, r.label, r.reviewer, r.note, r.attributed_to) for r in records] == [
        ("mayor", "attributed_claim", "alice", 'He said "painful".', "the mayor"),
        ("On Monday", "reported_fact", "alice", "", ""),
        ("privatisation 😮", "speculation", "alice", "", ""),
    ]
    assert all(isinstance(r, SpanRecord) and r.article_checksum == "ab" * 32 for r in records)
    assert (records[0].article_start, records[0].article_end) == (
        ROWS[0]["article_start"],
        ROWS[0]["article_end"],
    )


def test_a_page_of_annotations_is_read_too(conformance):
    sample = json.loads((conformance.root / "samples" / "correct" / "anno26.json").read_text())
    sample["body"] = {"type": "TextualBody", "purpose": "tagging", "value": "speculation"}
    page = {"type": "AnnotationPage", "items": [sample]}
    [record] = list(w3c.read(json.dumps(page)))
    assert (record.quote, record.label, record.article_url) == (
        "anotation",
        "speculation",
        "http://example.org/page1",
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"type": "Annotation", "target": "http://example.org/x"}', "expected exactly one target object"),
        ('{"type": "Note"}', "'type' must be 'Annotation'."),
        ("[1]", "expected a JSON object, got int."),
    ],
)
def test_unusable_annotations_are_reported_with_their_number(text, message):
    [error] = list(w3c.read(text))
    assert isinstance(error, RecordError)
    assert error.line == 1 and error.message.startswith(message)


def test_the_incorrect_samples_that_are_not_json_are_reported(conformance):
    broken = [p for p in sorted((conformance.root / "samples" / "incorrect").glob("*.json"))
              if _not_json(p.read_text())]  # fmt: skip
    assert len(broken) == 17
    for path in broken:
        assert all(isinstance(item, RecordError) for item in w3c.read(path.read_text())), path.name


def _not_json(text: str) -> bool:
    try:
        json.loads(text)
    except ValueError:
        return True
    return False


def test_ids_under_an_api_url_end_with_its_slash_and_urns_do_not():
    assert w3c.annotation_id("https://provenance.example/api/v1/annotations/", 7) == (
        "https://provenance.example/api/v1/annotations/7/"
    )
    assert w3c.annotation_id("urn:provenance:annotation:", 7) == "urn:provenance:annotation:7"


def collection_of(
    *rows: dict, collection_id: str = "https://provenance.example/api/v1/export/spans?format=w3c-collection"
) -> dict:
    data = b"".join(
        w3c_collection.write(
            rows,
            total=len(rows),
            collection_id=collection_id,
            annotation_base="https://provenance.example/api/v1/annotations/",
        )
    )
    return orjson.loads(data)


def test_the_collection_meets_every_must_of_collections_and_pages(conformance):
    collection = collection_of(*ROWS)
    collection_musts = conformance.assertions("collections/collectionMusts.test")
    page_musts = conformance.assertions("collections/pages/pageMusts.test")
    assert len(collection_musts) == 10 and len(page_musts) == 15
    assert conformance.failures(collection, collection_musts) == []
    assert conformance.failures(collection, page_musts) == []
    # The page is also valid standing alone, with the context it inherits.
    page = {"@context": collection["@context"], **collection["first"]}
    assert conformance.failures(page, page_musts) == []


def test_the_collection_holds_every_annotation_in_its_page(conformance):
    collection = collection_of(*ROWS)
    assert {key: collection[key] for key in ("type", "total", "last")} == {
        "type": "AnnotationCollection",
        "total": 3,
        "last": "https://provenance.example/api/v1/export/spans?format=w3c-collection#page1",
    }
    page = collection["first"]
    assert (page["type"], page["startIndex"], page["partOf"]["id"]) == ("AnnotationPage", 0, collection["id"])
    assert page["id"] == collection["last"]
    items = page["items"]
    assert [item["target"]["selector"][0]["exact"] for item in items] == [
        "mayor",
        "On Monday",
        "privatisation 😮",
    ]
    assert items == [{k: v for k, v in a.items() if k != "@context"} for a in exported(*ROWS)]
    musts = conformance.assertions("annotations/annotationMusts.test")
    for item in items:
        assert conformance.failures({"@context": collection["@context"], **item}, musts) == []


def test_an_empty_collection_is_valid_and_the_collection_reads_back(conformance):
    empty = collection_of(collection_id="urn:provenance:spans")
    assert (empty["total"], empty["first"]["items"]) == (0, [])
    assert conformance.failures(empty, conformance.assertions("collections/collectionMusts.test")) == []
    text = b"".join(w3c_collection.write(ROWS, total=3)).decode()
    records = list(w3c.read(text))
    assert [(r.quote, r.label, r.article_start) for r in records] == [
        (r["quote"], r["label"], r["article_start"]) for r in ROWS
    ]


def test_paged_collections_and_their_pages_meet_every_must(conformance):
    base = "https://provenance.example/api/v1/export/spans?format=w3c-collection&page_size=2"

    def document(number):
        pages = w3c_collection.Pages(size=2, number=number, url=lambda k: f"{base}&page={k}")
        chunks = w3c_collection.write(
            ROWS[:2] if number in (None, 1) else ROWS[2:], total=3, collection_id=base, pages=pages
        )
        return orjson.loads(b"".join(chunks))

    collection, second = document(None), document(2)
    assert conformance.failures(collection, conformance.assertions("collections/collectionMusts.test")) == []
    page_musts = conformance.assertions("collections/pages/pageMusts.test")
    assert conformance.failures(collection, page_musts) == []
    assert conformance.failures(second, page_musts) == []
    assert (collection["first"]["next"], collection["last"], second["prev"], second["startIndex"]) == (
        f"{base}&page=2", f"{base}&page=2", f"{base}&page=1", 2,
    )  # fmt: skip
    assert [item["target"]["selector"][0]["exact"] for item in second["items"]] == ["privatisation 😮"]

import csv
import datetime
import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from annotator import spans
from annotator.formats import fast_jsonl, rows
from annotator.models import Annotation
from articles.models import Article
from tests.factories import ArticleFactory, SourceFactory

URL = "/api/v1/export/spans"


@pytest.fixture
def tagged(article, analyst, colleague, annotate):
    """Three spans in the default article: two by alice, one by bob."""
    return [
        annotate(article.paragraphs.get(position=0), "On Monday", reviewer=analyst),
        annotate(
            article.paragraphs.get(position=1),
            "mayor",
            label="attributed_claim",
            reviewer=analyst,
            note='He said "cut", twice,\nreally',
            attributed_to="the mayor",
        ),  # fmt: skip
        annotate(
            article.paragraphs.get(position=2),
            "Some observers wonder",
            label="speculation",
            reviewer=colleague,
        ),
    ]


def body(response) -> bytes:
    assert response.streaming
    return b"".join(response.streaming_content)


def jsonl(response) -> list[dict]:
    return [json.loads(line) for line in body(response).splitlines()]


def test_the_default_export_is_jsonl_with_every_field(client_for, analyst, article, tagged):
    response = client_for(analyst).get(URL)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/x-ndjson"
    assert response["Content-Disposition"] == 'attachment; filename="spans.jsonl"'
    lines = jsonl(response)
    assert [line["quote"] for line in lines] == ["On Monday", "mayor", "Some observers wonder"]
    mayor = lines[1]
    assert set(mayor) == set(rows.FIELDS)
    paragraph = article.paragraphs.get(position=1)
    assert mayor | {"created_at": None, "updated_at": None} == {
        "id": tagged[1].pk, "article": article.pk, "article_title": article.title, "article_url": None,
        "article_checksum": article.checksum, "publisher": article.publisher.slug, "original_source": None,
        "paragraph": paragraph.pk, "paragraph_position": 1, "start": 4, "end": 9,
        "article_start": len("On Monday the council met in the town hall.") + 2 + 4,
        "article_end": len("On Monday the council met in the town hall.") + 2 + 9,
        "quote": "mayor", "label": "attributed_claim", "reviewer": "alice",
        "note": 'He said "cut", twice,\nreally',
        "attributed_to": "the mayor", "prefix": "The ", "suffix": " said the budget would be cut by",
        "created_at": None, "updated_at": None,
    }  # fmt: skip
    assert datetime.datetime.fromisoformat(mayor["created_at"]) == tagged[1].created_at
    article_text = "\n\n".join(p.text for p in article.paragraphs.order_by("position"))
    for line in lines:
        assert article_text[line["article_start"] : line["article_end"]] == line["quote"]


def test_csv_has_a_header_and_survives_commas_quotes_and_newlines(client_for, analyst, tagged):
    response = client_for(analyst).get(f"{URL}?format=csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    table = list(csv.DictReader(io.StringIO(body(response).decode())))
    assert list(table[0]) == list(rows.FIELDS)
    assert table[1]["note"] == 'He said "cut", twice,\nreally'
    assert (table[1]["start"], table[1]["article_url"]) == ("4", "")


@pytest.mark.parametrize(
    ("format", "content_type", "check"),
    [
        ("w3c", "application/x-ndjson", lambda b: json.loads(b.splitlines()[0])["type"] == "Annotation"),
        ("doccano", "application/x-ndjson", lambda b: len(json.loads(b)["label"]) == 3),
        ("label-studio", "application/json", lambda b: len(json.loads(b)[0]["annotations"]) == 2),
        ("conll", "text/plain; charset=utf-8", lambda b: b"mayor\t49\t54\tB-attributed_claim\n" in b),
    ],
)
def test_every_format_streams(client_for, analyst, tagged, format, content_type, check):
    response = client_for(analyst).get(f"{URL}?format={format}")
    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert check(body(response))


def test_w3c_ids_point_at_the_api_and_answer_without_a_redirect(client_for, analyst, tagged):
    client = client_for(analyst)
    first = json.loads(body(client.get(f"{URL}?format=w3c")).splitlines()[0])
    assert first["id"] == f"http://testserver/api/v1/annotations/{tagged[0].pk}/"
    response = client.get(first["id"])
    assert (response.status_code, response.json()["quote"]) == (200, tagged[0].quote)


def test_an_unknown_format_is_a_400_naming_the_accepted_ones(client_for, analyst):
    response = client_for(analyst).get(f"{URL}?format=xml")
    assert response.status_code == 400
    assert response.json() == {
        "format": [
            "Unknown format 'xml'. Accepted formats: jsonl, csv, w3c, w3c-collection, doccano, label-studio, "
            "conll, brat."
        ]
    }


def test_a_moment_utc_cannot_hold_is_a_400_and_so_is_it_from_the_shell(client_for, analyst, tmp_path):
    response = client_for(analyst).get(f"{URL}?updated_since=0001-01-01T00:00:00%2B01:00")
    assert response.status_code == 400
    assert response.json() == {
        "updated_since": ["0001-01-01T00:00:00+01:00 is out of range once moved to UTC."]
    }
    with pytest.raises(CommandError) as raised:
        call_command(
            "export_spans",
            "--output",
            str(tmp_path / "s.jsonl"),
            "--updated-since",
            "0001-01-01T00:00:00+01:00",
        )
    assert (
        str(raised.value) == "--updated-since: 0001-01-01T00:00:00+01:00 is out of range once moved to UTC."
    )
    assert not (tmp_path / "s.jsonl").exists()


def test_the_export_takes_the_annotation_and_article_filters(client_for, analyst, tagged):
    other = ArticleFactory(publisher=SourceFactory(name="Elsewhere"), published_on=datetime.date(2020, 1, 1))
    spans.create(
        paragraph=other.paragraphs.get(position=0), label="boilerplate", start=0, end=2, reviewer=analyst
    )
    client = client_for(analyst)

    def quotes(query: str) -> list[str]:
        response = client.get(f"{URL}?{query}")
        assert response.status_code == 200, response.json()
        return [line["quote"] for line in jsonl(response)]

    assert quotes("reviewer=bob") == ["Some observers wonder"]
    assert quotes("label=attributed_claim") == ["mayor"]
    assert quotes("publisher=elsewhere") == ["On"]
    assert quotes("published_after=2019-12-31") == ["On"]
    assert quotes(f"article={tagged[0].article_id}&reviewer=alice") == ["On Monday", "mayor"]


def test_unknown_filter_values_are_refused_before_streaming(client_for, analyst):
    response = client_for(analyst).get(f"{URL}?label=rumour&publisher=nobody")
    assert response.status_code == 400
    assert response.json()["publisher"] == ["Unknown publisher 'nobody'."]
    assert response.json()["label"][0].startswith("Unknown label 'rumour'.")


def test_deleted_spans_and_deleted_articles_are_left_out(client_for, analyst, tagged):
    spans.delete(annotation=tagged[0], actor=analyst)
    assert [line["quote"] for line in jsonl(client_for(analyst).get(URL))] == [
        "mayor",
        "Some observers wonder",
    ]
    Article.objects.update(deleted_at=datetime.datetime.now(datetime.UTC))
    assert body(client_for(analyst).get(URL)) == b""


def test_the_export_reads_paragraphs_once_per_chunk_not_per_span(analyst, labels, annotate):
    for _ in range(5):
        article = ArticleFactory()
        for quote in ["council", "town hall"]:
            annotate(article.paragraphs.get(position=0), quote, reviewer=analyst)
    with CaptureQueriesContext(connection) as queries:
        exported = b"".join(fast_jsonl.write(Annotation.objects.all(), chunk_size=4))
    assert len(exported.splitlines()) == 10
    # One span query (a server-side cursor on PostgreSQL), the labels, then per chunk of 4 spans: its
    # articles and their paragraphs (and its reviewers, the first time only).
    assert len([q for q in queries if 'FROM "annotator_annotation"' in q["sql"]]) == 1
    assert len([q for q in queries if 'FROM "annotator_label"' in q["sql"]]) == 1
    assert len([q for q in queries if 'FROM "articles_article"' in q["sql"]]) == 3
    assert len([q for q in queries if 'FROM "articles_paragraph"' in q["sql"]]) == 3
    assert len([q for q in queries if 'FROM "auth_user"' in q["sql"]]) == 1


def test_the_reference_export_reads_paragraphs_once_per_chunk_not_per_span(analyst, labels, annotate):
    for _ in range(5):
        article = ArticleFactory()
        for quote in ["council", "town hall"]:
            annotate(article.paragraphs.get(position=0), quote, reviewer=analyst)
    with CaptureQueriesContext(connection) as queries:
        exported = list(rows.iter_rows(Annotation.objects.all(), chunk_size=4))
    assert len(exported) == 10
    # One span query joined with its article, paragraph, label and reviewer, then per chunk of 4 spans
    # the paragraphs of its articles.
    assert len([q for q in queries if "SELECT" in q["sql"]]) == 1 + 3
    assert len([q for q in queries if 'FROM "articles_paragraph"' in q["sql"]]) == 3


def test_the_export_refuses_paging_parameters_it_would_ignore(client_for, analyst, tagged):
    response = client_for(analyst).get(f"{URL}?page=2&page_size=1")
    assert response.status_code == 400
    assert set(response.json()) == {"page", "page_size"}
    # Only the w3c-collection is served in pages.
    assert response.json()["page"] == ["'page' applies to format w3c-collection only, not jsonl."]

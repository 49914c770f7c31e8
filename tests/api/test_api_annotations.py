import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from annotator.models import Annotation, AnnotationChange
from tests.factories import ArticleFactory

URL = "/api/v1/annotations/"


def test_it_creates_a_span_with_its_quote(client_for, analyst, paragraph, labels):
    response = client_for(analyst).post(
        URL,
        {"paragraph": paragraph.pk, "start": 4, "end": 9, "label": "attributed_claim", "note": "who?"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["start"], body["end"], body["quote"], body["label"]) == (4, 9, "mayor", "attributed_claim")
    assert (body["reviewer"], body["note"], body["version"]) == ("alice", "who?", 1)
    assert Annotation.objects.get().article_id == paragraph.article_id


@pytest.mark.parametrize(
    ("payload", "field", "message"),
    [
        ({"start": 9, "end": 4}, "end", "end (4) must be greater than start (9)."),
        ({"start": 0, "end": 500}, "end", "end (500) is past the end of the paragraph (46 characters)."),
        ({"start": -1}, "start", "start must be 0 or more."),
        ({"quote": "Mayor"}, "quote",
         "The quote does not match the paragraph text at 4-9: expected 'mayor'."),
        ({"label": "rumour"}, "label",
         "Unknown label 'rumour'. Choose one of: reported_fact, attributed_claim, speculation, boilerplate."),
        ({"paragraph": 987654}, "paragraph", "Unknown paragraph 987654."),
        ({"note": "x" * 2001}, "note", "The note is 2001 characters long; the limit is 2000."),
        ({"attributed_to": "y" * 201}, "attributed_to",
         "'Attributed to' is 201 characters long; the limit is 200."),
        ({"start": "four"}, "start", "A valid integer is required."),
        ({"paragraph": "one"}, "paragraph", "A valid integer is required."),
        ({"label": None}, "label", "This field may not be null."),
        ({"note": 5}, "note", "Not a valid string."),
        ({"note": True}, "note", "Not a valid string."),
        ({"note": ["a"]}, "note", "Not a valid string."),
        ({"attributed_to": 7.5}, "attributed_to", "Not a valid string."),
        ({"attributed_to": {"name": "x"}}, "attributed_to", "Not a valid string."),
        ({"label": 3}, "label", "Not a valid string."),
        ({"quote": 5}, "quote", "Not a valid string."),
        ({"start": 3, "end": 4}, "quote", "The span holds only white space: it must cover some words."),
    ],
)  # fmt: skip
def test_bad_input_is_refused_with_a_message_and_nothing_is_written(
    client_for, analyst, paragraph, labels, payload, field, message
):
    data = {"paragraph": paragraph.pk, "start": 4, "end": 9, "label": "speculation", **payload}
    response = client_for(analyst).post(URL, data, format="json")
    assert response.status_code == 400
    assert response.json()[field] == [message]
    assert Annotation.objects.count() == 0
    assert AnnotationChange.objects.count() == 0


def test_text_a_database_cannot_store_is_a_400(client_for, analyst, paragraph, labels):
    fields = '"start": 4, "end": 9, "label": "speculation", "note": "a\\ud800b"'
    body = f'{{"paragraph": {paragraph.pk}, {fields}}}'
    response = client_for(analyst).post(URL, body, content_type="application/json")
    assert response.status_code == 400
    assert response.json() == {"detail": "Text must not contain unpaired UTF-16 surrogates."}
    assert Annotation.objects.count() == 0


def test_a_malformed_json_body_is_a_400(client_for, analyst, labels):
    response = client_for(analyst).post(URL, "{not json", content_type="application/json")
    assert response.status_code == 400
    assert response.json()["detail"].startswith("JSON parse error")


@pytest.mark.parametrize("depth", [950, 100_000])
def test_a_body_nested_too_deeply_is_a_400_everywhere(
    client, client_for, analyst, paragraph, annotate, depth
):
    body = "[" * depth + "]" * depth
    span = annotate(paragraph, "mayor", reviewer=analyst)
    for response in (
        client.post("/api/v1/auth/token/", body, content_type="application/json"),
        client_for(analyst).post(URL, body, content_type="application/json"),
        client_for(analyst).patch(f"{URL}{span.pk}/", body, content_type="application/json"),
    ):
        assert response.status_code == 400
        if depth > 1000:  # past what the parser itself may nest: refused while parsing
            assert response.json()["detail"] == "JSON parse error - the body is nested too deeply."
    assert Annotation.objects.count() == 1


def test_the_same_span_twice_is_refused(client_for, analyst, paragraph, labels):
    data = {"paragraph": paragraph.pk, "start": 4, "end": 9, "label": "speculation"}
    client_for(analyst).post(URL, data, format="json")
    response = client_for(analyst).post(URL, data, format="json")
    assert response.status_code == 400
    assert response.json() == {"non_field_errors": ["alice already tagged these words as Speculation."]}
    assert Annotation.objects.count() == 1


def test_update_with_the_current_version_changes_the_span(client_for, analyst, paragraph, annotate):
    span = annotate(paragraph, "mayor", reviewer=analyst)
    response = client_for(analyst).patch(
        f"{URL}{span.pk}/", {"version": 1, "label": "speculation"}, format="json"
    )
    assert response.status_code == 200
    assert (response.json()["label"], response.json()["version"]) == ("speculation", 2)


def test_update_with_a_stale_version_is_a_409_and_changes_nothing(client_for, analyst, paragraph, annotate):
    span = annotate(paragraph, "mayor", reviewer=analyst)
    client = client_for(analyst)
    client.patch(f"{URL}{span.pk}/", {"version": 1, "note": "first"}, format="json")
    response = client.put(f"{URL}{span.pk}/", {"version": 1, "label": "speculation"}, format="json")
    assert response.status_code == 409
    assert response.json()["version"] == 2
    assert "you had version 1, it is now at version 2" in response.json()["detail"]
    span.refresh_from_db()
    assert (span.label.slug, span.note, span.version) == ("reported_fact", "first", 2)


def test_a_version_from_the_future_is_a_409_that_says_so(client_for, analyst, paragraph, annotate):
    span = annotate(paragraph, "mayor", reviewer=analyst)
    response = client_for(analyst).patch(f"{URL}{span.pk}/", {"version": 7, "note": "x"}, format="json")
    assert response.status_code == 409
    assert response.json() == {
        "detail": "This span is at version 1; version 7 does not exist. Send the version you read.",
        "version": 1,
    }


@pytest.mark.parametrize(
    ("payload", "field"),
    [({"note": 5}, "note"), ({"note": False}, "note"), ({"attributed_to": ["Kyiv"]}, "attributed_to"),
     ({"attributed_to": 12}, "attributed_to"), ({"label": 1}, "label")],
)  # fmt: skip
@pytest.mark.parametrize("method", ["patch", "put"])
def test_update_refuses_values_that_are_not_strings_and_changes_nothing(
    client_for, analyst, paragraph, annotate, payload, field, method
):
    span = annotate(paragraph, "mayor", reviewer=analyst, note="kept")
    changes = AnnotationChange.objects.count()
    data = {"version": 1, "label": "speculation", **payload}
    response = getattr(client_for(analyst), method)(f"{URL}{span.pk}/", data, format="json")
    assert response.status_code == 400
    assert response.json() == {field: ["Not a valid string."]}
    span.refresh_from_db()
    assert (span.label.slug, span.note, span.attributed_to, span.version) == ("reported_fact", "kept", "", 1)
    assert AnnotationChange.objects.count() == changes


@pytest.mark.parametrize("method", ["patch", "put"])
def test_update_refuses_to_move_a_span_naming_the_fields_and_changes_nothing(
    client_for, analyst, paragraph, annotate, method
):
    span = annotate(paragraph, "mayor", reviewer=analyst)
    changes = AnnotationChange.objects.count()
    client = getattr(client_for(analyst), method)
    response = client(f"{URL}{span.pk}/", {"start": 1, "version": 2, "label": "speculation"}, format="json")
    assert response.status_code == 400
    assert response.json() == {
        "start": ["A span's start cannot change: delete the span and tag the words again."]
    }
    moved = {
        "paragraph": paragraph.pk,
        "start": 0,
        "end": 3,
        "quote": "The",
        "version": 1,
        "label": "speculation",
    }
    response = client(f"{URL}{span.pk}/", moved, format="json")
    assert response.status_code == 400
    assert sorted(response.json()) == ["end", "paragraph", "quote", "start"]
    assert response.json()["quote"] == [
        "A span's quote cannot change: delete the span and tag the words again."
    ]
    span.refresh_from_db()
    assert (span.start, span.end, span.quote, span.note, span.version) == (4, 9, "mayor", "", 1)
    assert AnnotationChange.objects.count() == changes


def test_a_move_and_a_bad_field_are_reported_together(client_for, analyst, paragraph, annotate):
    span = annotate(paragraph, "mayor", reviewer=analyst)
    response = client_for(analyst).patch(f"{URL}{span.pk}/", {"end": 12, "version": "x"}, format="json")
    assert response.status_code == 400
    assert response.json() == {
        "version": ["A valid integer is required."],
        "end": ["A span's end cannot change: delete the span and tag the words again."],
    }


def test_update_without_a_version_is_refused(client_for, analyst, paragraph, annotate):
    span = annotate(paragraph, "mayor", reviewer=analyst)
    response = client_for(analyst).patch(f"{URL}{span.pk}/", {"note": "x"}, format="json")
    assert response.status_code == 400
    assert response.json() == {"version": ["This field is required."]}


def test_delete_with_a_stale_version_is_a_409(client_for, analyst, paragraph, annotate):
    span = annotate(paragraph, "mayor", reviewer=analyst)
    client_for(analyst).patch(f"{URL}{span.pk}/", {"version": 1, "note": "n"}, format="json")
    response = client_for(analyst).delete(f"{URL}{span.pk}/?version=1")
    assert response.status_code == 409
    assert Annotation.objects.live().count() == 1
    assert client_for(analyst).delete(f"{URL}{span.pk}/?version=two").json() == {
        "version": ["A valid integer is required."]
    }
    assert client_for(analyst).delete(f"{URL}{span.pk}/?version=2").status_code == 204
    assert Annotation.objects.live().count() == 0


def test_list_filters_by_article_label_reviewer_and_time(client_for, analyst, colleague, paragraph, annotate):
    mine = annotate(paragraph, "mayor", reviewer=analyst, label="attributed_claim")
    annotate(paragraph, "budget", reviewer=colleague)
    other = ArticleFactory()
    annotate(other.paragraphs.get(position=0), "council", reviewer=analyst)
    client = client_for(analyst)

    def quotes(query: str) -> list[str]:
        response = client.get(f"{URL}?{query}")
        assert response.status_code == 200, response.json()
        return [row["quote"] for row in response.json()["results"]]

    assert quotes(f"article={paragraph.article_id}") == ["mayor", "budget"]
    assert quotes(f"paragraph={paragraph.pk}&reviewer=alice") == ["mayor"]
    assert quotes("label=attributed_claim") == ["mayor"]
    assert quotes("updated_since=2000-01-01T00:00:00Z&reviewer=bob") == ["budget"]
    assert quotes("updated_since=2999-01-01T00:00:00Z") == []
    assert client.get(f"{URL}{mine.pk}/").json()["quote"] == "mayor"


@pytest.mark.parametrize(
    ("query", "errors"),
    [
        ("label=rumour", {"label": [
            "Unknown label 'rumour'. "
            "Choose one of: reported_fact, attributed_claim, speculation, boilerplate."]}),
        ("reviewer=nobody", {"reviewer": ["Unknown reviewer 'nobody'."]}),
        ("article=999999", {"article": ["Unknown article 999999."]}),
        ("article=abc", {"article": ["Unknown article abc."]}),
        ("updated_since=yesterday", {"updated_since": [
            "Enter a date and time: ISO 8601 date and time, e.g. 2025-01-31T12:00:00Z."]}),
        ("updated_since=0001-01-01T00:00:00%2B01:00", {"updated_since": [
            "0001-01-01T00:00:00+01:00 is out of range once moved to UTC."]}),
        ("updated_since=9999-12-31T23:59:59-23:00", {"updated_since": [
            "9999-12-31T23:59:59-23:00 is out of range once moved to UTC."]}),
        ("format=xml", {"format": ["Unknown format 'xml'. This endpoint answers JSON only: format=json."]}),
        ("page=", {"page": ["This parameter is empty: give a value or leave it out."]}),
        ("lable=speculation", {"lable": [
            "Unknown query parameter 'lable'. Accepted: article, format, label, layer, page, page_size, "
            "paragraph, project, reviewer, updated_since."]}),
    ],
)  # fmt: skip
def test_unknown_filter_values_are_a_400_naming_them(client_for, analyst, labels, query, errors):
    response = client_for(analyst).get(f"{URL}?{query}")
    assert response.status_code == 400
    assert response.json() == errors


@pytest.mark.parametrize("page_size", [1, 10, 100])
def test_the_list_costs_the_same_queries_whatever_the_page_size(
    client_for, analyst, labels, annotate, page_size
):
    for n in range(12):
        article = ArticleFactory()
        annotate(article.paragraphs.get(position=0), "council", reviewer=analyst if n % 2 else None)
    client = client_for(analyst)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"{URL}?page_size={page_size}")
    assert len(response.json()["results"]) == min(page_size, 12)
    # token lookup, whether any blind project is in progress, count, page
    assert len(queries) == 4


def test_a_misspelt_field_is_refused_by_name_and_nothing_is_written(client_for, analyst, paragraph, annotate):
    client = client_for(analyst)
    data = {
        "paragraph": paragraph.pk,
        "start": 4,
        "end": 9,
        "label": "attributed_claim",
        "attributedTo": "Mayor",
    }
    response = client.post(URL, data, format="json")
    assert response.status_code == 400
    assert response.json() == {
        "attributedTo": [
            "Unknown field 'attributedTo'. "
            "Accepted: attributed_to, end, label, note, paragraph, quote, start."
        ]
    }  # fmt: skip
    assert Annotation.objects.count() == 0

    span = annotate(paragraph, "mayor", reviewer=analyst)
    response = client.patch(f"{URL}{span.pk}/", {"version": 1, "lable": "speculation"}, format="json")
    assert response.status_code == 400
    assert response.json() == {
        "lable": ["Unknown field 'lable'. Accepted: attributed_to, label, note, version."]
    }
    span.refresh_from_db()
    assert (span.label.slug, span.version) == ("reported_fact", 1)


def test_a_delete_with_a_misspelt_version_or_a_body_deletes_nothing(client_for, analyst, paragraph, annotate):
    client = client_for(analyst)
    span = annotate(paragraph, "mayor", reviewer=analyst)
    response = client.delete(f"{URL}{span.pk}/?verison=5")
    assert (response.status_code, response.json()) == (
        400, {"verison": ["Unknown query parameter 'verison'. Accepted: version."]}
    )  # fmt: skip
    response = client.delete(f"{URL}{span.pk}/", {"version": 99}, format="json")
    assert (response.status_code, response.json()) == (
        400, {"non_field_errors": ["A delete takes no body: send the version as ?version=N."]}
    )  # fmt: skip
    assert Annotation.objects.live().count() == 1

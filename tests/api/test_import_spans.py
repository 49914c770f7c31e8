"""Importing spans: anchored by position, re-anchored by quote and context, the rest reported."""

from __future__ import annotations

import datetime
import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from annotator import spans
from annotator.models import Annotation, AnnotationChange
from articles.models import Article
from tests.factories import ArticleFactory

URL = "/api/v1/import/"
ORIGINAL = [
    "On Monday the council met in the town hall.",
    "The mayor said the budget would be cut by 10%.",
    "Some observers wonder whether the cut is a prelude to privatisation.",
]
# The same report republished: a paragraph added in front, one sentence reworded.
EDITED = [
    "Republished with permission.",
    "On Monday the council met in the town hall.",
    "The mayor said the budget would be cut by 12%.",
    "Some observers wonder whether the cut is a prelude to privatisation.",
]
URL_OF_REPORT = "https://example.org/council"


@pytest.fixture
def exported(client_for, staff, analyst, annotate) -> bytes:
    """A JSONL export of three spans on the original article."""
    article = ArticleFactory(paragraphs=ORIGINAL, url=URL_OF_REPORT)
    annotate(article.paragraphs.get(position=0), "On Monday", reviewer=analyst)
    annotate(article.paragraphs.get(position=1), "cut by 10%", reviewer=analyst, note="check")
    annotate(
        article.paragraphs.get(position=2), "prelude to privatisation", label="speculation", reviewer=analyst
    )
    return b"".join(client_for(staff).get("/api/v1/export/spans").streaming_content)


def republish() -> Article:
    """Retire the original and store the edited version under the same URL."""
    Article.objects.update(deleted_at=datetime.datetime.now(datetime.UTC))
    return ArticleFactory(paragraphs=EDITED, url=URL_OF_REPORT)


def post(client, content: bytes, **options):
    return client.post(
        URL, {"file": SimpleUploadedFile("spans.jsonl", content), **options}, format="multipart"
    )


def test_moved_spans_are_re_anchored_and_changed_ones_make_the_import_fail_whole(client_for, staff, exported):
    edited = republish()
    response = post(client_for(staff), exported)
    assert response.status_code == 400
    assert response.json() == {
        "created": 2, "reanchored": 2, "existing": 0, "restored": 0, "written": False,
        "problems": [{"line": 2, "message": "the quote 'cut by 10%' is not in the article."}],
        "not_restored": [],
    }  # fmt: skip
    assert Annotation.objects.filter(article=edited).count() == 0


def test_with_partial_the_spans_that_anchor_are_kept(client_for, staff, exported):
    edited = republish()
    response = post(client_for(staff), exported, partial=True)
    assert response.status_code == 200
    assert response.json()["written"] is True
    placed = Annotation.objects.filter(article=edited).order_by("paragraph__position")
    assert [(s.paragraph.position, s.start, s.end, s.quote) for s in placed] == [
        (1, 0, 9, "On Monday"),
        (3, 43, 67, "prelude to privatisation"),
    ]


def test_a_dry_run_reports_and_writes_nothing(client_for, staff, exported):
    Annotation.objects.all().delete()
    response = post(client_for(staff), exported, dry_run=True)
    assert response.status_code == 200
    assert (response.json()["created"], response.json()["written"]) == (3, False)
    assert Annotation.objects.count() == 0


def test_a_dry_run_with_problems_answers_as_the_real_import_would(client_for, staff, exported, tmp_path):
    republish()
    response = post(client_for(staff), exported, dry_run=True)
    assert response.status_code == 400
    assert (response.json()["written"], len(response.json()["problems"])) == (False, 1)
    assert post(client_for(staff), exported, dry_run=True, partial=True).status_code == 200
    path = tmp_path / "spans.jsonl"
    path.write_bytes(exported)
    with pytest.raises(
        CommandError, match="^The import would be refused; fix the problems above or use --partial.$"
    ):
        call_command("import_spans", str(path), "--dry-run", stdout=io.StringIO(), stderr=io.StringIO())
    assert Annotation.objects.filter(article__deleted_at__isnull=True).count() == 0


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("{not json", "not valid JSON"),
        ('{"quote": "x", "label": "speculation", "article_url": "https://example.org/council"}',
         "give 'paragraph_position', 'start' and 'end', or 'article_start' and 'article_end'."),
        ('{"quote": 5, "label": "speculation", "article_url": "u", "article_start": 0, "article_end": 1}',
         "quote: Not a valid string."),
        ('{"quote": "On", "label": "rumour", "article_url": "https://example.org/council", '
         '"article_start": 0, "article_end": 2, "reviewer": "alice"}',
         "label: Unknown label 'rumour'. Choose one of: "
         "reported_fact, attributed_claim, speculation, boilerplate."),
        ('{"quote": "On", "label": "speculation", "article_url": "https://example.org/council", '
         '"article_start": 0, "article_end": 2, "reviewer": "nobody"}',
         "unknown reviewer 'nobody'; create the user first or name a default reviewer."),
        ('[1, 2]', "expected a JSON object, got list."),
        ('{"quote": "On", "label": "speculation", "article_url": "https://example.org/council", '
         '"article_start": 0, "article_end": 2, "reviewer": "alice", "note": "\\u0000nul"}',
         "note: Null characters are not allowed."),
        ('{"quote": "On", "label": "speculation", "article_url": "https://example.org/council", '
         '"article_start": 0, "article_end": 2, "reviewer": "alice", "created_at": "last Tuesday"}',
         "created_at: Enter an RFC 3339 timestamp like 2016-12-10T08:30:00+00:00."),
        ('{"quote": "On", "label": "speculation", "article_url": "https://example.org/council", '
         '"article_start": 0, "article_end": 2, "reviewer": "alice", "updated_at": 1481358600}',
         "updated_at: Enter an RFC 3339 timestamp like 2016-12-10T08:30:00+00:00."),
        ('{"quote": "On", "label": "speculation", "article_url": "https://example.org/council", '
         '"article_start": 0, "article_end": 2, "reviewer": "alice", '
         '"created_at": "0001-01-01T00:00:00+05:00"}',
         "created_at: This moment is out of range once moved to UTC."),
        ('{"quote": "On", "label": "speculation", "article_url": "https://example.org/council", '
         '"article_start": 0, "article_end": 2, "reviewer": "alice", '
         '"created_at": "2016-12-10T08:30:00Z", "updated_at": "2016-12-09T08:30:00Z"}',
         "updated_at: The span was updated (2016-12-09 08:30:00+00:00) before it was created "
         "(2016-12-10 08:30:00+00:00)."),
    ],
)  # fmt: skip
def test_bad_records_are_reported_by_line_and_nothing_is_written(client_for, staff, exported, line, message):
    Annotation.objects.all().delete()
    content = exported.splitlines()[0] + b"\n" + line.encode() + b"\n"
    response = post(client_for(staff), content)
    assert response.status_code == 400
    [problem] = response.json()["problems"]
    assert problem["line"] == 2
    assert problem["message"].startswith(message)
    assert Annotation.objects.count() == 0


def test_imported_spans_keep_their_times_and_are_recorded_as_imported_by_whoever_ran_it(
    client_for, staff, exported
):
    Annotation.objects.all().delete()
    line = json.loads(exported.splitlines()[0])
    line |= {"created_at": "2016-12-10T08:30:00+00:00", "updated_at": "2016-12-11T09:15:30.250000+00:00"}
    without_times = {key: value for key, value in line.items() if key not in ("created_at", "updated_at")}
    content = (
        json.dumps(line).encode()
        + b"\n"
        + json.dumps(without_times | {"note": "fresh", "label": "speculation"}).encode()
    )

    assert post(client_for(staff), content).status_code == 200

    kept, fresh = Annotation.objects.order_by("note")
    assert (kept.created_at, kept.updated_at) == (
        datetime.datetime(2016, 12, 10, 8, 30, tzinfo=datetime.UTC),
        datetime.datetime(2016, 12, 11, 9, 15, 30, 250000, tzinfo=datetime.UTC),
    )
    assert fresh.created_at.year == datetime.datetime.now(datetime.UTC).year
    history = AnnotationChange.objects.filter(annotation__in=[kept, fresh])
    assert {(c.action, c.actor.username, c.get_action_display()) for c in history} == {
        ("import", "sam", "imported")
    }
    exported_again = json.loads(
        b"".join(
            client_for(staff).get(f"/api/v1/export/spans?article={kept.article_id}").streaming_content
        ).splitlines()[0]
    )
    assert (exported_again["created_at"], exported_again["updated_at"]) == (
        "2016-12-10T08:30:00+00:00",
        "2016-12-11T09:15:30.250000+00:00",
    )


def test_the_reviewer_can_undo_an_import_of_their_span_from_the_command_line(tmp_path, exported, analyst):
    Annotation.objects.all().delete()
    path = tmp_path / "spans.jsonl"
    path.write_bytes(exported.splitlines()[0])
    call_command("import_spans", str(path))
    [entry] = AnnotationChange.objects.all()
    assert (entry.action, entry.actor) == ("import", analyst)

    spans.undo(entry=entry, actor=analyst)
    assert Annotation.objects.live().count() == 0


@pytest.mark.parametrize("separator", ["\u2028", "\u2029", "\u0085", "\x1c", "\r"])
def test_text_with_characters_other_tools_take_for_line_breaks_comes_back(
    client_for, staff, analyst, annotate, separator
):
    article = ArticleFactory(
        paragraphs=[f"The mayor said{separator}the budget would be cut."], url="https://example.org/x"
    )
    annotate(article.paragraphs.get(), f"said{separator}the budget", reviewer=analyst)
    exported = b"".join(client_for(staff).get("/api/v1/export/spans").streaming_content)
    for format in ("jsonl", "w3c"):
        content = (
            exported
            if format == "jsonl"
            else b"".join(client_for(staff).get("/api/v1/export/spans?format=w3c").streaming_content)
        )
        Annotation.objects.all().delete()
        response = post(client_for(staff), content)
        assert response.status_code == 200, response.json()
        assert list(Annotation.objects.values_list("quote", flat=True)) == [f"said{separator}the budget"]


def test_a_default_reviewer_takes_spans_of_unknown_reviewers(client_for, staff, exported):
    Annotation.objects.all().delete()
    content = exported.replace(b'"reviewer":"alice"', b'"reviewer":"zoe"')
    response = post(client_for(staff), content, default_reviewer="sam")
    assert response.status_code == 200, response.json()
    assert set(Annotation.objects.values_list("reviewer__username", flat=True)) == {"sam"}


@pytest.mark.parametrize(
    ("content", "options", "errors"),
    [
        (b"", {}, {"file": ["The submitted file is empty."]}),
        (b"\xff\xfe{}", {}, {"file": ["the file is UTF-16 text; save it as UTF-8 and import it again"]}),
        (b"{}", {"format": "xml"}, {"format": ['"xml" is not a valid choice.']}),
        (b"{}", {"default_reviewer": "ghost"}, {"default_reviewer": ["Unknown user 'ghost'."]}),
    ],
)
def test_a_bad_upload_is_a_400_with_field_errors(client_for, staff, content, options, errors):
    response = post(client_for(staff), content, **options)
    assert response.status_code == 400
    assert response.json() == errors


def test_the_command_imports_a_file(tmp_path, exported, capsys):
    Annotation.objects.all().delete()
    AnnotationChange.objects.all().delete()
    path = tmp_path / "spans.jsonl"
    path.write_bytes(exported)
    call_command("import_spans", str(path))
    assert capsys.readouterr().out == (
        "Created 3 spans (0 re-anchored by quote and context); 0 already present; 0 problems.\n"
    )
    assert Annotation.objects.count() == 3


def test_the_command_lists_problems_and_fails_without_writing(tmp_path, exported, capsys):
    republish()
    path = tmp_path / "spans.jsonl"
    path.write_bytes(exported)
    count = Annotation.objects.count()
    with pytest.raises(CommandError, match="Nothing was imported; fix the problems above or use --partial."):
        call_command("import_spans", str(path))
    output = capsys.readouterr()
    assert f"{path}:2: the quote 'cut by 10%' is not in the article." in output.err
    assert Annotation.objects.count() == count


def test_the_command_reads_w3c(tmp_path, client_for, staff, exported, capsys):
    w3c = b"".join(client_for(staff).get("/api/v1/export/spans?format=w3c").streaming_content)
    republish()
    path = tmp_path / "spans.jsonld"
    path.write_bytes(w3c)
    call_command("import_spans", str(path), "--partial")
    assert "Created 2 spans (2 re-anchored by quote and context)" in capsys.readouterr().out
    assert json.loads(w3c.splitlines()[0])["type"] == "Annotation"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [("note", 5, "Not a valid string."), ("start", "four", "A valid integer is required."),
     ("label", "", "This field may not be blank.")],
)  # fmt: skip
def test_an_import_line_and_an_api_body_are_checked_by_one_schema(
    client_for, staff, analyst, labels, field, value, message
):
    article = ArticleFactory(paragraphs=ORIGINAL)
    paragraph = article.paragraphs.get(position=1)
    body = {"paragraph": paragraph.pk, "start": 4, "end": 9, "quote": "mayor", "label": "speculation"}
    response = client_for(analyst).post("/api/v1/annotations/", body | {field: value}, format="json")
    assert response.json() == {field: [message]}
    line = {"article_checksum": article.checksum, "paragraph_position": 1, "reviewer": "alice", **body}
    del line["paragraph"]
    report = post(client_for(staff), json.dumps(line | {field: value}).encode()).json()
    assert report["problems"] == [{"line": 1, "message": f"{field}: {message}"}]
    assert Annotation.objects.count() == 0

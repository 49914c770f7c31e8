"""The brat export (a zip of .txt/.ann pairs and an annotation.conf) and its way back: import(export(x)) == x
for what brat holds (article text, offsets, quote, label, note), on brat's own sample and by hand."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from annotator.models import Annotation, AnnotationChange
from articles.models import Article
from tests.api.test_import_peer_formats import NEWS, post_brat
from tests.factories import ArticleFactory

URL = "/api/v1/export/spans"
PARAGRAPHS = [
    "Café owners 😮 said the new tax would ruin them.",
    "The mayor, José Núñez, denied it.",
]


def export(client, query: str = "") -> bytes:
    response = client.get(f"{URL}?format=brat{query}")
    assert response.status_code == 200, response.json()
    return b"".join(response.streaming_content)


def reimport(client, content: bytes, name: str = "spans.zip"):
    return client.post("/api/v1/import/", {"file": SimpleUploadedFile(name, content)}, format="multipart")


def stored() -> set[tuple]:
    """Each live span as brat holds it: its article's text, article offsets, quote, label, note, reviewer."""
    texts = {a.pk: "\n\n".join(a.paragraphs.order_by("position").values_list("text", flat=True))
             for a in Article.objects.all()}  # fmt: skip
    result = set()
    for span in Annotation.objects.live().select_related("paragraph", "label", "reviewer"):
        text = texts[span.article_id]
        offset = sum(
            len(p) + 2 for p in span.article.paragraphs.filter(position__lt=span.paragraph.position)
            .order_by("position").values_list("text", flat=True)
        )  # fmt: skip
        start, end = offset + span.start, offset + span.end
        assert text[start:end] == span.quote
        result.add((text, start, end, span.quote, span.label.slug, span.note, span.reviewer.username))
    return result


def empty_the_database() -> None:
    AnnotationChange.objects.all().delete()
    Annotation.objects.all().delete()
    Article.objects.all().delete()


@pytest.fixture
def small(db, analyst, annotate):
    """An emoji, a span nested in another, one crossing it, and a note with a line break and a tab."""
    article = ArticleFactory(paragraphs=PARAGRAPHS)
    first, second = article.paragraphs.order_by("position")
    annotate(first, "said the new tax would ruin them", label="attributed_claim", reviewer=analyst)
    annotate(first, "new tax", label="reported_fact", reviewer=analyst)
    annotate(first, "Café owners 😮 said", label="speculation", reviewer=analyst)
    annotate(second, "José Núñez", label="reported_fact", reviewer=analyst, note="Said\nat the\tmeeting")
    return article


def test_the_zip_holds_the_text_the_ann_and_the_conf(client_for, analyst, small):
    response = client_for(analyst).get(f"{URL}?format=brat")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"] == 'attachment; filename="spans.zip"'
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    assert archive.testzip() is None
    pk = small.pk
    assert archive.namelist() == [f"{pk}.txt", f"{pk}.ann", "annotation.conf"]
    assert archive.read(f"{pk}.txt").decode() == (
        "Café owners 😮 said the new tax would ruin them.\n\nThe mayor, José Núñez, denied it."
    )
    # Code points: the emoji is one (in UTF-16 "said" would start at 15); the nested span after its holder.
    assert archive.read(f"{pk}.ann").decode() == (
        "T1\tspeculation 0 18\tCafé owners 😮 said\n"
        "T2\tattributed_claim 14 46\tsaid the new tax would ruin them\n"
        "T3\treported_fact 23 30\tnew tax\n"
        "T4\treported_fact 60 70\tJosé Núñez\n"
        "#1\tAnnotatorNotes T4\tSaid at the meeting\n"
    )
    assert archive.read("annotation.conf").decode() == (
        "[entities]\nattributed_claim\nreported_fact\nspeculation\n\n[relations]\n\n[events]\n\n[attributes]\n"
    )


def test_the_small_article_comes_back_from_its_zip(client_for, staff, analyst, small):
    client = client_for(staff)
    before = stored()
    exported = export(client, "&reviewer=alice")
    empty_the_database()

    response = client.post(
        "/api/v1/import/",
        {"file": SimpleUploadedFile("spans.zip", exported), "default_reviewer": "alice"},
        format="multipart",
    )

    assert response.status_code == 200, response.json()
    assert (response.json()["created"], response.json()["articles_created"]) == (4, 1)
    # The note's line break and tab became spaces: the one thing brat's line format cannot hold.
    assert stored() == {row[:5] + (row[5].replace("\n", " ").replace("\t", " "),) + row[6:] for row in before}


def test_brats_sample_comes_back_from_our_brat_export(client_for, staff, labels, shared_dir):
    """import(export(x)) == x: brat's own tutorial documents imported, exported as brat, imported into an
    emptied database: the same texts and spans, notes included; the same zip again adds nothing."""
    client = client_for(staff)
    folder = shared_dir / NEWS
    for stem in ("110-note_annotation", "040-text_span_annotation"):
        assert post_brat(client, folder, stem).status_code == 200
    before = stored()
    assert len(before) == 18 and any(row[5] for row in before)  # 14 + 4 T lines; the sample's notes
    exported = export(client)
    empty_the_database()

    response = reimport(client, exported)

    assert response.status_code == 200, response.json()["problems"][:5]
    report = response.json()
    assert (report["articles_created"], report["reanchored"], report["not_imported"]) == (2, 0, [])
    assert report["created"] == len(before)
    assert stored() == before
    again = reimport(client, exported).json()
    assert (again["created"], again["existing"], again["articles_created"]) == (0, len(before), 0)


def test_the_command_line_round_trip(tmp_path, client_for, staff, analyst, small):
    before = stored()
    path = tmp_path / "spans.zip"
    call_command("export_spans", "--format", "brat", "--output", str(path), verbosity=0, stdout=io.StringIO())
    empty_the_database()
    out = io.StringIO()
    call_command("import_spans", str(path), "--default-reviewer", "alice", stdout=out, stderr=io.StringIO())
    assert "Created 4 spans" in out.getvalue()
    assert {row[:5] for row in stored()} == {row[:5] for row in before}


def zipped(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        (
            "spans.zip",
            b"PK\x03\x04 cut short",
            "spans.zip is not a readable zip archive (File is not a zip file)",
        ),
        (
            "spans.zip",
            zipped({"1.txt": b"The mayor.", "1.ann": b"T1\treported_fact 4 9\tmayor\n", "x.md": b"hi"}),
            "x.md is neither a brat .txt nor a .ann file. Nothing was imported.",
        ),
        (
            "spans.zip",
            zipped({"1.ann": b"T1\treported_fact 4 9\tmayor\n"}),
            "1.ann has no 1.txt beside it; brat needs both files. Nothing was imported.",
        ),
        (
            "spans.zip",
            zipped({"1.txt": b"The mayor.", "1.ann": b"T1\treported_fact 4 9\tmayor\n", "2.txt": b"\xff"}),
            "2.txt in spans.zip: the file is not UTF-8 text: byte 0xFF at offset 0 (line 1) is not valid "
            "UTF-8; save the file as UTF-8 and import it again",
        ),
        ("empty.zip", zipped({"annotation.conf": b"[entities]\n"}), "empty.zip holds no file to import: "
         "brat needs .txt and .ann pairs"),
    ],
)  # fmt: skip
def test_a_bad_zip_gets_one_clear_error_and_writes_nothing(client_for, staff, labels, name, content, message):
    response = reimport(client_for(staff), content, name)
    assert response.status_code == 400
    assert response.json() == {"file": [message]}
    assert Article.objects.count() == 0 and Annotation.objects.count() == 0


def test_a_bad_zip_from_the_command_line(tmp_path, labels, staff):
    path = tmp_path / "spans.zip"
    path.write_bytes(b"PK\x03\x04 cut short")
    with pytest.raises(CommandError, match="is not a readable zip archive"):
        call_command("import_spans", str(path), "--default-reviewer", "sam", stdout=io.StringIO())
    assert Article.objects.count() == 0

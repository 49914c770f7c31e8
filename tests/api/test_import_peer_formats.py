"""Importing spans from doccano, Label Studio, brat and CoNLL: their own samples (../shared/corpus), the units
each tool counts in, label mappings, what is reported as not imported, and bad files that write nothing."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from annotator.models import Annotation
from articles.models import Article
from tests.factories import ArticleFactory

URL = "/api/v1/import/"
KNOWN = "known labels: attributed_claim, boilerplate, reported_fact, speculation."
DOCCANO = "corpus/doccano/backend"
NEWS = "corpus/brat/example-data/tutorials/news"


def post(client, name: str, content: bytes | str, **options):
    data = content.encode() if isinstance(content, str) else content
    return client.post(URL, {"file": SimpleUploadedFile(name, data), **options}, format="multipart")


def spans() -> list[tuple]:
    return list(
        Annotation.objects.live()
        .order_by("article__title", "paragraph__position", "start", "label__slug")
        .values_list("article__title", "paragraph__position", "start", "end", "quote", "label__slug", "note")
    )


@pytest.fixture
def staff_client(client_for, staff, labels):
    return client_for(staff)


def test_doccano_export_sample_creates_its_articles_and_spans(staff_client, shared_dir):
    sample = (
        shared_dir / DOCCANO / "data_export/pipeline/examples/sequence_labeling/example.jsonl"
    ).read_bytes()
    labels = ["ORG=reported_fact", "MISC=speculation", "PERSON=attributed_claim"]

    response = post(staff_client, "example.jsonl", sample, format="doccano", labels=labels)

    assert response.status_code == 200, response.json()
    assert response.json() == {
        "created": 4, "reanchored": 0, "existing": 0, "written": True, "problems": [],
        "restored": 0, "not_restored": [], "articles_created": 3, "not_imported": [],
    }  # fmt: skip
    assert spans() == [
        ("EU rejects German call to boycott British lamb.", 0, 0, 2, "EU", "reported_fact", ""),
        ("EU rejects German call to boycott British lamb.", 0, 11, 17, "German", "speculation", ""),
        ("Peter Blackburn", 0, 0, 15, "Peter Blackburn", "attributed_claim", ""),
        ("President Obama", 0, 10, 15, "Obama", "attributed_claim", ""),
    ]
    assert set(Annotation.objects.values_list("reviewer__username", flat=True)) == {"sam"}
    # The same file again finds the articles by their text and adds nothing.
    again = post(staff_client, "example.jsonl", sample, labels=labels).json()
    assert (again["created"], again["existing"], again["articles_created"]) == (0, 4, 0)
    assert Article.objects.count() == 3


def test_doccano_import_dialog_columns_are_read(staff_client, shared_dir):
    sample = (
        shared_dir / DOCCANO / "data_import/pipeline/examples/sequence_labeling/example.jsonl"
    ).read_bytes()
    response = post(
        staff_client,
        "x.jsonl",
        sample,
        format="doccano",
        labels=["ORG=reported_fact", "PERSON=attributed_claim"],
    )
    assert response.json()["created"] == 3


def test_an_unknown_label_refuses_the_file_naming_the_known_ones(staff_client, shared_dir):
    sample = (
        shared_dir / DOCCANO / "data_export/pipeline/examples/sequence_labeling/example.jsonl"
    ).read_bytes()

    response = post(staff_client, "example.jsonl", sample, format="doccano", labels=["ORG=reported_fact"])

    assert response.status_code == 400
    assert response.json()["problems"] == [
        {"line": 1, "message": f"unknown labels 'MISC', 'PERSON'; {KNOWN} Map other names to ours with label "
                               "mappings such as MISC=attributed_claim, or leave them out with MISC=."}
    ]  # fmt: skip
    assert Article.objects.count() == 0 and Annotation.objects.count() == 0


def test_a_mapping_to_a_label_we_do_not_have_is_refused(staff_client):
    response = post(
        staff_client, "x.jsonl", '{"text": "abc", "label": []}', format="doccano", labels=["claim=rumour"]
    )
    assert response.status_code == 400
    assert response.json() == {"labels": [f"the mapping claim=rumour names no label of ours; {KNOWN}"]}


def test_doccanos_own_bad_fixture_is_refused_at_the_line_without_text(staff_client, shared_dir):
    sample = (shared_dir / DOCCANO / "data_import/tests/data/sequence_labeling/example.jsonl").read_bytes()
    response = post(
        staff_client,
        "example.jsonl",
        sample,
        format="doccano",
        labels=["LOC=reported_fact", "PER=speculation"],
    )
    assert response.status_code == 400
    assert response.json()["problems"] == [
        {"line": 3, "message": "no 'text': each doccano line needs its text."}
    ]
    assert Article.objects.count() == 0


def test_doccano_identical_spans_are_stored_once(staff_client, shared_dir):
    sample = (
        shared_dir / DOCCANO / "data_import/tests/data/sequence_labeling/example_overlapping.jsonl"
    ).read_bytes()
    response = post(staff_client, "x.jsonl", sample, format="doccano", labels=["LOC=reported_fact"])
    assert (response.json()["created"], response.json()["existing"]) == (1, 1)


def test_doccano_offsets_out_of_range_write_nothing(staff_client):
    content = '{"text": "Ann said no.", "label": [[0, 3, "reported_fact"], [9, 40, "speculation"]]}'
    response = post(staff_client, "x.jsonl", content, format="doccano")
    assert response.status_code == 400
    assert response.json()["problems"] == [
        {
            "line": 1,
            "message": "span [9, 40, 'speculation']: offsets 9-40 are out of range: "
            "the text has 12 characters.",
        }
    ]
    assert Article.objects.count() == 0 and Annotation.objects.count() == 0


def test_doccano_utf16_offsets_from_a_default_project(staff_client):
    text = "Wow 😮 the mayor said"
    content = json.dumps(
        {"text": text, "label": [[7, 16, "attributed_claim"]]}
    )  # "the mayor" in UTF-16 units
    response = post(staff_client, "x.jsonl", content, format="doccano", offsets="utf16")
    assert response.status_code == 200, response.json()
    assert [s[4] for s in spans()] == ["the mayor"]


@pytest.mark.parametrize("unit", ["codepoints", "code-points"])
def test_doccano_code_point_offsets_take_the_exports_name_and_the_older_spelling(staff_client, unit):
    text = "Wow 😮 the mayor said"
    content = json.dumps({"text": text, "label": [[6, 15, "attributed_claim"]]})
    response = post(staff_client, "x.jsonl", content, format="doccano", offsets=unit)
    assert response.status_code == 200, response.json()
    assert [s[4] for s in spans()] == ["the mayor"]


def test_not_json_lines_get_one_error(staff_client):
    response = post(
        staff_client, "x.jsonl", '{"text": "a", "label": []}\n{"text": "b", "lab', format="doccano"
    )
    assert response.status_code == 400
    assert response.json()["file"][0].startswith("line 2 is not valid JSON (")
    assert Article.objects.count() == 0


def test_label_studio_sample_with_its_own_label_names(staff_client, shared_dir):
    sample = (
        shared_dir / "corpus/label-studio/web/libs/editor/src/examples/named_entity/annotations/1.json"
    ).read_bytes()

    response = post(staff_client, "1.json", sample, labels=["Date=reported_fact"])

    assert response.status_code == 200, response.json()
    assert response.json()["created"] == 1 and response.json()["articles_created"] == 1
    [(title, position, start, end, quote, label, _)] = spans()
    assert (position, quote, label) == (1, "February 22", "reported_fact")
    assert Annotation.objects.get().paragraph.text[start:end] == "February 22"


def test_label_studio_predictions_are_reported_as_not_imported(staff_client, shared_dir):
    sample = (
        shared_dir / "corpus/label-studio/web/libs/editor/src/examples/named_entity/tasks.json"
    ).read_bytes()
    response = post(staff_client, "tasks.json", sample, format="label-studio")
    assert response.json()["not_imported"] == [
        {"line": 1, "message": "task 1: 1 prediction(s); only annotations are imported."}
    ]
    assert response.json()["created"] == 0


def label_studio_task(text: str, *results: tuple) -> str:
    return json.dumps([{
        "data": {"text": text},
        "annotations": [{"result": [
            {"id": f"r{n}", "type": "labels", "from_name": "label", "to_name": "text",
             "value": {"start": start, "end": end, "text": quote, "labels": [label]}}
            for n, (start, end, quote, label) in enumerate(results)
        ]}],
    }])  # fmt: skip


def test_label_studio_offsets_are_read_per_result_in_the_unit_that_holds_its_text(staff_client):
    text = "Smile 😮 the mayor said the budget would be cut."
    content = label_studio_task(
        text,
        (8, 17, "the mayor", "attributed_claim"),  # UTF-16 units (older Label Studio, our older export)
        (23, 33, "the budget", "reported_fact"),  # code points (Label Studio 1.23)
        (0, 3, "would be cut", "speculation"),  # neither: placed by its text
    )

    response = post(staff_client, "x.json", content, format="label-studio")

    assert response.status_code == 200, response.json()
    assert (response.json()["created"], response.json()["reanchored"]) == (3, 1)
    assert sorted(s[4] for s in spans()) == ["the budget", "the mayor", "would be cut"]


def test_label_studio_text_found_nowhere_is_reported(staff_client):
    content = label_studio_task("The mayor said so.", (0, 3, "the council", "reported_fact"))
    response = post(staff_client, "x.json", content, format="label-studio")
    assert response.status_code == 400
    assert response.json()["problems"] == [
        {"line": 1, "message": "the quote 'the council' is not in the article."}
    ]
    assert Article.objects.count() == 0


def test_label_studio_other_results_are_reported(staff_client):
    task = json.loads(label_studio_task("The mayor said so.", (4, 9, "mayor", "reported_fact")))
    task[0]["annotations"][0]["result"].append({"id": "c1", "type": "choices", "value": {"choices": ["x"]}})
    response = post(staff_client, "x.json", json.dumps(task), format="label-studio")
    assert response.json()["not_imported"] == [
        {"line": 1, "message": "task 1, result 'c1': a 'choices' result; only text 'labels' are imported."}
    ]
    assert response.json()["created"] == 1


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('[{"data": {"text": "abc"}, "annotations": [', "not valid JSON ("),
        ('{"text": "abc", "label": []}\n', "not a Label Studio export: expected a JSON array of tasks"),
    ],
)
def test_truncated_or_wrong_label_studio_files_get_one_error(staff_client, content, message):
    response = post(staff_client, "x.json", content, format="label-studio")
    assert response.status_code == 400
    [error] = response.json()["file"]
    assert error.startswith(message) and error.endswith("Nothing was imported.")


def test_mixed_encodings_are_refused_before_reading(staff_client):
    content = '{"text": "café", "label": []}\n'.encode() + '{"text": "café", "label": []}\n'.encode("latin-1")
    response = post(staff_client, "x.jsonl", content, format="doccano")
    assert response.status_code == 400
    assert response.json()["file"][0].startswith("the file is not UTF-8 text: byte 0xE9 at offset")


ONLY_SPAN_NOTES = "is not imported: only notes on spans (T) are."
BRAT_LABELS = [
    "GPE=reported_fact",
    "Organization=attributed_claim",
    "Person=speculation",
    "Merge-org=boilerplate",
]


def post_brat(client, folder: Path, stem: str, **options):
    files = {
        "file": SimpleUploadedFile(f"{stem}.ann", (folder / f"{stem}.ann").read_bytes()),
        "text_file": SimpleUploadedFile(f"{stem}.txt", (folder / f"{stem}.txt").read_bytes()),
    }
    return client.post(URL, {**files, "labels": BRAT_LABELS, **options}, format="multipart")


def test_brat_spans_notes_and_what_is_not_imported(staff_client, shared_dir):
    folder = shared_dir / NEWS
    response = post_brat(staff_client, folder, "110-note_annotation")

    assert response.status_code == 200, response.json()
    report = response.json()
    assert report["created"] == 14
    assert report["not_imported"] == [
        {"line": 7, "message": "110-note_annotation.ann: E1 is an event, which has no equivalent here."},
        {"line": 11, "message": "110-note_annotation.ann: R1 is a relation, which has no equivalent here."},
        {"line": 18, "message": "110-note_annotation.ann: E2 is an event, which has no equivalent here."},
        {"line": 21, "message": "110-note_annotation.ann: R2 is a relation, which has no equivalent here."},
        {"line": 8, "message": f"110-note_annotation.ann: the note on E1 {ONLY_SPAN_NOTES}"},
        {"line": 12, "message": f"110-note_annotation.ann: the note on R1 {ONLY_SPAN_NOTES}"},
    ]  # fmt: skip
    text = (folder / "110-note_annotation.txt").read_text()
    discworld = Annotation.objects.get(quote="Discworld", note__gt="")
    assert discworld.note == "Should fictional places be annotated?"
    # Every T line comes back on its own characters: brat's offset into the .txt is, line by line, the
    # paragraph and the offset into it (each line of the .txt is a paragraph).
    stored = Article.objects.get()
    assert stored.title == "110-note_annotation"
    paragraphs = list(stored.paragraphs.order_by("position").values_list("text", flat=True))
    assert paragraphs == [line for line in text.split("\n") if line.strip()]
    line_starts = [i for i, _ in enumerate(text) if i == 0 or text[i - 1] == "\n"]
    line_of = {start: n for n, start in enumerate(s for s in line_starts if text[s:].split("\n")[0].strip())}
    mapped = dict(mapping.split("=") for mapping in BRAT_LABELS)
    expected = set()
    for line in (folder / "110-note_annotation.ann").read_text().splitlines():
        if line.startswith("T"):
            _, kind_offsets, covered = line.split("\t")
            kind, start, end = kind_offsets.split()
            line_start = max(s for s in line_of if s <= int(start))
            position = line_of[line_start]
            expected.add((position, int(start) - line_start, int(end) - line_start, covered, mapped[kind]))
    assert (
        set(Annotation.objects.values_list("paragraph__position", "start", "end", "quote", "label__slug"))
        == expected
    )


def test_brat_discontinuous_and_misplaced_spans(staff_client, tmp_path):
    (tmp_path / "d.txt").write_text("The mayor said the budget would be cut.")
    (tmp_path / "d.ann").write_text(
        "T1\tPerson 4 9\tmayor\nT2\tGPE 0 3;10 14\tThe said\nT3\tOrganization 0 5\tthe budget\n"
    )
    response = post_brat(staff_client, tmp_path, "d")
    assert response.status_code == 200, response.json()
    assert (response.json()["created"], response.json()["reanchored"]) == (2, 1)
    assert response.json()["not_imported"] == [
        {"line": 2, "message": "d.ann: T2 is discontinuous (0 3;10 14); a span here is one run of text."}
    ]
    assert sorted(Annotation.objects.values_list("quote", flat=True)) == ["mayor", "the budget"]


def test_brat_without_its_text_is_refused(staff_client):
    response = post(staff_client, "d.ann", "T1\tPerson 0 3\tAnn\n", format="brat")
    assert response.json() == {
        "file": ["d.ann has no d.txt beside it; brat needs both files. Nothing was imported."]
    }


def test_brat_folder_from_the_command_line(shared_dir, labels, staff):
    folder = shared_dir / NEWS
    out, err = io.StringIO(), io.StringIO()
    args = [str(folder), "--format", "brat", "--default-reviewer", "sam"]
    with pytest.raises(CommandError, match="Nothing was imported"):
        call_command("import_spans", *args, *[f"--label={m}" for m in BRAT_LABELS], stdout=out, stderr=err)
    assert (
        "unknown labels 'Money', 'Report', 'Transfer-money'; known labels:" in err.getvalue()
        and Annotation.objects.count() == 0
    )
    types = {
        line.split("\t")[1].split()[0]
        for path in folder.glob("*.ann")
        for line in path.read_text().splitlines()
        if line.startswith("T")
    }
    out, err = io.StringIO(), io.StringIO()
    call_command(
        "import_spans", *args, *[f"--label={t}=reported_fact" for t in types], stdout=out, stderr=err
    )
    # 119 T lines: each created, or already present when another type on the same words maps to the same
    # label.
    created, existing = re.search(r"Created (\d+) spans .*?(\d+) already present", out.getvalue()).groups()
    assert int(created) + int(existing) == 119 and int(created) == Annotation.objects.count()
    assert "9 new articles" in out.getvalue()  # the 4 documents with an empty .ann bring no article
    assert (
        f"{folder}:7: not imported: 110-note_annotation.ann: E1 is an event, which has no equivalent here."
        in err.getvalue()
    )


CONLL_ARTICLE = ["Ann Lee said no.", "Bye"]
CONLL_EXPORT = """-DOCSTART-\tarticle={id}\tlevels=2

Ann\t0\t3\tB-attributed_claim\tO
Lee\t4\t7\tI-attributed_claim\tB-speculation
said\t8\t12\tO\tO
no\t13\t15\tO\tO
.\t15\t16\tO\tO

Bye\t18\t21\tB-boilerplate\tO

"""


def test_conll_in_our_layout_brings_nested_spans_back_on_their_characters(staff_client):
    article = ArticleFactory(paragraphs=CONLL_ARTICLE)

    response = post(staff_client, "spans.conll", CONLL_EXPORT.format(id=article.pk))

    assert response.status_code == 200, response.json()
    assert response.json()["articles_created"] == 0
    assert sorted(
        Annotation.objects.values_list("paragraph__position", "start", "end", "quote", "label__slug")
    ) == [
        (0, 0, 7, "Ann Lee", "attributed_claim"),
        (0, 4, 7, "Lee", "speculation"),
        (1, 0, 3, "Bye", "boilerplate"),
    ]


def test_conll_from_doccano_creates_its_text_tokens_joined_by_spaces(staff_client, shared_dir):
    sample = (shared_dir / DOCCANO / "data_import/tests/data/sequence_labeling/example.conll").read_bytes()
    response = post(
        staff_client, "example.conll", sample, labels=["LOC=reported_fact", "PER=attributed_claim"]
    )
    assert response.status_code == 200, response.json()
    article = Article.objects.get()
    assert list(article.paragraphs.values_list("text", flat=True)) == ["JAPAN GET", "Nadim Ladki"]
    assert sorted(Annotation.objects.values_list("quote", "label__slug")) == [
        ("JAPAN", "reported_fact"),
        ("Nadim Ladki", "attributed_claim"),
    ]


@pytest.mark.parametrize(
    ("sample", "message"),
    [
        (
            "labeling.invalid.conll",
            "line 2 has 1 tag column(s) where line 1 has 2: every token line of a document needs the same "
            "columns. Nothing was imported.",
        ),
        ("labeling.trailing.conll", None),
    ],
)
def test_doccanos_conll_fixtures(staff_client, shared_dir, sample, message):
    content = (shared_dir / DOCCANO / "data_import/tests/data/sequence_labeling" / sample).read_bytes()
    response = post(
        staff_client,
        sample,
        content,
        format="conll",
        labels=["LOC=reported_fact", "PER=attributed_claim", "ORG=boilerplate", "MISC=speculation"],
    )
    if message:
        assert response.json() == {"file": [message]}
        assert Article.objects.count() == 0
    else:
        assert response.status_code == 200, response.json()
        assert response.json()["created"] > 0


def test_the_command_needs_a_reviewer_for_files_that_name_none(tmp_path, labels):
    path = tmp_path / "x.jsonl"
    path.write_text('{"text": "Ann said no.", "label": [[0, 3, "reported_fact"]]}\n')
    err = io.StringIO()
    with pytest.raises(CommandError, match="Nothing was imported"):
        call_command("import_spans", str(path), "--format", "doccano", stdout=io.StringIO(), stderr=err)
    assert "the file names no reviewer for its spans; name a default reviewer." in err.getvalue()
    assert Article.objects.count() == 0


CONLL_2003 = """-DOCSTART- -X- -X- O

EU NNP B-NP B-ORG
rejects VBZ B-VP O
German JJ B-NP B-MISC
call NN I-NP O
. . O O

Peter NNP B-NP B-PER
Blackburn NNP I-NP I-PER
"""


def test_conll_2003_columns_pos_reported_chunks_left_out_by_mapping(staff_client):
    labels = ["ORG=reported_fact", "MISC=speculation", "PER=attributed_claim", "NP=", "VP="]

    response = post(staff_client, "train.txt", CONLL_2003, format="conll", labels=labels)

    assert response.status_code == 200, response.json()
    assert response.json()["not_imported"] == [
        {"line": 3, "message": "tag column 1 holds 'NNP', which is not IOB (O, B-LABEL, I-LABEL): "
                               "the column is not imported."},
        {"line": 3, "message": "3 span(s) labelled 'NP': the label is mapped to nothing."},
        {"line": 4, "message": "1 span(s) labelled 'VP': the label is mapped to nothing."},
    ]  # fmt: skip
    assert sorted(Annotation.objects.values_list("quote", "label__slug")) == [
        ("EU", "reported_fact"), ("German", "speculation"), ("Peter Blackburn", "attributed_claim")
    ]  # fmt: skip
    assert list(Article.objects.get().paragraphs.values_list("text", flat=True)) == [
        "EU rejects German call .",
        "Peter Blackburn",
    ]


def test_conll_lines_with_different_columns_are_refused(staff_client):
    response = post(staff_client, "x.conll", "EU B-ORG O\nrejects O\n", format="conll")
    assert response.json() == {"file": [
        "line 2 has 1 tag column(s) where line 1 has 2: every token line of a document needs the same "
        "columns. "
        "Nothing was imported."
    ]}  # fmt: skip


def test_label_studio_reviewers_named_by_our_export(staff_client, analyst, colleague):
    task = json.loads(label_studio_task("The mayor said so.", (4, 9, "mayor", "reported_fact")))[0]
    second = json.loads(label_studio_task("The mayor said so.", (10, 14, "said", "attributed_claim")))[0]
    task["annotations"].append(second["annotations"][0])
    task["data"] |= {"reviewers": ["alice", "bob"], "article": 999, "title": "Mayor"}

    response = post(staff_client, "x.json", json.dumps([task]), format="label-studio")

    assert response.status_code == 200, response.json()
    assert sorted(Annotation.objects.values_list("quote", "reviewer__username")) == [
        ("mayor", "alice"),
        ("said", "bob"),
    ]
    assert Article.objects.get().title == "Mayor"


ORIGINAL = ["On Monday the council met in the town hall.", "The mayor said the budget would be cut by 10%."]
EDITED = ["Republished with permission.", ORIGINAL[0], "The mayor said the budget would be cut by 12%."]


def test_a_moved_text_is_re_anchored_and_a_changed_span_reported_as_for_our_jsonl(staff_client):
    ArticleFactory(paragraphs=EDITED, url="https://example.org/council")
    text = "\n\n".join(ORIGINAL)
    line = {
        "text": text,
        "meta": {"url": "https://example.org/council"},
        "label": [[3, 9, "reported_fact"], [text.index("cut by 10%"), len(text) - 1, "speculation"]],
    }

    refused = post(staff_client, "x.jsonl", json.dumps(line), format="doccano")

    assert refused.status_code == 400
    assert refused.json()["problems"] == [
        {"line": 1, "message": "the quote 'cut by 10%' is not in the article."}
    ]
    assert Annotation.objects.count() == 0
    partial = post(staff_client, "x.jsonl", json.dumps(line), format="doccano", partial=True).json()
    assert (partial["created"], partial["reanchored"], partial["articles_created"]) == (1, 1, 0)
    assert list(Annotation.objects.values_list("paragraph__position", "start", "end", "quote")) == [
        (1, 3, 9, "Monday")
    ]


def test_a_dry_run_says_how_many_articles_it_would_create(staff_client):
    response = post(staff_client, "x.jsonl", '{"text": "Ann said no.", "label": [[0, 3, "reported_fact"]]}',
                    format="doccano", dry_run=True)  # fmt: skip
    assert (response.json()["created"], response.json()["articles_created"]) == (1, 1)
    assert Article.objects.count() == 0 and Annotation.objects.count() == 0

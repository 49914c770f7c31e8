"""The admin's "Import spans" page: peer formats with a label mapping, the report, and refusals."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from annotator.models import Annotation
from articles.models import Article

URL = reverse("admin:annotator_annotation_import")
BRAT_TEXT = "Ann Lee met the mayor.\nThey spoke of the budget.\n"
BRAT_ANN = (
    "T1\tPerson 0 7\tAnn Lee\n#1\tAnnotatorNotes T1\tcheck the name\n"
    "T2\tTopic 41 47\tbudget\nR1\tMet Arg1:T1 Arg2:T1\t\n"
)


@pytest.fixture
def staff_client(client, staff, labels):
    client.force_login(staff)
    return client


def test_the_span_list_links_to_the_import_page(staff_client):
    page = staff_client.get(reverse("admin:annotator_annotation_changelist"))
    assert f'<a href="{URL}" class="addlink">Import spans</a>' in page.text


def test_brat_pair_with_a_label_mapping(staff_client, staff):
    files = [
        SimpleUploadedFile("story.txt", BRAT_TEXT.encode()),
        SimpleUploadedFile("story.ann", BRAT_ANN.encode()),
    ]
    response = staff_client.post(URL, {
        "files": files, "format": "brat", "labels": "Person=attributed_claim\nTopic=reported_fact",
        "offsets": "codepoints",
    })  # fmt: skip

    assert response.status_code == 200, response.text
    assert "Spans created: 2 (0 re-anchored by quote and context)" in response.text
    assert "Articles created from the file's texts: 1" in response.text
    assert "line 4: story.ann: R1 is a relation, which has no equivalent here." in response.text
    assert sorted(Annotation.objects.values_list("quote", "label__slug", "note", "reviewer__username")) == [
        ("Ann Lee", "attributed_claim", "check the name", "sam"),
        ("budget", "reported_fact", "", "sam"),
    ]
    assert list(Article.objects.get().paragraphs.values_list("text", flat=True)) == [
        "Ann Lee met the mayor.",
        "They spoke of the budget.",
    ]


def test_an_unknown_label_is_refused_and_nothing_is_written(staff_client):
    files = [
        SimpleUploadedFile("story.txt", BRAT_TEXT.encode()),
        SimpleUploadedFile("story.ann", BRAT_ANN.encode()),
    ]
    response = staff_client.post(URL, {"files": files, "offsets": "codepoints"})
    assert response.status_code == 400
    assert "Refused: nothing was written" in response.text
    assert (
        "unknown labels &#x27;Person&#x27;, &#x27;Topic&#x27;; known labels: attributed_claim,"
        in response.text
    )
    assert Article.objects.count() == 0 and Annotation.objects.count() == 0


def test_a_file_of_the_wrong_format_gets_one_error(staff_client):
    upload = SimpleUploadedFile("x.json", b'{"text": "abc", "label": []}')
    response = staff_client.post(URL, {"files": [upload], "format": "label-studio", "offsets": "codepoints"})
    assert response.status_code == 400
    assert (
        '<p class="errornote">not a Label Studio export: expected a JSON array of tasks, each with a '
        "&#x27;data&#x27; "
        "object. Nothing was imported.</p>" in response.text
    )


def test_analysts_cannot_open_the_import_page(client, analyst):
    client.force_login(analyst)
    assert client.get(URL).status_code == 302

"""One bad file never sinks a batch: each is refused by name with its reason, and the others are imported.

The same batch goes through every entry point that takes several files: `manage.py import_articles` and the
admin's "Import files". The API takes one article at a time, so it gets the bad content alone.
"""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from rest_framework.test import APIClient

from articles.models import Article

pytestmark = pytest.mark.django_db

LIMIT = 200
GOOD = {
    "note.md": b"A note\n\nIts only paragraph.\n",
    "wire.jsonl": b'{"title": "Wire copy", "text": "Filed from the harbour."}\n',
}
SURROGATE = (
    "line 1: \\ud800 is half of a UTF-16 surrogate pair, not a character; "
    "write the character itself or both halves of its pair"
)
BAD = {
    "latin1.txt": (
        "Caf\xe9 society\n".encode("latin-1"),
        "the file is not UTF-8 text: byte 0xE9 at offset 3 (line 1) is not valid UTF-8; "
        "save the file as UTF-8 and import it again",
    ),
    "surrogate.jsonl": (b'{"title": "Half \\ud800 a pair", "text": "Its text."}\n', SURROGATE),
    "empty.txt": (b"", "the file is empty"),
    "big.txt": (b"word " * 60, f"the file is 300 bytes; the limit is {LIMIT} bytes (IMPORT_MAX_BYTES)"),
    "notes.jsonl": (b"title: not JSON\n", "line 1: not valid JSON (Expecting value at column 1)"),
    "picture.txt": (b"GIF89a\x00\x01", "the file contains a NUL byte at offset 6: it looks binary, not text"),
}


@pytest.fixture(autouse=True)
def small_limit(settings) -> None:
    settings.IMPORT_MAX_BYTES = LIMIT


def imported_titles() -> list[str]:
    return sorted(Article.objects.values_list("title", flat=True))


@pytest.mark.parametrize("name", list(BAD))
def test_the_command_names_the_bad_file_and_imports_the_rest(tmp_path: Path, name: str):
    content, reason = BAD[name]
    for good, data in GOOD.items():
        (tmp_path / good).write_bytes(data)
    bad = tmp_path / name
    bad.write_bytes(content)
    out = StringIO()

    with pytest.raises(CommandError) as error:
        call_command("import_articles", str(tmp_path / "note.md"), str(bad), str(tmp_path / "wire.jsonl"),
                     stdout=out, stderr=StringIO())  # fmt: skip

    assert str(error.value) == "1 of 3 files failed; see the reasons above."
    assert out.getvalue().splitlines() == [
        "Imported 2 articles from 2 files; skipped 0 duplicates; 1 file failed.",
        f"  {bad}: {reason}",
    ]
    assert imported_titles() == ["A note", "Wire copy"]


def test_the_admin_imports_each_file_on_its_own_and_names_every_bad_one(client, staff):
    client.force_login(staff)
    uploads = [SimpleUploadedFile(name, data) for name, data in GOOD.items()]
    uploads += [SimpleUploadedFile(name, data) for name, (data, _) in BAD.items()]

    response = client.post(reverse("admin:articles_article_upload"), {"files": uploads})

    assert response.status_code == 200
    assert "Imported: 2 articles" in response.text
    assert f"Failed: {len(BAD)} files" in response.text
    for name, (_, reason) in BAD.items():
        assert f"<li><strong>{name}</strong>: {reason}</li>" in response.text
    assert imported_titles() == ["A note", "Wire copy"]


def test_the_api_refuses_a_lone_surrogate_with_a_400(staff):
    """The API's JSON parser refuses it before the importer sees it."""
    client = APIClient()
    client.force_authenticate(staff)
    body = '{"title": "Half \\ud800 a pair", "text": "Its text."}'

    response = client.post(reverse("api:article-list"), body, content_type="application/json")

    assert response.status_code == 400
    assert response.json() == {"detail": "Text must not contain unpaired UTF-16 surrogates."}
    assert Article.objects.count() == 0

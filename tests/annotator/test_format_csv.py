"""The CSV export escapes cells a spreadsheet would run as formulas (OWASP CSV injection), unless raw."""

import csv
import io

import pytest

from annotator.formats import csv as csv_format
from annotator.formats.rows import FIELDS
from tests.annotator.format_rows import row


def table(rows, **options) -> list[dict]:
    data = b"".join(csv_format.write(rows, fields=FIELDS, **options)).decode()
    return list(csv.DictReader(io.StringIO(data)))


@pytest.mark.parametrize(
    "note",
    ['=HYPERLINK("http://evil","x")', "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(A1:A2)", "\t=1+1", "\r=1+1"],
)
def test_a_cell_a_spreadsheet_would_run_gets_a_quote_in_front(note):
    [line] = table([row("mayor", "attributed_claim", note=note)])
    assert line["note"] == "'" + note


def test_other_cells_and_numbers_are_unchanged():
    [line] = table([row("mayor", "attributed_claim", note="a = b", attributed_to="Ann - the mayor")])
    assert (line["note"], line["attributed_to"], line["quote"], line["start"]) == (
        "a = b", "Ann - the mayor", "mayor", "4",
    )  # fmt: skip


def test_raw_output_for_programs_writes_the_cells_unchanged():
    note = '=HYPERLINK("http://evil","x")'
    [line] = table([row("mayor", "attributed_claim", note=note)], formulas="raw")
    assert line["note"] == note

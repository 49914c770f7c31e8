"""The README's "Where things live" names only paths that exist: a renamed or removed module fails here."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
# What a path looks like in the section: a folder (ends in "/") or a file with one of these endings.
PATH = re.compile(r"[\w*][\w.*/-]*(/|\.(py|js|html|css|md|txt|png|toml))")
MADE_AT_RUN_TIME = "var/"  # git-ignored, made by the first run; named so that a newcomer can find it


def section() -> str:
    text = (REPO / "README.md").read_text()
    start = text.index("## Where things live")
    return text[start : text.index("\n## ", start + 1)]


def rows() -> list[tuple[list[str], list[str]]]:
    """Return each table row's paths: those in its first column, then those in its description."""
    found = []
    for line in section().splitlines():
        cells = line.split(" | ")
        if not line.startswith("| `") or len(cells) < 2:
            continue
        names = [[n for n in re.findall(r"`([^`]+)`", cell) if PATH.fullmatch(n)] for cell in cells[:2]]
        found.append((names[0], names[1]))
    return found


def exists(name: str, bases: list[Path]) -> bool:
    """Whether `name` is there from the repository's root or from one of the row's own folders."""
    return any(list(base.glob(name.rstrip("/"))) for base in bases)


def bases_of(first_column: list[str]) -> list[Path]:
    """The repository's root, each folder of the row's first column, and those folders' parents."""
    bases = {REPO}
    for name in first_column:
        path = REPO / name.rstrip("/")
        folder = path if name.endswith("/") else path.parent
        while folder != REPO and REPO in folder.parents:
            bases.add(folder)
            folder = folder.parent
    return sorted(bases)


@pytest.mark.parametrize(("first_column", "described"), rows(), ids=lambda names: " ".join(names)[:60])
def test_every_path_in_where_things_live_exists(first_column, described):
    if first_column == [MADE_AT_RUN_TIME]:
        assert MADE_AT_RUN_TIME in (REPO / ".gitignore").read_text().splitlines()
        return
    bases = bases_of(first_column)
    for name in first_column + described:
        assert exists(name, bases), f"{name} (in the row of {', '.join(first_column)})"

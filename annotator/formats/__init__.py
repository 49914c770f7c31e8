"""Export and import formats: one module per format, each a generator of bytes from span rows.

`rows.iter_rows()` reads the spans (the reference path); `FORMATS[name].write(rows, **options)` turns them
into the file, chunk by chunk; `rows.stream()` does both, and serves jsonl through `fast_jsonl`, which
yields the same bytes. A format's OPTIONS (below) are the query parameters that change its file; a format
whose target cannot hold some spans under an option refuses them before the first byte (`refusal()`), never
drops them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from types import ModuleType

from annotator.formats import brat_out, conll, csv, doccano, jsonl, label_studio, w3c, w3c_collection


@dataclass(frozen=True)
class Option:
    """A query parameter (and `export_spans --<name>`) of some formats: its accepted values, the first the
    default."""

    name: str
    values: tuple[str, ...]
    description: str
    formats: tuple[str, ...]

    @property
    def default(self) -> str:
        return self.values[0]


OPTIONS = {
    o.name: o
    for o in (
        Option(
            "offsets",
            ("codepoints", "utf16"),
            "Offset unit of doccano and label-studio: `codepoints` (default; what Label Studio 1.23 and "
            "doccano store) or `utf16` (JavaScript string indices: for a doccano project that does not count "
            "grapheme clusters as one character, or Label Studio before 1.23).",
            ("doccano", "label-studio"),
        ),
        Option(
            "overlap",
            ("allow", "refuse"),
            "doccano: `allow` (default) writes every span, for a project that allows overlapping spans; "
            "`refuse` is for a project that does not: when spans overlap, the export is a 400 naming them "
            "(a doccano project without overlap would silently drop them).",
            ("doccano",),
        ),
        Option(
            "as",
            ("annotations", "predictions"),
            "label-studio: import the spans as `annotations` (default) or as `predictions` (pre-annotations "
            "to review).",
            ("label-studio",),
        ),
        Option(
            "levels",
            ("any", *map(str, range(1, 10))),
            "conll: the most IOB tag columns (one per nesting level) a file may have; `any` (default) uses "
            "as many as the spans need, `1` is the single-column CoNLL: nested or overlapping spans are then "
            "a 400 naming them.",
            ("conll",),
        ),
        Option(
            "formulas",
            ("escape", "raw"),
            "csv: `escape` (default) puts a single quote before any cell that starts with =, +, -, @, tab or "
            "carriage return, so a spreadsheet shows it as text instead of running it (OWASP CSV injection "
            "guidance); `raw` writes every cell unchanged, for programs.",
            ("csv",),
        ),
    )
}


@dataclass(frozen=True)
class Format:
    name: str
    module: ModuleType
    description: str

    @property
    def media_type(self) -> str:
        return self.module.MEDIA_TYPE

    @property
    def extension(self) -> str:
        return self.module.EXTENSION

    @property
    def needs_texts(self) -> bool:
        """Whether the writer needs each row's paragraph and article text."""
        return self.module.NEEDS_TEXTS

    @property
    def write(self) -> Callable[..., Iterator[bytes]]:
        return self.module.write

    @property
    def options(self) -> list[Option]:
        return [option for option in OPTIONS.values() if self.name in option.formats]

    def refusal(self, rows: Callable[[], Iterable[dict]], options: dict[str, str]) -> dict[str, list[str]]:
        """Return {option: [message]} when, under `options`, the target cannot hold some of the spans
        `rows()` yields (read only when an option asks for the check), else {}."""
        refuse = getattr(self.module, "refusal", None)
        return refuse(rows, options) if refuse else {}


FORMATS = {
    f.name: f
    for f in (
        Format("jsonl", jsonl, "JSON Lines, one object per span with every field (the default)."),
        Format("csv", csv, "CSV with a header row; the same fields as jsonl; formula-like cells escaped."),
        Format("w3c", w3c, "W3C Web Annotation JSON-LD, one annotation per line."),
        Format(
            "w3c-collection",
            w3c_collection,
            "W3C Web Annotation JSON-LD: an AnnotationCollection whose AnnotationPage holds the annotations.",
        ),
        Format("doccano", doccano, "doccano sequence-labelling JSONL, one line per article."),
        Format("label-studio", label_studio, "Label Studio JSON tasks, one task per article."),
        Format("conll", conll, "CoNLL IOB2 tags with offsets, one tag column per nesting level."),
        Format(
            "brat",
            brat_out,
            "brat standoff: a zip of `<article id>.txt` (the article text) and `<article id>.ann` "
            "(`T` lines in code points, `#` AnnotatorNotes; line breaks and tabs in notes become spaces) per "
            "article, and an annotation.conf; `import/` reads the zip back.",
        ),
    )
}
DEFAULT_FORMAT = "jsonl"
IMPORT_FORMATS = ("jsonl", "w3c")


class UnknownFormat(ValueError):
    def __init__(self, name: str, accepted: Iterable[str] = FORMATS) -> None:
        self.accepted = list(accepted)
        super().__init__(f"Unknown format {name!r}. Accepted formats: {', '.join(self.accepted)}.")


class BadOptions(ValueError):
    """Export options that do not apply: {option: [message]}."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        self.errors = errors
        super().__init__(" ".join(f"{name}: {' '.join(messages)}" for name, messages in errors.items()))


def get(name: str) -> Format:
    """Return the export format called `name`, or raise UnknownFormat naming the accepted ones."""
    try:
        return FORMATS[name]
    except KeyError:
        raise UnknownFormat(name) from None


def options_for(format: Format, given: dict[str, str | None]) -> dict[str, str]:
    """Return every option of `format` with its value (the default when not given), or raise BadOptions for
    an unknown value or an option the format does not take (silently ignoring it would mislead)."""
    errors: dict[str, list[str]] = {}
    values = {option.name: option.default for option in format.options}
    for name, value in given.items():
        if value is None:
            continue
        option = OPTIONS[name]
        if format.name not in option.formats:
            errors[name] = [
                f"'{name}' applies to format {' and '.join(option.formats)} only, not {format.name}."
            ]
        elif value not in option.values:
            errors[name] = [f"Unknown value {value!r} for {name}. Accepted: {', '.join(option.values)}."]
        else:
            values[name] = value
    if errors:
        raise BadOptions(errors)
    return values


def buffered(chunks: Iterable[bytes], size: int = 64 * 1024) -> Iterator[bytes]:
    """Regroup small chunks into pieces of about `size` bytes: one socket write per piece, not per span."""
    pending: list[bytes] = []
    length = 0
    for chunk in chunks:
        pending.append(chunk)
        length += len(chunk)
        if length >= size:
            yield b"".join(pending)
            pending.clear()
            length = 0
    if pending:
        yield b"".join(pending)

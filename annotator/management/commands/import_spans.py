"""Import labelled spans from our JSONL or W3C export, or from doccano, Label Studio, brat or CoNLL files."""

from __future__ import annotations

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from annotator.formats import UnknownFormat, label_mapping, loader
from annotator.formats.documents import FileRefused
from annotator.formats.units import ACCEPTED_ON_IMPORT, CODE_POINTS
from articles import importers


def _files(paths: list[Path]) -> list[Path]:
    """Return the files named, a folder standing for its brat .txt and .ann files."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found += sorted(p for p in path.iterdir() if p.suffix.lower() in (".txt", ".ann"))
        else:
            found.append(path)
    return found


class Command(BaseCommand):
    help = (
        "Import spans, all or nothing unless --partial; spans that cannot be placed are listed, not guessed. "
        "brat takes .txt/.ann pairs (or a folder of them); every other format one file."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", type=Path, nargs="+")
        parser.add_argument(
            "--format",
            choices=loader.SPAN_IMPORT_FORMATS,
            help="Detected from the name and content when left out.",
        )
        parser.add_argument(
            "--label",
            action="append",
            default=[],
            metavar="THEIRS=OURS",
            help="Read the file's label THEIRS as our label OURS (repeatable), e.g. claim=attributed_claim.",
        )
        parser.add_argument(
            "--offsets",
            choices=ACCEPTED_ON_IMPORT,
            default=CODE_POINTS,
            help="Unit of doccano offsets, and of Label Studio results that carry no text "
            "(default: code points).",
        )
        parser.add_argument(
            "--partial", action="store_true", help="Keep the spans that anchor even if others fail."
        )
        parser.add_argument("--dry-run", action="store_true", help="Check everything, write nothing.")
        parser.add_argument(
            "--restore-deleted",
            action="store_true",
            help="Bring back spans deleted since the export (default: leave them deleted and list them).",
        )
        parser.add_argument(
            "--default-reviewer", help="Username for spans whose reviewer is missing or unknown."
        )

    def handle(self, *args, file: list[Path], **options) -> None:
        reviewer = None
        if options["default_reviewer"]:
            reviewer = get_user_model().objects.filter(username=options["default_reviewer"]).first()
            if reviewer is None:
                raise CommandError(f"Unknown user {options['default_reviewer']!r}.")
        files = []
        for path in _files(file):
            try:
                importers.check_size(path.stat().st_size)
                files += loader.decode_upload(str(path), path.read_bytes())
            except OSError as error:
                raise CommandError(f"{path}: {error.strerror}") from None
            except importers.ImportFailed as error:
                raise CommandError(f"{path}: {error}") from None
        if not files:
            raise CommandError("No file to import.")
        shown = str(file[0]) if len(file) == 1 else "import"
        try:
            report = loader.load_files(
                files,
                format=options["format"],
                mapping=label_mapping.parse(options["label"]),
                offsets=options["offsets"],
                partial=options["partial"],
                dry_run=options["dry_run"],
                default_reviewer=reviewer,
                restore_deleted=options["restore_deleted"],
            )
        except (FileRefused, label_mapping.MappingError, UnknownFormat) as error:
            raise CommandError(f"{shown}: {error} Nothing was imported.") from None
        for problem in report.problems + report.not_restored:
            self.stderr.write(f"{shown}:{problem.line}: {problem.message}")
        for skipped in report.not_imported or []:
            self.stderr.write(f"{shown}:{skipped.line}: not imported: {skipped.message}")
        verb = (
            "Would create"
            if options["dry_run"]
            else "Created"
            if report.written
            else "Refused; would have created"
        )
        articles = "" if report.articles_created is None else f"{report.articles_created:,} new articles; "
        self.stdout.write(
            f"{verb} {report.created:,} spans ({report.reanchored:,} re-anchored by quote and context); "
            f"{articles}{report.existing:,} already present; {len(report.problems):,} problems"
            + ("" if report.not_imported is None else f"; {len(report.not_imported):,} not imported")
            + "."
            + (f" {report.restored:,} deleted since the export restored." if report.restored else "")
            + (
                f" {len(report.not_restored):,} deleted since the export, not restored (--restore-deleted)."
                if report.not_restored
                else ""
            )
        )
        if report.problems and not options["partial"]:
            if options["dry_run"]:
                # Exit as the real run would, so a dry run can gate a script.
                raise CommandError("The import would be refused; fix the problems above or use --partial.")
            raise CommandError("Nothing was imported; fix the problems above or use --partial.")

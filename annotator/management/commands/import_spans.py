"""Import labelled spans from our JSONL export or a W3C Web Annotation file, re-anchoring moved ones."""

from __future__ import annotations

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from annotator.formats import IMPORT_FORMATS, loader
from articles import importers


class Command(BaseCommand):
    help = (
        "Import spans, all or nothing unless --partial; spans that cannot be placed are listed, not guessed."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--format", choices=IMPORT_FORMATS, help="Detected from the content when left out."
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

    def handle(self, *args, file: Path, **options) -> None:
        reviewer = None
        if options["default_reviewer"]:
            reviewer = get_user_model().objects.filter(username=options["default_reviewer"]).first()
            if reviewer is None:
                raise CommandError(f"Unknown user {options['default_reviewer']!r}.")
        try:
            importers.check_size(file.stat().st_size)
            content = importers.decode(file.read_bytes())
        except OSError as error:
            raise CommandError(f"{file}: {error.strerror}") from None
        except importers.ImportFailed as error:
            raise CommandError(f"{file}: {error}") from None
        report = loader.load(
            loader.read(content, options["format"]),
            partial=options["partial"],
            dry_run=options["dry_run"],
            default_reviewer=reviewer,
            restore_deleted=options["restore_deleted"],
        )
        for problem in report.problems + report.not_restored:
            self.stderr.write(f"{file}:{problem.line}: {problem.message}")
        verb = (
            "Would create"
            if options["dry_run"]
            else "Created"
            if report.written
            else "Refused; would have created"
        )
        self.stdout.write(
            f"{verb} {report.created:,} spans ({report.reanchored:,} re-anchored by quote and context); "
            f"{report.existing:,} already present; {len(report.problems):,} problems."
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

"""import_articles PATH [PATH ...]: import files and folders, then say what was imported, skipped, refused."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from articles import importers
from articles.importers import json_document


class Command(BaseCommand):
    help = (
        "Import articles from files or folders (searched recursively for .txt, .md, .jsonl and .json; "
        "a .json file that is one JSON object is one article, read through --field mappings). "
        "Each file is imported atomically; texts already stored are skipped as duplicates."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("paths", nargs="+", metavar="PATH", help="files or folders to import")
        parser.add_argument(
            "--format",
            choices=list(importers.FORMATS),
            help="read all files in this format (default: detected)",
        )
        parser.add_argument("--dry-run", action="store_true", help="check everything, store nothing")
        parser.add_argument(
            "--field",
            action="append",
            default=[],
            metavar="OURS=THEIRS",
            help="json format (one article per file): read our field OURS from the document's key THEIRS, "
            "e.g. paragraphs=body-paragraphs (repeatable; OURS one of "
            f"{', '.join(json_document.OUR_FIELDS)})",
        )

    def handle(self, *args, paths: list[str], format: str | None, dry_run: bool, **options) -> None:
        try:
            fields = json_document.parse_mapping(options["field"])
        except importers.ImportFailed as error:
            raise CommandError(str(error)) from None
        files = importers.find_files(paths)
        reports = importers.import_files(files, format=format, dry_run=dry_run, fields=fields)
        # The bar goes to the raw stream: OutputWrapper would add a newline to each redraw.
        quiet = options["verbosity"] < 1
        bar = tqdm(reports, total=len(files), unit="file", file=self.stderr._out, disable=quiet)
        summary = importers.Summary(list(bar), dry_run=dry_run)
        first, *failures = summary.lines()
        self.stdout.write(first, self.style.SUCCESS if not failures else self.style.WARNING)
        for line in failures:
            self.stdout.write(line, self.style.ERROR)
        if summary.failed:
            raise CommandError(f"{len(summary.failed)} of {len(files)} files failed; see the reasons above.")

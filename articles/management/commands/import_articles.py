"""import_articles PATH [PATH ...]: import files and folders, then say what was imported, skipped, refused."""

from __future__ import annotations

import itertools

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from articles import importers
from articles.importers import json_document, web


class Command(BaseCommand):
    help = (
        "Import articles from files or folders (searched recursively for .txt, .md, .jsonl, .json and "
        ".html) and web pages (http:// or https:// addresses, fetched). A .json file that is one JSON object "
        "is one article, read through --field mappings. Each file or page is imported atomically; texts and "
        "pages already stored are skipped as duplicates."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "paths", nargs="+", metavar="PATH", help="files, folders or web page addresses to import"
        )
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
        urls = [path for path in paths if path.lower().startswith(("http://", "https://"))]
        files = importers.find_files([path for path in paths if path not in urls])
        pages = (web.url_report(url, dry_run=dry_run) for url in urls)
        reports = itertools.chain(
            importers.import_files(files, format=format, dry_run=dry_run, fields=fields), pages
        )
        # The bar goes to the raw stream: OutputWrapper would add a newline to each redraw.
        quiet = options["verbosity"] < 1
        bar = tqdm(reports, total=len(files) + len(urls), unit="file", file=self.stderr._out, disable=quiet)
        summary = importers.Summary(list(bar), dry_run=dry_run)
        first, *failures = summary.lines()
        self.stdout.write(first, self.style.SUCCESS if not failures else self.style.WARNING)
        for line in failures:
            self.stdout.write(line, self.style.ERROR)
        for report, article in summary.existing:
            self.stdout.write(f"  {report.path}: already imported as article {article.pk} ({article.title})")
        if summary.failed:
            count = len(files) + len(urls)
            raise CommandError(f"{len(summary.failed)} of {count} files failed; see the reasons above.")

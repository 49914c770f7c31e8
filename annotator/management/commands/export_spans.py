"""Write every live labelled span matching the filters to a file, in one of the export formats."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from annotator import formats
from annotator.api.filters import ExportFilter
from annotator.formats import rows
from annotator.models import Annotation

FILTERS = [name for name in ExportFilter.base_filters]


class Command(BaseCommand):
    help = "Export labelled spans (same formats and filters as GET /api/v1/export/spans)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--format", default=formats.DEFAULT_FORMAT, choices=list(formats.FORMATS))
        parser.add_argument("--output", required=True, help="File to write; '-' for standard output.")
        parser.add_argument(
            "--annotation-base",
            default="urn:provenance:annotation:",
            help="Prefix of the W3C annotation ids, e.g. https://host/api/v1/annotations/",
        )
        for name in FILTERS:
            parser.add_argument(
                f"--{name.replace('_', '-')}",
                dest=name,
                help=ExportFilter.base_filters[name].extra.get("help_text"),
            )

    def handle(self, *args, **options) -> None:
        values = {name: options[name] for name in FILTERS if options[name] is not None}
        filterset = ExportFilter(values, queryset=Annotation.objects.all())
        if not filterset.is_valid():
            raise CommandError(
                " ".join(f"--{k.replace('_', '-')}: {' '.join(v)}" for k, v in filterset.errors.items())
            )
        format = formats.get(options["format"])
        total = rows.exportable(filterset.qs).count()
        progress = tqdm(total=total, unit="span", file=self.stderr, disable=options["verbosity"] == 0)
        spans = rows.iter_rows(filterset.qs, texts=format.needs_texts, by_article=format.needs_texts)
        counted = _counting(spans, progress)
        chunks = formats.buffered(
            format.write(counted, fields=rows.FIELDS, annotation_base=options["annotation_base"])
        )
        out = self.stdout.buffer if options["output"] == "-" else open(options["output"], "wb")  # noqa: SIM115
        try:
            for chunk in chunks:
                out.write(chunk)
        finally:
            progress.close()
            if out is not self.stdout.buffer:
                out.close()
        if options["output"] != "-":
            self.stdout.write(f"Wrote {total:,} spans as {format.name} to {options['output']}.")


def _counting(items, progress):
    for item in items:
        progress.update()
        yield item

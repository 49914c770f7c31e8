"""Write every live labelled span matching the filters to a file, in one of the export formats."""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path

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
        parser.add_argument(
            "--collection-id",
            default="",
            help="IRI of the w3c-collection export (default urn:provenance:spans).",
        )
        for option in formats.OPTIONS.values():
            parser.add_argument(
                f"--{option.name}",
                choices=option.values,
                help=f"{option.description} (default {option.default})",
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
            raise CommandError(_flags(filterset.errors))
        format = formats.get(options["format"])
        try:
            format_options = formats.options_for(format, {name: options[name] for name in formats.OPTIONS})
        except formats.BadOptions as error:
            raise CommandError(_flags(error.errors)) from None
        target = None if options["output"] == "-" else _writable_target(options["output"])
        refused = rows.refusal(filterset.qs, format, format_options)
        if refused:
            raise CommandError(_flags(refused))
        total = rows.exportable(filterset.qs).count()
        progress = tqdm(total=total, unit="span", file=self.stderr, disable=options["verbosity"] == 0)
        counted = _counting(rows.format_rows(filterset.qs, format), progress)
        written = rows.write_options(
            filterset.qs,
            format,
            annotation_base=options["annotation_base"],
            options=format_options,
            collection_id=options["collection_id"],
        )
        chunks = formats.buffered(format.write(counted, **written))
        try:
            if target is None:
                for chunk in chunks:
                    self.stdout.buffer.write(chunk)
            else:
                _write_atomically(target, chunks)
        finally:
            progress.close()
        if target is not None:
            self.stdout.write(f"Wrote {total:,} spans as {format.name} to {options['output']}.")


def _flags(errors: dict[str, list[str]]) -> str:
    return " ".join(f"--{k.replace('_', '-')}: {' '.join(v)}" for k, v in errors.items())


def _writable_target(output: str) -> Path:
    """Return the file to write, or raise CommandError saying why it cannot be written (before any work)."""
    target = Path(output).absolute()
    if target.is_dir():
        raise CommandError(
            f"Cannot write to {output}: it is a folder. Give a file name, e.g. {target / 'spans'}."
        )
    if not target.parent.is_dir():
        raise CommandError(f"Cannot write to {output}: the folder {target.parent} does not exist.")
    # The export is renamed into place, which would replace a link, a pipe or a device with a plain file:
    # write through a link to the file it names, and leave anything else alone.
    target = target.resolve()
    if target.exists() and not target.is_file():
        raise CommandError(
            f"Cannot write to {output}: it is not a regular file (a pipe or a device). "
            "Use --output - and redirect the output instead."
        )
    return target


def _write_atomically(target: Path, chunks) -> None:
    """Write into a temporary file beside the target and rename it at the end, so a failed export leaves
    neither a half-written file nor a damaged earlier one."""
    try:
        handle = tempfile.NamedTemporaryFile(  # noqa: SIM115 (closed below, then renamed)
            dir=target.parent, prefix=f".{target.name}.", suffix=".part", delete=False
        )
    except OSError as error:
        raise CommandError(f"Cannot write to {target}: {error.strerror}.") from None
    temporary = Path(handle.name)
    try:
        with handle:
            for chunk in chunks:
                handle.write(chunk)
            handle.flush()
            os.fsync(handle.fileno())
        # The temporary file is private (0600); give the export the mode a plain open() would have.
        os.chmod(temporary, _file_mode(target))
        os.replace(temporary, target)
    except OSError as error:
        temporary.unlink(missing_ok=True)
        raise CommandError(f"Cannot write to {target}: {error.strerror or error}.") from None
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def _file_mode(target: Path) -> int:
    """The mode of the file being replaced, else the default for new files under the current umask."""
    try:
        return stat.S_IMODE(target.stat().st_mode)
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def _counting(items, progress):
    for item in items:
        progress.update()
        yield item

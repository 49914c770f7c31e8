from __future__ import annotations

from django.core.management.base import BaseCommand
from tqdm import tqdm

from articles import detection, worker
from articles.models import Article


class Command(BaseCommand):
    help = (
        "Find reused text between articles and boilerplate within each publisher. Without --rebuild only "
        "articles not scanned yet are processed; with it everything is detected again from scratch."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--rebuild", action="store_true", help="Forget all links and detect them again.")
        parser.add_argument(
            "--dry-run", action="store_true", help="Only say how many articles would be scanned."
        )
        parser.add_argument("--no-progress", action="store_true", help="Do not draw the progress bar.")
        parser.add_argument(
            "--status",
            action="store_true",
            help="Only show the worker's running, stuck and failed tasks and the unscanned articles.",
        )

    def handle(self, *args, rebuild: bool, dry_run: bool, no_progress: bool, status: bool, **options) -> None:
        if status:
            self._status()
            return
        ids = list(Article.objects.visible().values_list("pk", flat=True)) if rebuild else detection.pending()
        if dry_run:
            self.stdout.write(
                f"Would scan {len(ids):,} articles{' after forgetting all links' if rebuild else ''}."
            )
            return
        if rebuild:
            detection.clear()
        # Two bars: the boilerplate of each publisher comes first and takes a while on a rebuild.
        bars = {"file": self.stderr, "disable": no_progress or None}
        outlets = tqdm(total=detection.publishers_of(ids), desc="Boilerplate", unit="publisher", **bars)
        with outlets, tqdm(total=len(ids), desc="Scans", unit="article", **bars) as articles:
            links = detection.detect(
                ids,
                progress=lambda article: articles.update(),
                publisher_progress=lambda publisher: outlets.update(),
            )
        self.stdout.write(
            f"Scanned {len(ids):,} articles; they have {links:,} reuse link{'' if links == 1 else 's'}."
        )

    def _status(self) -> None:
        found = worker.status()
        stuck = {result.pk for result in found.stuck}
        self.stdout.write(f"Articles not scanned yet: {found.pending:,} ({found.waiting:,} queued).")
        self.stdout.write(f"Running tasks: {len(found.running)}, stuck: {len(stuck)}.")
        for result in found.running:
            state = (
                "STUCK (its worker stopped; a starting worker fails it)" if result.pk in stuck else "running"
            )
            self.stdout.write(
                f"  {result.id} {result.task_path} since {result.started_at:%Y-%m-%d %H:%M:%S} {state}"
            )
        self.stdout.write(f"Latest failed tasks: {len(found.failed)}.")
        for result in found.failed:
            reason = result.traceback.strip().splitlines()[-1] if result.traceback.strip() else "no traceback"
            self.stdout.write(
                f"  {result.id} {result.task_path} at {result.finished_at:%Y-%m-%d %H:%M:%S}: {reason}"
            )

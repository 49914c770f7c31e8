from __future__ import annotations

from django.core.management.base import BaseCommand
from tqdm import tqdm

from articles import detection
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

    def handle(self, *args, rebuild: bool, dry_run: bool, no_progress: bool, **options) -> None:
        ids = list(Article.objects.visible().values_list("pk", flat=True)) if rebuild else detection.pending()
        if dry_run:
            self.stdout.write(
                f"Would scan {len(ids):,} articles{' after forgetting all links' if rebuild else ''}."
            )
            return
        if rebuild:
            detection.clear()
        with tqdm(total=len(ids), unit="article", file=self.stderr, disable=no_progress or None) as bar:
            links = detection.detect(ids, progress=lambda article: bar.update())
        self.stdout.write(
            f"Scanned {len(ids):,} articles; they have {links:,} reuse link{'' if links == 1 else 's'}."
        )

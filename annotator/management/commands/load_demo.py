"""load_demo: the demo corpus, a demo analyst and a demo admin, and a few spans to look at.

Safe to re-run: the corpus and its spans are loaded once per database (a `DemoLoad` row remembers it, so
nothing deleted since comes back), the logins are reset every time.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

import articles
from annotator import spans
from annotator.models import Annotation, DemoLoad
from articles import importers
from articles.models import Article

DEMO_CORPUS = Path(articles.__file__).parent / "demo"
# Only used with DEBUG on: anywhere else the passwords must come from the environment or the options.
DEV_PASSWORDS = {"analyst": "provenance-analyst", "admin": "provenance-admin"}


@dataclass(frozen=True)
class DemoSpan:
    title: str
    quote: str
    label: str
    attributed_to: str = ""
    note: str = ""


LEASE = "Port Alder Council Approves 30-Year Lease of the Eastern Container Terminal"
THREAT = "Dockworkers Threaten Strike Over “Secret” Terminal Lease"
WALKOUT = "Breaking: Dockworkers Walk Out as Port Alder Lease Row Deepens"
WATER = "Water Board Accuses Upstream Province of Diverting the Tarrow"
PROFITS = "Who Really Profits from the Port Alder Harbour Deal?"
ARRESTS = "Eleven Arrested as Night Protest at Pier Nine Turns Tense"

DEMO_SPANS = [
    DemoSpan(LEASE, "The city council voted seven to four on Monday night", "reported_fact"),
    DemoSpan(
        LEASE,
        "the lease would bring 62 million crowns into the city budget over its first decade",
        "attributed_claim",
        attributed_to="Mayor Ilse Varga",
    ),
    DemoSpan(
        LEASE,
        "the lease may be a first step towards selling the whole port",
        "speculation",
        note="Attributed to unnamed opponents only; the article says no such plan exists.",
    ),
    DemoSpan(
        THREAT,
        "Is the council quietly preparing to hand the entire waterfront to one company?",
        "speculation",
    ),
    DemoSpan(THREAT, "The original source of this article is Harbour Ledger", "boilerplate"),
    DemoSpan(
        WALKOUT,
        "more than 600 workers, including crane operators from the western quays, joined the walkout",
        "attributed_claim",
        attributed_to="Port Alder Dockworkers’ Union",
    ),
    DemoSpan(
        WALKOUT,
        "The harbour master’s office put the number at about 250.",
        "attributed_claim",
        attributed_to="Harbour master’s office",
    ),
    DemoSpan(
        WATER,
        "rainfall in the upper Tarrow basin was 22 percent below the long-term average",
        "reported_fact",
    ),
    DemoSpan(
        PROFITS,
        "Why would a city ask a firm that advises the buyer to value what it is selling?",
        "speculation",
    ),
    DemoSpan(ARRESTS, "Police arrested eleven people at Pier Nine late on Monday", "reported_fact"),
    DemoSpan(
        ARRESTS,
        "Meridian Review is funded entirely by its readers.",
        "boilerplate",
        note="The aggregator's donation appeal, on every repost.",
    ),
]


DEMO_TITLES = sorted({demo.title for demo in DEMO_SPANS})


def ensure_user(username: str, password: str, *, is_admin: bool):
    """Create or update a demo login so that the printed password always works."""
    user, _ = get_user_model().objects.get_or_create(username=username)
    user.email = user.email or f"{username}@example.org"
    user.is_active, user.is_staff, user.is_superuser = True, is_admin, is_admin
    user.set_password(password)
    user.save()
    return user


def add_spans(reviewer) -> tuple[int, int]:
    """Tag the demo spans for the reviewer through the span rules; return (added, already there)."""
    added = existing = 0
    for demo in DEMO_SPANS:
        article = Article.objects.filter(title=demo.title).first()
        if article is None:
            raise CommandError(f"The demo article {demo.title!r} is missing; was the demo corpus changed?")
        paragraph = next((p for p in article.paragraphs.all() if demo.quote in p.text), None)
        if paragraph is None:
            raise CommandError(f"{demo.quote!r} is not in {demo.title!r}; was the demo corpus changed?")
        start = paragraph.text.index(demo.quote)
        try:
            start, end, _ = spans.anchor(paragraph=paragraph, start=start, end=start + len(demo.quote))
            live = Annotation.objects.live().filter(
                paragraph=paragraph, start=start, end=end, reviewer=reviewer
            )
            if live.filter(label__slug=demo.label).exists():
                existing += 1
                continue
            spans.create(
                paragraph=paragraph,
                label=demo.label,
                start=start,
                end=end,
                reviewer=reviewer,
                note=demo.note,
                attributed_to=demo.attributed_to,
            )
        except ValidationError as error:
            message = " ".join(error.messages)
            raise CommandError(f"The demo span {demo.quote!r} breaks a span rule: {message}") from None
        added += 1
    return added, existing


class Command(BaseCommand):
    help = (
        "Load the demo corpus (articles/demo) and a few demo spans for the analyst, once per database; "
        "ensure the demo logins 'analyst' and 'admin' (staff, superuser), and print both logins."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--analyst-password", default=os.environ.get("DEMO_ANALYST_PASSWORD"))
        parser.add_argument("--admin-password", default=os.environ.get("DEMO_ADMIN_PASSWORD"))

    def handle(self, *args, analyst_password: str | None, admin_password: str | None, **options) -> None:
        passwords = {"analyst": analyst_password, "admin": admin_password}
        if not all(passwords.values()) and not settings.DEBUG:
            raise CommandError(
                "Set DEMO_ANALYST_PASSWORD and DEMO_ADMIN_PASSWORD (or --analyst-password and "
                "--admin-password): the built-in demo passwords are only used when DEBUG is on."
            )
        passwords = {name: password or DEV_PASSWORDS[name] for name, password in passwords.items()}
        with transaction.atomic():
            analyst = ensure_user("analyst", passwords["analyst"], is_admin=False)
            ensure_user("admin", passwords["admin"], is_admin=True)
            loaded = self.loaded_before()
            if loaded is None:
                summary = importers.Summary(list(importers.import_files(sorted(DEMO_CORPUS.glob("*.txt")))))
                if summary.failed:
                    raise CommandError("The demo corpus did not import:\n" + "\n".join(summary.lines()[1:]))
                added, existing = add_spans(analyst)
                DemoLoad.objects.create()
        if loaded is None:
            self.stdout.write(
                f"Demo corpus: {summary.imported} articles imported, {summary.duplicates} already there."
            )
            self.stdout.write(f"Demo spans for analyst: {added} added, {existing} already there.")
        else:
            self.stdout.write(
                f"Demo corpus and spans: loaded into this database on {loaded.loaded_at:%Y-%m-%d}; "
                "nothing added, so what was changed or deleted since stays so."
            )
        self.stdout.write(self.style.SUCCESS("Demo logins:"))
        self.stdout.write(f"  analyst / {passwords['analyst']}   (analyst: the workbench at /)")
        self.stdout.write(f"  admin / {passwords['admin']}   (staff and superuser: the admin at /admin/)")

    @staticmethod
    def loaded_before() -> DemoLoad | None:
        """Return the record of the demo's load into this database, or None when it was never loaded.

        A database that got the demo before the record existed has its articles: it is recorded now.
        """
        loaded = DemoLoad.objects.order_by("loaded_at").first()
        if loaded is None and Article.objects.filter(title__in=DEMO_TITLES).exists():
            loaded = DemoLoad.objects.create()
        return loaded

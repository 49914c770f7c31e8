"""An outlet's label mix by month: how the live spans on its articles divide between the labels, per month
of publication (undated articles in a group of their own, last)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import F, Sum
from django.db.models.functions import TruncMonth

from annotator.models import Annotation, LabelShare
from articles.models import Source


@dataclass
class MonthMix:
    month: datetime.date | None  # the first day of the month; None for undated articles
    shares: list[LabelShare]

    @property
    def characters(self) -> int:
        return sum(s.characters for s in self.shares)


def _spread(shares: list[LabelShare]) -> list[LabelShare]:
    """Give each share its fraction of the month's characters and its offset in a stacked bar."""
    total, offset = sum(s.characters for s in shares), 0.0
    for s in shares:
        s.share, s.offset = s.characters / total, offset
        offset += s.share
    return shares


def label_mix_by_month(source: Source) -> list[MonthMix]:
    """Return the months whose visible articles of the outlet carry live spans, oldest first, undated last."""
    rows = (
        Annotation.objects.live()
        .filter(article__publisher=source, article__deleted_at__isnull=True)
        .annotate(month=TruncMonth("article__published_on"))
        .values("month", "label__name", "label__colour", "label__order")
        .annotate(characters=Sum(F("end") - F("start")))
        .order_by("label__order", "label__name")
    )
    months: dict[datetime.date | None, list[LabelShare]] = {}
    for row in rows:
        month = row["month"]
        if isinstance(month, datetime.datetime):  # some backends truncate a date to a datetime
            month = month.date()
        months.setdefault(month, []).append(
            LabelShare(row["label__name"], row["label__colour"], row["characters"])
        )
    ordered = sorted(months, key=lambda m: (m is None, m or datetime.date.min))
    return [MonthMix(month, _spread(months[month])) for month in ordered]

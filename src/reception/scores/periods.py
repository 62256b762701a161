"""Reception over time: the same figures per period of a film's life.

Periods, at month precision (reviews are grouped by month for speed):
- "release": the first twelve months from the first public showing (preview, premiere,
  festival, theatrical or limited release; with no such event, the first review's month);
- one window of twelve months from each later re-release or restoration;
- every other later review by decade ("2000s"); reviews before the first showing as
  "before release"; reviews without a date as "undated".
A review dated by its year alone ("a 1986 episode") counts in the first window its year meets,
else in its decade; it is "before release" only when its whole year is.
A reappraisal — a flop in 1982 praised on its 2024 restoration — shows as two periods with
opposite figures.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from .badges import BadgeRules, percent_positive
from .interval import wilson

FIRST_SHOWING = ("preview", "premiere", "festival", "theatrical", "limited")
RETURNS = ("re-release", "restoration")
WINDOW_MONTHS = 12


def month_index(value) -> int | None:
    """'1982-02' / a date / months since year 0 → months since year 0, or None."""
    if value is None or value == "":
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, date):
        return value.year * 12 + value.month - 1
    return _month_of(str(value)[:7])


@lru_cache(maxsize=4096)
def _month_of(text: str) -> int:
    year, month = text.split("-")
    return int(year) * 12 + int(month) - 1


def month_span(index: int) -> tuple[int, int]:
    """The months a month index covers, end exclusive: itself, or for a review dated by its
    year alone (tallies.monthly gives -1 - the year) that year's twelve."""
    if index >= 0:
        return index, index + 1
    year = -1 - index
    return year * 12, year * 12 + 12


def month_label(index: int) -> str:
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


@dataclass
class Period:
    label: str
    kind: str  # release | return | decade | before-release | undated
    start: int | None = None  # month index, inclusive
    end: int | None = None    # month index, exclusive
    positive: int = 0
    negative: int = 0
    rating_sum: float = 0.0
    rated: int = 0
    seen: int | None = None  # the first month of its reviews (a decade is placed by it)

    def as_dict(self, rules: BadgeRules) -> dict:
        total = self.positive + self.negative
        pct = percent_positive(self.positive, total, rules)
        return {
            "label": self.label, "kind": self.kind,
            "from": month_label(self.start) if self.start is not None else None,
            "until": month_label(self.end - 1) if self.end is not None else None,
            "reviews": total, "positive": self.positive, "negative": self.negative,
            "percent_positive": pct,
            "interval_90": list(wilson(self.positive, total)) if pct is not None else None,
            "average_rating": round(self.rating_sum / self.rated, 1) if self.rated else None,
            "rated": self.rated,
        }


def build_periods(events, months) -> list[Period]:
    """events: (kind, date, title); months: (month or None, positive, negative, rating_sum,
    rated) per month with reviews, the month as months since year 0 or 'YYYY-MM'.
    Returns the periods with reviews, in time order."""
    months = [(month_index(m), *rest) for m, *rest in months]
    showings = [month_index(d) for kind, d, _ in events if kind in FIRST_SHOWING and d]
    dated = [month_span(m)[0] for m, *_ in months if m is not None]
    first = min(showings) if showings else (min(dated) if dated else None)
    windows: list[Period] = []
    if first is not None:
        windows.append(Period("release", "release", first, first + WINDOW_MONTHS))
        for kind, d, title in sorted((e for e in events if e[0] in RETURNS and e[1]), key=lambda e: e[1]):
            start = month_index(d)
            # A return inside the previous window belongs to it: windows never overlap.
            if start >= windows[-1].end:
                name = f"{d.year} {kind}" + (f" ({title})" if title else "")
                windows.append(Period(name, "return", start, start + WINDOW_MONTHS))
    extra: dict[str, Period] = {}
    for index, positive, negative, rating_sum, rated in months:
        target, span = None, None
        if index is not None:
            span = month_span(index)
            for window in windows:
                if window.start < span[1] and span[0] < window.end:
                    target = window
                    break
        if target is None:
            target = _outside(extra, span, first)
        if span is not None and (target.seen is None or span[0] < target.seen):
            target.seen = span[0]
        target.positive += positive
        target.negative += negative
        target.rating_sum += rating_sum or 0.0
        target.rated += rated
    found = [p for p in windows + list(extra.values()) if p.positive + p.negative + p.rated]
    if len(found) > 1:
        found.sort(key=_time_order)
    return found


def _time_order(period: Period) -> tuple[int, int]:
    # A decade by its first review: the 1980s of a 1982 film come after its release window.
    start = period.seen if period.kind == "decade" else period.start
    return ({"before-release": 0, "undated": 2}.get(period.kind, 1), start if start is not None else 0)


def _outside(extra: dict[str, Period], span: tuple[int, int] | None, first: int | None) -> Period:
    """The period of months (month_span) outside every window: undated, before release, or
    their decade."""
    if span is None:
        key, kind = "undated", "undated"
    elif first is not None and span[1] <= first:
        key, kind = "before release", "before-release"
    else:
        decade = (span[0] // 12) // 10 * 10
        key, kind = f"{decade}s", "decade"
    period = extra.get(key)
    if period is None:
        period = extra[key] = Period(key, kind)
        if kind == "decade":
            period.start, period.end = decade * 12, (decade + 10) * 12
    return period

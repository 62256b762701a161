"""Reception over time: the same figures per period of a film's life, periods that never
overlap, so each review counts in exactly one.

Periods, at month precision (reviews are grouped by month for speed), in time order:
- "release": the first twelve months from the first public showing (preview, premiere,
  festival, theatrical or limited release; with no such event, the first review's month);
- a window of twelve months from each later re-release or restoration ("2024 restoration");
  one that begins inside the previous window belongs to that window;
- the months between and after the windows, cut at decade boundaries, each labelled with the
  span it really covers: "1982-08 – 1989", "1990s", "2020 – 2023", "2025 – 2029" (after the
  last window, to the end of the last review's decade);
- "before release" (reviews before the first showing) and "undated".
A review dated by its year alone ("a 1986 episode") counts in the first window its year meets,
else in the period holding the year's first month; it is "before release" only when its whole
year is. Reviews dated by a documented rule rather than by their source (an article's
"initial reception" dated to the release year) are counted per period as `inferred`.

A reappraisal (a flop in 1982 praised on its 2024 restoration) shows as periods with opposite
figures; scores.story tells it in a sentence.
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
RELEASE, RETURN, BETWEEN, BEFORE, UNDATED = "release", "return", "between", "before-release", "undated"


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


def span_label(start: int, end: int) -> str:
    """The months [start, end) as a reader says them: "1990s", "1982-08 – 1989", "2020 – 2023-05"."""
    if start % 120 == 0 and end - start == 120:
        return f"{start // 12}s"
    first = str(start // 12) if start % 12 == 0 else month_label(start)
    last = str((end - 1) // 12) if end % 12 == 0 else month_label(end - 1)
    return first if first == last else f"{first} – {last}"


@dataclass
class Period:
    label: str
    kind: str  # release | return | between | before-release | undated
    start: int | None = None  # month index, inclusive
    end: int | None = None    # month index, exclusive
    positive: int = 0
    negative: int = 0
    rating_sum: float = 0.0
    rated: int = 0
    inferred: int = 0  # reviews dated by a documented rule, not by their source
    first_seen: int | None = None  # the months its reviews cover (a year-dated one: its year)
    last_seen: int | None = None

    @property
    def reviews(self) -> int:
        return self.positive + self.negative

    def as_dict(self, rules: BadgeRules) -> dict:
        total = self.reviews
        pct = percent_positive(self.positive, total, rules)
        return {
            "label": self.label, "kind": self.kind,
            "from": month_label(self.start) if self.start is not None else None,
            "until": month_label(self.end - 1) if self.end is not None else None,
            "reviews": total, "positive": self.positive, "negative": self.negative,
            "percent_positive": pct,
            "interval_90": list(wilson(self.positive, total)) if pct is not None else None,
            "average_rating": round(self.rating_sum / self.rated, 1) if self.rated else None,
            "rated": self.rated, "inferred": self.inferred,
            "reviewed_from": month_label(self.first_seen) if self.first_seen is not None else None,
            "reviewed_until": month_label(self.last_seen) if self.last_seen is not None else None,
        }


def windows_of(events, first: int) -> list[Period]:
    """The release window and the later ones (re-releases, restorations), none overlapping."""
    windows = [Period(RELEASE, RELEASE, first, first + WINDOW_MONTHS)]
    for kind, day, title in sorted((e for e in events if e[0] in RETURNS and e[1]), key=lambda e: e[1]):
        start = month_index(day)
        if start >= windows[-1].end:  # one inside the previous window belongs to it
            name = f"{day.year} {kind}" + (f" ({title})" if title else "")
            windows.append(Period(name, RETURN, start, start + WINDOW_MONTHS))
    return windows


def _between(start: int, end: int) -> list[Period]:
    """The months [start, end) outside every window, cut at decade boundaries."""
    out = []
    while start < end:
        cut = min(end, (start // 120 + 1) * 120)
        out.append(Period(span_label(start, cut), BETWEEN, start, cut))
        start = cut
    return out


def build_periods(events, months) -> list[Period]:
    """events: (kind, date, title); months: (month or None, positive, negative, rating_sum,
    rated[, inferred]) per month with reviews, the month as months since year 0 or 'YYYY-MM'.
    Returns the periods with reviews, in time order."""
    months = [(month_index(m), *rest) for m, *rest in months]
    showings = [month_index(d) for kind, d, _ in events if kind in FIRST_SHOWING and d]
    dated = [month_span(m) for m, *_ in months if m is not None]
    first = min(showings) if showings else (min(start for start, _ in dated) if dated else None)
    periods: list[Period] = []
    before, undated = Period("before release", BEFORE), Period("undated", UNDATED)
    if first is not None:
        windows = windows_of(events, first)
        # The years after the last window run to the end of the last review's decade.
        last = max([(end - 1) // 120 * 120 + 120 for _, end in dated] + [windows[-1].end])
        for window, following in zip(windows, windows[1:] + [None]):
            periods.append(window)
            periods += _between(window.end, following.start if following else last)
    for index, positive, negative, rating_sum, rated, *inferred in months:
        target = undated if index is None else _home(periods, month_span(index), first, before)
        if index is not None:
            start, end = month_span(index)
            target.first_seen = start if target.first_seen is None else min(target.first_seen, start)
            target.last_seen = end - 1 if target.last_seen is None else max(target.last_seen, end - 1)
        target.positive += positive
        target.negative += negative
        target.rating_sum += rating_sum or 0.0
        target.rated += rated
        target.inferred += int(inferred[0] or 0) if inferred else 0
    return [p for p in [before, *periods, undated] if p.reviews + p.rated]


def _home(periods: list[Period], span: tuple[int, int], first: int, before: Period) -> Period:
    """The one period a review of these months counts in: the first window its months meet
    (a year meets a window if any of its months does), else the period holding its first month."""
    if span[1] <= first:
        return before
    for period in periods:
        if period.kind in (RELEASE, RETURN) and period.start < span[1] and span[0] < period.end:
            return period
    for period in periods:
        if period.start <= span[0] < period.end:
            return period
    return before  # unreachable: the periods run from the first showing past the last review

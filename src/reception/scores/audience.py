"""Audience score with protection against rating floods.

Headline: % of counted ratings at 3.5 stars or more, and their mean. Not counted (but kept and
shown as a second figure):
- ratings dated before the film's first public screening — nobody had seen it;
- ratings on a burst day: a day with at least BURST_MIN ratings and more than BURST_FACTOR
  times the film's usual daily rate (the median over days with any rating), the shape of a
  campaign rather than of an audience;
- ratings from accounts created during a burst (or the BURST_LEAD days before it): the
  campaign's accounts, whenever they rated.
"""

from __future__ import annotations

import statistics
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

LIKED = 3.5  # stars out of 5
BURST_MIN = 20
BURST_FACTOR = 10
BURST_LEAD = timedelta(days=2)


@dataclass
class AudienceScore:
    count: int = 0           # counted in the headline figure
    percent: float | None = None
    mean: float | None = None
    all_count: int = 0       # every rating, flagged or not
    all_percent: float | None = None
    all_mean: float | None = None
    before_release: int = 0
    flagged: int = 0         # in a burst or from an account made in one
    burst_days: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "count": self.count, "percent": self.percent, "mean": self.mean,
            "all": {"count": self.all_count, "percent": self.all_percent, "mean": self.all_mean},
            "not_counted": {"before_release": self.before_release, "flood": self.flagged},
            "burst_days": self.burst_days,
        }


def _figures(stars: list[float]) -> tuple[float | None, float | None]:
    if not stars:
        return None, None
    return round(100.0 * sum(s >= LIKED for s in stars) / len(stars), 1), round(sum(stars) / len(stars), 2)


def _day(moment) -> date:
    return moment.date() if isinstance(moment, datetime) else moment


def audience_score(ratings, first_screening: date | None) -> AudienceScore:
    """ratings: (stars, rated_at, account_created_at or None)."""
    ratings = list(ratings)
    score = AudienceScore(all_count=len(ratings))
    score.all_percent, score.all_mean = _figures([r[0] for r in ratings])
    per_day = Counter(_day(r[1]) for r in ratings)
    usual = statistics.median(per_day.values()) if per_day else 0
    bursts = sorted(d for d, n in per_day.items() if n >= BURST_MIN and n > BURST_FACTOR * usual)
    # The median is dragged up when most days are burst days; then judge against quiet days.
    if per_day and len(bursts) * 2 >= len(per_day):
        quiet = [n for d, n in per_day.items() if d not in bursts] or [1]
        usual = statistics.median(quiet)
        bursts = sorted(d for d, n in per_day.items() if n >= BURST_MIN and n > BURST_FACTOR * usual)
    burst_set = set(bursts)
    score.burst_days = [d.isoformat() for d in bursts]

    def made_in_burst(created) -> bool:
        if created is None:
            return False
        day = _day(created)
        return any(b - BURST_LEAD <= day <= b for b in bursts)

    counted = []
    for stars, rated_at, created in ratings:
        if first_screening and _day(rated_at) < first_screening:
            score.before_release += 1
        elif _day(rated_at) in burst_set or made_in_burst(created):
            score.flagged += 1
        else:
            counted.append(stars)
    score.count = len(counted)
    score.percent, score.mean = _figures(counted)
    return score

"""Audience score with protection against rating floods.

Headline: % of counted ratings at 3.5 stars or more, with its 90% Wilson interval, and their
mean; shown only from RECEPTION_AUDIENCE_MIN counted ratings (below it, the count alone).
Beside it, the same figures over the counted ratings made with a screening code ("verified":
the member was at a screening). Not counted (but kept, shown to editors with the reason, and
in "all ratings"):
- ratings an editor hid (a member's review moderated);
- ratings dated before the film's first public screening — nobody had seen it;
- ratings on a burst day: a day with at least BURST_MIN ratings and more than BURST_FACTOR
  times the film's usual daily rate (the median over days with any rating), the shape of a
  campaign rather than of an audience;
- ratings from accounts created during a burst (or the BURST_LEAD days before it): the
  campaign's accounts, whenever they rated;
- a member's rating made within RECEPTION_MEMBER_WAIT_HOURS of joining: a new account counts
  once it is that old (a rating changed later counts from then).
"""

from __future__ import annotations

import statistics
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from .interval import wilson

LIKED = 3.5  # stars out of 5
BURST_MIN = 20
BURST_FACTOR = 10
BURST_LEAD = timedelta(days=2)


@dataclass
class AudienceScore:
    count: int = 0           # counted in the headline figure
    percent: float | None = None
    mean: float | None = None
    interval: tuple[float, float] | None = None
    minimum: int = 0         # counted ratings needed before the % is shown
    verified_count: int = 0
    verified_percent: float | None = None
    verified_mean: float | None = None
    all_count: int = 0       # every rating, flagged or not
    all_percent: float | None = None
    all_mean: float | None = None
    before_release: int = 0
    flagged: int = 0         # in a burst or from an account made in one
    hidden: int = 0          # hidden by an editor
    new_accounts: int = 0    # made within RECEPTION_MEMBER_WAIT_HOURS of joining
    burst_days: list[str] = field(default_factory=list)

    @property
    def shown(self) -> bool:
        return self.count >= self.minimum and self.percent is not None

    def as_dict(self) -> dict:
        return {
            "count": self.count, "percent": self.percent if self.shown else None,
            "mean": self.mean if self.shown else None,
            "interval": list(self.interval) if self.interval and self.shown else None,
            "minimum": self.minimum, "shown": self.shown,
            "verified": {"count": self.verified_count,
                         "percent": self.verified_percent if self.verified_count >= self.minimum else None,
                         "mean": self.verified_mean if self.verified_count >= self.minimum else None},
            "all": {"count": self.all_count, "percent": self.all_percent if self.all_count >= self.minimum else None,
                    "mean": self.all_mean if self.all_count >= self.minimum else None},
            "not_counted": {"before_release": self.before_release, "flood": self.flagged, "hidden": self.hidden,
                            "new_account": self.new_accounts},
            "burst_days": self.burst_days,
        }


def _figures(stars: list[float]) -> tuple[float | None, float | None]:
    if not stars:
        return None, None
    return round(100.0 * sum(s >= LIKED for s in stars) / len(stars), 1), round(sum(stars) / len(stars), 2)


def _day(moment) -> date:
    return moment.date() if isinstance(moment, datetime) else moment


HIDDEN, BEFORE_RELEASE, FLOOD, NEW_ACCOUNT = "hidden", "before release", "flood", "new account"


def reasons(ratings, first_screening: date | None, wait: timedelta = timedelta(0)) -> tuple[list[str], list[date]]:
    """Why each rating is not counted ('' for one that is), by the rules above, and the burst
    days. ratings: (stars, rated_at, account_created_at or None[, hidden, verified, a member's])."""
    return _reasons(_padded(ratings), first_screening, wait)


def _padded(ratings) -> list[tuple]:
    """Each rating with all six fields: those left out are False."""
    return [(*r, False, False, False)[:6] for r in ratings]


def _reasons(ratings: list[tuple], first_screening: date | None, wait: timedelta) -> tuple[list[str], list[date]]:
    per_day = Counter(_day(r[1]) for r in ratings)
    usual = statistics.median(per_day.values()) if per_day else 0
    bursts = sorted(d for d, n in per_day.items() if n >= BURST_MIN and n > BURST_FACTOR * usual)
    # The median is dragged up when most days are burst days; then judge against quiet days.
    if per_day and len(bursts) * 2 >= len(per_day):
        quiet = [n for d, n in per_day.items() if d not in bursts] or [1]
        usual = statistics.median(quiet)
        bursts = sorted(d for d, n in per_day.items() if n >= BURST_MIN and n > BURST_FACTOR * usual)
    burst_set = set(bursts)

    def made_in_burst(created) -> bool:
        if created is None:
            return False
        day = _day(created)
        return any(b - BURST_LEAD <= day <= b for b in bursts)

    why = []
    for stars, rated_at, created, hidden, seen, member in ratings:
        if hidden:
            why.append(HIDDEN)
        elif first_screening and _day(rated_at) < first_screening:
            why.append(BEFORE_RELEASE)
        elif _day(rated_at) in burst_set or made_in_burst(created):
            why.append(FLOOD)
        elif member and created is not None and rated_at - created < wait:
            why.append(NEW_ACCOUNT)
        else:
            why.append("")
    return why, bursts


def audience_score(ratings, first_screening: date | None, minimum: int = 0,
                   wait: timedelta = timedelta(0)) -> AudienceScore:
    """ratings: (stars, rated_at, account_created_at or None[, hidden, verified, a member's]);
    `minimum` counted ratings before the % is shown; a member's rating counts when made at
    least `wait` after the account was."""
    ratings = _padded(ratings)
    score = AudienceScore(all_count=len(ratings), minimum=minimum)
    score.all_percent, score.all_mean = _figures([r[0] for r in ratings])
    why, bursts = _reasons(ratings, first_screening, wait)
    score.burst_days = [d.isoformat() for d in bursts]
    found = Counter(why)
    score.hidden, score.before_release = found[HIDDEN], found[BEFORE_RELEASE]
    score.flagged, score.new_accounts = found[FLOOD], found[NEW_ACCOUNT]
    counted = [r[0] for r, reason in zip(ratings, why) if not reason]
    verified = [r[0] for r, reason in zip(ratings, why) if not reason and r[4]]
    score.count = len(counted)
    score.percent, score.mean = _figures(counted)
    if counted:
        score.interval = wilson(sum(s >= LIKED for s in counted), len(counted))
    score.verified_count = len(verified)
    score.verified_percent, score.verified_mean = _figures(verified)
    return score

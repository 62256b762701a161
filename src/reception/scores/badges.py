"""Badge rules: the public Rotten Tomatoes rules as configurable defaults.

- no badge and no % below `min_reviews` reviews with a verdict ("not enough reviews");
- fresh at `fresh`% or more, rotten below;
- certified fresh at `certified`% or more with at least `certified_reviews` reviews
  (`certified_reviews_limited` for a limited release) of which `certified_top_critics` are by
  top critics; once certified, kept until the % drops below `keep`.

Override any of them with RECEPTION_BADGE_RULES='{"fresh": 65, ...}' (JSON).
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, fields

from ..config import setting

CERTIFIED, FRESH, ROTTEN = "certified-fresh", "fresh", "rotten"
FRESH_BADGES = (FRESH, CERTIFIED)  # a film critics liked: what a review's verdict agrees with or not


@dataclass(frozen=True)
class BadgeRules:
    min_reviews: int = 5
    fresh: float = 60.0
    certified: float = 75.0
    certified_reviews: int = 80
    certified_reviews_limited: int = 40
    certified_top_critics: int = 5
    keep: float = 70.0

    @classmethod
    def from_settings(cls) -> "BadgeRules":
        raw = setting("RECEPTION_BADGE_RULES").strip()
        if not raw:
            return cls()
        given = json.loads(raw)
        known = {f.name for f in fields(cls)}
        unknown = set(given) - known
        if unknown:
            raise ValueError(f"RECEPTION_BADGE_RULES: unknown rules {sorted(unknown)}; known: {sorted(known)}")
        return cls(**given)

    def as_dict(self) -> dict:
        return asdict(self)


def percent_positive(positive: int, total: int, rules: BadgeRules) -> float | None:
    """The headline %, or None below the minimum number of reviews."""
    if total < rules.min_reviews or total == 0:
        return None
    return round(100.0 * positive / total, 1)


def badge(positive: int, total: int, top_critics: int, limited: bool, was_certified: bool,
          rules: BadgeRules) -> str:
    """'certified-fresh', 'fresh', 'rotten', or '' (not enough reviews)."""
    if total < rules.min_reviews or total == 0:
        return ""
    def at_least(percent: float) -> bool:
        # Exact: positive/total >= percent/100 without rounding (59.96% is not 60%).
        return 100 * positive >= percent * total

    needed = rules.certified_reviews_limited if limited else rules.certified_reviews
    qualifies = total >= needed and top_critics >= rules.certified_top_critics
    if qualifies and at_least(rules.certified):
        return CERTIFIED
    if was_certified and at_least(rules.keep):
        return CERTIFIED
    return FRESH if at_least(rules.fresh) else ROTTEN

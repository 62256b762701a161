"""Reception over time told in a sentence, and whether it turned.

Two sides: the release window ("on release") and every later period (re-releases,
restorations, the years between and after: "since"). Reviews before release and undated ones
are on neither side. A side gets a % only from the badge rules' minimum number of reviews (5),
and the sentence gives counts, never a %, for a side below it:

    Mostly negative on release: 1 of 6 positive (17%; 90% interval 4–46%), 1982.
    Mostly positive since: 9 of 11 (82%; 58–94%), 1986–2024.

The reception *turned* when both sides have at least TURN_MIN_REVIEWS reviews, the later %
differs from the release % by at least TURN_MARGIN points, and the two 90% Wilson intervals do
not overlap: a film is "rediscovered" when the later % is the higher, "fallen" when it is the
lower (/reappraised). Ten a side, not five: on the real data, turns resting on five to nine
later reviews were mostly a handful of home-video write-ups.
"""

from __future__ import annotations

from .badges import BadgeRules, percent_positive
from .interval import wilson

TURN_MARGIN = 25.0  # points between the release % and the later %
TURN_MIN_REVIEWS = 10  # on each side
LATER = ("return", "between")
REDISCOVERED, FALLEN = "rediscovered", "fallen"


def _side(periods: list[dict], rules: BadgeRules) -> dict | None:
    with_reviews = [p for p in periods if p["reviews"]]
    if not with_reviews:
        return None
    positive = sum(p["positive"] for p in with_reviews)
    total = sum(p["reviews"] for p in with_reviews)
    years = sorted({int(edge[:4]) for p in with_reviews for edge in (p["reviewed_from"], p["reviewed_until"]) if edge})
    pct = percent_positive(positive, total, rules)
    return {"positive": positive, "reviews": total, "percent_positive": pct,
            "interval_90": list(wilson(positive, total)) if pct is not None else None,
            "years": f"{years[0]}–{years[-1]}" if len(years) > 1 and years[0] != years[-1] else
            (str(years[0]) if years else ""),
            "inferred": sum(p.get("inferred", 0) for p in with_reviews)}


def _word(pct: float) -> str:
    return "mostly positive" if pct >= 60 else "mostly negative" if pct <= 40 else "mixed"


def _told(side: dict, where: str, first: bool) -> str:
    of = f"{side['positive']} of {side['reviews']}" + (" positive" if first else "")
    when = f", {side['years']}" if side["years"] else ""
    if side["percent_positive"] is None:
        return f"{where.capitalize()}: {of}{when}."
    low, high = side["interval_90"]
    interval = f"90% interval {low:.0f}–{high:.0f}%" if first else f"{low:.0f}–{high:.0f}%"
    return f"{_word(side['percent_positive']).capitalize()} {where}: {of} " \
           f"({side['percent_positive']:.0f}%; {interval}){when}."


def turn_of(release: dict, later: dict) -> str:
    """REDISCOVERED, FALLEN or '' (see the module docstring)."""
    if release["percent_positive"] is None or later["percent_positive"] is None or \
            min(release["reviews"], later["reviews"]) < TURN_MIN_REVIEWS:
        return ""
    (r_low, r_high), (l_low, l_high) = release["interval_90"], later["interval_90"]
    difference = later["percent_positive"] - release["percent_positive"]
    if difference >= TURN_MARGIN and l_low > r_high:
        return REDISCOVERED
    if -difference >= TURN_MARGIN and r_low > l_high:
        return FALLEN
    return ""


def story(periods: list[dict], rules: BadgeRules) -> dict | None:
    """{"text", "release", "later", "turn"} from a film's periods (as_dict), or None when it
    has no reviews both on release and later."""
    release = _side([p for p in periods if p["kind"] == "release"], rules)
    later = _side([p for p in periods if p["kind"] in LATER], rules)
    if release is None or later is None:
        return None
    text = f"{_told(release, 'on release', True)} {_told(later, 'since', False)}"
    short = [where for where, side in (("on release", release), ("since", later)) if side["percent_positive"] is None]
    if short:
        text += f" Too few reviews {' and '.join(short)} for a percentage ({rules.min_reviews} needed)."
    return {"text": text, "release": release, "later": later, "turn": turn_of(release, later),
            "margin": TURN_MARGIN, "min_reviews": rules.min_reviews, "turn_min_reviews": TURN_MIN_REVIEWS}

"""A stored score as the JSON the site and API show (the shape `reception score --json` prints)."""

from __future__ import annotations

from .compute import timeline


def score_json(stored) -> dict | None:
    """None when the film was never scored (run `reception score`)."""
    if stored is None:
        return None
    detail = stored.detail or {}
    return {
        "reviews": stored.reviews, "positive": stored.positive, "negative": stored.negative,
        "percent_positive": stored.percent,
        "interval_90": [stored.low, stored.high] if stored.percent is not None else None,
        "interval_method": detail.get("interval_method"),
        "note": detail.get("note"),
        "top_critics": detail.get("top_critics"),
        "rated": stored.rated, "average_rating": stored.average, "weighted_rating": stored.weighted,
        "badge": stored.badge or None,
        "certified_since": stored.certified_since.isoformat() if stored.certified_since else None,
        "audience": detail.get("audience"),
        "over_time": detail.get("over_time", []),
        # Reception over time in a sentence, and whether it turned (scores.story).
        "story": detail.get("story"),
        "timeline": timeline(stored.film_id),
        "rules": detail.get("rules"),
        # What each figure counts, and what it leaves out and why (scores.compute.counts).
        "counted": detail.get("counted"),
        "computed_at": stored.computed_at.isoformat(),
    }

"""Learning the rating rule's thresholds (reception.rules applies them): one per rating scale.

A 3/5 (60) and a 2.5/4 (62.5) are not the same verdict: critics use each scale differently,
so each scale has its own threshold on the 0–100 score, learnt from Rotten Tomatoes'
fresh/rotten labels on the training films (see `reception train`) and shipped in the model
file's metadata. Scales with too few training examples use the threshold learnt over all.
"""

from __future__ import annotations

from collections import Counter, defaultdict

from ..rules import ANY, rating_verdict

# A scale needs this many labelled ratings before it gets a threshold of its own.
MIN_EXAMPLES = 50


def _best_threshold(counts: dict[float, Counter]) -> tuple[float, int]:
    """The cut t (positive iff score >= t) with most agreements; ties go to the cut nearest 60."""
    scores = sorted(counts)
    positives_above = sum(c[1] for c in counts.values())
    negatives_below = 0
    best = (-1, 0.0, 0.0)
    for score in scores:
        agree = positives_above + negatives_below
        candidate = (agree, -abs(score - 60), score)
        if candidate > best:
            best = candidate
        positives_above -= counts[score][1]
        negatives_below += counts[score][0]
    # Everything negative: a cut above the top score.
    if negatives_below > best[0]:
        best = (negatives_below, 0.0, scores[-1] + 0.01)
    return best[2], best[0]


def tune_thresholds(rated) -> dict[str, float]:
    """Thresholds from (Rating, label) pairs of the training films."""
    by_scale: dict[str, dict[float, Counter]] = defaultdict(lambda: defaultdict(Counter))
    overall: dict[float, Counter] = defaultdict(Counter)
    for rating, label in rated:
        by_scale[rating.scale][rating.score][label] += 1
        overall[rating.score][label] += 1
    thresholds = {ANY: _best_threshold(overall)[0]}
    for scale, counts in by_scale.items():
        if scale != "thumbs" and sum(sum(c.values()) for c in counts.values()) >= MIN_EXAMPLES:
            thresholds[scale] = _best_threshold(counts)[0]
    return thresholds


def agreement(rated, thresholds: dict[str, float]) -> dict:
    """Share of (Rating, label) pairs where the rule agrees with the label, overall and per scale."""
    hits, totals = Counter(), Counter()
    for rating, label in rated:
        ok = rating_verdict(rating.score, rating.scale, thresholds) == ("positive" if label else "negative")
        for key in (ANY, rating.scale):
            totals[key] += 1
            hits[key] += ok
    return {key: {"n": totals[key], "agreement": round(hits[key] / totals[key], 4)} for key in totals}


def split_points(rated, low: float = 0.2, high: float = 0.8, min_examples: int = 30) -> dict[str, dict[str, float]]:
    """Scores on which training labels split (e.g. 2.5/4: about half fresh, half rotten).

    Returns {scale: {score: share positive}}; there the rating alone cannot decide, and the
    quote's text is weighed against this share (see verdicts.decide).
    """
    counts: dict[tuple[str, float], Counter] = defaultdict(Counter)
    for rating, label in rated:
        counts[(rating.scale, rating.score)][label] += 1
    points: dict[str, dict[str, float]] = defaultdict(dict)
    for (scale, score), c in counts.items():
        n = c[0] + c[1]
        share = (c[1] + 1) / (n + 2)  # Laplace: never exactly 0 or 1
        if scale != "thumbs" and n >= min_examples and low <= share <= high:
            points[scale][f"{score:g}"] = round(share, 4)
    return dict(points)

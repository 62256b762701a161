"""The uncertainty of a % positive: a 90% Wilson score interval.

Why Wilson and not a Beta posterior: it needs no prior to defend (a Beta(1,1) prior pulls a
5-review film towards 50%, Jeffreys' less so, and readers would ask why either), it is closed
form (cheap for every film on every re-score), and unlike the textbook p ± z·se interval it
stays inside 0–100% and does not collapse to a point at 0/n or n/n — exactly the small-count
cases an aggregator shows. Its coverage is close to nominal from n = 5 up.
"""

from __future__ import annotations

import math

Z90 = 1.6448536269514722  # two-sided 90%


def wilson(positive: int, total: int, z: float = Z90) -> tuple[float, float] | None:
    """(low, high) as percentages, or None with no reviews."""
    if total <= 0:
        return None
    p = positive / total
    z2 = z * z
    centre = (p + z2 / (2 * total)) / (1 + z2 / total)
    half = z * math.sqrt(p * (1 - p) / total + z2 / (4 * total * total)) / (1 + z2 / total)
    return (round(100 * max(0.0, centre - half), 1), round(100 * min(1.0, centre + half), 1))

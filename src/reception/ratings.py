"""Rating strings as critics publish them, mapped to one 0–100 scale.

The table (also in docs/ratings.md):

=====================  ==========================================  =============
form                   examples                                    maps to
=====================  ==========================================  =============
fraction               ``3/4``, ``2.5/4``, ``8/10``, ``72/100``     value / scale
"out of"               ``4 out of 5``, ``3 out of 4 stars``,        value / scale
                       ``3 stars out of 4``
fraction with ½        ``2½/4``, ``3 1/2/4``, ``3 1/2 out of 5``    value / scale
stars with a scale     ``★★★½/4``, ``★★★ out of 5``, ``3 stars/5``, stars / scale
                       ``three and a half stars out of four``,
                       ``★★★☆☆`` (the empty stars state it)
stars, no scale        ``★★★½``, ``3.5 stars``, ``four stars``      only via the
                                                                    outlet's scale
letter grade           ``A+`` ``A`` … ``F``                         A=100 … F=0 in
                                                                    steps of 1/12
percent                ``85%``                                      85
thumbs                 ``thumbs up`` / ``thumbs down``              100 / 0
bare number            ``8``, ``3.5``                               only via the
                                                                    outlet's scale
=====================  ==========================================  =============

Letter grades follow the usual aggregator convention: twelve equal steps from
F (0) to A (100), so B+ ≈ 83, B- ≈ 67, C = 50; A+ is capped at 100 and E counts
as F.

Numbers may be written as words ("three", "ten") and halves as "½", ".5", "1/2"
or "and a half".

Stars with no stated scale ("3.5 stars", "★★★½") are not read on an assumed 4-
or 5-star scale: four stars are a rave on one and merely good on the other. Like
a bare number ("8"), they are returned with the flag ``no-scale`` and no score
(their ``scale`` says ``stars``), and :func:`resolve_bare_number` later reads
them on the scale learnt for their outlet or critic (ingest.scales), flagged
``scale-inferred``.

Anything else is returned unread with the flag ``unknown-format``: never guessed.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache

# Flags stored with a review's rating; '' means read cleanly.
OK = ""
NO_SCALE = "no-scale"
SCALE_INFERRED = "scale-inferred"
SCALE_REJECTED = "scale-rejected"  # an editor found the inferred scale wrong: not read again
UNKNOWN = "unknown-format"
OUT_OF_RANGE = "out-of-range"

# Scales a bare number may be read on when its outlet never states one.
COMMON_SCALES = (4, 5, 10, 100)

LETTER_STEPS = {
    "A+": 12, "A": 12, "A-": 11,
    "B+": 10, "B": 9, "B-": 8,
    "C+": 7, "C": 6, "C-": 5,
    "D+": 4, "D": 3, "D-": 2,
    "E+": 1, "E": 0, "E-": 0,
    "F+": 1, "F": 0, "F-": 0,
}

NUMBER_WORDS = {
    "zero": 0, "no": 0, "half": 0.5, "one": 1, "two": 2, "three": 3, "four": 4,
    "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
}
STARS = "stars"  # the scale of a star count whose scale is not stated

_NUM = r"(\d+(?:[.,]\d+)?)"
# A value may carry a half: "2½", "2 ½", "3 1/2", "2-1/2", "two and a half".
_HALF = r"(?:\s*½|\s*-?\s*1/2|\s+and\s+a\s+half)?"
_VALUE = _NUM + r"(" + _HALF + r")"

# "3 out of 4 stars", and the orders critics' write-ups also use: "3 stars out of 4", "3 stars/4".
_FRACTION = re.compile(r"^" + _VALUE + r"\s*(?:stars?\s*)?(?:/|out\s+of|of)\s*" + _NUM + r"(?:\s*stars?)?$")
_STARS_WORDS = re.compile(r"^" + _VALUE + r"\s*stars?$")
_PERCENT = re.compile(r"^" + _NUM + r"\s*%$")
_BARE = re.compile(r"^" + _VALUE + r"$")
_LETTER = re.compile(r"^([A-F])\s*([+-]?)$")
# Star glyphs, maybe with a half and empty stars, maybe followed by their scale ("★★★½/4").
_GLYPHS = re.compile(r"^([★*✭✮⭐]*)\s*(½|1/2)?\s*(☆*)\s*(?:(?:stars?\s*)?(?:/|out\s*of|of)\s*(\d+)(?:\s*stars?)?)?$")
_HALF_STAR = re.compile(r"^(?:a\s+)?half(?:\s+an?)?\s+stars?$")


@dataclass(frozen=True)
class Rating:
    """A rating string read: ``score`` is 0–100 or None; ``flag`` says why not or how."""

    raw: str
    score: float | None
    scale: str = ""
    flag: str = OK
    value: float | None = None  # the number read, for bare numbers resolved later

    @property
    def readable(self) -> bool:
        return self.score is not None


def _number(text: str, half: str = "") -> float:
    value = float(text.replace(",", "."))
    return value + (0.5 if half and half.strip() else 0.0)


def _scaled(raw: str, value: float, scale: float, label: str, flag: str = OK) -> Rating:
    if scale <= 0 or not math.isfinite(value) or not math.isfinite(scale):
        return Rating(raw, None, flag=UNKNOWN)
    if value < 0 or value > scale:
        return Rating(raw, None, scale=label, flag=OUT_OF_RANGE, value=value)
    return Rating(raw, round(100.0 * value / scale, 2), scale=label, flag=flag, value=value)


def _stars(raw: str, count: float, stated_scale: float | None = None) -> Rating:
    if stated_scale:
        return _scaled(raw, count, stated_scale, f"stars/{stated_scale:g}")
    if count < 0 or not math.isfinite(count):
        return Rating(raw, None, flag=UNKNOWN)
    return Rating(raw, None, scale=STARS, flag=NO_SCALE, value=count)


def _words_to_digits(text: str) -> str:
    # "three and a half stars" -> "3 and a half stars"; only whole words.
    return re.sub(
        r"\b(" + "|".join(k for k in NUMBER_WORDS if k not in ("no", "half")) + r")\b",
        lambda m: str(NUMBER_WORDS[m.group(1)]),
        text,
    )


@lru_cache(maxsize=65536)
def parse_rating(raw: str | None) -> Rating:
    """Read one rating string. Never raises; see the module docstring for the table."""
    if raw is None:
        return Rating("", None)
    text = " ".join(str(raw).split())
    if not text:
        return Rating("", None)
    low = text.lower()

    if re.fullmatch(r"(?:two\s+|2\s+)?thumbs?\s*-?\s*up|👍", low):
        return Rating(text, 100.0, scale="thumbs")
    if re.fullmatch(r"(?:two\s+|2\s+)?thumbs?\s*-?\s*down|👎", low):
        return Rating(text, 0.0, scale="thumbs")

    letter = _LETTER.match(text.upper()) if len(text) <= 3 else None
    if letter:
        steps = LETTER_STEPS[letter.group(1) + letter.group(2)]
        return Rating(text, round(100.0 * steps / 12, 2), scale="letter")

    if _HALF_STAR.match(low):
        return _stars(text, 0.5)
    low = _words_to_digits(low.replace("½", " ½").replace("&frac12;", " ½"))
    low = " ".join(low.split())

    match = _FRACTION.match(low)
    if match:
        value = _number(match.group(1), match.group(2))
        scale = _number(match.group(3))
        if "star" in low:
            return _stars(text, value, scale)
        return _scaled(text, value, scale, f"/{scale:g}")

    match = _STARS_WORDS.match(low)
    if match:
        return _stars(text, _number(match.group(1), match.group(2)))

    match = _PERCENT.match(low)
    if match:
        return _scaled(text, _number(match.group(1)), 100, "/100")

    match = _GLYPHS.match(low.replace(" ", ""))
    if match and (match.group(1) or match.group(2)):
        filled = len(match.group(1)) + (0.5 if match.group(2) else 0.0)
        empty = len(match.group(3))
        if match.group(4):
            return _stars(text, filled, _number(match.group(4)))
        if empty:
            # "★★★☆☆": the empty stars state the scale (a half counts as one slot).
            return _stars(text, filled, math.ceil(filled) + empty)
        return _stars(text, filled)

    match = _BARE.match(low)
    if match:
        value = _number(match.group(1), match.group(2))
        return Rating(text, None, flag=NO_SCALE, value=value)

    return Rating(text, None, flag=UNKNOWN)


def infer_scale(stated_scales: dict[float, int], bare_values: list[float], stars: bool = False) -> float | None:
    """The scale an outlet's bare numbers (or, with `stars`, its star counts with no scale)
    are on, judged without labels, or None when it cannot be told. (With labels to learn
    from, ingest.scales chooses instead.)

    Rule 1: the outlet's most used stated scale (``x/10`` ..., or ``stars/4`` ... for
    stars), when every bare number it published fits in it. Rule 2, for numbers only:
    with no such scale, at least three bare numbers of which some exceed 5: the smallest
    of 10 or 100 that holds them all (values above 5 rule out star scales; a 100-point
    outlet whose every score is under 10 is not credible). Otherwise None: flagged, not
    guessed.
    """
    if not bare_values:
        return None
    top = max(bare_values)
    if stated_scales:
        scale = max(stated_scales.items(), key=lambda kv: (kv[1], -kv[0]))[0]
        if top <= scale:
            return scale
    if not stars and len(bare_values) >= 3 and top > 5:
        for scale in (10, 100):
            if top <= scale:
                return scale
    return None


def resolve_bare_number(rating: Rating, scale: float) -> Rating:
    """A bare number (or star count) read on its outlet's or critic's scale; flagged as inferred."""
    if rating.flag != NO_SCALE or rating.value is None:
        return rating
    label = f"stars/{scale:g}" if rating.scale == STARS else f"/{scale:g}"
    return _scaled(rating.raw, rating.value, scale, label, SCALE_INFERRED)

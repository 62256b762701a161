"""The verdict rules, written once: what a source's label or a critic's rating decides.

    VerdictRules().apply(score, scale, label, has_quote) -> Decision(verdict, decided_by, model, conflict)

The critic's own call comes first. Order, first that applies (an editor's verdict is never
touched: catalog.decisions):
1. the source's own label (Rotten Tomatoes' fresh/rotten, a CSV verdict column, thumbs in a
   feed): the critic's call as published → outlet-label. Where the rating read on its scale's
   threshold says the other thing, the label still stands and the review carries a `conflict`
   (the reason) for an editor; a rating whose scale was only inferred is then left out of the
   averages until an editor settles it (HELD);
2. the critic's rating, when it is decisive on its scale (3/4, B+, 8/10 …) → critic-rating;
3. a rating where critics' verdicts split (2.5/4 is fresh half the time) and no quote: its
   scale's threshold → critic-rating; with a quote, nothing here: the text model weighs the
   quote with that rating's share of positives (verdicts.decide);
4. a star count with no scale ("four stars"), while its outlet's scale is unknown: the verdict
   it has on every star scale it fits (out of 4 and out of 5), where they agree and neither is
   a split → critic-rating. Its score stays unknown, so it counts in no average;
5. nothing else decides: OPEN, the text model's to read.

An import applies it to each distinct (rating, label, has a quote) it meets (ingest.store),
`reception verdicts` to each distinct one of the open reviews (verdicts.decide), an editor's
save to the one review (editing): one function, never a copy of it in SQL.

Each scale has its own threshold on the 0–100 score, and the split points their share of
positives, learnt by `reception train` from Rotten Tomatoes' labels and kept in the verdict
model file's header, which is read here without the model's dependencies.
"""

from __future__ import annotations

import hashlib
import json
import struct
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

from django.db.models import TextChoices  # an enum: needs no settings (`reception train` has none)

from .config import setting
from .errors import ReceptionError
from .ratings import NO_SCALE, SCALE_INFERRED, STARS



class Verdict(TextChoices):
    POSITIVE = "positive"
    NEGATIVE = "negative"


class DecidedBy(TextChoices):
    """How a review's verdict was decided (Review.decided_by)."""

    CRITIC_RATING = "critic-rating", "critic's rating"
    OUTLET_LABEL = "outlet-label", "source's label"
    MODEL = "model", "text model"
    EDITOR = "editor", "editor"


SHIPPED = Path(__file__).parent / "verdicts" / "verdict-model.safetensors"
ANY = "*"  # the threshold of every scale without its own
POS, NEG = Verdict.POSITIVE.value, Verdict.NEGATIVE.value


class Decision(NamedTuple):
    """What the rules decide for a review: its verdict, how it was decided, the rule's id
    (rating rules), and why its rating and its label disagree ('' when they do not)."""

    verdict: str
    decided_by: str
    model: str
    conflict: str = ""


OPEN = Decision("", "", "")


def held(alias: str = "") -> str:
    """SQL true for a review whose rating counts in no average until an editor settles it: read
    on an inferred scale (ratings.SCALE_INFERRED) and reading the other way from its label."""
    return f"({alias}conflict <> '' AND {alias}rating_flag = '{SCALE_INFERRED}')"


def is_held(conflict: str, rating_flag: str) -> bool:
    """held() for one review in hand (its JSON says whether its rating is held)."""
    return bool(conflict) and rating_flag == SCALE_INFERRED


def counted_rating(alias: str = "") -> str:
    """SQL for the rating a review brings to averages: none while it is held."""
    return f"(CASE WHEN {held(alias)} THEN NULL ELSE {alias}rating END)"


def model_path() -> Path:
    return Path(setting("RECEPTION_VERDICT_MODEL") or SHIPPED)


@lru_cache(maxsize=8)
def _config(path: str, mtime: float) -> dict:
    # safetensors: an 8-byte length, a JSON header whose __metadata__ holds our config, the arrays.
    try:
        with open(path, "rb") as handle:
            (length,) = struct.unpack("<Q", handle.read(8))
            header = json.loads(handle.read(length))
        config = json.loads(header["__metadata__"]["reception"])
    except FileNotFoundError:
        raise ReceptionError.of("E300", path=path) from None
    except (struct.error, ValueError, KeyError, TypeError):
        raise ReceptionError.of("E301", path=path) from None
    with open(path, "rb") as handle:
        config["id"] = "minilm-lora-" + hashlib.sha1(handle.read()).hexdigest()[:10]
    return config


def model_config(path: Path | None = None) -> dict:
    """The model's config: thresholds, split_points, platt, base_rate, figures, id."""
    path = Path(path or model_path())
    try:
        mtime = path.stat().st_mtime
    except FileNotFoundError:
        mtime = 0.0
    return _config(str(path), mtime)


def same_scale(scale: str, known) -> str:
    """The scale `known` (thresholds or split points) has for `scale`: itself, or for stars out
    of N the scale out of N ("2.5 out of 4 stars" is 2.5/4), else `scale`."""
    if scale not in known and scale.startswith("stars/") and scale[len("stars"):] in known:
        return scale[len("stars"):]
    return scale


def rating_verdict(score: float | None, scale: str, thresholds: dict[str, float]) -> str:
    """'positive', 'negative', or '' when there is no score: the scale's threshold (thumbs: up)."""
    if score is None:
        return ""
    if scale == "thumbs":
        return POS if score >= 50 else NEG
    return POS if score >= thresholds.get(same_scale(scale, thresholds), thresholds[ANY]) else NEG


def split_shares(config: dict) -> dict[tuple[str, float], float]:
    """The model file's split points as {(scale, score): share positive}."""
    return {(scale, float(score)): share for scale, scores in config.get("split_points", {}).items()
            for score, share in scores.items()}


class VerdictRules:
    """The rules with one model file's thresholds and split points."""

    def __init__(self, config: dict | None = None):
        config = config or model_config()
        self.thresholds = config["thresholds"]
        self.splits = split_shares(config)
        self.split_scales = {scale for scale, _ in self.splits}
        self.rule_id = f"{config['id']}:rule"  # stored as the verdict's model: which thresholds decided

    def split_share(self, score: float | None, scale: str) -> float | None:
        """The share of positives at this rating where verdicts split on it, else None."""
        return None if score is None else self.splits.get((same_scale(scale, self.split_scales), round(score, 2)))

    def apply(self, score: float | None, scale: str, label: str, has_quote: bool, stars: float | None = None) -> Decision:
        """The Decision for a review with this rating (0–100 on `scale`, or None), label and quote;
        `stars`: the count of a star rating with no scale (bare_stars)."""
        split = self.split_share(score, scale) is not None
        rated = rating_verdict(score, scale, self.thresholds) if score is not None and not split else ""
        if score is None and stars is not None:
            rated = self._any_star_scale(stars)
        if label:
            conflict = f"the rating reads {rated} on {scale}; the label says {label}" if rated and rated != label else ""
            return Decision(label, DecidedBy.OUTLET_LABEL.value, "", conflict)
        if rated:
            return Decision(rated, DecidedBy.CRITIC_RATING.value, self.rule_id)
        if split and not has_quote:
            return Decision(rating_verdict(score, scale, self.thresholds), DecidedBy.CRITIC_RATING.value, self.rule_id)
        return OPEN

    def _any_star_scale(self, count: float) -> str:
        """The verdict a star count has on every star scale it fits, or '' where they differ
        or one is a split (2.5 stars: 2.5/4 splits critics)."""
        readings = set()
        for top in (4, 5):
            if count <= top:
                score, scale = 100.0 * count / top, f"{STARS}/{top}"
                if self.split_share(score, scale) is not None:
                    return ""
                readings.add(rating_verdict(score, scale, self.thresholds))
        return readings.pop() if len(readings) == 1 else ""


def bare_stars(flag: str, scale: str, value: float | None) -> float | None:
    """A rating's star count where it has no scale (VerdictRules.apply's `stars`), else None."""
    return value if flag == NO_SCALE and scale == STARS else None

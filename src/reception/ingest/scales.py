"""Bare numbers ("8") and star counts with no scale ("3.5 stars") read again once the scale
their critic or outlet uses can be told: after an import adds to an outlet's reviews (or
revises one away from it), and after editors merge outlets or critics, or edit, add or delete
reviews, films or outlets (editing).

The scale is learnt, per outlet and per critic at that outlet (`learn_scale`):
- from the critics' own calls: where at least MIN_LABELLED of the bare numbers carry their
  source's label (Fresh/Rotten), the scale among those that hold every number whose
  threshold agrees best with the labels, if it agrees with at least MIN_AGREEMENT of them
  (a critic's "1" that is always fresh fits no scale: it stays flagged);
- else from the scales the outlet states (ratings.infer_scale).
A critic with enough labelled numbers of their own at an outlet gets their own scale there
(or none, when no scale fits their calls); the others take the outlet's.
"""

from __future__ import annotations

from collections import defaultdict

from .. import ratings
from ..catalog import decisions
from ..database import id_chunks
from ..rules import bare_stars, rating_verdict

MIN_LABELLED = 5
# Critics' labels and the thresholds disagree on some honest ratings (a 6/10 marked rotten):
# a right scale agrees with most of them, a wrong one with few.
MIN_AGREEMENT = 0.7
BARE_FLAGS = (ratings.NO_SCALE, ratings.SCALE_INFERRED)


def learn_scale(stated: dict[float, int], values: list[float], labelled: list[tuple[float, str]], thresholds,
                stars: bool = False) -> float | None:
    """The scale these bare numbers (star counts with `stars`) are on, or None. `stated`: the
    outlet's stated scales of that kind and how often; `labelled`: (value, label) pairs."""
    if not values:
        return None
    top = max(values)
    candidates = [scale for scale in ((4, 5) if stars else ratings.COMMON_SCALES) if scale >= top]
    if len(labelled) < MIN_LABELLED:
        return ratings.infer_scale(stated, values, stars)
    if not candidates:
        return None

    def agreement(scale: float) -> float:
        name = f"stars/{scale:g}" if stars else f"/{scale:g}"
        return sum(rating_verdict(100.0 * value / scale, name, thresholds) == label
                   for value, label in labelled) / len(labelled)

    best = max(candidates, key=lambda scale: (agreement(scale), stated.get(scale, 0), -scale))
    return best if agreement(best) >= MIN_AGREEMENT else None


def reread_bare_numbers(cursor, outlet_ids, rules, infer=learn_scale) -> tuple[dict, set[int]]:
    """Give the bare-number ratings of these outlets the scale learnt for them, from all of the
    outlet's reviews, so the scale follows the evidence as it grows. A review whose rating
    changed has its verdict decided again by `rules` (reception.rules.VerdictRules), but an
    editor's (catalog.decisions), as `reception verdicts --all` would. Returns the scale of
    each (outlet, critic, is a star count) met (None where none can be told) and the films
    whose reviews changed. `infer`: learn_scale's signature (an outlet about to go has none)."""
    pending = defaultdict(list)
    for chunk in id_chunks(outlet_ids):
        cursor.execute(
            # Through the small index of flagged ratings (its condition stated so the planner
            # sees it applies), not the outlet's: an outlet may have tens of thousands of reviews.
            "SELECT id, film_id, outlet_id, critic_id, label, "
            "CASE WHEN quote <> '' THEN 1 ELSE 0 END, rating_raw, rating, rating_scale, rating_flag FROM catalog_review "
            f"WHERE NOT (rating_flag = '') AND rating_flag IN ({', '.join(['%s'] * len(BARE_FLAGS))}) "
            f"AND +outlet_id IN ({', '.join(['%s'] * len(chunk))})",
            [*BARE_FLAGS, *chunk]
        )
        for review_id, film_id, outlet_id, critic_id, label, has_quote, raw, *stored in cursor.fetchall():
            rating = ratings.parse_rating(raw)
            if rating.flag == ratings.NO_SCALE:
                pending[(outlet_id, rating.scale == ratings.STARS)].append(
                    (review_id, film_id, critic_id, label, bool(has_quote), rating, tuple(stored)))
    stated: dict[tuple, dict[float, int]] = defaultdict(dict)
    for chunk in id_chunks({outlet for outlet, _ in pending}):
        cursor.execute(
            # From the index of outlets' rating scales alone (Review.Meta): an outlet may have
            # tens of thousands of reviews.
            "SELECT outlet_id, rating_scale, count(*) FROM catalog_review "
            f"WHERE outlet_id IN ({', '.join(['%s'] * len(chunk))}) AND rating_flag = %s "
            "AND (rating_scale LIKE %s OR rating_scale LIKE %s) GROUP BY outlet_id, rating_scale",
            [*chunk, ratings.OK, "/%", "stars/%"],
        )
        for outlet_id, scale, count in cursor.fetchall():
            kind, _, number = scale.partition("/")
            stated[(outlet_id, kind == ratings.STARS)][float(number)] = count
    scales, touched = {}, set()
    read, decided = [], []
    thresholds = rules.thresholds
    for (outlet_id, stars), rows in pending.items():
        evidence = stated.get((outlet_id, stars), {})
        by_critic = defaultdict(list)
        for row in rows:
            by_critic[row[2]].append(row)
        # Critics with calls enough of their own are judged alone; the outlet's scale is learnt
        # from the rest (one critic's odd usage does not decide for the others).
        alone = {critic_id for critic_id, own in by_critic.items()
                 if critic_id is not None and len(_labelled(own)) >= MIN_LABELLED}
        rest = [row for row in rows if row[2] not in alone]
        outlet_scale = infer(evidence, [row[5].value for row in rest], _labelled(rest), thresholds, stars)
        for critic_id, own in by_critic.items():
            scale = outlet_scale
            if critic_id in alone:
                scale = infer(evidence, [row[5].value for row in own], _labelled(own), thresholds, stars)
            scales[(outlet_id, critic_id, stars)] = scale
            for review_id, film_id, _, label, has_quote, rating, stored in own:
                resolved = ratings.resolve_bare_number(rating, scale) if scale else rating
                now = (resolved.score, resolved.scale, resolved.flag)
                if now == stored:
                    continue
                # Its film's figures change too, though no import brought it now.
                touched.add(film_id)
                read.append((*now, review_id))
                # rules.OPEN leaves it to the text model, which weighs a split rating.
                decided.append((*rules.apply(resolved.score, resolved.scale, label, has_quote,
                                             bare_stars(resolved.flag, resolved.scale, resolved.value)),
                                None, False, review_id))
    cursor.executemany("UPDATE catalog_review SET rating = %s, rating_scale = %s, rating_flag = %s WHERE id = %s",
                       read)
    decisions.write(cursor, decided)
    return scales, touched


def _labelled(rows) -> list[tuple[float, str]]:
    return [(row[5].value, row[3]) for row in rows if row[3]]

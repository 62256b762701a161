"""Bare numbers ("8") read again once their outlet's scale can be told (ratings.infer_scale):
after an import adds to an outlet's reviews (or revises one away from it), and after editors
merge outlets or critics, or edit, add or delete reviews, films or outlets (editing)."""

from __future__ import annotations

from collections import defaultdict

from .. import ratings
from ..catalog import decisions
from ..database import id_chunks


def reread_bare_numbers(cursor, outlet_ids, rules, infer=ratings.infer_scale) -> tuple[dict, set[int]]:
    """Give the bare-number ratings of these outlets their outlet's scale where it can be told,
    from all of the outlet's reviews, so the scale follows the evidence as it grows. A review
    whose rating changed has its verdict decided again by `rules` (reception.rules.VerdictRules),
    but an editor's (catalog.decisions), as `reception verdicts --all` would: a rating now read outranks the label
    or the text that decided it; one no longer read decides nothing. Returns each outlet's
    scale (None where none can be told) and the films whose reviews changed. `infer(stated
    scales, bare values)`: an outlet's scale (an outlet about to go has none)."""
    bare_flags = [ratings.NO_SCALE, ratings.SCALE_INFERRED]
    pending = defaultdict(list)
    for chunk in id_chunks(outlet_ids):
        cursor.execute(
            # Through the small index of flagged ratings (its condition stated so the planner
            # sees it applies), not the outlet's: an outlet may have tens of thousands of reviews.
            "SELECT id, film_id, outlet_id, label, "
            "CASE WHEN quote <> '' THEN 1 ELSE 0 END, rating_raw, rating, rating_scale, rating_flag FROM catalog_review "
            "WHERE NOT (rating_flag = '') AND rating_flag IN (%s, %s) "
            f"AND +outlet_id IN ({', '.join(['%s'] * len(chunk))})",
            [*bare_flags, *chunk]
        )
        for review_id, film_id, outlet_id, label, has_quote, raw, *stored in cursor.fetchall():
            pending[outlet_id].append(
                (review_id, film_id, label, bool(has_quote), ratings.parse_rating(raw), tuple(stored)))
    stated: dict[int, dict[float, int]] = defaultdict(dict)
    for chunk in id_chunks(pending):
        cursor.execute(
            # From the index of outlets' rating scales alone (Review.Meta): an outlet may have
            # tens of thousands of reviews.
            "SELECT outlet_id, rating_scale, count(*) FROM catalog_review "
            f"WHERE outlet_id IN ({', '.join(['%s'] * len(chunk))}) AND rating_flag = %s "
            "AND rating_scale LIKE %s GROUP BY outlet_id, rating_scale",
            [*chunk, ratings.OK, "/%"],
        )
        for outlet_id, scale, count in cursor.fetchall():
            stated[outlet_id][float(scale[1:])] = count
    scales, touched = {}, set()
    read, decided = [], []
    for outlet_id, rows in pending.items():
        scale = scales[outlet_id] = infer(stated.get(outlet_id, {}), [row[-2].value for row in rows])
        for review_id, film_id, label, has_quote, rating, stored in rows:
            unread = ratings.Rating(rating.raw, None, flag=ratings.NO_SCALE, value=rating.value)
            resolved = ratings.resolve_bare_number(unread, scale) if scale else unread
            now = (resolved.score, resolved.scale, resolved.flag)
            if now == stored:
                continue
            # Its film's figures change too, though no import brought it now.
            touched.add(film_id)
            read.append((*now, review_id))
            # OPEN ('', '', '') leaves it to the text model, which weighs a split rating.
            decided.append((*rules.apply(resolved.score, resolved.scale, label, has_quote), None, False, review_id))
    cursor.executemany("UPDATE catalog_review SET rating = %s, rating_scale = %s, rating_flag = %s WHERE id = %s",
                       read)
    decisions.write(cursor, decided)
    return scales, touched

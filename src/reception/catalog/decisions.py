"""Every write of a review's verdict columns goes through here, so that two rules hold wherever
a verdict is decided (an import's revision, an outlet's scale learnt, `reception verdicts`, the
text model, an editor):

- an editor's verdict stands: nothing but an editor's own call changes it (`by_editor`,
  `set_by_editor`), and forgetting verdicts to decide them again (`forget`) leaves it;
- a conflict between a rating and a label (`conflict`, the reason) is the rules' to set and
  an editor's to settle: any editor's verdict clears it;
- the mark for an editor to check (`needs_check`) follows `marked`: a rating, a label or an
  editor settles it (cleared); a verdict the text model is unsure of, or a quote it cannot
  read, sets it; while nothing decides a review, its mark stays as it was (an article's
  "praised …, but …", marked as it was imported).

What decides (reception.rules, the text model) is not here: only how a decision is written.
New rows take the same mark (`marked`) as an import writes them (ingest.store).
"""

from __future__ import annotations

from collections import Counter

from django.db import connection

from ..database import id_chunks
from ..ratings import NO_SCALE, STARS, parse_rating
from ..rules import DecidedBy
from . import version

EDITOR = DecidedBy.EDITOR.value
# Who settles the mark for an editor to check: a decision of the critic's or the source's own, or an editor's.
SETTLING = frozenset({DecidedBy.CRITIC_RATING.value, DecidedBy.OUTLET_LABEL.value, EDITOR})


def marked(decided_by: str, was_marked: bool, unsure: bool = False) -> bool:
    """Is a review marked for an editor to check once `decided_by` has decided it (or nothing
    has, ''), given its mark before and whether the decision is `unsure`?"""
    return decided_by not in SETTLING and (was_marked or unsure)


# `marked` over the row's own mark, for the statements below: settles?, then unsure.
# The rating text of a star count with no scale ("four stars"), '' for any other: the rules read it.
_BARE = f"(CASE WHEN rating_flag = '{NO_SCALE}' AND rating_scale = '{STARS}' THEN rating_raw ELSE '' END)"
_MARK = "needs_check = (NOT %s) AND (needs_check OR %s)"
_STANDS = "decided_by <> %s"  # with EDITOR: an editor's verdict stands


def write(cursor, rows, only_open: bool = False) -> None:
    """Write decisions: rows of (verdict, decided_by, model, conflict, probability, unsure,
    review id); ('', '', …) leaves the review open. `only_open`: only reviews still without a verdict (the
    text model's, which an import may have decided in the meantime)."""
    open_only = " AND verdict = ''" if only_open else ""
    cursor.executemany(
        f"UPDATE catalog_review SET verdict = %s, decided_by = %s, verdict_model = %s, conflict = %s, "
        f"verdict_probability = %s, {_MARK} WHERE id = %s AND {_STANDS}{open_only}",
        [(verdict, by, model, conflict, probability, by in SETTLING, unsure, review_id, EDITOR)
         for verdict, by, model, conflict, probability, unsure, review_id in rows])


def decide_kinds(cursor, decide, film_ids=None) -> Counter:
    """Every review without a verdict (of `film_ids` only, if given) decided by
    `decide(score, scale, label, has_quote, stars)` -> rules.Decision, where it decides:
    one call per distinct (rating, scale, label, has a quote, a star rating with no scale), and
    one set-based UPDATE through a temporary table of those decisions. Returns how many reviews
    each decided_by decided."""
    scope, params = films_clause(film_ids)
    cursor.execute(
        f"SELECT rating, rating_scale, label, CASE WHEN coalesce(quote, '') <> '' THEN 1 ELSE 0 END, {_BARE}, "
        f"count(*) FROM catalog_review WHERE verdict = ''{scope} GROUP BY 1, 2, 3, 4, 5", params)
    decisions, counts = [], Counter()
    for score, scale, label, has_quote, bare, count in cursor.fetchall():
        stars = parse_rating(bare).value if bare else None  # _BARE: a star count with no scale
        verdict, by, model, conflict = decide(score, scale, label, bool(has_quote), stars)
        if verdict:
            # A rating is 0–100: -1 stands for none, which SQL's = cannot match.
            decisions.append((-1.0 if score is None else score, scale, label, has_quote, bare, verdict, by, model,
                              conflict))
            counts[by] += count
    if not decisions:
        return counts
    temp = "temp" if connection.vendor == "sqlite" else "pg_temp"
    cursor.execute(f"DROP TABLE IF EXISTS {temp}.review_rule")
    cursor.execute("CREATE TEMPORARY TABLE review_rule (rating DOUBLE PRECISION, rating_scale TEXT, label TEXT, "
                   "has_quote INTEGER, bare TEXT, verdict TEXT, decided_by TEXT, verdict_model TEXT, conflict TEXT)")
    cursor.executemany("INSERT INTO review_rule VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)", decisions)
    # SQLite's UPDATE … FROM does not take an alias for the table updated: it is named in full.
    r = "catalog_review"
    cursor.execute(
        f"UPDATE {r} SET verdict = k.verdict, decided_by = k.decided_by, verdict_model = k.verdict_model, "
        f"conflict = k.conflict, verdict_probability = NULL, {_MARK} FROM review_rule AS k WHERE {r}.verdict = '' AND {r}.{_STANDS}"
        f"{films_clause(film_ids, f'{r}.film_id')[0]} AND coalesce({r}.rating, -1) = k.rating "
        f"AND {r}.rating_scale = k.rating_scale AND {r}.label = k.label "
        f"AND (CASE WHEN coalesce({r}.quote, '') <> '' THEN 1 ELSE 0 END) = k.has_quote "
        f"AND {_BARE.replace('rating_', r + '.rating_')} = k.bare",
        [True, False, EDITOR, *params])
    cursor.execute("DROP TABLE review_rule")
    return counts


def forget(cursor, film_ids=None) -> None:
    """Forget every verdict but editors' (of `film_ids` only, if given), to decide them again.
    Marks stay: a rating or a label clears them as it decides, or an editor."""
    scope, params = films_clause(film_ids)
    cursor.execute("UPDATE catalog_review SET verdict = '', decided_by = '', verdict_probability = NULL, "
                   f"verdict_model = '', conflict = '' WHERE {_STANDS}{scope}", [EDITOR, *params])


def by_editor(review_ids, verdict: str) -> None:
    """An editor's verdict for these reviews (saved now)."""
    with connection.cursor() as cursor:
        for chunk in id_chunks(set(review_ids)):
            cursor.execute(
                "UPDATE catalog_review SET verdict = %s, decided_by = %s, verdict_model = '', conflict = '', "
                f"verdict_probability = NULL, {_MARK} WHERE id IN ({', '.join(['%s'] * len(chunk))})",
                [verdict, EDITOR, True, False, *chunk])
    version.bump()


def set_by_editor(review, verdict: str) -> None:
    """An editor's verdict (or none: '') for one review, before the admin's form saves it."""
    review.verdict = verdict
    review.decided_by = EDITOR if verdict else ""
    review.verdict_probability = None
    review.verdict_model = ""
    review.conflict = ""
    review.needs_check = marked(EDITOR, review.needs_check)


def settle(review, decision) -> None:
    """A decision (rules.Decision) of the rules for one review, before the admin's form saves
    it: none if an editor decided it."""
    if review.decided_by == EDITOR:
        return
    review.verdict, review.decided_by, review.verdict_model, review.conflict = decision
    review.verdict_probability = None
    review.needs_check = marked(review.decided_by, review.needs_check)


def films_clause(film_ids, column: str = "film_id") -> tuple[str, list]:
    """SQL to AND to a review query that keeps these films' reviews only (every film's if None,
    none if empty), and its parameters."""
    if film_ids is None:
        return "", []
    film_ids = sorted(set(film_ids))
    if not film_ids:
        return " AND 1 = 0", []
    return f" AND {column} IN ({', '.join(['%s'] * len(film_ids))})", film_ids

"""The reviews' side of scoring, in set-based SQL: sums per film and month, and a check-sum per
film that tells in one cheap pass whether anything its figures are made of has changed.

Every review contributes an integer mix of its id with its verdict, top-critic flag, conflict,
rating (as averages count it: reception.rules.counted_rating), day and outlet; a film's check is (number of reviews, sum of the mixes). Integer sums are exact, so the
check is the same whether summed per film or per month and then per film, and any change to a
review (verdict flipped, rating re-read, date or outlet moved, review added or removed) changes
it. The mix is arithmetic SQLite and PostgreSQL both do in 64-bit integers without overflow.
"""

from __future__ import annotations

from django.db import connection

from ..database import id_chunks
from ..rules import counted_rating, held

# Two primes below 2**31 and a multiplier: products stay below 2**62.
_P1, _P2, _MULT = 2147483629, 2147483587, 1597334677

MONTHLY_COLUMNS = ("film_id", "month", "positive", "negative", "top_positive", "top_negative", "rating_sum",
                   "rated", "weighted_sum", "weight_total", "count", "check", "held", "conflicts", "inferred")
# The rating a review brings to averages: none while an editor has yet to settle it.
RATING = counted_rating("r.")


def _vendor_sql() -> dict:
    if connection.vendor == "sqlite":
        # SQLite keeps dates as 'YYYY-MM-DD' text.
        return {
            "month": "(CASE WHEN r.published_precision = 'year' THEN -1 - CAST(substr(r.published, 1, 4) AS INTEGER) "
                     "ELSE CAST(substr(r.published, 1, 4) AS INTEGER) * 12 + CAST(substr(r.published, 6, 2) AS INTEGER) - 1 "
                     "END)",
            "day": "CAST(julianday(r.published) AS INTEGER)",
        }
    return {
        "month": "(CASE WHEN r.published_precision = 'year' THEN -1 - CAST(EXTRACT(YEAR FROM r.published) AS INTEGER) "
                 "ELSE CAST(EXTRACT(YEAR FROM r.published) AS INTEGER) * 12 "
                 "+ CAST(EXTRACT(MONTH FROM r.published) AS INTEGER) - 1 END)",
        "day": "(r.published - DATE '2000-01-01')",
    }


def _mix() -> str:
    day = _vendor_sql()["day"]
    code = ("(CASE r.verdict WHEN 'positive' THEN 1 WHEN 'negative' THEN 2 ELSE 0 END"
            " + CASE WHEN r.top_critic THEN 4 ELSE 0 END + CASE WHEN r.conflict <> '' THEN 8 ELSE 0 END)")
    rating = f"COALESCE(CAST({RATING} * 100 AS INTEGER), -1)"
    # A product of a part from the review's id and a part from what it says: two reviews that
    # trade verdicts, ratings or dates change the sum (a sum of linear mixes would not see it).
    # '%%': the queries go with parameters (maybe none), so '%' is written doubled.
    # A date known to its year alone counts where its year does (periods), so its precision is said too.
    dated = (f"(COALESCE({day}, 0) * 4 + CASE WHEN r.published_precision = 'year' THEN 1 ELSE 0 END"
             " + CASE WHEN r.published_inferred THEN 2 ELSE 0 END)")
    said = f"((CAST({code} AS BIGINT) * 100003 + {rating} + 1) * 40009 + {dated} + COALESCE(r.outlet_id, 0) * 7919) %% {_P2}"
    return f"((r.id * {_MULT} %% {_P1}) * ({said}) %% {_P1})"


def _where(ids) -> tuple[str, list]:
    if ids is None:
        return "", []
    ids = list(ids)
    return f"WHERE r.film_id IN ({', '.join(['%s'] * len(ids))})", ids


def checks(cursor) -> dict[int, tuple[int, int]]:
    """{film id: (reviews, sum of mixes)} over every film with reviews: one pass, no sorting."""
    cursor.execute(f"SELECT r.film_id, COUNT(*), SUM({_mix()}) FROM catalog_review r GROUP BY r.film_id", [])
    return {film_id: (int(n), int(total)) for film_id, n, total in cursor.fetchall()}


def monthly(cursor, film_ids=None, weights: bool = False) -> list[tuple]:
    """Rows of MONTHLY_COLUMNS for the given films (default all); `month` is months since year
    0, or for reviews dated by their year alone -1 - the year (periods.month_span), or None when
    undated. With `weights`, outlets' public weights enter the weighted sums."""
    weight, join = "1.0", ""
    if weights:
        weight, join = "COALESCE(o.weight, 1.0)", "LEFT JOIN catalog_outlet o ON o.id = r.outlet_id"
    sql = f"""
        SELECT r.film_id, {_vendor_sql()['month']},
               SUM(CASE WHEN r.verdict = 'positive' THEN 1 ELSE 0 END),
               SUM(CASE WHEN r.verdict = 'negative' THEN 1 ELSE 0 END),
               SUM(CASE WHEN r.top_critic AND r.verdict = 'positive' THEN 1 ELSE 0 END),
               SUM(CASE WHEN r.top_critic AND r.verdict = 'negative' THEN 1 ELSE 0 END),
               SUM({RATING}), COUNT({RATING}),
               SUM({RATING} * {weight}), SUM(CASE WHEN {RATING} IS NOT NULL THEN {weight} END),
               COUNT(*), SUM({_mix()}),
               SUM(CASE WHEN {held("r.")} THEN 1 ELSE 0 END), SUM(CASE WHEN r.conflict <> '' THEN 1 ELSE 0 END),
               SUM(CASE WHEN r.published_inferred THEN 1 ELSE 0 END)
        FROM catalog_review r {join} {{where}}
        GROUP BY 1, 2"""
    rows = []
    for chunk in id_chunks(film_ids):
        where, params = _where(chunk)
        cursor.execute(sql.format(where=where), params)
        rows += cursor.fetchall()
    if connection.vendor == "postgresql":
        # Its sums of integers and of numeric literals come back as Decimal.
        rows = [(f, m, *map(int, row[:4]), _float(row[4]), int(row[5]), _float(row[6]), _float(row[7]),
                 *map(int, row[8:])) for f, m, *row in rows]
    return rows


def _float(value):
    return None if value is None else float(value)

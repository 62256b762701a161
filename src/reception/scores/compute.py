"""Scoring films, set-based: one GROUP BY over the reviews (film × month), then one pass per film
(never per review) to apply the rules, and raw writes of the rows that changed.

    figures = score(film_ids=None)   # every film with reviews or a stored score

Figures per film (`figures()`): % positive with its 90% Wilson interval (from `min_reviews`
reviews), the same for top critics, average normalized rating and the outlet-weighted average
(Outlet.weight, public, default 1), the badge, the audience score with flood protection and
reception over time. `timeline()` gives the % as reviews arrived, computed when asked.
"""

from __future__ import annotations

import json
from collections import defaultdict

from django.db import connection, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from ..catalog import changes
from ..catalog.models import AudienceRating, ReleaseEvent
from .audience import audience_score
from .badges import CERTIFIED, BadgeRules, badge, percent_positive
from .interval import wilson
from .periods import FIRST_SHOWING, build_periods

# FilmScore's columns as this module writes and compares them.
STORED = ("reviews", "positive", "negative", "percent", "low", "high", "top_reviews", "top_positive",
          "top_percent", "rated", "average", "weighted", "badge", "certified_since", "audience_percent",
          "audience_mean", "audience_count", "detail")
DETAIL = ("audience", "over_time", "top_critics", "interval_method", "note", "rules")
SNAPSHOT_FIELDS = ("reviews", "positive", "percent", "top_percent", "average", "weighted", "badge",
                   "audience_percent", "audience_count")

# One pass over the reviews: per film and month of publication, everything the figures need
# (totals are the months summed; the periods and the timeline are the months grouped).
_MONTHLY = """
SELECT r.film_id, {month},
       SUM(CASE WHEN r.verdict = 'positive' THEN 1 ELSE 0 END),
       SUM(CASE WHEN r.verdict = 'negative' THEN 1 ELSE 0 END),
       SUM(CASE WHEN r.top_critic AND r.verdict = 'positive' THEN 1 ELSE 0 END),
       SUM(CASE WHEN r.top_critic AND r.verdict = 'negative' THEN 1 ELSE 0 END),
       SUM(r.rating), COUNT(r.rating),
       SUM(r.rating * {weight}),
       SUM(CASE WHEN r.rating IS NOT NULL THEN {weight} END)
FROM catalog_review r {join}
{where}
GROUP BY r.film_id, {month}
"""


def _monthly_sql(cursor, where: str) -> str:
    # With every outlet at the default weight the weighted average is the plain one: skip the join.
    cursor.execute("SELECT 1 FROM catalog_outlet WHERE weight <> 1.0 LIMIT 1")
    if cursor.fetchone() is None:
        return _MONTHLY.format(month=_month_sql(), where=where, weight="1.0", join="")
    return _MONTHLY.format(month=_month_sql(), where=where, weight="COALESCE(o.weight, 1.0)",
                           join="LEFT JOIN catalog_outlet o ON o.id = r.outlet_id")


def _month_sql() -> str:
    # SQLite keeps dates as 'YYYY-MM-DD' text; PostgreSQL has real dates.
    return "substr(r.published, 1, 7)" if connection.vendor == "sqlite" else "to_char(r.published, 'YYYY-MM')"


def _in(column: str, ids) -> tuple[str, list]:
    if ids is None:
        return "", []
    ids = list(ids)
    return f"WHERE {column} IN ({', '.join(['%s'] * len(ids))})", ids


def _round(value, digits=1):
    return None if value is None else round(float(value), digits)


def figures(limited: bool, totals, months, events, audience, previous: dict | None,
            rules: BadgeRules, now) -> dict:
    """One film's figures from its aggregates (see module docstring)."""
    pos, neg, top_pos, top_neg, rated, average, weighted = totals
    total, top_total = pos + neg, top_pos + top_neg
    pct = percent_positive(pos, total, rules)
    top_pct = percent_positive(top_pos, top_total, rules)
    was_certified = bool(previous and previous["badge"] == CERTIFIED)
    the_badge = badge(pos, total, top_total, limited, was_certified, rules)
    periods = build_periods(events, months)
    need = max(0, rules.min_reviews - total)
    return {
        "reviews": total, "positive": pos, "negative": neg,
        "percent_positive": pct,
        "interval_90": list(wilson(pos, total)) if pct is not None else None,
        "interval_method": "Wilson score, 90%",
        "note": f"not enough reviews: {total} with a verdict, {rules.min_reviews} needed" if need else None,
        "top_critics": {
            "reviews": top_total, "positive": top_pos, "negative": top_neg, "percent_positive": top_pct,
            "interval_90": list(wilson(top_pos, top_total)) if top_pct is not None else None,
        },
        "rated": rated,
        "average_rating": _round(average),
        "weighted_rating": _round(weighted),
        "badge": the_badge or None,
        "certified_since": _certified_since(the_badge, previous, now),
        "audience": audience.as_dict() if audience else None,
        "over_time": [p.as_dict(rules) for p in periods],
        "rules": rules.as_dict(),
    }


def timeline(film_id: int, rules: BadgeRules | None = None) -> list[dict]:
    """The % positive as a film's reviews arrived, by month of publication (computed when asked:
    one small query, not worth storing for every film)."""
    rules = rules or BadgeRules.from_settings()
    with connection.cursor() as c:
        c.execute(_monthly_sql(c, "WHERE r.film_id = %s"), [film_id])
        months = sorted((row[1], int(row[2] or 0), int(row[3] or 0)) for row in c.fetchall() if row[1])
    out, run_pos, run_total = [], 0, 0
    for month, pos, neg in months:
        run_pos, run_total = run_pos + pos, run_total + pos + neg
        out.append({"month": month, "reviews": run_total, "percent_positive": percent_positive(run_pos, run_total, rules)})
    return out


def _certified_since(the_badge, previous, now):
    if the_badge != CERTIFIED:
        return None
    if previous and previous["badge"] == CERTIFIED and previous["certified_since"]:
        return previous["certified_since"]
    return now.isoformat()


def _iso(value) -> str | None:
    if value is None:
        return None
    moment = parse_datetime(value) if isinstance(value, str) else value
    return moment.isoformat()


def _previous(cursor, film_ids) -> dict[int, dict]:
    """Stored scores by film, with certified_since as ISO text and detail as canonical JSON."""
    where, params = _in("film_id", film_ids)
    cursor.execute(f"SELECT film_id, {', '.join(STORED)} FROM scores_filmscore {where}", params)
    out = {}
    for film_id, *values in cursor.fetchall():
        row = dict(zip(STORED, values))
        row["certified_since"] = _iso(row["certified_since"])
        if not isinstance(row["detail"], str):  # PostgreSQL's jsonb comes back decoded
            row["detail"] = json.dumps(row["detail"], sort_keys=True)
        out[film_id] = row
    return out


def score(film_ids=None, rules: BadgeRules | None = None) -> dict[int, dict]:
    """Compute and return the figures of the given films (default: all); store those that changed,
    with a snapshot of the headline figures when they did."""
    rules = rules or BadgeRules.from_settings()
    now = timezone.now()
    sums: dict[int, list] = {}
    months: dict[int, list] = defaultdict(list)
    with connection.cursor() as c:
        where, params = _in("r.film_id", film_ids)
        c.execute(_monthly_sql(c, where), params)
        for film_id, month, pos, neg, top_pos, top_neg, rating_sum, rated, w_sum, w_total in c.fetchall():
            months[film_id].append((month, int(pos or 0), int(neg or 0), float(rating_sum or 0), int(rated or 0)))
            total = sums.setdefault(film_id, [0, 0, 0, 0, 0, 0.0, 0.0, 0.0])
            # PostgreSQL sums numeric literals as Decimal: floats for the float slots.
            for i, value in enumerate((pos, neg, top_pos, top_neg, rated)):
                total[i] += int(value or 0)
            for i, value in enumerate((rating_sum, w_sum, w_total), start=5):
                total[i] += float(value or 0)
        previous = _previous(c, film_ids)
        ids = set(sums) | set(previous) | set(film_ids or ())  # a film asked for by name gets an answer
        where, params = _in("id", sorted(ids) if film_ids is not None else None)
        c.execute(f"SELECT id, limited_release FROM catalog_film {where}", params)
        limited = {film_id: bool(flag) for film_id, flag in c.fetchall() if film_id in ids}
    events = defaultdict(list)
    for film_id, kind, day, title in ReleaseEvent.objects.filter(date__isnull=False, **(
            {"film_id__in": film_ids} if film_ids is not None else {})).values_list("film_id", "kind", "date", "title"):
        events[film_id].append((kind, day, title))
    audiences = _audiences(film_ids, events)
    out, changed, snapshots = {}, [], []
    for film_id, is_limited in limited.items():
        pos, neg, top_pos, top_neg, rated, rating_sum, w_sum, w_total = sums.get(film_id, [0] * 8)
        totals = (pos, neg, top_pos, top_neg, rated, rating_sum / rated if rated else None,
                  w_sum / w_total if w_total else None)
        old = previous.get(film_id)
        result = figures(is_limited, totals, months.get(film_id, []), events.get(film_id, []),
                         audiences.get(film_id), old, rules, now)
        out[film_id] = result
        row = _row(result)
        if old is None or any(row[k] != old[k] for k in STORED):
            changed.append(row | {"film_id": film_id})
            if old is None or any(row[k] != old[k] for k in SNAPSHOT_FIELDS):
                snapshots.append(film_id)
    _store(changed, snapshots, now)
    return out


def _row(result: dict) -> dict:
    top = result["top_critics"]
    audience = result["audience"] or {}
    interval = result["interval_90"] or (None, None)
    return {
        "reviews": result["reviews"], "positive": result["positive"], "negative": result["negative"],
        "percent": result["percent_positive"], "low": interval[0], "high": interval[1],
        "top_reviews": top["reviews"], "top_positive": top["positive"], "top_percent": top["percent_positive"],
        "rated": result["rated"], "average": result["average_rating"], "weighted": result["weighted_rating"],
        "badge": result["badge"] or "", "certified_since": result["certified_since"],
        "audience_percent": audience.get("percent"), "audience_mean": audience.get("mean"),
        "audience_count": audience.get("count", 0),
        "detail": json.dumps({k: result[k] for k in DETAIL}, sort_keys=True),
    }


def _store(changed: list[dict], snapshots: list[int], now) -> None:
    """Upsert the changed rows and add their snapshots, in one transaction (raw SQL: the ORM's
    bulk upsert costs more than the scoring itself at 20,000 films)."""
    if not changed:
        return
    ops = connection.ops
    json_value = "CAST(%s AS jsonb)" if connection.vendor == "postgresql" else "%s"
    columns = ["film_id", *STORED, "computed_at"]
    values = ", ".join(json_value if c == "detail" else "%s" for c in columns)
    upsert = (f"INSERT INTO scores_filmscore ({', '.join(columns)}) VALUES ({values}) ON CONFLICT (film_id) "
              f"DO UPDATE SET {', '.join(f'{c} = excluded.{c}' for c in columns[1:])}")
    moment = ops.adapt_datetimefield_value(now)
    rows = []
    by_film = {}
    for row in changed:
        certified = row["certified_since"] and ops.adapt_datetimefield_value(parse_datetime(row["certified_since"]))
        rows.append([row["film_id"], *(certified if c == "certified_since" else row[c] for c in STORED), moment])
        by_film[row["film_id"]] = row
    snapshot_columns = ["film_id", "at", *SNAPSHOT_FIELDS]
    snapshot_rows = [[film_id, moment, *(by_film[film_id][f] for f in SNAPSHOT_FIELDS)] for film_id in snapshots]
    with transaction.atomic(), connection.cursor() as c:
        c.executemany(upsert, rows)
        if snapshot_rows:
            c.executemany(f"INSERT INTO scores_scoresnapshot ({', '.join(snapshot_columns)}) "
                          f"VALUES ({', '.join(['%s'] * len(snapshot_columns))})", snapshot_rows)
        changes.bump()


def _audiences(film_ids, events) -> dict:
    ratings = defaultdict(list)
    query = AudienceRating.objects.all() if film_ids is None else AudienceRating.objects.filter(film_id__in=film_ids)
    for film_id, stars, rated_at, created in query.values_list("film_id", "stars", "rated_at", "account_created_at"):
        ratings[film_id].append((stars, rated_at, created))
    out = {}
    for film_id, rows in ratings.items():
        showings = [d for kind, d, _ in events.get(film_id, []) if kind in FIRST_SHOWING]
        out[film_id] = audience_score(rows, min(showings) if showings else None)
    return out


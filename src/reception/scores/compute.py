"""Scoring films, set-based: a few GROUP BY queries over all reviews, then one pass per film
(never per review) to apply the rules, and bulk writes of what changed.

    figures = score(film_ids=None)   # every film with reviews or a stored score

Figures per film (`figures()` is the JSON shape `reception score --json` prints):
% positive with its 90% Wilson interval (from `min_reviews` reviews), the same for top critics,
average normalized rating and the outlet-weighted average (Outlet.weight, public, default 1),
the badge, the audience score with flood protection, reception over time, and a timeline of
the % as reviews arrived (by month of publication).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from django.db import connection, transaction
from django.utils import timezone

from ..catalog.models import AudienceRating, Film, ReleaseEvent
from .audience import audience_score
from .badges import CERTIFIED, BadgeRules, badge, percent_positive
from .interval import wilson
from .models import FilmScore, ScoreSnapshot
from .periods import FIRST_SHOWING, build_periods

SNAPSHOT_FIELDS = ("reviews", "positive", "percent", "top_percent", "average", "weighted", "badge",
                   "audience_percent", "audience_count")

_TOTALS = """
SELECT r.film_id,
       SUM(CASE WHEN r.verdict = 'positive' THEN 1 ELSE 0 END),
       SUM(CASE WHEN r.verdict = 'negative' THEN 1 ELSE 0 END),
       SUM(CASE WHEN r.top_critic AND r.verdict = 'positive' THEN 1 ELSE 0 END),
       SUM(CASE WHEN r.top_critic AND r.verdict = 'negative' THEN 1 ELSE 0 END),
       COUNT(r.rating),
       AVG(r.rating),
       SUM(r.rating * COALESCE(o.weight, 1.0))
         / NULLIF(SUM(CASE WHEN r.rating IS NOT NULL THEN COALESCE(o.weight, 1.0) END), 0)
FROM catalog_review r LEFT JOIN catalog_outlet o ON o.id = r.outlet_id
{where}
GROUP BY r.film_id
"""

_MONTHS = """
SELECT r.film_id, {month},
       SUM(CASE WHEN r.verdict = 'positive' THEN 1 ELSE 0 END),
       SUM(CASE WHEN r.verdict = 'negative' THEN 1 ELSE 0 END),
       SUM(r.rating), COUNT(r.rating)
FROM catalog_review r
{where}
GROUP BY r.film_id, {month}
"""


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


def figures(film: Film | None, totals, months, events, audience, previous: FilmScore | None,
            rules: BadgeRules, now) -> dict:
    """One film's figures from its aggregates (see module docstring)."""
    pos, neg, top_pos, top_neg, rated, average, weighted = totals
    total, top_total = pos + neg, top_pos + top_neg
    pct = percent_positive(pos, total, rules)
    top_pct = percent_positive(top_pos, top_total, rules)
    was_certified = bool(previous and previous.badge == CERTIFIED)
    the_badge = badge(pos, total, top_total, bool(film and film.limited_release), was_certified, rules)
    periods = build_periods(events, months)
    timeline, run_pos, run_total = [], 0, 0
    for month, p, n, *_ in sorted((m for m in months if m[0]), key=lambda m: m[0]):
        run_pos, run_total = run_pos + p, run_total + p + n
        timeline.append({"month": month, "reviews": run_total,
                         "percent_positive": percent_positive(run_pos, run_total, rules)})
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
        "timeline": timeline,
        "rules": rules.as_dict(),
    }


def _certified_since(the_badge, previous, now):
    if the_badge != CERTIFIED:
        return None
    if previous and previous.badge == CERTIFIED and previous.certified_since:
        return previous.certified_since.isoformat()
    return now.isoformat()


def score(film_ids=None, rules: BadgeRules | None = None) -> dict[int, dict]:
    """Compute, store and return the figures of the given films (default: all)."""
    rules = rules or BadgeRules.from_settings()
    now = timezone.now()
    totals: dict[int, tuple] = {}
    months: dict[int, list] = defaultdict(list)
    with connection.cursor() as c:
        where, params = _in("r.film_id", film_ids)
        c.execute(_TOTALS.format(where=where), params)
        for film_id, *row in c.fetchall():
            totals[film_id] = (int(row[0] or 0), int(row[1] or 0), int(row[2] or 0), int(row[3] or 0),
                               int(row[4] or 0), row[5], row[6])
        month = _month_sql()
        c.execute(_MONTHS.format(month=month, where=where), params)
        for film_id, m, p, n, rating_sum, rated in c.fetchall():
            months[film_id].append((m, int(p or 0), int(n or 0), rating_sum, int(rated or 0)))
    ids = set(totals)
    previous = {s.film_id: s for s in (FilmScore.objects.filter(film_id__in=film_ids) if film_ids is not None
                                       else FilmScore.objects.all())}
    ids |= set(previous)
    if film_ids is not None:
        ids |= set(film_ids)  # asked for by name: "not enough reviews" is an answer too
    films = {f.id: f for f in Film.objects.filter(id__in=ids).only("id", "limited_release")}
    events = defaultdict(list)
    for film_id, kind, day, title in ReleaseEvent.objects.filter(film_id__in=ids, date__isnull=False) \
            .values_list("film_id", "kind", "date", "title"):
        events[film_id].append((kind, day, title))
    audiences = _audiences(film_ids, events)
    empty = (0, 0, 0, 0, 0, None, None)
    out, rows, snapshots = {}, [], []
    for film_id in ids:
        if film_id not in films:
            continue
        result = figures(films[film_id], totals.get(film_id, empty), months.get(film_id, []), events.get(film_id, []),
                         audiences.get(film_id), previous.get(film_id), rules, now)
        out[film_id] = result
        row = _row(film_id, result, now)
        rows.append(row)
        old = previous.get(film_id)
        if old is None or any(getattr(old, f) != getattr(row, f) for f in SNAPSHOT_FIELDS):
            snapshots.append(ScoreSnapshot(film_id=film_id, at=now, **{f: getattr(row, f) for f in SNAPSHOT_FIELDS}))
    with transaction.atomic():
        FilmScore.objects.bulk_create(
            rows, batch_size=2000, update_conflicts=True, unique_fields=["film"],
            update_fields=[f.name for f in FilmScore._meta.concrete_fields if f.name != "film"],
        )
        ScoreSnapshot.objects.bulk_create(snapshots, batch_size=2000)
    return out


def _row(film_id: int, result: dict, now) -> FilmScore:
    top = result["top_critics"]
    audience = result["audience"] or {}
    interval = result["interval_90"] or (None, None)
    return FilmScore(
        film_id=film_id, reviews=result["reviews"], positive=result["positive"], negative=result["negative"],
        percent=result["percent_positive"], low=interval[0], high=interval[1],
        top_reviews=top["reviews"], top_positive=top["positive"], top_percent=top["percent_positive"],
        rated=result["rated"], average=result["average_rating"], weighted=result["weighted_rating"],
        badge=result["badge"] or "",
        certified_since=result["certified_since"] and datetime.fromisoformat(result["certified_since"]),
        audience_percent=audience.get("percent"), audience_mean=audience.get("mean"),
        audience_count=audience.get("count", 0),
        detail={k: result[k] for k in ("audience", "over_time", "timeline", "top_critics", "interval_method", "note", "rules")},
        computed_at=now,
    )


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


"""Scoring films, set-based: sums per film and month in SQL (scores.tallies), then one pass per
film (never per review) to apply the rules, and raw writes of the rows that changed.

    scored = score(film_ids=None)   # every film with reviews or a stored score

Figures per film (`figures()`): % positive with its 90% Wilson interval (from `min_reviews`
reviews), the same for top critics, average normalized rating and the outlet-weighted average
(Outlet.weight, public, default 1), the badge, the audience score with flood protection and
reception over time. `timeline()` gives the % as reviews arrived, computed when asked.

A film's figures are a function of its inputs: its reviews, release events, audience ratings and
limited-release flag, the badge rules and the outlet weights. Each stored score keeps a digest of
them (`FilmScore.inputs`). Scoring every film therefore starts with one cheap pass that checks
every film's reviews (scores.tallies.checks) and computes again only the films whose inputs differ
from the stored digest: the result is the same as computing all of them, which `full=True` does.
"""

from __future__ import annotations

import hashlib
import json
import sys
from collections import defaultdict
from datetime import timedelta
from functools import lru_cache
from pathlib import Path

from django.db import connection, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from ..catalog import version
from ..catalog.models import AudienceRating, ReleaseEvent
from ..config import setting
from . import tallies
from .audience import audience_score, reasons
from .badges import CERTIFIED, BadgeRules, badge, percent_positive
from .interval import wilson
from .periods import FIRST_SHOWING, build_periods, month_label, month_span
from .story import story

# FilmScore's columns as this module writes and compares them.
STORED = ("reviews", "positive", "negative", "percent", "low", "high", "top_reviews", "top_positive",
          "top_percent", "rated", "average", "weighted", "badge", "certified_since", "audience_percent",
          "audience_mean", "audience_count", "release_percent", "later_percent", "turn", "detail", "inputs")
DETAIL = ("audience", "over_time", "story", "top_critics", "interval_method", "note", "rules", "counted")
SNAPSHOT_FIELDS = ("reviews", "positive", "percent", "top_percent", "average", "weighted", "badge",
                   "audience_percent", "audience_count")
# Checking first pays when most films already have a stored score to compare with.
CHECK_WHEN_STORED = 0.5


class Scored(dict):
    """{film id: figures} of the films computed in this run; `checked` counts every film whose
    stored figures were confirmed or computed."""

    checked: int = 0


def _round(value, digits=1):
    return None if value is None else round(float(value), digits)


def counts(stored: int, with_verdict: int, rated: int, held: int, conflicts: int) -> dict:
    """What the figures count, and what they leave out and why: the film page and its JSON say it."""
    return {
        "reviews": stored,
        # % positive: the reviews with a verdict; the rest await the text model or an editor.
        "with_verdict": with_verdict, "awaiting_verdict": stored - with_verdict,
        # Averages: the ratings read on a scale, but those held for an editor.
        "rated": rated, "held_ratings": held, "unrated": stored - rated - held,
        # The label stood over a rating reading the other way: counted, waiting for an editor.
        "conflicts": conflicts,
    }


def figures(limited: bool, totals, months, events, audience, previous: dict | None,
            rules: BadgeRules, now, rules_dict: dict | None = None, counted: dict | None = None) -> dict:
    """One film's figures from its aggregates (see module docstring). `months`: (month, positive,
    negative, rating sum, rated) per month, month as months since year 0 or 'YYYY-MM'. `counted`:
    counts(), what the figures are made of."""
    pos, neg, top_pos, top_neg, rated, average, weighted = totals
    total, top_total = pos + neg, top_pos + top_neg
    pct = percent_positive(pos, total, rules)
    top_pct = percent_positive(top_pos, top_total, rules)
    was_certified = bool(previous and previous["badge"] == CERTIFIED)
    the_badge = badge(pos, total, top_total, limited, was_certified, rules)
    periods = [p.as_dict(rules) for p in build_periods(events, months)]
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
        "over_time": periods,
        "story": story(periods, rules),
        "rules": rules_dict if rules_dict is not None else rules.as_dict(),
        "counted": counted or counts(total, total, rated, 0, 0),
    }


def timeline(film_id: int, rules: BadgeRules | None = None) -> list[dict]:
    """The % positive as a film's reviews arrived, by month of publication (computed when asked:
    one small query, not worth storing for every film). Each month gives its own positive and
    negative reviews (those dated by their year alone apart, `precision` "year", counted from
    the year's first month; `inferred`: dated by a rule) and the running figures."""
    rules = rules or BadgeRules.from_settings()
    with connection.cursor() as c:
        rows = tallies.monthly(c, [film_id])
    months: dict[tuple[int, bool], list[int]] = defaultdict(lambda: [0, 0, 0])
    for row in rows:
        if row[1] is not None:
            counts = months[(month_span(row[1])[0], row[1] < 0)]
            counts[0] += int(row[2] or 0)
            counts[1] += int(row[3] or 0)
            counts[2] += int(row[-1] or 0)
    out, run_pos, run_total = [], 0, 0
    for (month, by_year), (pos, neg, inferred) in sorted(months.items()):
        if not pos + neg:
            continue
        run_pos, run_total = run_pos + pos, run_total + pos + neg
        out.append({"month": month_label(month), "precision": "year" if by_year else "month", "positive": pos,
                    "negative": neg, "inferred": inferred, "reviews": run_total,
                    "percent_positive": percent_positive(run_pos, run_total, rules)})
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


def _in(column: str, ids) -> tuple[str, list]:
    if ids is None:
        return "", []
    ids = list(ids)
    return f"WHERE {column} IN ({', '.join(['%s'] * len(ids))})", ids


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


def _context(cursor, rules: BadgeRules) -> tuple[bool, str]:
    """(are any outlet weights not 1, what every film's figures share: the rules, the weights
    and the scoring code itself, so that a new version computes every film again)."""
    cursor.execute("SELECT id, weight FROM catalog_outlet WHERE weight <> 1.0 ORDER BY id")
    weights = cursor.fetchall()
    return bool(weights), repr((sorted(rules.as_dict().items()), weights, code_digest()))


@lru_cache(maxsize=1)
def code_digest() -> str:
    """The scoring code's digest: a new version computes every film again (FilmScore.inputs)."""
    from . import audience, badges, interval, periods, story, tallies

    digest = hashlib.blake2b(digest_size=12)
    for module in (audience, badges, interval, periods, story, tallies, sys.modules[__name__]):
        digest.update(Path(module.__file__).read_bytes())
    return digest.hexdigest()


def _digest(check, film_id, limited, events, audience, context) -> str:
    """What a film's figures are made of, in 24 hex digits (FilmScore.inputs)."""
    text = repr((check, limited.get(film_id, False), events.get(film_id),
                 audience.as_dict() if audience else None, context))
    return hashlib.blake2b(text.encode(), digest_size=12).hexdigest()


def score(film_ids=None, rules: BadgeRules | None = None, full: bool = False) -> Scored:
    """Compute and return the figures of the given films, or of every film; store those that
    changed, with a snapshot of the headline figures when they did.

    For every film (no `film_ids`), films whose inputs match their stored digest keep their
    stored figures and are not in the result; `full=True` computes them all the same."""
    rules = rules or BadgeRules.from_settings()
    rules_dict = rules.as_dict()
    now = timezone.now()
    with connection.cursor() as c:
        weighted, context = _context(c, rules)
        previous = _previous(c, film_ids)
        checks = None
        if film_ids is None and not full and len(previous) >= CHECK_WHEN_STORED * _count(c, "catalog_film"):
            checks = tallies.checks(c)
        where, params = _in("id", sorted(film_ids) if film_ids is not None else None)
        c.execute(f"SELECT id, limited_release FROM catalog_film {where}", params)
        limited = {film_id: bool(flag) for film_id, flag in c.fetchall()}
    events = _release_events(film_ids)
    audiences = _audiences(film_ids, events)
    result = Scored()
    if checks is not None:
        ids = (set(checks) | set(previous)) & set(limited)
        digests = {f: _digest(checks.get(f, (0, 0)), f, limited, events, audiences.get(f), context) for f in ids}
        stale = {f for f in ids if previous.get(f, {}).get("inputs") != digests[f]}
        result.checked = len(ids)
        if not stale:
            return result
        # A few films: ask for them; many: one pass over all is cheaper than many IN lists.
        with connection.cursor() as c:
            rows = tallies.monthly(c, stale if len(stale) * 4 < len(ids) else None, weights=weighted)
    else:
        with connection.cursor() as c:
            rows = tallies.monthly(c, film_ids, weights=weighted)
        stale = None
    per_film: dict[int, list] = defaultdict(list)
    for row in rows:
        per_film[row[0]].append(row)
    if stale is None:
        # A film asked for by name gets an answer, reviews or not.
        stale = (set(per_film) | set(previous) | set(film_ids or ())) & set(limited)
        result.checked = len(stale)
    changed, snapshots = [], []
    for film_id in stale:
        months = per_film.get(film_id, ())
        old = previous.get(film_id)
        figures_, check = _film_figures(film_id, months, limited, events, audiences.get(film_id), old, rules,
                                        now, rules_dict)
        result[film_id] = figures_
        row = _row(figures_)
        # The digest of the sums these figures were computed from (not of the check pass, which an
        # import in another process may have overtaken since).
        row["inputs"] = _digest(check, film_id, limited, events, audiences.get(film_id), context)
        if old is None or any(row[k] != old[k] for k in STORED):
            changed.append(row | {"film_id": film_id})
            if old is None or any(row[k] != old[k] for k in SNAPSHOT_FIELDS):
                snapshots.append(film_id)
    _store(changed, snapshots, now)
    return result


def _film_figures(film_id, months, limited, events, audience, old, rules, now, rules_dict):
    """(figures, review check) of one film from its rows of tallies.monthly."""
    if months:
        _, month, pos, neg, top_pos, top_neg, rating_sum, rated, w_sum, w_total, count, check, held, conflicts, \
            inferred = zip(*months)
        periods = list(zip(month, pos, neg, rating_sum, rated, inferred))
        pos, neg, top_pos, top_neg, rated, count, check, held, conflicts = \
            map(sum, (pos, neg, top_pos, top_neg, rated, count, check, held, conflicts))
        # A month with no rating sums to NULL.
        rating_sum, w_sum, w_total = (sum(filter(None, column)) for column in (rating_sum, w_sum, w_total))
    else:
        pos = neg = top_pos = top_neg = rated = count = check = rating_sum = w_sum = w_total = held = conflicts = 0
        periods = []
    totals = (pos, neg, top_pos, top_neg, rated, rating_sum / rated if rated else None,
              w_sum / w_total if w_total else None)
    result = figures(limited.get(film_id, False), totals, periods, events.get(film_id, []), audience, old, rules,
                     now, rules_dict, counts(count, pos + neg, rated, held, conflicts))
    return result, (count, check)


def _count(cursor, table: str) -> int:
    cursor.execute(f"SELECT COUNT(*) FROM {table}")
    return cursor.fetchone()[0]


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
        **_turn(result["story"]),
        "detail": json.dumps({k: result[k] for k in DETAIL}, sort_keys=True),
    }


def _turn(told: dict | None) -> dict:
    """The story's columns, which /reappraised lists from."""
    if told is None:
        return {"release_percent": None, "later_percent": None, "turn": ""}
    return {"release_percent": told["release"]["percent_positive"], "later_percent": told["later"]["percent_positive"],
            "turn": told["turn"]}


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
        version.bump()


def _audiences(film_ids, events) -> dict:
    ratings = _audience_rows(film_ids)
    minimum = int(setting("RECEPTION_AUDIENCE_MIN"))
    wait = timedelta(hours=float(setting("RECEPTION_MEMBER_WAIT_HOURS")))
    out = {}
    for film_id, rows in ratings.items():
        out[film_id] = audience_score([row for _, row in rows], _first_showing(events, film_id), minimum, wait)
    return out


def _release_events(film_ids) -> dict[int, list[tuple]]:
    """Each film's dated release events, (kind, day, title), in order."""
    events = defaultdict(list)
    for film_id, kind, day, title in ReleaseEvent.objects.filter(date__isnull=False, **(
            {"film_id__in": film_ids} if film_ids is not None else {})).order_by("film_id", "date", "kind", "id") \
            .values_list("film_id", "kind", "date", "title"):
        events[film_id].append((kind, day, title))
    return events


def _audience_rows(film_ids) -> dict[int, list[tuple[int, tuple]]]:
    """Each film's audience ratings as the rules read them: (rating id, (stars, rated_at,
    account made, hidden, verified, a member's))."""
    ratings = defaultdict(list)
    query = AudienceRating.objects.all() if film_ids is None else AudienceRating.objects.filter(film_id__in=film_ids)
    query = query.order_by("id")  # the same sums in the same order: the same digest
    for pk, film_id, stars, rated_at, created, hidden, verified, member in query.values_list(
            "pk", "film_id", "stars", "rated_at", "account_created_at", "hidden_reason", "verified", "member_id"):
        ratings[film_id].append((pk, (stars, rated_at, created, bool(hidden), verified, member is not None)))
    return ratings


def _first_showing(events, film_id):
    showings = [d for kind, d, _ in events.get(film_id, []) if kind in FIRST_SHOWING]
    return min(showings) if showings else None


def not_counted(film_id: int) -> dict[int, str]:
    """Why each of a film's audience ratings is not counted, by rating id ('' when it is), by
    the rules the film's score used: for editors (the admin lists it beside each rating)."""
    rows = _audience_rows([film_id]).get(film_id, [])
    events = _release_events([film_id])
    why, _ = reasons([row for _, row in rows], _first_showing(events, film_id),
                     timedelta(hours=float(setting("RECEPTION_MEMBER_WAIT_HOURS"))))
    return {pk: reason for (pk, _), reason in zip(rows, why)}


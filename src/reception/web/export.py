"""The whole catalogue for researchers, streamed so that memory stays flat however large it
is: films with their figures, reviews with rating, label, verdict and how it was decided, and
audience ratings without personal data (no account, name, address or review text: the film,
the stars, the day, whether it was a member's, verified or hidden), as CSV (cells a
spreadsheet would run as a formula made inert) or JSON Lines."""

from __future__ import annotations

import csv
import io
import json

from django.http import StreamingHttpResponse

from ..catalog.models import AudienceRating, Film, Review
from ..ingest.files import inert

CHUNK = 2000
FILM_COLUMNS = ["id", "title", "year", "genres", "runtime_minutes", "mpaa_rating", "reviews", "positive", "negative",
                "percent_positive", "interval_low", "interval_high", "badge", "top_critic_percent",
                "average_rating", "audience_percent", "release_percent", "later_percent", "turn"]
REVIEW_COLUMNS = ["id", "film_id", "film", "year", "critic", "outlet", "published", "published_precision",
                  "published_inferred", "top_critic", "rating_raw", "rating", "rating_scale", "rating_flag",
                  "label", "verdict", "decided_by", "verdict_probability", "conflict", "quote", "url"]


def _films():
    rows = Film.objects.select_related("score").order_by("pk")
    for film in rows.iterator(chunk_size=CHUNK):
        s = getattr(film, "score", None)
        yield [film.pk, film.title, film.year, "|".join(film.genres or []), film.runtime_minutes, film.mpaa_rating,
               *((s.reviews, s.positive, s.negative, s.percent, s.low, s.high, s.badge, s.top_percent, s.average,
                  s.audience_percent, s.release_percent, s.later_percent, s.turn) if s else (0, 0, 0) + (None,) * 10)]


def _reviews():
    rows = Review.objects.order_by("pk").values_list(
        "pk", "film_id", "film__title", "film__year", "critic__name", "outlet__name", "published",
        "published_precision", "published_inferred", "top_critic", "rating_raw", "rating", "rating_scale",
        "rating_flag", "label", "verdict", "decided_by", "verdict_probability", "conflict", "quote", "url")
    for row in rows.iterator(chunk_size=CHUNK):
        row = list(row)
        row[6] = row[6].isoformat() if row[6] else None
        yield row


# No row id either: the ids' order would tell who rated after whom.
AUDIENCE_COLUMNS = ["film_id", "film", "year", "stars", "rated_on", "source", "verified", "hidden"]


def _audience():
    rows = AudienceRating.objects.order_by("film_id", "rated_at", "pk").values_list(
        "film_id", "film__title", "film__year", "stars", "rated_at", "member_id", "verified", "hidden_reason")
    for film_id, title, year, stars, rated_at, member, verified, hidden in rows.iterator(chunk_size=CHUNK):
        yield [film_id, title, year, stars, rated_at.date().isoformat(), "member" if member else "imported",
               verified, bool(hidden)]


def _csv(columns, rows):
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(columns)
    for n, row in enumerate(rows, 1):
        writer.writerow(map(inert, ("" if v is None else v for v in row)))
        if n % 500 == 0:
            yield out.getvalue()
            out.seek(0)
            out.truncate()
    yield out.getvalue()


def _jsonl(columns, rows):
    for row in rows:
        yield json.dumps(dict(zip(columns, row)), ensure_ascii=False) + "\n"


def export(what: str, fmt: str) -> StreamingHttpResponse | None:
    """`what`: films, reviews or audience; `fmt`: csv or jsonl. None for anything else."""
    source = {"films": (FILM_COLUMNS, _films), "reviews": (REVIEW_COLUMNS, _reviews),
              "audience": (AUDIENCE_COLUMNS, _audience)}.get(what)
    if source is None or fmt not in ("csv", "jsonl"):
        return None
    columns, rows = source
    body = _csv(columns, rows()) if fmt == "csv" else _jsonl(columns, rows())
    response = StreamingHttpResponse(body, content_type="text/csv; charset=utf-8" if fmt == "csv"
                                     else "application/x-ndjson; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="reception-{what}.{fmt}"'
    return response

"""Reception's own formats: CSV (reviews) and JSONL (reviews and films). See docs/formats.md."""

from __future__ import annotations

import json
from pathlib import Path

from ..catalog.models import Credit, FilmCompany, ReleaseEvent
from .files import encoding_error, open_text, table_rows
from .records import (
    FilmRecord, FilmRef, ReviewRecord, RowError, parse_bool, parse_int, parse_partial_date, parse_verdict,
)

CSV_COLUMNS = ["film", "year", "critic", "outlet", "date", "quote", "url", "rating", "verdict", "top_critic"]


def review_from_fields(fields: dict) -> ReviewRecord:
    title = str(fields.get("film") or fields.get("title") or "").strip()
    if not title:
        raise RowError("no film title (column 'film')")
    published, precision = parse_partial_date(str(fields.get("date") or ""))
    record = ReviewRecord(
        film=FilmRef(title=title, year=parse_int(fields.get("year"), "year")),
        critic=str(fields.get("critic") or "").strip(),
        outlet=str(fields.get("outlet") or "").strip(),
        published=published,
        published_precision=precision,
        quote=str(fields.get("quote") or "").strip(),
        url=str(fields.get("url") or "").strip(),
        rating_raw=str(fields.get("rating") or "").strip(),
        label=parse_verdict(fields.get("verdict")),
        top_critic=parse_bool(fields.get("top_critic", ""), "top_critic"),
        source_key=str(fields.get("id") or "").strip(),
    )
    if not (record.critic or record.outlet):
        raise RowError("a review needs a critic or an outlet")
    if not (record.quote or record.rating_raw or record.label):
        raise RowError("a review needs a quote, a rating or a verdict")
    return record


def read_csv(path: Path, encoding: str, delimiter: str = ","):
    for line, row in table_rows(path, encoding, delimiter, ["film"]):
        if isinstance(row, list):
            yield line, RowError(f"wrong number of fields ({len(row)})"), delimiter.join(row)
            continue
        try:
            yield line, review_from_fields(row), delimiter.join(row.values())
        except RowError as exc:
            yield line, exc, delimiter.join(row.values())


def read_csv_semicolons(path: Path, encoding: str):
    """Our CSV as spreadsheets save it where the comma is the decimal mark: fields split by ';'."""
    return read_csv(path, encoding, ";")


def _choice(value: str, choices, what: str) -> str:
    value = (value or "").strip().lower()
    if value not in choices.values:
        raise RowError(f"unknown {what} {value!r} (one of: {', '.join(choices.values)})")
    return value


_FINER = {"day": 0, "month": 1, "year": 2}  # how little of a date a precision says


def _release_date(release: dict) -> tuple:
    """A release's date and precision: as its form says ('1981-08' is a month), or as its
    `date_precision` says, which may say less than the form (our export writes '1981-08-01' with
    'month') but never more."""
    day, stated = parse_partial_date(str(release.get("date") or ""))
    precision = str(release.get("date_precision") or "").strip().lower() or stated
    if precision not in _FINER:
        raise RowError(f"unknown date_precision {precision!r} (one of: day, month, year)")
    if day and _FINER[precision] < _FINER[stated]:
        raise RowError(f"release date {release.get('date')!r} states no {precision}")
    return day, precision


def film_from_fields(fields: dict) -> FilmRecord:
    title = str(fields.get("title") or "").strip()
    if not title:
        raise RowError("a film needs a title")
    year = parse_int(fields.get("year"), "year")
    credits = []
    for credit in fields.get("credits") or []:
        if not str(credit.get("name") or "").strip():
            raise RowError("a credit needs a name")
        credits.append({
            "name": credit["name"].strip(),
            "role": _choice(credit.get("role"), Credit.Role, "credit role"),
            "character": str(credit.get("character") or "").strip(),
        })
    companies = [
        {"name": c["name"].strip(), "role": _choice(c.get("role"), FilmCompany.Role, "company role"),
         "region": str(c.get("region") or ""), "note": str(c.get("note") or "")}
        for c in fields.get("companies") or []
    ]
    releases = []
    for release in fields.get("releases") or []:
        day, precision = _release_date(release)
        releases.append({
            "kind": _choice(release.get("kind"), ReleaseEvent.Kind, "release kind"),
            "date": day,
            "date_precision": precision,
            **{k: str(release.get(k) or "") for k in ("region", "place", "title", "format", "note")},
        })
    return FilmRecord(
        ref=FilmRef(title=title, year=year),
        title=title,
        year=year,
        genres=[str(g) for g in fields.get("genres") or []],
        synopsis=str(fields.get("synopsis") or ""),
        runtime_minutes=parse_int(fields.get("runtime_minutes"), "runtime_minutes"),
        mpaa_rating=str(fields.get("mpaa_rating") or ""),
        limited_release=parse_bool(fields.get("limited_release", False), "limited_release"),
        sample=parse_bool(fields.get("sample", False), "sample"),
        credits=credits,
        companies=companies,
        releases=releases,
        published=fields.get("published"),
    )


def read_jsonl(path: Path, encoding: str):
    with open_text(path, encoding) as handle:
        line = 0
        try:
            for line, text in enumerate(handle, start=1):
                if not text.strip():
                    continue
                try:
                    obj = json.loads(text)
                except json.JSONDecodeError as exc:
                    yield line, RowError(f"not valid JSON ({exc.msg} at column {exc.colno})"), text.rstrip("\n")
                    continue
                if not isinstance(obj, dict):
                    yield line, RowError("each line must be a JSON object"), text.rstrip("\n")
                    continue
                try:
                    kind = obj.get("type", "review")
                    if kind == "film":
                        yield line, film_from_fields(obj), text.rstrip("\n")
                    elif kind == "review":
                        yield line, review_from_fields(obj), text.rstrip("\n")
                    else:
                        raise RowError(f"unknown type {kind!r} (film or review)")
                except (RowError, AttributeError, TypeError, KeyError) as exc:
                    error = exc if isinstance(exc, RowError) else RowError(f"malformed field: {exc}")
                    yield line, error, text.rstrip("\n")
        except UnicodeDecodeError as exc:
            raise encoding_error(path, line + 1, exc, encoding) from None

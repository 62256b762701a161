"""Reception's own formats: CSV (reviews) and JSONL (reviews and films). See docs/formats.md."""

from __future__ import annotations

import json
from pathlib import Path

from ..catalog.models import Credit, FilmCompany, ReleaseEvent
from . import checks
from .files import CORRUPT, Unreadable, corrupt_error, encoding_error, open_text, table_rows
from .records import FilmRecord, FilmRef, ReviewRecord, RowError, parse_bool, parse_partial_date, parse_verdict

CSV_COLUMNS = ["film", "year", "critic", "outlet", "date", "quote", "url", "rating", "verdict", "top_critic"]


def review_from_fields(fields: dict, film: FilmRef | None = None) -> ReviewRecord:
    """A review of our formats from its fields; `film` when the caller knows the film (the
    API's post to one), else the fields name it."""
    if film is None:
        title = checks.text(fields.get("film") or fields.get("title"), "film")
        if not title:
            raise RowError("no film title (column 'film')")
        film = FilmRef(title=title, year=checks.integer(fields.get("year"), "year"))
    published, precision = parse_partial_date(checks.text(fields.get("date"), "date"))
    record = ReviewRecord(
        film=film,
        critic=checks.text(fields.get("critic"), "critic"),
        outlet=checks.text(fields.get("outlet"), "outlet"),
        published=published,
        published_precision=precision,
        quote=checks.text(fields.get("quote"), "quote"),
        url=checks.text(fields.get("url"), "url"),
        rating_raw=checks.text(fields.get("rating"), "rating"),
        label=parse_verdict(checks.text(fields.get("verdict"), "verdict")),
        top_critic=parse_bool(_flag(fields.get("top_critic", ""), "top_critic"), "top_critic"),
        source_key=checks.text(fields.get("id"), "id"),
    )
    if not (record.critic or record.outlet):
        raise RowError("a review needs a critic or an outlet")
    if not (record.quote or record.rating_raw or record.label):
        raise RowError("a review needs a quote, a rating or a verdict")
    return checks.review(record)


def _flag(value, what: str):
    """A true/false field: JSON's true and false, or text parse_bool reads."""
    return value if isinstance(value, bool) else checks.text(value, what)


def _objects(fields: dict, key: str) -> list[dict]:
    """A list of objects (credits, companies, releases): RowError for anything else."""
    value = fields.get(key) or []
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        raise RowError(f"{key} must be a list of objects")
    return value


def read_csv(path: Path, encoding: str, delimiter: str = ","):
    for line, row in table_rows(path, encoding, delimiter, ["film"]):
        if isinstance(row, Unreadable):
            yield line, RowError(row.reason), row.raw
            continue
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


def _choice(value, choices, what: str) -> str:
    value = checks.text(value, what).lower()
    if value not in choices.values:
        raise RowError(f"unknown {what} {value!r} (one of: {', '.join(choices.values)})")
    return value


_FINER = {"day": 0, "month": 1, "year": 2}  # how little of a date a precision says


def _release_date(release: dict) -> tuple:
    """A release's date and precision: as its form says ('1981-08' is a month), or as its
    `date_precision` says, which may say less than the form (our export writes '1981-08-01' with
    'month') but never more."""
    given = checks.text(release.get("date"), "release date")
    day, stated = parse_partial_date(given)
    precision = checks.text(release.get("date_precision"), "date_precision").lower() or stated
    if precision not in _FINER:
        raise RowError(f"unknown date_precision {precision!r} (one of: day, month, year)")
    if day and _FINER[precision] < _FINER[stated]:
        raise RowError(f"release date {given!r} states no {precision}")
    return day, precision


def film_from_fields(fields: dict) -> FilmRecord:
    title = checks.text(fields.get("title"), "title")
    if not title:
        raise RowError("a film needs a title")
    year = checks.integer(fields.get("year"), "year")
    credits = []
    for credit in _objects(fields, "credits"):
        credit_name = checks.text(credit.get("name"), "credit name")
        if not credit_name:
            raise RowError("a credit needs a name")
        credits.append({
            "name": credit_name,
            "role": _choice(credit.get("role"), Credit.Role, "credit role"),
            "character": checks.text(credit.get("character"), "character"),
        })
    companies = []
    for company in _objects(fields, "companies"):
        company_name = checks.text(company.get("name"), "company name")
        if not company_name:
            raise RowError("a company needs a name")
        companies.append({"name": company_name, "role": _choice(company.get("role"), FilmCompany.Role, "company role"),
                          "region": checks.text(company.get("region"), "company region"),
                          "note": checks.text(company.get("note"), "company note")})
    releases = []
    for release in _objects(fields, "releases"):
        day, precision = _release_date(release)
        releases.append({
            "kind": _choice(release.get("kind"), ReleaseEvent.Kind, "release kind"),
            "date": day,
            "date_precision": precision,
            **{k: checks.text(release.get(k), f"release {k}") for k in ("region", "place", "title", "format", "note")},
        })
    genres = fields.get("genres") or []
    if not isinstance(genres, list):
        raise RowError(f"genres must be a list of names, not {type(genres).__name__}")
    return checks.film(FilmRecord(
        ref=FilmRef(title=title, year=year),
        title=title,
        year=year,
        genres=[checks.text(g, "genre") for g in genres],
        synopsis=checks.text(fields.get("synopsis"), "synopsis"),
        runtime_minutes=checks.integer(fields.get("runtime_minutes"), "runtime_minutes"),
        mpaa_rating=checks.text(fields.get("mpaa_rating"), "mpaa_rating"),
        limited_release=parse_bool(_flag(fields.get("limited_release", False), "limited_release"), "limited_release"),
        sample=parse_bool(_flag(fields.get("sample", False), "sample"), "sample"),
        credits=credits,
        companies=companies,
        releases=releases,
        published=fields.get("published"),
    ))


def _object(pairs: list[tuple]) -> dict:
    """A JSON object, refused if it names a key twice (which value is meant cannot be told)."""
    obj = dict(pairs)
    if len(obj) < len(pairs):
        twice = sorted({key for key, _ in pairs if sum(k == key for k, _ in pairs) > 1})
        raise RowError(f"the object names {', '.join(map(repr, twice))} more than once")
    return obj


def read_jsonl(path: Path, encoding: str):
    with open_text(path, encoding) as handle:
        line = 0
        try:
            for line, text in enumerate(handle, start=1):
                if not text.strip():
                    continue
                try:
                    obj = json.loads(text, object_pairs_hook=_object)
                except json.JSONDecodeError as exc:
                    yield line, RowError(f"not valid JSON ({exc.msg} at column {exc.colno})"), text.rstrip("\n")
                    continue
                except RecursionError:
                    yield line, RowError("JSON nested too deeply to read"), text.rstrip("\n")[:1000]
                    continue
                except RowError as exc:
                    yield line, exc, text.rstrip("\n")
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
                        raise RowError(f"unknown type {str(kind)[:40]!r} (film or review)")
                except RowError as exc:
                    yield line, exc, text.rstrip("\n")
        except UnicodeDecodeError as exc:
            raise encoding_error(path, line + 1, exc, encoding) from None
        except CORRUPT as exc:
            raise corrupt_error(path, exc) from None

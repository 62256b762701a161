"""What a stored value must be, checked as a row is read, so that a bad value is a reject with
its reason, never a traceback, a refused file or a value silently changed:

- text is text: a list or an object where text is expected, a NUL, or a lone surrogate
  ("\\ud800", which JSON can write and no database stores) is refused;
- text fits its column (the catalogue's own lengths, read from its models), so both databases
  store what one does;
- a name folds to something (`!!!` names nobody, catalog.identity);
- years, dates, runtimes and figures lie in the ranges below (docs/formats.md lists them).
"""

from __future__ import annotations

import datetime as dt
import math

from ..catalog.identity import name_key, title_key
from ..catalog.models import (
    Company, Credit, Critic, Film, FilmCompany, FilmSourceId, Outlet, Person, PublishedScore, ReleaseEvent, Review,
)
from .records import FilmRecord, ReviewRecord, RowError, parse_int

FIRST_YEAR = 1870  # before any film: Roundhay Garden Scene is of 1888
YEARS_AHEAD = 10  # a film may be listed for a year to come, not for a century to come
FIRST_REVIEW = dt.date(1890, 1, 1)
REVIEW_DAYS_AHEAD = 366  # a review dated a little ahead (an embargo, a time zone), not years
LONGEST_MINUTES = 32767  # the runtime column's bound
MOST = 2**31 - 1  # the count columns' bound
PERCENT_FIELDS = {"percent_positive", "audience_percent"}


def length(model, field: str) -> int:
    """A text column's length, as the catalogue declares it."""
    return model._meta.get_field(field).max_length


def _kind(value) -> str:
    return {list: "a list", dict: "an object", bool: "true or false"}.get(type(value), type(value).__name__)


def text(value, what: str, limit: int | None = None) -> str:
    """A field as text (a number as written; None as ''), stripped: RowError for a list or an
    object, a NUL or a lone surrogate, or more than `limit` characters."""
    if value is None:
        return ""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        raise RowError(f"{what} must be text, not {_kind(value)}")
    value = value.strip()
    if "\x00" in value:
        raise RowError(f"{what} holds a NUL character")
    if not value.isascii():
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise RowError(f"{what} holds a lone surrogate (an escape such as \\ud800 that is no character)") from None
    if limit is not None and len(value) > limit:
        raise RowError(f"{what} is longer than {limit} characters ({len(value)})")
    return value


def name(value, what: str, limit: int) -> str:
    """A name (a critic's, an outlet's, a person's): text that folds to something, or ''."""
    value = text(value, what, limit)
    if value and not name_key(value):
        raise RowError(f"{what} {value!r} has no letter or digit to know it by")
    return value


def title(value, what: str = "title") -> str:
    value = text(value, what, length(Film, "title"))
    if value and not title_key(value):
        raise RowError(f"{what} {value!r} has no letter or digit to know it by")
    return value


def year(value: int | None, what: str = "year") -> int | None:
    last = dt.date.today().year + YEARS_AHEAD
    if value is not None and not FIRST_YEAR <= value <= last:
        raise RowError(f"{what} {value} is not between {FIRST_YEAR} and {last}")
    return value


def review_date_problem(value: dt.date | None) -> str:
    """Why a review's date cannot be its date ('' if it can). Such a date is a placeholder
    ("January 1, 1800" in rt.reviews) or a slip: the review is kept, undated (ingest.store)."""
    last = dt.date.today() + dt.timedelta(days=REVIEW_DAYS_AHEAD)
    if value is None or FIRST_REVIEW <= value <= last:
        return ""
    return f"kept undated: review date {value.isoformat()} is not between {FIRST_REVIEW.isoformat()} and {last.isoformat()}"


def release_date(value: dt.date | None) -> dt.date | None:
    if value is not None:
        year(value.year, "release year")
    return value


def runtime(value: int | None) -> int | None:
    if value is not None and not 1 <= value <= LONGEST_MINUTES:
        raise RowError(f"runtime of {value} minutes is not between 1 and {LONGEST_MINUTES}")
    return value


def integer(value, what: str) -> int | None:
    """A whole number, as a JSON number or text ("104", "104 minutes"): RowError otherwise."""
    if value is None or isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return parse_int(text(value, what), what)


def _figure(name: str, value):
    """One of another aggregator's published figures, as its column takes it."""
    field = PublishedScore._meta.get_field(name)
    if field.get_internal_type() == "FloatField":
        if value in (None, ""):
            return None
        try:
            number = float(value)
        except (TypeError, ValueError):
            raise RowError(f"published {name} must be a number, not {str(value)[:40]!r}") from None
        top = 100 if name in PERCENT_FIELDS else MOST
        if not (math.isfinite(number) and 0 <= number <= top):
            raise RowError(f"published {name} {value!r} is not between 0 and {top}")
        return number
    if field.get_internal_type() == "PositiveIntegerField":
        number = integer(value, f"published {name}")
        if number is not None and number > MOST:
            raise RowError(f"published {name} {number} is more than {MOST}")
        return number
    return text(value, f"published {name}", field.max_length)


def published(figures) -> dict | None:
    """Another aggregator's published figures: an object of the fields PublishedScore keeps."""
    if figures is None:
        return None
    if not isinstance(figures, dict):
        raise RowError(f"published must be an object, not {_kind(figures)}")
    known = {f.name for f in PublishedScore._meta.concrete_fields} - {"id", "film"}
    unknown = set(figures) - known
    if unknown:
        raise RowError(f"unknown published field(s): {', '.join(sorted(map(str, unknown)))}")
    return {key: (text(value, "published source", length(PublishedScore, "source")) if key == "source"
                  else _figure(key, value)) for key, value in figures.items()}


def review(record: ReviewRecord) -> ReviewRecord:
    """A review row's values checked (see the module's doc); RowError names the first bad one."""
    film = record.film
    if film.title:
        title(film.title, "film title")
    year(film.year, "film year")
    text(film.key, "film id", length(FilmSourceId, "key"))
    name(record.critic, "critic", length(Critic, "name"))
    name(record.outlet, "outlet", length(Outlet, "name"))
    text(record.quote, "quote")
    text(record.url, "url", length(Review, "url"))
    text(record.rating_raw, "rating", length(Review, "rating_raw"))
    text(record.source_key, "review id", length(Review, "source_key"))
    return record


def film(record: FilmRecord) -> FilmRecord:
    """A film row's values checked (see the module's doc); RowError names the first bad one."""
    if record.title or record.ref.title:
        title(record.title or record.ref.title)
    year(record.year)
    text(record.ref.key, "film id", length(FilmSourceId, "key"))
    for _, key in record.also_known_as:
        text(key, "film id", length(FilmSourceId, "key"))
    runtime(record.runtime_minutes)
    text(record.mpaa_rating, "mpaa_rating", length(Film, "mpaa_rating"))
    text(record.synopsis, "synopsis")
    for genre in record.genres:
        text(genre, "genre")
    for credit in record.credits:
        name(credit["name"], "credit name", length(Person, "name"))
        text(credit.get("character"), "character", length(Credit, "character"))
    for company in record.companies:
        name(company["name"], "company name", length(Company, "name"))
        for field in ("region", "note"):
            text(company.get(field), f"company {field}", length(FilmCompany, field))
    for release in record.releases:
        release_date(release.get("date"))
        for field in ("region", "place", "title", "format", "note"):
            text(release.get(field), f"release {field}", length(ReleaseEvent, field))
    if isinstance(record.published, list):  # an article's: each aggregator's figures
        record.published = [published(figures) for figures in record.published] or None
    else:
        record.published = published(record.published)
    return record

"""Rotten Tomatoes data in its public shapes: rt.reviews/rt.movie_info (TSV, latin-1),
rotten_tomatoes_movies.csv, the Kaggle dump (joined by rotten_tomatoes_link), and the
newer export (critic_reviews.csv + movies.csv, joined by movieId)."""

from __future__ import annotations

import re
from pathlib import Path

from ..catalog.identity import clean_name
from ..catalog.models import Critic, FilmSourceId, Outlet, Review
from . import checks
from .columns import Column, review_batches
from .files import Unreadable, table_rows
from .records import (
    FilmRecord, FilmRef, RowError, page_text, page_texts, parse_bool, parse_date, parse_int, parse_verdict, split_list,
)

FILM_ID = checks.length(FilmSourceId, "key")

# Each file's columns in the order its header has them.
RT_REVIEWS_COLUMNS = ["id", "review", "rating", "fresh", "critic", "top_critic", "publisher", "date"]
RT_MOVIE_INFO_COLUMNS = ["id", "synopsis", "rating", "genre", "director", "writer", "theater_date", "runtime", "studio"]
RT_MOVIES_COLUMNS = ["movie_title", "rating", "genre", "in_theaters_date", "runtime_in_minutes",
                     "tomatometer_status", "tomatometer_rating", "tomatometer_count"]
KAGGLE_REVIEWS_COLUMNS = ["rotten_tomatoes_link", "critic_name", "top_critic", "publisher_name",
                          "review_type", "review_score", "review_date", "review_content"]
KAGGLE_MOVIES_COLUMNS = ["rotten_tomatoes_link", "movie_title", "movie_info", "critics_consensus",
                         "directors", "authors", "actors", "original_release_date", "tomatometer_status"]
RT2025_REVIEWS_COLUMNS = ["creationDate", "criticName", "isTopCritic", "publicationName", "reviewUrl",
                          "quote", "reviewId", "reviewState", "originalScore", "movieId"]
RT2025_MOVIES_COLUMNS = ["movieId", "movieTitle", "movieYear", "movieURL", "critic_score"]


def _rows(path, encoding, delimiter, columns, build):
    """Run `build` on each row, and check the film it gives (ingest.checks); bad rows come back
    as RowError with the raw text."""
    for line, row in table_rows(path, encoding, delimiter, columns):
        if isinstance(row, Unreadable):
            yield line, RowError(row.reason), row.raw
            continue
        if isinstance(row, list):
            yield line, RowError(f"expected {len(columns)}+ fields, found {len(row)}"), delimiter.join(row)
            continue
        try:
            yield line, checks.film(build(row)), delimiter.join(row.values())
        except RowError as exc:
            yield line, exc, delimiter.join(row.values())


def _year(date) -> int | None:
    return date.year if date else None


def _percent(text: str) -> float | None:
    text = (text or "").strip().rstrip("%")
    return float(text) if re.fullmatch(r"\d+(\.\d+)?", text) else None


def _published(row: dict, source: str, top: str, fresh: str, rotten: str) -> dict:
    """RT's published figures for a film; the three count columns are named per export."""
    return {
        "source": source,
        "status": row["tomatometer_status"].strip(),
        "percent_positive": _percent(row.get("tomatometer_rating", "")),
        "review_count": parse_int(row.get("tomatometer_count"), "tomatometer_count"),
        "top_critic_count": parse_int(row.get(top), top),
        "positive_count": parse_int(row.get(fresh), fresh),
        "negative_count": parse_int(row.get(rotten), rotten),
        "audience_status": row.get("audience_status", "").strip(),
        "audience_percent": _percent(row.get("audience_rating", "")),
        "audience_count": parse_int(row.get("audience_count"), "audience_count"),
    }


def _rt_link(url: str) -> str:
    # ".../m/toy_story_2" -> "m/toy_story_2" (the slash before "m/" keeps ".com/m" out).
    match = re.search(r"/(m/[^/?#]+)", url or "")
    return match.group(1) if match else ""


# rt.reviews.tsv ---------------------------------------------------------------------------

def _rt_film(cell: str) -> FilmRef:
    film_id = cell.strip()
    if not film_id.isdigit() or len(film_id) > FILM_ID:
        raise RowError(f"film id must be a number, not {film_id[:40]!r}")
    return FilmRef(source="rt-reviews", key=film_id)


def _named(what: str, model):
    """A critic's or an outlet's cell: its name as pages show it, checked (ingest.checks)."""
    limit = checks.length(model, "name")

    def convert(cell: str) -> str:
        return checks.name(clean_name(cell), what, limit)
    return convert


def _rating(cell: str) -> str:
    return checks.text(cell, "rating", checks.length(Review, "rating_raw"))


def _refused(what: str, limit: int | None = None):
    """The rows of a cell-unique column whose text no column takes (ingest.checks), with the
    reason: a NUL, or more than `limit` characters. Looked for in the whole column at once."""
    def refused(values: list[str]) -> dict[int, str]:
        if "\x00" not in "".join(values) and (limit is None or max(map(len, values), default=0) <= limit):
            return {}
        out = {}
        for at, value in enumerate(values):
            try:
                checks.text(value, what, limit)
            except RowError as exc:
                out[at] = str(exc)
        return out
    return refused


def _flag(name: str):
    def convert(cell: str) -> bool:
        return parse_bool(cell, name)
    return convert


def _review_table(film: Column, critic: str, outlet: str, date: str, quote: str, rating: str, label: str,
                  top: str, *more: Column) -> list[Column]:
    """A review table's columns, in the order a row's cells are checked: a row's reason is its
    first unreadable cell."""
    return [
        film,
        Column("critic", critic, _named("critic", Critic)),
        Column("outlet", outlet, _named("outlet", Outlet)),
        Column("published", date, parse_date),
        Column("quote", quote, page_text, repeats=False, whole=page_texts, refused=_refused(quote)),
        *[c for c in more if c.field == "url"],
        Column("rating_raw", rating, _rating),
        Column("label", label, parse_verdict),
        Column("top_critic", top, _flag(top)),
        *[c for c in more if c.field != "url"],
    ]


RT_REVIEWS = _review_table(Column("film", "id", _rt_film), "critic", "publisher", "date", "review", "rating",
                           "fresh", "top_critic")


def read_rt_reviews(path: Path, encoding: str):
    return review_batches(path, encoding, "\t", RT_REVIEWS_COLUMNS, RT_REVIEWS)


def _rt_movie_info(row: dict) -> FilmRecord:
    film_id = row["id"].strip()
    if not film_id.isdigit():
        raise RowError(f"film id must be a number, not {film_id!r}")
    theater = parse_date(row["theater_date"])
    dvd = parse_date(row.get("dvd_date", ""))
    releases = [{"kind": "theatrical", "date": theater}] if theater else []
    if dvd:
        releases.append({"kind": "home-video", "date": dvd})
    credits = [{"name": n, "role": "director"} for n in split_list(row["director"], "|")]
    credits += [{"name": n, "role": "writer"} for n in split_list(row["writer"], "|")]
    return FilmRecord(
        ref=FilmRef(source="rt-reviews", key=film_id),
        year=_year(theater),
        synopsis=page_text(row["synopsis"]),
        mpaa_rating=row["rating"].strip(),
        genres=split_list(row["genre"], "|"),
        runtime_minutes=parse_int(row["runtime"], "runtime"),
        credits=credits,
        companies=[{"name": row["studio"].strip(), "role": "studio"}] if row["studio"].strip() else [],
        releases=releases,
    )


def read_rt_movie_info(path: Path, encoding: str):
    return _rows(path, encoding, "\t", RT_MOVIE_INFO_COLUMNS, _rt_movie_info)


# rotten_tomatoes_movies.csv ----------------------------------------------------------------

def _rt_movie(row: dict) -> FilmRecord:
    title = page_text(row["movie_title"])
    if not title:
        raise RowError("no movie_title")
    theaters = parse_date(row["in_theaters_date"])
    streaming = parse_date(row.get("on_streaming_date", ""))
    releases = [{"kind": "theatrical", "date": theaters}] if theaters else []
    if streaming:
        releases.append({"kind": "streaming", "date": streaming})
    return FilmRecord(
        ref=FilmRef(title=title, year=_year(theaters)),
        title=title,
        year=_year(theaters),
        mpaa_rating=row["rating"].strip(),
        genres=split_list(row["genre"]),
        runtime_minutes=parse_int(row["runtime_in_minutes"], "runtime_in_minutes"),
        releases=releases,
        # The names of these three count columns say "audience" but they count critics' reviews.
        published=_published(row, "rt-movies", "audience_top_critics_count", "audience_fresh_critics_count",
                             "audience_rotten_critics_count"),
    )


def read_rt_movies(path: Path, encoding: str):
    return _rows(path, encoding, ",", RT_MOVIES_COLUMNS, _rt_movie)


# The Kaggle dump --------------------------------------------------------------------------

def _rt_link_ref(cell: str) -> FilmRef:
    link = checks.text(cell, "rotten_tomatoes_link", FILM_ID)
    if not link:
        raise RowError("no rotten_tomatoes_link")
    return FilmRef(source="rt-link", key=link)


KAGGLE_REVIEWS = _review_table(Column("film", "rotten_tomatoes_link", _rt_link_ref), "critic_name",
                               "publisher_name", "review_date", "review_content", "review_score", "review_type",
                               "top_critic")


def read_kaggle_reviews(path: Path, encoding: str):
    return review_batches(path, encoding, ",", KAGGLE_REVIEWS_COLUMNS, KAGGLE_REVIEWS)


def _kaggle_movie(row: dict) -> FilmRecord:
    link = row["rotten_tomatoes_link"].strip()
    title = page_text(row["movie_title"])
    if not link or not title:
        raise RowError("a film needs rotten_tomatoes_link and movie_title")
    released = parse_date(row["original_release_date"])
    streaming = parse_date(row.get("streaming_release_date", ""))
    releases = [{"kind": "theatrical", "date": released}] if released else []
    if streaming:
        releases.append({"kind": "streaming", "date": streaming})
    credits = [{"name": n, "role": "director"} for n in split_list(row["directors"])]
    credits += [{"name": n, "role": "writer"} for n in split_list(row["authors"])]
    credits += [{"name": n, "role": "actor"} for n in split_list(row["actors"])]
    company = row.get("production_company", "").strip()
    return FilmRecord(
        ref=FilmRef(source="rt-link", key=link),
        title=title,
        year=_year(released),
        synopsis=page_text(row["movie_info"]),
        mpaa_rating=row.get("content_rating", "").strip(),
        genres=split_list(row.get("genres", "")),
        runtime_minutes=parse_int(row.get("runtime"), "runtime"),
        credits=credits,
        companies=[{"name": company, "role": "production"}] if company else [],
        releases=releases,
        published={
            **_published(row, "rt-kaggle", "tomatometer_top_critics_count", "tomatometer_fresh_critics_count",
                         "tomatometer_rotten_critics_count"),
            "consensus": page_text(row["critics_consensus"]),
        },
    )


def read_kaggle_movies(path: Path, encoding: str):
    return _rows(path, encoding, ",", KAGGLE_MOVIES_COLUMNS, _kaggle_movie)


# The newer export ---------------------------------------------------------------------------

def _movie_id(cell: str) -> FilmRef:
    movie = checks.text(cell, "movieId", FILM_ID)
    if not movie:
        raise RowError("no movieId")
    return FilmRef(source="rt-2025", key=movie)


RT2025_REVIEWS = _review_table(Column("film", "movieId", _movie_id), "criticName", "publicationName",
                               "creationDate", "quote", "originalScore", "reviewState", "isTopCritic",
                               Column("url", "reviewUrl", repeats=False,
                                      refused=_refused("reviewUrl", checks.length(Review, "url"))),
                               Column("source_key", "reviewId", repeats=False,
                                      refused=_refused("reviewId", checks.length(Review, "source_key"))))


def read_rt2025_reviews(path: Path, encoding: str):
    return review_batches(path, encoding, ",", RT2025_REVIEWS_COLUMNS, RT2025_REVIEWS)


def _rt2025_movie(row: dict) -> FilmRecord:
    movie, title = row["movieId"].strip(), page_text(row["movieTitle"])
    if not movie or not title:
        raise RowError("a film needs movieId and movieTitle")
    link = _rt_link(row["movieURL"])
    return FilmRecord(
        ref=FilmRef(source="rt-2025", key=movie),
        title=title,
        year=parse_int(row["movieYear"], "movieYear"),
        also_known_as=[("rt-link", link)] if link else [],
        published={
            "source": "rt-2025",
            "percent_positive": _percent(row["critic_score"]),
            "audience_percent": _percent(row.get("audience_score", "")),
        },
    )


def read_rt2025_movies(path: Path, encoding: str):
    return _rows(path, encoding, ",", RT2025_MOVIES_COLUMNS, _rt2025_movie)

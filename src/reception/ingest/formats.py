"""The formats `reception ingest` reads, and how `--format auto` tells them apart: a table by
its header, an article by its first bytes."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from ..errors import IngestError
from . import articles, native, rt
from .files import first_line


@dataclass(frozen=True)
class Format:
    name: str          # the --format value
    part: str          # which file of the format
    encoding: str      # default encoding
    delimiter: str
    columns: list[str]  # a header holding all of these is this format
    read: Callable
    films_first: bool  # in a folder, files of films are read before files of reviews
    # A review by a critic who already reviewed the film (same year, or undated) is the same
    # review retold: for sources that paraphrase, like articles.
    merge_by_critic: bool = False


FORMATS = [
    Format("rt-reviews", "rt.reviews", "latin-1", "\t", rt.RT_REVIEWS_COLUMNS, rt.read_rt_reviews, False),
    Format("rt-reviews", "rt.movie_info", "latin-1", "\t", rt.RT_MOVIE_INFO_COLUMNS, rt.read_rt_movie_info, True),
    Format("rt-kaggle", "critic reviews", "utf-8", ",", rt.KAGGLE_REVIEWS_COLUMNS, rt.read_kaggle_reviews, False),
    Format("rt-kaggle", "movies", "utf-8", ",", rt.KAGGLE_MOVIES_COLUMNS, rt.read_kaggle_movies, True),
    Format("rt-2025", "critic_reviews", "utf-8", ",", rt.RT2025_REVIEWS_COLUMNS, rt.read_rt2025_reviews, False),
    Format("rt-2025", "movies", "utf-8", ",", rt.RT2025_MOVIES_COLUMNS, rt.read_rt2025_movies, True),
    Format("rt-movies", "movies", "utf-8", ",", rt.RT_MOVIES_COLUMNS, rt.read_rt_movies, True),
    Format("csv", "reviews", "utf-8", ",", ["film"], native.read_csv, False),
    Format("csv", "reviews (;)", "utf-8", ";", ["film"], native.read_csv_semicolons, False),
    Format("jsonl", "lines", "utf-8", "", [], native.read_jsonl, False),
    # No header to tell it by: `--format auto` reads the file's first bytes (articles.sniff).
    Format("article", "article", "utf-8", "", [], articles.read_article, True, merge_by_critic=True),
]
NAMES = ["auto"] + sorted({f.name for f in FORMATS})


def _header(first: str, delimiter: str) -> list[str]:
    return [c.strip() for c in next(csv.reader([first], delimiter=delimiter), [])]


def detect(path: Path, wanted: str = "auto") -> Format:
    """The format of one file; `wanted` narrows it to one --format name."""
    line = first_line(path)
    if not line.strip():
        raise IngestError.of("E101", path=path, what="file")
    candidates = [f for f in FORMATS if wanted in ("auto", f.name)]
    if not candidates:
        raise IngestError.of("E102", name=wanted, names=", ".join(NAMES))
    if wanted == "article":
        return candidates[0]
    start = line.lstrip(b"\xef\xbb\xbf \t")
    if start.startswith(b"{") and not start.startswith(b"{{"):  # "{{" opens wikitext's templates
        if wanted in ("auto", "jsonl"):
            return next(f for f in FORMATS if f.name == "jsonl")
    # Decoded once; latin-1 reads any bytes, and a UTF-8 byte-order mark reads as "ï»¿".
    first = line.decode("latin-1").lstrip("ï»¿")
    for fmt in candidates:
        if fmt.name in ("jsonl", "article"):
            continue
        header = _header(first, fmt.delimiter)
        if all(col in header for col in fmt.columns):
            return fmt
    if wanted != "auto":
        # The user named the format: let its reader report exactly which columns are missing.
        return candidates[0]
    if articles.sniff_file(path):  # a film article: plain text, wikitext, a saved page or a dump
        return next(f for f in FORMATS if f.name == "article")
    shown = line[:120].decode("latin-1").rstrip()
    raise IngestError.of("E102", variant="header", path=path, shown=shown, names=", ".join(NAMES[1:]))

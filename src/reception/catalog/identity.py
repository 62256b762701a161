"""How a film, a critic or an outlet from one source is recognized as one we know.

Titles (``title_key``): Unicode accents stripped, case folded, "&" read as "and",
punctuation dropped, spaces collapsed, a leading or trailing article ("The", "A",
"An": "Heart, The") dropped, and a trailing "(1982)" taken off as the year.
"Amélie" = "amelie"; "The Godfather: Part II" = "godfather part ii".

Films are matched in this order (``ingest.resolver.Resolver.find_film``):
  1. the source's own id (RT link, RT id) when it has one;
  2. the same title key and the same year;
  3. the same title key and a year one off (festival vs release dates);
  4. the same title key when the source gives no year.
A title key of steps 2-4 is the film's own or one of its aliases (FilmAlias: the titles of
films an editor merged into it), each with its year; one film met twice at a step counts once.
An untitled film (known only by a source's id) and a titled one are merged when their runtime
and two release days say they are one film (``ingest.film_merge``).
Several candidates at one step is an ambiguity: reported, never merged. A film row that
carries its own source id never merges, by title, into a film that already has another
id from the same source: that is a remake ("Cape Fear" 1962 and 1991 are two RT links).

Names of people, critics, outlets (``name_key``): the same folding, plus HTML
entities decoded ("Antagony &amp; Ecstasy"), and a leading "The" dropped
("The New York Times" = "New York Times"). Outlets also match by alias
("NYT"), from the built-in list below and the OutletAlias table; critics by the CriticAlias
table. An editor's merge keeps each merged name as an alias (editing).
"""

from __future__ import annotations

import html
import re
import unicodedata
from functools import lru_cache

_YEAR_SUFFIX = re.compile(r"\s*\((\d{4})\)\s*$")
_ARTICLES = ("the", "a", "an")

# Well-known short names; editors add more as OutletAlias rows.
BUILTIN_OUTLET_ALIASES = {
    "NYT": "The New York Times",
    "New York Times": "The New York Times",
    "LA Times": "Los Angeles Times",
    "LAT": "Los Angeles Times",
    "WSJ": "Wall Street Journal",
    "WaPo": "Washington Post",
    "EW": "Entertainment Weekly",
    "THR": "The Hollywood Reporter",
    "Globe and Mail": "The Globe and Mail",
}


def _fold(text: str) -> str:
    text = html.unescape(text or "")
    if not text.isascii():  # ASCII has no accents to take off (and NFKD leaves it as it is)
        text = unicodedata.normalize("NFKD", text)
        text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = text.casefold().replace("&", " and ")
    text = re.sub(r"[^\w\s]", " ", text)
    return " ".join(text.replace("_", " ").split())


def split_year(title: str) -> tuple[str, int | None]:
    """'One from the Heart (1982)' -> ('One from the Heart', 1982)."""
    match = _YEAR_SUFFIX.search(title or "")
    if match:
        return title[: match.start()].strip(), int(match.group(1))
    return (title or "").strip(), None


@lru_cache(maxsize=200_000)
def title_key(title: str) -> str:
    title, _ = split_year(title)
    # "Heart, The" is the library-catalogue form of "The Heart".
    title = re.sub(r",\s*(the|a|an)\s*$", "", title, flags=re.IGNORECASE)
    words = _fold(title).split()
    if len(words) > 1 and words[0] in _ARTICLES:
        words = words[1:]
    return " ".join(words)


def placeholder_title_key(source: str, key: str) -> str:
    """title_key of "SOURCE film KEY", the title a film known only by a source's id carries. An
    id of ASCII letters and digits (a numeric RT id) folds to itself in lower case, so only the
    title's constant start is folded (a million-review load names ~20,000 such films)."""
    if key.isascii() and key.isalnum():
        return f"{title_key(f'{source} film')} {key.lower()}"
    return title_key(f"{source} film {key}")


@lru_cache(maxsize=200_000)
def name_key(name: str) -> str:
    words = _fold(name).split()
    if len(words) > 1 and words[0] == "the":
        words = words[1:]
    return " ".join(words)


@lru_cache(maxsize=200_000)
def clean_name(name: str | None) -> str:
    """A display name as a source gave it, with HTML entities decoded and spaces tidied."""
    return " ".join(html.unescape(name or "").split())

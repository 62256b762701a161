"""What a reader yields: films and reviews in one shape, whatever the source format."""

from __future__ import annotations

import datetime as dt
import html
import re
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import compress, repeat
from typing import NamedTuple

from ..catalog.models import Verdict


class RowError(ValueError):
    """A row that cannot be imported; the reason goes to the rejects report."""


class FilmRef(NamedTuple):
    """How a row names its film: a source's id, or a title and maybe a year.

    A tuple rather than a frozen dataclass: a million-row import looks each row's up in a
    dict, and a tuple hashes in C (a dataclass's generated hash took three times as long)."""

    title: str = ""
    year: int | None = None
    source: str = ""
    key: str = ""

    def describe(self) -> str:
        if self.source:
            return f"{self.source}:{self.key}"
        return f"{self.title} ({self.year})" if self.year else self.title


@dataclass
class FilmRecord:
    ref: FilmRef
    title: str = ""
    year: int | None = None
    # Other ids the same film has elsewhere, e.g. its RT link in a file keyed by RT's uuid.
    also_known_as: list[tuple[str, str]] = field(default_factory=list)
    genres: list[str] = field(default_factory=list)
    synopsis: str = ""
    runtime_minutes: int | None = None
    mpaa_rating: str = ""
    limited_release: bool | None = None
    sample: bool = False
    credits: list[dict] = field(default_factory=list)    # {name, role, character?}
    companies: list[dict] = field(default_factory=list)  # {name, role, region?, note?}
    releases: list[dict] = field(default_factory=list)   # {kind, date, date_precision?, ...}
    published: dict | None = None                        # PublishedScore fields + source
    # What the reader noticed but could not read, each with its line: (line, reason). The film
    # is stored; the notes are listed with the rejects ("a template opened here is not closed").
    notes: list[tuple[int, str]] = field(default_factory=list)


@dataclass
class ReviewRecord:
    film: FilmRef
    critic: str = ""
    outlet: str = ""
    published: dt.date | None = None
    quote: str = ""
    url: str = ""
    rating_raw: str = ""
    label: str = ""
    top_critic: bool = False
    source_key: str = ""
    published_precision: str = "day"
    # Dated by a documented rule, not by the source (an article's "initial reception": its
    # film's release year): marked so on the page and in the JSON.
    published_inferred: bool = False
    needs_check: bool = False  # the source already says an editor should look (e.g. "praise, but …")


def page_text(text: str) -> str:
    """Text the RT data sets took from web pages, with its HTML entities decoded: a quote reads
    "made of plastics, but", not "made of plastics&#44; but" (700 quotes of the newer export,
    and synopses of rt.movie_info, carry them). Our own formats keep their text as given."""
    return page_texts([text])[0]


def page_texts(cells: list[str]) -> list[str]:
    """page_text of each cell of a column, at C speed where no cell holds an entity (most)."""
    texts = list(map(str.strip, cells))
    for at in compress(range(len(texts)), map(str.__contains__, texts, repeat("&"))):
        texts[at] = html.unescape(texts[at]).strip()
    return texts


_DATE_FORMATS = ("%Y-%m-%d", "%B %d, %Y", "%b %d, %Y", "%d %B %Y", "%Y/%m/%d", "%m/%d/%Y", "%Y-%m-%d %H:%M:%S")


_MOMENT = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?")


@lru_cache(maxsize=100_000)
def parse_date(text: str) -> dt.date | None:
    """A date in any of the forms the sources use; '' is None; nonsense raises RowError."""
    text = (text or "").strip()
    if not text:
        return None
    # A moment in ISO form ("2020-01-01T12:30:00Z"): its day; anything else after the day is not a date.
    if _MOMENT.fullmatch(text):
        text = text[:10]
    for fmt in _DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise RowError(f"unreadable date {text!r}")


MONTHS = "January February March April May June July August September October November December".split()
# A month named in full or cut short ("Aug", "Sept."), lower case.
_MONTH_OF = {name.lower(): n for n, name in enumerate(MONTHS, 1)} | {
    name[:3].lower(): n for n, name in enumerate(MONTHS, 1)} | {"sept": 9}


def parse_partial_date(text: str) -> tuple[dt.date | None, str]:
    """A date as precise as the text states it, and that precision (day, month or year).

    '1986' → (1986-01-01, 'year'); '1981-08', '1981/08', 'August 1981', 'Aug. 1981' → (1981-08-01,
    'month'); every form of parse_date → 'day'. A critic's review known only by its year ("a
    1986 episode") keeps that year and says no more; pages show it as '1986'."""
    text = (text or "").strip()
    month = None
    if re.fullmatch(r"\d{4}", text):
        year, month, precision = int(text), 1, "year"
    elif match := re.fullmatch(r"(\d{4})[-/](\d{1,2})", text):
        year, month, precision = int(match.group(1)), int(match.group(2)), "month"
    elif (match := re.fullmatch(r"([A-Za-z]+)\.?\s+(\d{4})", text)) and match.group(1).lower() in _MONTH_OF:
        year, month, precision = int(match.group(2)), _MONTH_OF[match.group(1).lower()], "month"
    if month is None:
        return parse_date(text), "day"
    try:
        return dt.date(year, month, 1), precision
    except ValueError:
        raise RowError(f"unreadable date {text!r}") from None


_VERDICTS = {
    "positive": Verdict.POSITIVE, "fresh": Verdict.POSITIVE, "pos": Verdict.POSITIVE,
    "negative": Verdict.NEGATIVE, "rotten": Verdict.NEGATIVE, "neg": Verdict.NEGATIVE,
}


def parse_verdict(text: str | None) -> str:
    text = (text or "").strip().lower()
    if not text:
        return ""
    try:
        return _VERDICTS[text]
    except KeyError:
        raise RowError(f"unknown verdict {text!r} (use positive/negative or fresh/rotten)") from None


_BOOLS = {"1": True, "true": True, "yes": True, "0": False, "false": False, "no": False, "": False}


def parse_bool(text, what: str) -> bool:
    if text == "0" or text == "1":
        return text == "1"
    if isinstance(text, bool):
        return text
    try:
        return _BOOLS[str(text if text is not None else "").strip().lower()]
    except KeyError:
        raise RowError(f"{what} must be true/false or 1/0, not {text!r}") from None


def parse_int(text, what: str) -> int | None:
    """A whole number written as text ("104", "104.0", "104 minutes"), or None for an empty cell.
    Twelve digits at most: more is no count or year of ours, and thousands of them are more than
    Python converts (a ValueError, not a reject)."""
    text = str(text if text is not None else "").strip()
    if not text:
        return None
    match = re.fullmatch(r"(\d{1,12})(?:\.0+)?(?:\s*min(?:utes)?)?", text)
    if not match:
        raise RowError(f"{what} must be a whole number, not {text[:40]!r}")
    return int(match.group(1))


def split_list(text: str | None, sep: str = ",") -> list[str]:
    return [part.strip() for part in (text or "").split(sep) if part.strip()]

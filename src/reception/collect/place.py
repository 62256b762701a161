"""A page's review stored under its film, or held for an editor when the film is not certain.

The film is found by the catalogue's identity rules (catalog.identity: title and year), and
the page's director, when it names one, tells apart films of one title (a remake) and rules
out a film the catalogue credits to someone else. What is left:
- one film: the review is stored under it;
- several: held for an editor, with the candidates (collect.models.HeldPage);
- none: a new film is added with the page's title, year and director, unless the page names
  its film only in a headline (Open Graph), which is held: a headline is too thin to add a
  film from.

A review is stored with "web" as its source and its canonical URL as its key (`page_key`), by
the same writer as an import (ingest.store): collecting the page again finds it (unchanged: a
duplicate; changed: revised in place).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.db import transaction

from ..catalog.identity import name_key
from ..catalog.models import Credit, Film
from ..ingest.records import FilmRecord, FilmRef, ReviewRecord
from .page import PageReview

SOURCE = "web"
KEY_CHARS = 100  # Review.source_key's length


def page_key(url: str) -> str:
    """The review's key in the "web" source: its canonical URL, or, where that is longer than
    the column holds, "sha256:" and the URL's digest."""
    if len(url) <= KEY_CHARS:
        return url
    return "sha256:" + hashlib.sha256(url.encode("utf-8")).hexdigest()[: KEY_CHARS - 7]


@dataclass
class Placed:
    film_id: int | None
    reason: str = ""  # why it is held, when film_id is None
    candidates: tuple[int, ...] = ()


def place(store, page: PageReview, film_id: int | None = None) -> Placed:
    """The film `page` reviews (an editor's `film_id` wins), found or added through `store`."""
    if film_id is not None:
        return Placed(film_id)
    ref = FilmRef(title=page.film_title, year=page.film_year)
    candidates = store.film_candidates(ref)
    if candidates and page.directors:
        directed = _directors(candidates)
        said = {name_key(name) for name in page.directors}
        by_them = [film for film in candidates if directed.get(film, set()) & said]
        if by_them:
            candidates = by_them
        else:
            others = [film for film in candidates if film in directed]
            candidates = [film for film in candidates if film not in directed]
            if others and not candidates:
                return Placed(None, f"{_describe(others)} in the catalogue {'is' if len(others) == 1 else 'are'} "
                                    f"directed by someone else; the page names {', '.join(page.directors)}",
                              tuple(others))
    if len(candidates) == 1:
        return Placed(candidates[0])
    if candidates:
        return Placed(None, f"the title matches {len(candidates)} films: {_describe(candidates)}", tuple(candidates))
    if page.headline_only:
        return Placed(None, f"the page names its film only in a headline, and no film in the catalogue is "
                            f"{page.film_title!r}{f' ({page.film_year})' if page.film_year else ''}")
    record = FilmRecord(ref=ref, title=page.film_title, year=page.film_year,
                        credits=[{"name": name, "role": Credit.Role.DIRECTOR} for name in page.directors])
    refused = store.add_films([(1, record, "")])
    if refused:  # only an ambiguity refuses a film row, and there was none a moment ago
        return Placed(None, refused[0][1])
    return Placed(store.find_film(ref))


def _directors(films) -> dict[int, set[str]]:
    found: dict[int, set[str]] = {}
    for film_id, name in Credit.objects.filter(film_id__in=films, role=Credit.Role.DIRECTOR).values_list(
            "film_id", "person__name"):
        found.setdefault(film_id, set()).add(name_key(name))
    return found


def _describe(films) -> str:
    named = {f.pk: f"{f.title} ({f.year or 'no year'}, id {f.pk})" for f in Film.objects.filter(pk__in=films)}
    return "; ".join(named.get(film, f"id {film}") for film in films)


def record_of(page: PageReview, outlet: str = "", label: str = "", quote: str = "", critic: str = "") -> ReviewRecord:
    """The review as the import's writer takes it. A critic's own `label`, `quote` and name
    for a submission come before what the page says; an operator's `outlet` (a feed's) fills
    in where the page names no publisher."""
    return ReviewRecord(
        film=FilmRef(title=page.film_title, year=page.film_year), critic=critic or page.critic,
        outlet=page.outlet or outlet,
        published=page.published, quote=quote or page.quote, url=page.url, rating_raw=page.rating_raw,
        label=label, source_key=page_key(page.url))


def store_review(store, page: PageReview, film_id: int, line: int, outlet: str = "", label: str = "",
                 quote: str = "", critic: str = "") -> None:
    """Write the review through the import's writer, in a savepoint: a failure undoes this page only."""
    with transaction.atomic():
        store.add_review(record_of(page, outlet, label, quote, critic), line, film_id=film_id)
        store.flush()

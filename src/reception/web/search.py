"""Search: films ranked by how well their title matches, then by their number of reviews;
typos forgiven by fuzzy matching of titles; people, critics and outlets in sections of their
own; every section paged.

Films match a query by title (as folded for identity: "The Godfather" is "godfather"), by a
word of it, or by an alias, ranked: the whole title, then its start, then a word's start,
then anywhere; within each, the most reviewed first ("carol" lists Carol, 258 reviews,
before A Christmas Carol, 0). When fewer than CLOSE films match, titles within a small edit
distance (rapidfuzz's ratio ≥ SIMILAR, or 0.9 × its partial ratio for a longer title) are offered as "did you mean" and listed as
close matches. The same code serves SQLite and PostgreSQL: the fuzzy pass runs over a list of
titles kept per process and renewed when the catalogue's data version changes.
"""

from __future__ import annotations

from django.db.models import Case, Count, IntegerField, Q, Value, When
from django.db.models.functions import Coalesce
from rapidfuzz import fuzz, process

from ..catalog import version
from ..catalog.identity import title_key
from ..catalog.models import Critic, Film, Outlet, Person
from .listing import page_count, page_of

PER_PAGE = 20
QUERY_MAX = 100
CLOSE = 3  # fewer exact matches than this: look for titles the query may have mistyped
SIMILAR = 80
SECTIONS = ("films", "people", "critics", "outlets")
_titles: dict[int, list] = {}  # data version -> [(title key, film id, reviews)]


def _title_index() -> list:
    current = version.current()
    if current not in _titles:
        _titles.clear()
        _titles[current] = list(Film.objects.values_list("title_key", "pk", Coalesce("score__reviews", 0)))
    return _titles[current]


def close_titles(key: str, limit: int = PER_PAGE) -> list[tuple[int, float]]:
    """(film id, similarity) of titles within a small edit distance of `key`, the most
    similar first, then the most reviewed."""
    index = _title_index()
    titles = [row[0] for row in index]
    # A title mistyped whole ("skyfalll"), or the start of a longer one mistyped ("three
    # bilboards"): the partial score counts only for titles longer than the query, so a short
    # title inside the query ("go" in "godfahter") is no match.
    best = {at: score for _, score, at in process.extract(key, titles, scorer=fuzz.ratio, limit=limit * 3,
                                                          score_cutoff=SIMILAR)}
    for title, score, at in process.extract(key, titles, scorer=fuzz.partial_ratio, limit=limit * 3,
                                            score_cutoff=SIMILAR / 0.9):
        if len(title) > len(key):
            best[at] = max(best.get(at, 0), 0.9 * score)
    ranked = sorted(best.items(), key=lambda hit: (-round(hit[1] / 5), -index[hit[0]][2]))
    return [(index[at][1], score) for at, score in ranked[:limit]]


def _films(query: str, key: str):
    matched = (Film.objects.filter(Q(title_key__contains=key) | Q(title__icontains=query)
                                   | Q(aliases__title__icontains=query)).distinct() if key else Film.objects.none())
    return matched.select_related("score").annotate(
        rank=Case(When(title_key=key, then=Value(0)), When(title_key__startswith=key, then=Value(1)),
                  When(title_key__contains=f" {key}", then=Value(2)), default=Value(3), output_field=IntegerField()),
        n=Coalesce("score__reviews", 0)).order_by("rank", "-n", "title", "year")


def _section(name: str, query: str):
    if name == "people":
        return Person.objects.filter(name__icontains=query).annotate(n=Count("credits")).order_by("-n", "name")
    model = Critic if name == "critics" else Outlet
    return (model.objects.filter(Q(name__icontains=query) | Q(aliases__alias__icontains=query)).distinct()
            .annotate(n=Count("reviews")).order_by("-n", "name"))


def _paged(rows, requested) -> tuple[list, dict]:
    count, per_page = rows.count(), PER_PAGE
    page, start = page_of(requested, count, per_page)
    return list(rows[start:start + per_page]), {"count": count, "page": page, "pages": page_count(count, per_page)}


def search(query: str, page=None, section: str = "", refs=None) -> dict:
    """The search page's dict. `section`: one of SECTIONS to page through alone. `refs`: the
    page builders' (film_ref, named_ref, person_ref) functions."""
    film_ref, named_ref, person_ref = refs
    query = " ".join((query or "").split())[:QUERY_MAX]
    empty = {"query": query, "did_you_mean": None, "close_matches": [],
             **{name: [] for name in SECTIONS}, "counts": dict.fromkeys(SECTIONS, 0), "paging": {}}
    if not query:
        return empty
    key = title_key(query)
    out = dict(empty)
    wanted = [section] if section in SECTIONS else list(SECTIONS)
    for name in wanted:
        rows = _films(query, key) if name == "films" else _section(name, query)
        items, paging = _paged(rows, page if name == section or len(wanted) == 1 else 1)
        out["paging"][name] = paging
        out["counts"][name] = paging["count"]
        if name == "films":
            out["films"] = [film_ref(f, getattr(f, "score", None)) for f in items]
        elif name == "people":
            out["people"] = [person_ref(p) for p in items]
        else:
            out[name] = [named_ref(item, name) | {"reviews": item.n} for item in items]
    if "films" in wanted and out["counts"]["films"] < CLOSE and len(key) >= 3:
        close = close_titles(key)
        known = {f["id"] for f in out["films"]}
        films = Film.objects.select_related("score").in_bulk([pk for pk, _ in close])
        out["close_matches"] = [film_ref(films[pk], getattr(films[pk], "score", None)) | {"similarity": round(score)}
                                for pk, score in close if pk in films and pk not in known]
        if out["close_matches"]:
            out["did_you_mean"] = out["close_matches"][0]["title"]
    return out

"""Browsing the catalogue: the film list with its sorts and filters, a year's and a genre's
films, and the top lists they make ("best" sorts by the lower end of the 90% interval).

    browse(params, year=None, genre=None) -> the page's dict (its JSON twin is the same)

Filters: genre, year, decade, badge (fresh: fresh or certified; certified; rotten), consensus
(has one), min_reviews (reviews with a verdict). Sorts: title, best, score, reviews, year.
Unknown values fall back to the defaults, as a visitor's typo should.
"""

from __future__ import annotations

from django.db.models import Exists, F, OuterRef, Q

from ..catalog.models import Consensus, Film
from ..scores.badges import FRESH_BADGES
from .listing import page_count, page_of
from .pages import film_ref

PER_PAGE = 100
SORTS = {
    "title": ["-title_known", "title", "year"],
    # Ranked by the interval's lower end: 9 of 10 positive does not outrank 190 of 200.
    "best": [F("score__low").desc(nulls_last=True), F("score__reviews").desc(nulls_last=True), "title"],
    "score": [F("score__percent").desc(nulls_last=True), F("score__reviews").desc(nulls_last=True), "title"],
    "reviews": [F("score__reviews").desc(nulls_last=True), "title"],
    "year": [F("year").desc(nulls_last=True), "title"],
}
BADGES = {"fresh": {"score__badge__in": FRESH_BADGES}, "certified": {"score__badge": "certified-fresh"},
          "rotten": {"score__badge": "rotten"}}
RULE = ("Ranked by the lower end of the 90% interval of their % positive, so 9 of 10 does not outrank "
        "190 of 200; only films with a % (at least {min} reviews with a verdict) are ranked.")


def _int(value, low: int, high: int) -> int | None:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if low <= number <= high else None


def browse(params, year: int | None = None, genre: str | None = None) -> dict:
    from ..scores.badges import BadgeRules

    sort = params.get("sort") if params.get("sort") in SORTS else ("best" if year or genre else "title")
    genre = " ".join((genre or params.get("genre") or "").replace("-", " ").split())[:60]
    year = year or _int(params.get("year"), 1870, 2200)
    decade = _int(params.get("decade"), 1870, 2200)
    badge = params.get("badge") if params.get("badge") in BADGES else ""
    min_reviews = _int(params.get("min_reviews"), 0, 100_000) or 0
    consensus = params.get("consensus") in ("1", "yes", "true")
    films = Film.objects.select_related("score")
    if genre:
        # Genres are a JSON list: matched as a whole quoted item, in any case.
        films = films.filter(genres__icontains=f'"{genre}"')
    if year:
        films = films.filter(year=year)
    elif decade:
        decade = decade // 10 * 10
        films = films.filter(year__gte=decade, year__lt=decade + 10)
    if badge:
        films = films.filter(**BADGES[badge])
    if min_reviews:
        films = films.filter(score__reviews__gte=min_reviews)
    if consensus:
        films = films.filter(Exists(Consensus.objects.filter(film=OuterRef("pk"))))
    if sort in ("best", "score"):
        films = films.filter(~Q(score__percent=None))
    count = films.count()
    page, start = page_of(params.get("page"), count, PER_PAGE)
    rows = films.order_by(*SORTS[sort])[start:start + PER_PAGE]
    return {
        "count": count, "page": page, "pages": page_count(count, PER_PAGE), "sort": sort,
        "filters": {"genre": genre, "year": year, "decade": decade if not year else None, "badge": badge,
                    "min_reviews": min_reviews, "consensus": consensus},
        "rule": RULE.format(min=BadgeRules.from_settings().min_reviews) if sort in ("best", "score") else None,
        "films": [_row(film) for film in rows],
    }


def _row(film: Film) -> dict:
    score = getattr(film, "score", None)
    interval = [score.low, score.high] if score and score.low is not None else None
    # Every row has the same keys, scored or not.
    return {"percent_positive": None, "badge": None} | film_ref(film, score) | {
        "genres": film.genres, "reviews": score.reviews if score else 0, "interval_90": interval}


INDEX_PER_PAGE = 100


def index(kind: str, params) -> dict:
    """The critics, outlets or people, the most reviewed (or credited) first, 100 a page; `q`
    narrows by name."""
    from django.db.models import Count

    from ..catalog.models import Critic, Outlet, Person

    model, counted = {"critics": (Critic, "reviews"), "outlets": (Outlet, "reviews"),
                      "people": (Person, "credits")}[kind]
    rows = model.objects.annotate(n=Count(counted))
    name = " ".join(str(params.get("q") or "").split())[:100]
    if name:
        rows = rows.filter(name__icontains=name)
    count = rows.count()
    page, start = page_of(params.get("page"), count, INDEX_PER_PAGE)
    items = [{"id": row.pk, "name": row.name, "url": f"/{kind}/{row.slug}", counted: row.n,
              **({"top_critic": row.top_critic} if kind == "critics" else {})}
             for row in rows.order_by("-n", "name")[start:start + INDEX_PER_PAGE]]
    return {"kind": kind, "q": name, "count": count, "page": page, "pages": page_count(count, INDEX_PER_PAGE),
            "counted": counted, "items": items}

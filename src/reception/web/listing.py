"""Review lists with the filters, sorts and pages every page and API endpoint shares."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import F, QuerySet

from ..catalog.models import Verdict
from ..catalog.serialize import review_json

SHOWS = {
    "all": {},
    "top": {"top_critic": True},
    "positive": {"verdict": Verdict.POSITIVE},
    "negative": {"verdict": Verdict.NEGATIVE},
}
SORTS = {
    "newest": [F("published").desc(nulls_last=True), "-id"],
    "oldest": [F("published").asc(nulls_last=True), "id"],
    "highest": [F("rating").desc(nulls_last=True), "id"],
    "lowest": [F("rating").asc(nulls_last=True), "id"],
}
PER_PAGE = 50
MAX_PER_PAGE = 200


@dataclass
class Listing:
    """One page of a filtered, sorted review list."""

    show: str
    sort: str
    page: int
    per_page: int
    count: int
    reviews: list

    @property
    def pages(self) -> int:
        return page_count(self.count, self.per_page)

    def as_dict(self) -> dict:
        return {
            "show": self.show, "sort": self.sort, "page": self.page, "per_page": self.per_page,
            "count": self.count, "pages": self.pages,
            "items": [review_json(r) | _refs(r) for r in self.reviews],
        }


def film_ref(film) -> dict:
    """A film as lists show it: enough to name it and link to its page."""
    return {"id": film.pk, "title": film.title, "year": film.year, "url": f"/films/{film.slug}",
            "sample": film.sample}


def _refs(review) -> dict:
    """Where a review's film, critic and outlet have their pages, and its own link."""
    return {
        "film": film_ref(review.film),
        "critic_url": f"/critics/{review.critic.slug}" if review.critic else None,
        "outlet_url": f"/outlets/{review.outlet.slug}" if review.outlet else None,
        "link": _link(review.url),
    }


def _link(url: str) -> str | None:
    """Only web addresses become links: a source could hold "javascript:…"."""
    return url if url.lower().startswith(("https://", "http://")) else None


def _int(value, default: int, low: int, high: int) -> int:
    try:
        return min(high, max(low, int(value)))
    except (TypeError, ValueError):
        return default


def page_count(count: int, per_page: int) -> int:
    return max(1, -(-count // per_page))


def page_of(requested, count: int, per_page: int) -> tuple[int, int]:
    """The page to show (a bad or out-of-range number gives the nearest real page) and
    the index of its first row."""
    page = _int(requested, 1, 1, page_count(count, per_page))
    return page, (page - 1) * per_page


def listing(reviews: QuerySet, params, per_page: int = PER_PAGE) -> Listing:
    """`params` is a request's GET (or any mapping): show, sort, page, per_page. Unknown
    values fall back to the defaults rather than failing, as a visitor's typo should."""
    show = params.get("show") if params.get("show") in SHOWS else "all"
    sort = params.get("sort") if params.get("sort") in SORTS else "newest"
    per_page = _int(params.get("per_page"), per_page, 1, MAX_PER_PAGE)
    chosen = reviews.filter(**SHOWS[show])
    count = chosen.count()
    page, start = page_of(params.get("page"), count, per_page)
    rows = list(chosen.select_related("film", "critic", "outlet").order_by(*SORTS[sort])[start:start + per_page])
    return Listing(show, sort, page, per_page, count, rows)


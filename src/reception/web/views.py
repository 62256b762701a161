"""Pages, each with a JSON twin served by the same view (``/films/1-x`` and ``/films/1-x.json``)."""

from __future__ import annotations

import functools

from django.db.models import Count
from django.http import Http404, JsonResponse
from django.shortcuts import render

from ..catalog.models import Film
from . import charts, pages
from .cache import cached_page
from .errors import json_error
from .limits import limited
from .listing import SHOWS, SORTS, page_count, page_of

FILMS_PER_PAGE = 100


LISTING = ("show", "sort", "page", "per_page")  # what a page with a review list reads (web.listing)


def twin(template: str, params: tuple[str, ...] = ()):
    """Serve `build(request, ...)`'s dict as JSON when the URL ends in .json, else render it;
    `params`: the query parameters it reads (its cached copies differ by them only)."""
    def decorate(build):
        @functools.wraps(build)
        def view(request, *args, as_json: bool = False, **kwargs):
            try:
                data = build(request, *args, **kwargs)
            except Http404 as exc:
                if as_json:
                    return json_error(404, str(exc))
                raise
            if as_json:
                return JsonResponse(data, json_dumps_params={"ensure_ascii": False})
            return render(request, template, {"data": data, **_extras(template, data)})
        return cached_page(view, params)
    return decorate


def _extras(template: str, data: dict) -> dict:
    """What only the HTML needs: charts, and the filter and sort choices."""
    extras = {"shows": list(SHOWS), "sorts": list(SORTS)}
    if template == "web/reappraised.html":
        extras["lists"] = [("rediscovered", "Rediscovered", data["rediscovered"]), ("fallen", "Fallen", data["fallen"])]
    if template == "web/film.html":
        score = data["score"] or {}
        extras["ratings_chart"] = charts.rating_distribution(data["rating_distribution"])
        extras["over_time_chart"] = charts.reception_over_time(score.get("over_time") or [])
        extras["timeline_chart"] = charts.reception_timeline(score.get("timeline") or [], data["releases"])
    return extras


@twin("web/home.html")
def home(request):
    return pages.home()


@twin("web/films.html", ("page",))
def films(request):
    everything = Film.objects.annotate(review_count=Count("reviews")).order_by("title", "year")
    count = everything.count()
    page, start = page_of(request.GET.get("page"), count, FILMS_PER_PAGE)
    return {"count": count, "page": page, "pages": page_count(count, FILMS_PER_PAGE), "films": [
        pages.film_ref(f) | {"reviews": f.review_count} for f in everything[start:start + FILMS_PER_PAGE]
    ]}


@twin("web/film.html", LISTING)
def film(request, film_id: int, slug: str = ""):
    return pages.film(film_id, request.GET)


@twin("web/critic.html", LISTING)
def critic(request, critic_id: int, slug: str = ""):
    return pages.critic(critic_id, request.GET)


@twin("web/outlet.html", LISTING)
def outlet(request, outlet_id: int, slug: str = ""):
    return pages.outlet(outlet_id, request.GET)


@twin("web/reappraised.html", ("decade", "genre"))
def reappraised(request):
    return pages.reappraised(request.GET.get("decade"), request.GET.get("genre", ""))


@limited("search", "RECEPTION_SEARCH_RATE")
@twin("web/search.html", ("q",))
def search(request):
    return pages.search(request.GET.get("q", ""))

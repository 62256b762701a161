"""Pages, each with a JSON twin served by the same view (``/films/1-x`` and ``/films/1-x.json``)."""

from __future__ import annotations

import functools

from django.http import Http404, HttpResponsePermanentRedirect, JsonResponse
from django.shortcuts import render

from ..catalog.models import Critic, Film, Outlet, Person
from . import charts, pages
from .cache import cached_page
from .errors import json_error
from .browse import SORTS as FILM_SORTS
from .browse import browse, index
from .limits import limited
from .listing import SHOWS, SORTS


LISTING = ("show", "sort", "page", "per_page")  # what a page with a review list reads (web.listing)


def twin(template: str, params: tuple[str, ...] = (), canonical: tuple | None = None):
    """Serve `build(request, ...)`'s dict as JSON when the URL ends in .json, else render it;
    `params`: the query parameters it reads (its cached copies differ by them only);
    `canonical`: (model, prefix) of a page by id, redirected to its one address (moved)."""
    def decorate(build):
        @functools.wraps(build)
        def view(request, *args, as_json: bool = False, **kwargs):
            if canonical is not None:
                # Under the page cache: a page served from it was at its address already.
                redirect = moved(request, *canonical, *args, as_json=as_json, **kwargs)
                if redirect is not None:
                    return redirect
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


def moved(request, model, prefix: str, pk: int, slug: str = "", as_json: bool = False):
    """A page of `model` by id answers at one address: "/films/12" or a wrong or old slug
    ("/films/12-old-title") redirects (301) to "/films/12-one-from-the-heart", its JSON twin to
    the canonical twin, the query kept. None at that address, or for an unknown id (the page's
    own 404 follows)."""
    found = model.objects.filter(pk=pk).first()
    if found is None or f"{pk}-{slug}" == found.slug:
        return None
    query = request.META.get("QUERY_STRING", "")
    return HttpResponsePermanentRedirect(
        f"/{prefix}/{found.slug}{'.json' if as_json else ''}" + (f"?{query}" if query else ""))


def _extras(template: str, data: dict) -> dict:
    """What only the HTML needs: charts, and the filter and sort choices."""
    extras = {"shows": list(SHOWS), "sorts": list(SORTS)}
    if template == "web/search.html":
        extras["sections"] = [("films", "Films"), ("people", "People"), ("critics", "Critics"), ("outlets", "Outlets")]
    if template == "web/films.html":
        extras["film_sorts"] = list(FILM_SORTS)
        extras["decades"] = list(range(1900, 2030, 10))
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


BROWSING = ("page", "sort", "genre", "year", "decade", "badge", "min_reviews", "consensus")


@twin("web/films.html", BROWSING)
def films(request):
    return browse(request.GET) | {"heading": "All films"}


@twin("web/films.html", BROWSING)
def year(request, year: int):
    return browse(request.GET, year=year) | {"heading": f"Films of {year}"}


@twin("web/films.html", BROWSING)
def genre(request, genre: str):
    found = browse(request.GET, genre=genre)
    return found | {"heading": f"{found['filters']['genre'].capitalize()} films"}


@twin("web/film.html", LISTING, canonical=(Film, "films"))
def film(request, pk: int, slug: str = ""):
    return pages.film(pk, request.GET)


@twin("web/critic.html", LISTING, canonical=(Critic, "critics"))
def critic(request, pk: int, slug: str = ""):
    return pages.critic(pk, request.GET)


@twin("web/outlet.html", LISTING, canonical=(Outlet, "outlets"))
def outlet(request, pk: int, slug: str = ""):
    return pages.outlet(pk, request.GET)


def not_found(request, exception=None):
    """The site's 404: its layout, a search box, and where to go (the JSON twins answer their own)."""
    return render(request, "404.html", {"path": request.path}, status=404)


def server_error(request):
    return render(request, "500.html", status=500)


def favicon(request):
    return HttpResponsePermanentRedirect("/static/web/favicon.svg")


@twin("web/reappraised.html", ("decade", "genre"))
def reappraised(request):
    return pages.reappraised(request.GET.get("decade"), request.GET.get("genre", ""))


@limited("search", "RECEPTION_SEARCH_RATE")
@twin("web/search.html", ("q", "page", "section"))
def search(request):
    return pages.search(request.GET.get("q", ""), request.GET.get("page"), request.GET.get("section", ""))


@twin("web/index.html", ("page", "q"))
def critics(request):
    return index("critics", request.GET) | {"heading": "Critics"}


@twin("web/index.html", ("page", "q"))
def outlets(request):
    return index("outlets", request.GET) | {"heading": "Outlets"}


@twin("web/index.html", ("page", "q"))
def people(request):
    return index("people", request.GET) | {"heading": "People"}


@twin("web/person.html", canonical=(Person, "people"))
def person(request, pk: int, slug: str = ""):
    return pages.person(pk)

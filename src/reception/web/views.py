"""Pages with a JSON twin served by the same view (``/films/1-x`` and ``/films/1-x.json``)."""

from __future__ import annotations

from django.db.models import Count
from django.http import Http404, JsonResponse
from django.shortcuts import render

from ..catalog.models import Film
from ..catalog.serialize import film_json, review_json
from ..consensus.serialize import consensus_json
from ..consensus.store import current
from ..scores.models import FilmScore
from ..scores.serialize import score_json


def home(request, as_json: bool = False):
    films = Film.objects.annotate(review_count=Count("reviews")).order_by("-review_count", "title")[:100]
    if as_json:
        return JsonResponse({"films": [
            {"id": f.pk, "title": f.title, "year": f.year, "reviews": f.review_count, "sample": f.sample,
             "url": f"/films/{f.slug}"} for f in films
        ]})
    return render(request, "web/home.html", {"films": films})


def film(request, film_id: int, slug: str, as_json: bool = False):
    found = Film.objects.filter(pk=film_id).first()
    if found is None:
        raise Http404("no such film")
    reviews = found.reviews.select_related("critic", "outlet").order_by("published", "id")
    stored = FilmScore.objects.filter(film=found).first()
    figures = score_json(stored)
    consensus = consensus_json(current(found))
    if as_json:
        return JsonResponse({**film_json(found), "score": figures, "consensus": consensus,
                             "reviews": [review_json(r) for r in reviews]})
    return render(request, "web/film.html", {"film": found, "data": film_json(found), "score": figures,
                                             "consensus": consensus, "reviews": reviews})

from django.urls import path

from . import desk, internal, views
from .api import api

pages = [
    ("", views.home, "home", "index"),
    ("films", views.films, "films", "films"),
    ("films/<int:film_id>-<slug:slug>", views.film, "film", None),
    ("critics/<int:critic_id>-<slug:slug>", views.critic, "critic", None),
    ("outlets/<int:outlet_id>-<slug:slug>", views.outlet, "outlet", None),
    ("search", views.search, "search", "search"),
    ("reappraised", views.reappraised, "reappraised", "reappraised"),
]

urlpatterns = []
for route, view, name, json_route in pages:
    urlpatterns.append(path(route, view, name=name))
    # Every page's JSON twin: the same view, ".json" on the path ("/" -> "/index.json").
    twin_route = f"{json_route}.json" if json_route else f"{route}.json"
    urlpatterns.append(path(twin_route, view, {"as_json": True}, name=f"{name}-json"))

urlpatterns += [
    path("api/v1/", api.urls),
    *desk.urlpatterns,
    *internal.urlpatterns,
]

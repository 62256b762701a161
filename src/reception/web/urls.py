from django.urls import path

from . import critics_desk, desk, internal, members, views
from .api import api

pages = [
    ("", views.home, "home", "index"),
    ("films", views.films, "films", "films"),
    ("years/<int:year>", views.year, "year", None),
    ("critics", views.critics, "critics", "critics"),
    ("outlets", views.outlets, "outlets", "outlets"),
    ("people", views.people, "people", "people"),
    ("genres/<slug:genre>", views.genre, "genre", None),
    ("films/<int:pk>-<slug:slug>", views.film, "film", None),
    ("films/<int:pk>", views.film, "film-by-id", None),
    ("critics/<int:pk>-<slug:slug>", views.critic, "critic", None),
    ("critics/<int:pk>", views.critic, "critic-by-id", None),
    ("outlets/<int:pk>-<slug:slug>", views.outlet, "outlet", None),
    ("people/<int:pk>-<slug:slug>", views.person, "person", None),
    ("people/<int:pk>", views.person, "person-by-id", None),
    ("outlets/<int:pk>", views.outlet, "outlet-by-id", None),
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
    path("favicon.ico", views.favicon),
    path("api/v1/", api.urls),
    *desk.urlpatterns,
    *critics_desk.urlpatterns,
    *members.urlpatterns,
    *internal.urlpatterns,
]

from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("films.json", views.home, {"as_json": True}, name="home-json"),
    path("films/<int:film_id>-<slug:slug>", views.film, name="film"),
    path("films/<int:film_id>-<slug:slug>.json", views.film, {"as_json": True}, name="film-json"),
]

"""The editors' admin: every model's list, search and form, and the review list's filters,
in-process against a real SQLite file loaded with the demo data."""

from __future__ import annotations

import re

import pytest
from django.contrib import admin

from reception.catalog.models import Review
from reception.cli import DEMO_DATA
from reception.ingest import ingest
from reception.scores.compute import score

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor_client(tmp_path, client, django_user_model):
    ingest(DEMO_DATA, rejects_path=tmp_path / "r.tsv")
    score()
    client.force_login(django_user_model.objects.create_superuser("edna", "e@example.org", "pw"))
    return client


def _listed_ids(page) -> list[int]:
    """The reviews a list page shows, in its order (each row's checkbox holds the id)."""
    return [int(i) for i in re.findall(r'name="_selected_action" value="(\d+)"', page.content.decode())]


def test_admin_every_model_lists_searches_and_opens(editor_client):
    for model in admin.site._registry:
        url = f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
        assert editor_client.get(url).status_code == 200, url
        assert editor_client.get(url, {"q": "heart"}).status_code == 200, url
        stored = model.objects.order_by("pk").first()
        if stored is not None:
            assert editor_client.get(f"{url}{stored.pk}/change/").status_code == 200, url


def test_admin_review_list_newest_first_with_its_filters(editor_client):
    url = "/admin/catalog/review/"
    page = editor_client.get(url)
    newest = list(Review.objects.order_by("-id").values_list("id", flat=True))
    assert _listed_ids(page) == newest[:len(_listed_ids(page))] and len(_listed_ids(page)) > 10
    # Decades from the first review's to the last one's, and the undated.
    text = page.content.decode()
    for label in ("2020s", "2010s", "2000s", "1990s", "1980s", "undated"):
        assert label in text, label
    eighties = _listed_ids(editor_client.get(url, {"decade": "1980"}))
    assert sorted(eighties) == sorted(Review.objects.filter(published__year__range=(1980, 1989))
                                      .values_list("id", flat=True))
    assert {r.film.title for r in Review.objects.filter(id__in=eighties)} == {"One from the Heart"}
    undated = _listed_ids(editor_client.get(url, {"decade": "none"}))
    assert sorted(undated) == sorted(Review.objects.filter(published=None).values_list("id", flat=True))
    assumed = _listed_ids(editor_client.get(url, {"rating_flag": "scale-assumed"}))
    assert len(assumed) == 6 and set(Review.objects.filter(id__in=assumed).values_list("rating_flag", flat=True)) == {
        "scale-assumed"}
    read = _listed_ids(editor_client.get(url, {"rating_flag": "", "source": "jsonl"}))
    assert set(read) == set(Review.objects.filter(rating_flag="", source="jsonl").values_list("id", flat=True))
    assert _listed_ids(editor_client.get(url, {"source": "api"})) == []

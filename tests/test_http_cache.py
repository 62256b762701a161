"""HTTP caching for a reverse proxy or a CDN: validators from the data version, public
Cache-Control on visitors' pages, 304 to a conditional request (before any page is built),
private no-store wherever an editor, a critic or a write is concerned."""

from __future__ import annotations

import pytest

from reception.catalog.models import Film, Review
from reception.editing import override
from reception.scores.compute import score

PUBLIC = "public, max-age=60, stale-while-revalidate=600"


@pytest.fixture
def film(demo_data, db):
    score()
    return Film.objects.get(pk=demo_data["One from the Heart"])


def test_visitors_pages_twins_and_api_reads_carry_validators(client, film):
    for url in (f"/films/{film.slug}", f"/films/{film.slug}.json", f"/api/v1/films/{film.pk}", "/films", "/"):
        answer = client.get(url)
        assert answer.status_code == 200, url
        assert answer["Cache-Control"] == PUBLIC and answer["ETag"].startswith('"') and answer["Last-Modified"], url
        assert "Cookie" in answer["Vary"]


def test_a_conditional_request_is_answered_304_until_the_data_changes(client, film, django_assert_num_queries):
    url = f"/films/{film.slug}"
    first = client.get(url)
    etag, modified = first["ETag"], first["Last-Modified"]
    with django_assert_num_queries(1):  # the data version, and no page built
        again = client.get(url, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b"" and again["ETag"] == etag
    assert client.get(url, headers={"If-None-Match": f'"x", W/{etag}'}).status_code == 304
    assert client.get(url, headers={"If-Modified-Since": modified}).status_code == 304
    # An editor's change raises the data version: the old validators no longer match.
    override([Review.objects.filter(film=film).first()], "negative")
    changed = client.get(url, headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed["ETag"] != etag
    # If-None-Match decides alone: a stale tag with a recent date is still a full answer.
    assert client.get(url, headers={"If-None-Match": etag, "If-Modified-Since": changed["Last-Modified"]}
                      ).status_code == 200


def test_editors_critics_writes_and_signed_in_pages_are_never_stored(client, film, django_user_model):
    for url in ("/desk/", "/signin", "/critics/apply", "/submit", "/admin/login/", "/-/settings.json"):
        assert client.get(url)["Cache-Control"] == "private, no-store", url
    write = client.post("/api/v1/reviews/1/verdict", {"verdict": "positive"}, content_type="application/json")
    assert write.status_code == 401 and write["Cache-Control"] == "private, no-store"
    client.force_login(django_user_model.objects.create_superuser("edna", "e@example.org", None))
    page = client.get(f"/films/{film.slug}")
    assert page.status_code == 200 and page["Cache-Control"] == "private, no-store" and not page.has_header("ETag")
    # A signed-in editor's conditional request gets the page itself, never a shared 304.
    assert client.get(f"/films/{film.slug}", headers={"If-None-Match": "*"}).status_code == 200


def test_a_missing_page_is_not_given_validators(client, film):
    missing = client.get("/films/999999")
    assert missing.status_code == 404 and not missing.has_header("ETag")


def test_requests_with_credentials_and_odd_validators_get_the_page_itself(client, film):
    url = f"/api/v1/films/{film.pk}"
    token = client.get(url, headers={"Authorization": "Bearer rcp_anything"})
    assert token["Cache-Control"] == "private, no-store" and not token.has_header("ETag")
    assert client.get(f"/films/{film.slug}", headers={"If-None-Match": "*"}).status_code == 200
    assert client.get("/films/999999", headers={"If-None-Match": "*"}).status_code == 404
    future = "Fri, 01 Jan 2100 00:00:00 GMT"
    assert client.get(f"/films/{film.slug}", headers={"If-Modified-Since": future}).status_code == 200

"""Hostile input stays inert on every page; writes refuse strangers; CSRF and rate limits hold."""

from __future__ import annotations

import pytest
from django.test import Client

from reception.catalog.models import Critic, Film, Review
from reception.ingest import ingest
from reception.scores.compute import score
from reception.web.editors import make_editor

pytestmark = pytest.mark.django_db

SCRIPT = "<script>alert(1)</script>"
SQL = "'; DROP TABLE catalog_review; --"
LONG = "very " * 4000


@pytest.fixture
def hostile(tmp_path):
    path = tmp_path / "hostile.jsonl"
    rows = [
        f'{{"type": "review", "film": "{SCRIPT}", "year": 2001, "critic": "{SCRIPT}", "outlet": "O{SCRIPT}", '
        f'"quote": "{SCRIPT} {SQL}", "url": "javascript:alert(2)", "verdict": "positive", "date": "2001-01-01"}}',
        f'{{"type": "review", "film": "{SCRIPT}", "year": 2001, "critic": "Robert Tables", "outlet": "{SQL}", '
        f'"quote": "{LONG}", "rating": "{SCRIPT}", "verdict": "negative", "date": "2001-02-01"}}',
    ]
    path.write_text("\n".join(rows) + "\n")
    ingest(path, rejects_path=tmp_path / "r.tsv")
    score()
    return Film.objects.get()


def _pages(film):
    critic = Critic.objects.get(name=SCRIPT)
    return ["/", "/films", f"/films/{film.slug}", f"/critics/{critic.slug}", f"/outlets/{critic.reviews.get().outlet.slug}",
            "/search?q=script", f"/search?q={SQL}"]


def test_security_hostile_text_renders_inert_everywhere(client, hostile):
    assert Review.objects.count() == 2  # the SQL in the data was stored as text, not run
    for url in _pages(hostile):
        page = client.get(url)
        assert page.status_code == 200, url
        html = page.content.decode()
        assert SCRIPT not in html and "<script" not in html, url
        assert 'href="javascript:' not in html, url
    film_html = client.get(f"/films/{hostile.slug}").content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in film_html and LONG.strip() in film_html
    assert client.get(f"/films/{hostile.slug}.json").json()["title"] == SCRIPT


def test_security_search_is_not_sql(client, hostile):
    for query in (SQL, "' OR 1=1 --", "%", "_"):
        data = client.get("/search.json", {"q": query}).json()
        assert data["films"] == [] or all(query.strip("%_") in f["title"] for f in data["films"])
    assert Review.objects.count() == 2


def test_security_writes_refuse_anonymous_requests(client, hostile):
    review = Review.objects.first()
    for url, body in ((f"/api/v1/reviews/{review.pk}/verdict", {"verdict": "negative"}),
                      (f"/api/v1/films/{hostile.pk}/reviews", {"critic": "Anon", "quote": "spam"}),
                      (f"/api/v1/films/{hostile.pk}/consensus/approve", {})):
        refused = client.post(url, body, content_type="application/json")
        assert refused.status_code == 401 and refused.json()["ok"] is False, url
    bearer = client.post(f"/api/v1/reviews/{review.pk}/verdict", {"verdict": "negative"},
                         content_type="application/json", HTTP_AUTHORIZATION="Bearer rcp_not-a-token")
    assert bearer.status_code == 401
    desk = client.post(f"/desk/reviews/{review.pk}/verdict", {"verdict": "negative"})
    assert desk.status_code == 302 and "/admin/login/" in desk["Location"]
    assert Review.objects.get(pk=review.pk).verdict == review.verdict and Review.objects.count() == 2


def test_security_csrf_is_enforced_for_signed_in_editors(hostile):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(make_editor("eve", "pw-eve-editor-1"))
    review = Review.objects.get(critic__name=SCRIPT)
    assert browser.post(f"/desk/reviews/{review.pk}/verdict", {"verdict": "negative"}).status_code == 403
    api = browser.post(f"/api/v1/reviews/{review.pk}/verdict", {"verdict": "negative"}, content_type="application/json")
    assert api.status_code in (401, 403)
    assert Review.objects.get(pk=review.pk).verdict == "positive"
    # With the token the film page gives an editor, the same click works.
    page = browser.get(f"/films/{hostile.slug}").content.decode()
    assert 'name="csrfmiddlewaretoken"' in page
    token = browser.cookies["csrftoken"].value
    done = browser.post(f"/desk/reviews/{review.pk}/verdict", {"verdict": "negative", "csrfmiddlewaretoken": token})
    assert done.status_code == 302 and Review.objects.get(pk=review.pk).verdict == "negative"


def test_security_public_api_is_rate_limited(client, hostile):
    from reception.web.api import READ_RATE

    allowed = int(READ_RATE.split("/")[0])
    codes = [client.get("/api/v1/search", {"q": "x"}).status_code for _ in range(allowed + 1)]
    assert codes[:allowed] == [200] * allowed
    limited = client.get("/api/v1/search", {"q": "x"})
    assert limited.status_code == 429 and limited["Retry-After"]
    assert limited.json() == {"ok": False, "error": limited.json()["error"], "errors": [], "status": 429}
    assert client.get(f"/films/{hostile.slug}").status_code == 200  # pages are served from the cache

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
    # A real client (CSRF checked, as a browser or curl meets it) with no credentials at all is
    # told what it needs (401), not that a CSRF token it never had failed (403).
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    anonymous = strict.post(f"/api/v1/reviews/{review.pk}/verdict", {"verdict": "negative"},
                            content_type="application/json")
    assert anonymous.status_code == 401 and anonymous.json()["error"].startswith("an API token or a signed-in session")
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


# --- roles ----------------------------------------------------------------------------------

@pytest.fixture
def staff_outsider(django_user_model):
    """A staff account outside the editors group: it may sign in to the admin, but writes nothing."""
    user = django_user_model.objects.create_user("sam", "s@example.org", "sam-staff-password-7")
    user.is_staff = True
    user.save()
    return user


def test_security_only_editors_write_through_the_api_and_the_desk(client, hostile, staff_outsider, cli):
    from reception.web.models import ApiToken

    review = Review.objects.get(critic__name=SCRIPT)
    refused = cli("token", "sam", check=False)
    assert refused.returncode == 1 and "[E003]" in refused.stderr  # no token for a non-editor
    token = ApiToken.issue(staff_outsider)  # one issued before (say, while sam was an editor)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    assert client.post(f"/api/v1/reviews/{review.pk}/verdict", {"verdict": "negative"},
                       content_type="application/json", **auth).status_code == 401
    client.force_login(staff_outsider)
    assert client.post(f"/api/v1/reviews/{review.pk}/verdict", {"verdict": "negative"},
                       content_type="application/json").status_code == 401
    assert client.post(f"/desk/reviews/{review.pk}/verdict", {"verdict": "negative"}).status_code == 403
    assert client.get("/desk/").status_code == 403
    assert Review.objects.get(pk=review.pk).verdict == "positive"
    make_editor("sam")  # the same account, now an editor: the same token writes
    assert client.post(f"/api/v1/reviews/{review.pk}/verdict", {"verdict": "negative"},
                       content_type="application/json", **auth).status_code == 200


def test_security_tokens_expire_and_are_listed_and_revoked(client, hostile, cli):
    from django.utils import timezone

    from reception.web.models import ApiToken

    make_editor("eve", "pw-eve-editor-1")
    token = cli("token", "eve", "--label", "nightly import", "--days", "2").stdout.strip()
    review = Review.objects.get(critic__name=SCRIPT)

    def write() -> int:
        return client.post(f"/api/v1/reviews/{review.pk}/verdict", {"verdict": "negative"},
                           content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}").status_code

    assert write() == 200
    stored = ApiToken.objects.get(user__username="eve")
    assert 1.9 < (stored.expires_at - timezone.now()).total_seconds() / 86400 <= 2
    listed = cli("token", "eve", "--list").stdout
    assert listed.startswith(f"{stored.pk}\tnightly import\tissued ") and "expires " in listed
    ApiToken.objects.filter(pk=stored.pk).update(expires_at=timezone.now())
    assert write() == 401
    assert cli("token", "eve", "--revoke", stored.pk).stdout.strip() == f"token {stored.pk} of eve revoked"
    assert not ApiToken.objects.exists() and cli("token", "eve", "--revoke", stored.pk, check=False).returncode == 2


def test_security_passwords_meet_the_validators(cli):
    from click.testing import CliRunner
    from django.contrib.auth import get_user_model

    from reception.cli import main

    for password in ("a", "12345678", "password", "xavier-x"):
        done = CliRunner().invoke(main, ["editor", "xavier", "--password-stdin"], input=password + "\n")
        assert done.exit_code == 1 and "[E006] password refused" in done.stderr, (password, done.stderr)
    assert not get_user_model().objects.filter(username="xavier").exists()
    done = CliRunner().invoke(main, ["editor", "xavier", "--password-stdin"], input="a-long-and-rare-phrase\n")
    assert done.exit_code == 0


def test_security_sign_in_is_throttled_per_account_and_per_address(client, settings):
    settings.RECEPTION_SIGNIN_ATTEMPTS = 3
    make_editor("eve", "pw-eve-editor-1")

    def sign_in(username, password, address="10.0.0.1") -> bool:
        page = Client(REMOTE_ADDR=address).post("/admin/login/", {"username": username, "password": password})
        return page.status_code == 302

    assert sign_in("eve", "pw-eve-editor-1")
    for _ in range(3):
        assert not sign_in("eve", "wrong", address="10.0.0.2")
    # The account is held: the right password from anywhere fails until the window passes.
    assert not sign_in("eve", "pw-eve-editor-1", address="10.0.0.3")
    # And the address: three failures against other accounts hold it for every account.
    make_editor("ada", "pw-ada-editor-2")
    for name in ("x1", "x2", "x3"):
        assert not sign_in(name, "wrong", address="10.0.0.9")
    assert not sign_in("ada", "pw-ada-editor-2", address="10.0.0.9")
    assert sign_in("ada", "pw-ada-editor-2", address="10.0.0.8")


# --- abuse ----------------------------------------------------------------------------------

def test_security_forwarded_for_counts_only_through_a_trusted_proxy(hostile, settings):
    from reception.web.api import READ_RATE

    allowed = int(READ_RATE.split("/")[0])

    def spoofing(n: int, peer: str) -> int:
        return Client(REMOTE_ADDR=peer).get("/api/v1/search", {"q": "x"},
                                            HTTP_X_FORWARDED_FOR=f"192.0.2.{n % 250}").status_code

    # Straight from the client: a new X-Forwarded-For on each request changes nothing.
    assert [spoofing(n, "198.51.100.7") for n in range(allowed + 1)][-1] == 429
    # Through a trusted proxy, the address it forwards is the client's.
    settings.RECEPTION_TRUSTED_PROXIES = ["10.1.0.0/16"]
    assert all(spoofing(n, "10.1.2.3") == 200 for n in range(allowed + 1))


def test_security_search_and_writes_are_limited(client, hostile, settings):
    settings.RECEPTION_SEARCH_RATE = "3/m"
    settings.RECEPTION_WRITE_RATE = "2/m"
    assert [client.get("/search", {"q": f"x{n}"}).status_code for n in range(4)] == [200, 200, 200, 429]
    assert client.get("/search.json", {"q": "y"}).status_code == 429
    editor = Client()
    editor.force_login(make_editor("eve", "pw-eve-editor-1"))
    review = Review.objects.get(critic__name=SCRIPT)
    codes = [editor.post(f"/desk/reviews/{review.pk}/verdict", {"verdict": v}).status_code
             for v in ("negative", "positive", "negative")]
    assert codes == [302, 302, 429]


def test_security_the_page_cache_keys_on_what_a_page_reads_and_holds_to_its_bytes(client, hostile, settings):
    from django.core.cache import caches

    from reception.web.cache import PageMemory

    pages = caches["pages"]
    assert isinstance(pages, PageMemory)
    url = f"/films/{hostile.slug}"
    assert client.get(url)["X-Cache"] == "miss"
    for n in range(20):  # a film page reads no q: these are all one page
        assert client.get(url, {"q": f"junk {n}", "x": n})["X-Cache"] == "hit"
    assert client.get(url, {"sort": "oldest"})["X-Cache"] == "miss"  # it reads sort
    capped = PageMemory("capped-test", {"OPTIONS": {"MAX_BYTES": 50_000}})
    for n in range(100):
        capped.set(f"page{n}", b"x" * 2_000)
    assert capped._size[0] <= 50_000 and capped.get("page99") is not None and capped.get("page0") is None
    capped.clear()


def test_security_exports_and_rejects_hold_no_formula(client, hostile, tmp_path):
    import csv

    path = tmp_path / "formulas.csv"
    path.write_text("film,critic,outlet,quote,rating,verdict\n"
                    'Heat,=HYPERLINK("http://x"),@SUM(A1),+cmd|calc,-2/5,positive\n'
                    "=1+1,Ann,Daily,Fine,3/4,bogus\n", encoding="utf-8")
    ingest(path, rejects_path=tmp_path / "rejects.tsv")
    film = Film.objects.get(title="Heat")
    body = client.get(f"/api/v1/films/{film.pk}/reviews/export?format=csv").content.decode()
    cells = [cell for row in csv.reader(body.splitlines()[1:]) for cell in row]
    assert cells and not [cell for cell in cells if cell and cell[0] in "=+-@\t\r"], cells
    assert {"'=HYPERLINK(\"http://x\")", "'@SUM(A1)", "'+cmd|calc", "'-2/5"} <= set(cells)
    with open(tmp_path / "rejects.tsv", encoding="utf-8", newline="") as handle:
        rejected = [cell for row in csv.reader(handle, delimiter="\t") for cell in row]
    assert any(cell.startswith("'=1+1") for cell in rejected)
    assert not [cell for cell in rejected if cell and cell[0] in "=+-@"]


# --- deployment -----------------------------------------------------------------------------

def test_security_every_page_carries_a_strict_content_security_policy(client, hostile):
    for url in _pages(hostile) + ["/admin/login/", "/api/v1/docs"]:
        policy = client.get(url)["Content-Security-Policy"]
        assert "default-src 'self'" in policy and "unsafe-inline" not in policy and "frame-ancestors 'none'" in policy


def test_security_serve_refuses_the_development_key_beyond_this_machine(cli):
    done = cli("serve", "--host", "0.0.0.0", check=False)
    assert done.returncode == 1 and "[E005] serving on 0.0.0.0" in done.stderr

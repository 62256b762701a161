"""The fake outlet website (tests/outlet_site.py) behaves as the collector's tests assume: feeds
answer conditional requests, {{BASE}} is filled in, the awkward routes are awkward in the way
promised, every request is logged; and expected.json agrees with the pages it describes."""

from __future__ import annotations

import html
import json
import re
import urllib.error
import urllib.request
import urllib.robotparser
from email.utils import parsedate_to_datetime

import pytest

from .outlet_site import ROOT, OutletSite


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None  # a 3xx comes back as an HTTPError, to be looked at


# No proxies from the environment: the site is on 127.0.0.1 and nothing else may be reached.
OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}), _NoRedirect)


def fetch(url: str, method: str = "GET", headers: dict | None = None, limit: int | None = None):
    """(status, headers, body) for any status, redirects not followed; at most `limit` bytes read."""
    request = urllib.request.Request(url, method=method, headers=headers or {})
    try:
        response = OPENER.open(request, timeout=10)
    except urllib.error.HTTPError as error:
        response = error
    with response:
        return response.status, response.headers, response.read(limit) if limit else response.read()


@pytest.fixture(scope="module")
def site():
    with OutletSite() as running:
        yield running


@pytest.fixture(autouse=True)
def _fresh(site):
    site.clear()
    site.reset_flaky()
    site.slow_seconds = 0.05


def test_feed_answers_200_then_304(site):
    status, headers, body = fetch(site.url("/feeds/lantern.rss"))
    assert status == 200
    assert headers["Content-Type"] == "application/rss+xml"
    assert headers["Cache-Control"] == "max-age=600"
    assert headers["ETag"].startswith('"') and headers["ETag"].endswith('"')
    assert parsedate_to_datetime(headers["Last-Modified"]) == OutletSite.LAST_MODIFIED
    assert body.startswith(b"<?xml")

    status, again, body = fetch(site.url("/feeds/lantern.rss"), headers={"If-None-Match": headers["ETag"]})
    assert (status, body) == (304, b"")
    assert again["ETag"] == headers["ETag"]
    status, _, body = fetch(site.url("/feeds/lantern.rss"), headers={"If-Modified-Since": headers["Last-Modified"]})
    assert (status, body) == (304, b"")
    # An ETag that does not match decides alone, whatever the date says.
    status, _, _ = fetch(site.url("/feeds/lantern.rss"),
                         headers={"If-None-Match": '"stale"', "If-Modified-Since": headers["Last-Modified"]})
    assert status == 200
    status, _, _ = fetch(site.url("/feeds/lantern.rss"), headers={"If-Modified-Since": "Mon, 01 Jan 2024 00:00:00 GMT"})
    assert status == 200


def test_touch_feed_publishes_new_content(site):
    _, before, _ = fetch(site.url("/feeds/ledger.atom"))
    extra = (ROOT / "feeds" / "ledger.atom").read_bytes().replace(b"</feed>", b"<!-- new --></feed>")
    site.touch_feed("ledger.atom", extra)
    status, after, body = fetch(site.url("/feeds/ledger.atom"), headers={"If-None-Match": before["ETag"]})
    assert status == 200 and b"<!-- new -->" in body and b"{{BASE}}" not in body
    assert after["ETag"] != before["ETag"]
    assert parsedate_to_datetime(after["Last-Modified"]) > parsedate_to_datetime(before["Last-Modified"])
    status, _, _ = fetch(site.url("/feeds/ledger.atom"), headers={"If-Modified-Since": before["Last-Modified"]})
    assert status == 200
    status, _, _ = fetch(site.url("/feeds/ledger.atom"), headers={"If-None-Match": after["ETag"]})
    assert status == 304
    # Another site instance starts from the files again.
    with OutletSite() as other:
        assert fetch(other.url("/feeds/ledger.atom"))[1]["ETag"] != after["ETag"]


def test_base_is_filled_in(site):
    status, headers, body = fetch(site.url("/reviews/salt-meridian.html"))
    assert status == 200 and headers["Content-Type"] == "text/html; charset=utf-8"
    text = body.decode()
    assert "{{BASE}}" not in text
    assert f'<link rel="canonical" href="{site.base}/reviews/salt-meridian.html">' in text
    _, _, feed = fetch(site.url("/feeds/lantern.rss"))
    assert f"<link>{site.base}/reviews/quiet-harbour.html?utm_source=feed</link>".encode() in feed


def test_query_strings_serve_the_same_page(site):
    assert fetch(site.url("/reviews/quiet-harbour.html?utm_source=feed"))[2] == fetch(
        site.url("/reviews/quiet-harbour.html"))[2]


def test_redirects_are_not_followed_here(site):
    status, headers, _ = fetch(site.url("/loop/a"))
    assert (status, headers["Location"]) == (302, "/loop/b")
    status, headers, _ = fetch(site.url("/loop/b"))
    assert (status, headers["Location"]) == (302, "/loop/a")
    status, headers, _ = fetch(site.url("/moved/salt-meridian"))
    assert (status, headers["Location"]) == (301, site.url("/reviews/salt-meridian.html"))


def test_robots_txt_disallows_private(site):
    status, headers, body = fetch(site.url("/robots.txt"))
    assert status == 200 and headers["Content-Type"].startswith("text/plain")
    robots = urllib.robotparser.RobotFileParser()
    robots.parse(body.decode().splitlines())
    assert not robots.can_fetch("ReceptionBot", site.url("/private/hidden-review.html"))
    assert robots.can_fetch("ReceptionBot", site.url("/reviews/salt-meridian.html"))
    assert fetch(site.url("/private/hidden-review.html"))[0] == 200  # there, for an impolite client


def test_the_log_records_requests(site):
    fetch(site.url("/reviews/plain.html"), headers={"User-Agent": "ReceptionBot/1.0"})
    fetch(site.url("/reviews/thumbs.html?x=1"), method="HEAD")
    fetch(site.url("/no/such/page.html"))
    assert site.paths() == ["/reviews/plain.html", "/reviews/thumbs.html?x=1", "/no/such/page.html"]
    method, path, headers = site.requests[0]
    assert (method, path) == ("GET", "/reviews/plain.html")
    assert headers["user-agent"] == headers["User-Agent"] == "ReceptionBot/1.0"
    assert site.requests[1][0] == "HEAD"
    site.clear()
    assert site.paths() == []


def test_head_and_not_found(site):
    status, headers, body = fetch(site.url("/reviews/plain.html"), method="HEAD")
    assert status == 200 and body == b"" and int(headers["Content-Length"]) > 1000
    status, headers, body = fetch(site.url("/reviews/nope.html"))
    assert status == 404 and headers["Content-Type"] == "text/html; charset=utf-8" and b"Not found" in body
    assert fetch(site.url("/../outlet_site.py"))[0] == 404


def test_flaky_fails_then_serves(site):
    url = site.url("/flaky/reviews/salt-meridian.html")
    for _ in range(site.flaky_failures):
        status, headers, _ = fetch(url)
        assert (status, headers["Retry-After"]) == (503, "0")
    status, _, body = fetch(url)
    assert status == 200 and b"The Salt Meridian" in body


def test_slow_answers_late(site):
    site.slow_seconds = 0.2
    status, _, body = fetch(site.url("/slow/anything"))
    assert status == 200 and b"wait" in body
    site.slow_seconds = 2.0
    with pytest.raises((TimeoutError, urllib.error.URLError)):
        urllib.request.build_opener(urllib.request.ProxyHandler({})).open(site.url("/slow/again"), timeout=0.3)


def test_huge_pages(site):
    # No length: only the reader's own limit stops it; read a little and hang up.
    status, headers, body = fetch(site.url("/huge.html"), limit=256 * 1024)
    assert status == 200 and "Content-Length" not in headers and headers["Transfer-Encoding"] == "chunked"
    assert body.startswith(b"<!doctype html>") and len(body) == 256 * 1024
    status, headers, body = fetch(site.url("/huge-declared.html"), limit=1024)
    assert status == 200 and headers["Content-Length"] == "50000000"
    # The site still answers afterwards.
    assert fetch(site.url("/robots.txt"))[0] == 200


def _json_ld(page: str) -> list[dict]:
    return [json.loads(block) for block in re.findall(
        r'<script type="application/ld\+json"[^>]*>(.*?)</script>', page, re.DOTALL)]


def test_expected_json_agrees_with_the_pages():
    expected = json.loads((ROOT / "expected.json").read_text())
    pages = {k: v for k, v in expected.items() if k.startswith("/")}
    on_disk = {"/" + str(p.relative_to(ROOT)) for p in ROOT.rglob("*.html")}
    assert set(pages) == on_disk
    for path, want in pages.items():
        page = (ROOT / path.lstrip("/")).read_text()
        if "refused" in want:
            assert want["refused"] in {"not-a-film", "no-markup"}
            continue
        text = html.unescape(page)
        assert want["quote"] in text and want["film"]["title"] in text and want["critic"] in text, path
        assert f'<link rel="canonical" href="{{{{BASE}}}}{want["canonical"]}">' in page, path
        assert want["published"] in page, path
        assert ("ld+json" in page) == (want["kind"] == "json-ld"), path
        assert ("itemscope" in page) == (want["kind"] == "microdata"), path
        if want["kind"] == "json-ld":
            blocks = _json_ld(page)
            nodes = [n for b in blocks for n in b.get("@graph", [b])]
            review = next(n for n in nodes if "Review" in n["@type"])
            assert review["itemReviewed"]["name"] == want["film"]["title"]
            assert review["description"] == want["quote"]
    plain = (ROOT / "reviews" / "plain.html").read_text()
    assert not re.search(r"og:|itemscope|ld\+json|canonical", plain)
    for feed, links in expected["feeds"].items():
        items = re.findall(r"<(?:item|entry)>(.*?)</(?:item|entry)>", (ROOT / feed.lstrip("/")).read_text(), re.DOTALL)
        assert [re.search(r'(?:<link>|<link rel="alternate" type="text/html" href=")\{\{BASE}}([^<"]+)', item)[1]
                for item in items] == links

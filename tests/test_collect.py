"""`reception collect` and `reception feeds` against an outlet's site served on 127.0.0.1
(tests/outlet_site.py): the pages in the shapes outlets use, the feeds, and the ways fetching
fails. No test reaches any other address."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from reception.catalog.models import Credit, Film, Person, Review

from .outlet_site import ROOT, OutletSite

EXPECTED = json.loads((ROOT / "expected.json").read_text(encoding="utf-8"))
REVIEW_PAGES = [path for path, want in EXPECTED.items() if path.startswith("/") and "film" in want
                and path not in EXPECTED["disallowed"]]
REFUSED_PAGES = [path for path, want in EXPECTED.items() if path.startswith("/") and "refused" in want]


@pytest.fixture
def site():
    with OutletSite() as served:
        yield served


def collect(cli, *args):
    done = cli("collect", *args, "--no-verdicts", "--json", check=False)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    return json.loads(done.stdout)


def outcome_of(report, url):
    found = [o for o in report["outcomes"] if o["url"] == url]
    assert len(found) == 1, (url, report["outcomes"])
    return found[0]


def test_collect_reads_each_kind_of_page_and_again_adds_nothing(cli, site, collector):
    urls = [site.url(path) for path in [*REVIEW_PAGES, *REFUSED_PAGES]]
    report = collect(cli, *urls)
    assert report["added"] == len(REVIEW_PAGES) == 7, report["outcomes"]
    assert report["refused"] == len(REFUSED_PAGES) and report["failed"] == 0 and report["held"] == 0
    for path in REFUSED_PAGES:
        reason = outcome_of(report, site.url(path))["reason"]
        assert {"no-markup": "no review markup", "not-a-film": "not a film"}[EXPECTED[path]["refused"]] in reason
    assert "reviews a book, not a film" in outcome_of(report, site.url("/reviews/book-review.html"))["reason"]

    for path in REVIEW_PAGES:
        want = EXPECTED[path]
        review = Review.objects.select_related("film", "critic", "outlet").get(url=site.url(want["canonical"]))
        assert (review.source, review.source_key) == ("web", site.url(want["canonical"]))
        assert review.film.title == want["film"]["title"]
        if want["film"]["year"]:
            assert review.film.year == want["film"]["year"]
        if want["film"]["director"]:
            assert Credit.objects.filter(film=review.film, role="director", person__name=want["film"]["director"]).exists()
        assert review.critic.name == want["critic"] and review.outlet.name == want["outlet"]
        assert str(review.published) == want["published"]
        assert review.rating_raw == want["rating_raw"] and review.quote == want["quote"], path
        assert len(review.quote) <= 300
    # The ratings went through the rating table: "3.5/5" is 70, "7/10" 70, "B+" 83.
    assert {r.rating_raw: r.rating for r in Review.objects.exclude(rating_raw="")} == {
        "3.5/5": 70.0, "7/10": 70.0, "4/5": 80.0, "B+": pytest.approx(83.33, abs=0.01), "2.5/4": 62.5}

    again = collect(cli, *urls)
    assert again["added"] == 0 and again["updated"] == 0 and again["unchanged"] == 7
    assert Review.objects.count() == 7


def test_disallowed_page_is_never_requested_and_requests_name_us(cli, site, collector):
    report = collect(cli, site.url("/private/hidden-review.html"), site.url("/reviews/salt-meridian.html"))
    assert outcome_of(report, site.url("/private/hidden-review.html"))["result"] == "refused"
    assert "robots.txt" in outcome_of(report, site.url("/private/hidden-review.html"))["reason"]
    assert "/private/hidden-review.html" not in site.paths()
    assert site.paths().count("/robots.txt") == 1
    agents = {headers.get("user-agent") for _, _, headers in site.requests}
    from reception import __version__

    assert agents == {f"Reception/{__version__} (film review aggregator; +mailto:desk@example.org)"}


def test_a_tracking_query_and_a_redirect_reach_the_same_review(cli, site, collector):
    first = collect(cli, site.url("/reviews/quiet-harbour.html?utm_source=feed"))
    assert first["added"] == 1
    assert Review.objects.get().url == site.url("/reviews/quiet-harbour.html")
    assert collect(cli, site.url("/reviews/quiet-harbour.html"))["unchanged"] == 1
    moved = collect(cli, site.url("/moved/salt-meridian"))
    assert moved["added"] == 1 and Review.objects.filter(url=site.url("/reviews/salt-meridian.html")).exists()


def test_every_failure_is_reported_with_its_reason(cli, site, collector, settings):
    settings.RECEPTION_COLLECT_TIMEOUT = 0.5
    settings.RECEPTION_COLLECT_RETRIES = 0
    site.slow_seconds = 3
    cases = {
        "/missing.html": "HTTP 404",
        "/slow/review.html": "0.5 s",
        "/loop/a": "redirects",
        "/huge.html": "over the limit of 2,000,000 bytes",
        "/huge-declared.html": "50,000,000 bytes",
        "/feeds/lantern.rss": "not an HTML page",
    }
    report = collect(cli, *(site.url(path) for path in cases))
    for path, reason in cases.items():
        outcome = outcome_of(report, site.url(path))
        assert outcome["result"] in ("failed", "refused") and reason in outcome["reason"], (path, outcome)
    assert report["added"] == 0 and Review.objects.count() == 0
    done = cli("collect", site.url("/missing.html"), "--no-verdicts", check=False)
    assert done.returncode == 0 and "failed" in done.stderr and "HTTP 404" in done.stderr
    assert "Traceback" not in done.stderr


def test_a_passing_failure_is_tried_again(cli, site, collector):
    report = collect(cli, site.url("/flaky/reviews/salt-meridian.html"))
    assert report["added"] == 1
    assert site.paths().count("/flaky/reviews/salt-meridian.html") == 3  # two 503s, then the page


def test_private_addresses_are_refused_unless_allowed(cli, site, collector, settings):
    settings.RECEPTION_COLLECT_ALLOW_PRIVATE = False
    report = collect(cli, site.url("/reviews/salt-meridian.html"), "file:///etc/passwd",
                     "http://169.254.169.254/latest/meta-data/", "http://10.1.2.3/review")
    reasons = [o["reason"] for o in report["outcomes"]]
    assert all(o["result"] == "refused" for o in report["outcomes"])
    assert "loopback" in reasons[0] and "RECEPTION_COLLECT_ALLOW_PRIVATE" in reasons[0]
    assert "only http and https" in reasons[1]
    assert "link-local" in reasons[2] and "private" in reasons[3]
    assert site.requests == []  # not even robots.txt


def test_the_director_tells_films_of_one_title_apart(cli, site, collector):
    older = Film.objects.create(title="The Long Winter", title_key="long winter", year=1979)
    newer = Film.objects.create(title="The Long Winter", title_key="long winter", year=2022)
    url = site.url("/reviews/remake.html")
    # Neither credits a director: the title names two films, so an editor names it.
    report = collect(cli, url)
    assert report["held"] == 1 and "matches 2 films" in outcome_of(report, url)["reason"]
    from reception.collect.models import HeldPage

    held = HeldPage.objects.get()
    assert sorted(held.candidates) == sorted([older.pk, newer.pk]) and Review.objects.count() == 0

    reyes = Person.objects.create(name="Tomas Reyes")
    Credit.objects.create(film=newer, person=reyes, role="director")
    report = collect(cli, url)
    assert report["added"] == 1 and Review.objects.get().film == newer
    assert HeldPage.objects.get().settled_at is not None  # placed: no longer waiting


def test_a_film_named_only_in_a_headline_must_be_in_the_catalogue(cli, site, collector):
    og_only = site.url("/reviews/glass-orchard.html")
    report = collect(cli, og_only)
    assert report["held"] == 1 and "only in a headline" in outcome_of(report, og_only)["reason"]
    assert not Film.objects.exists()
    collect(cli, site.url("/reviews/glass-orchard-jsonld.html"))
    report = collect(cli, og_only)
    assert report["added"] == 1
    assert set(Review.objects.values_list("film__title", flat=True)) == {"Glass Orchard"}


def test_an_editor_places_a_held_page(cli, site, collector):
    from reception import editing
    from reception.collect.models import HeldPage

    first = Film.objects.create(title="The Long Winter", title_key="long winter", year=1979)
    Film.objects.create(title="The Long Winter", title_key="long winter", year=2022)
    collect(cli, site.url("/reviews/remake.html"))
    outcome = editing.place_held(HeldPage.objects.get(), first.pk)
    review = Review.objects.get()
    assert outcome.result == "added" and review.film == first and review.critic.name == "Oskar Lindgren"
    assert review.rating == 62.5 and review.verdict == "positive"  # decided by its rating, 2.5/4
    assert collect(cli, site.url("/reviews/remake.html"))["unchanged"] == 1  # found again, not held again


def test_a_changed_page_updates_its_review(cli, site, collector, tmp_path):
    import shutil

    root = tmp_path / "site"
    shutil.copytree(ROOT, root)
    with OutletSite(root) as changing:
        url = changing.url("/reviews/salt-meridian.html")
        assert collect(cli, url)["added"] == 1
        page = root / "reviews" / "salt-meridian.html"
        page.write_text(page.read_text(encoding="utf-8").replace('"ratingValue":"3.5"', '"ratingValue":"4"'),
                        encoding="utf-8")
        report = collect(cli, url)
    assert report["updated"] == 1
    review = Review.objects.get()
    assert review.rating_raw == "4/5" and review.rating == 80.0


def test_collected_reviews_get_verdicts_and_figures(cli, site, collector):
    urls = [site.url(path) for path in REVIEW_PAGES]
    done = cli("collect", *urls)
    assert "7 reviews added" in done.stdout
    assert not Review.objects.filter(verdict="").exists()
    thumbs = Review.objects.get(url=site.url("/reviews/thumbs.html"))
    assert thumbs.decided_by == "model" and thumbs.verdict == "positive"
    assert Film.objects.get(title="The Salt Meridian").score.reviews == 1


# feeds ---------------------------------------------------------------------------------------

def test_feeds_are_read_when_due_and_honour_their_cache(cli, site, collector):
    from reception.collect.models import Feed

    feed_url = site.url("/feeds/lantern.rss")
    assert "subscribed to" in cli("feeds", "add", feed_url, "--outlet", "The Lantern Review").stdout
    assert "already subscribed" in cli("feeds", "add", feed_url).stdout
    assert feed_url in cli("feeds", "list").stdout

    first = collect(cli, "--due")
    assert first["feeds"] == [{"url": feed_url, "result": "3 items, 3 new", "new": 3}]
    assert first["added"] == 2 and first["refused"] == 1  # the third item is disallowed by robots.txt
    assert "/private/hidden-review.html" not in site.paths()
    assert set(Review.objects.values_list("outlet__name", flat=True)) == {"The Lantern Review"}

    # Within the feed's lifetime (max-age=600): not asked at all.
    site.clear()
    second = collect(cli, "--due")
    assert second["feeds"] == [] and second["added"] == 0 and site.paths() == []

    # Past it: asked with its validators, answered 304, and no page fetched.
    Feed.objects.update(due_at=dt.datetime(2000, 1, 1, tzinfo=dt.timezone.utc))
    third = collect(cli, "--due")
    assert third["feeds"][0]["result"] == "unchanged (304)" and third["added"] == 0
    assert [p for p in site.paths() if p != "/robots.txt"] == ["/feeds/lantern.rss"]
    assert [h.get("if-none-match") for _, path, h in site.requests if path == "/feeds/lantern.rss"][0]

    # A new item: only its page is fetched.
    rss = (ROOT / "feeds" / "lantern.rss").read_text(encoding="utf-8")
    item = ("<item><title>Glass Orchard</title><link>{{BASE}}/reviews/glass-orchard-jsonld.html</link>"
            "<guid>{{BASE}}/reviews/glass-orchard-jsonld.html</guid></item>")
    site.touch_feed("lantern.rss", rss.replace("<item>", item + "<item>", 1))
    Feed.objects.update(due_at=dt.datetime(2000, 1, 1, tzinfo=dt.timezone.utc))
    site.clear()
    fourth = collect(cli, "--due")
    assert fourth["feeds"][0]["new"] == 1 and fourth["added"] == 1
    assert [p for p in site.paths() if p != "/robots.txt"] == ["/feeds/lantern.rss", "/reviews/glass-orchard-jsonld.html"]
    assert Review.objects.count() == 3


def test_an_atom_feed_and_a_feed_url_refused(cli, site, collector):
    cli("feeds", "add", site.url("/feeds/ledger.atom"))
    report = collect(cli, "--due")
    assert report["added"] == 2
    assert set(Review.objects.values_list("outlet__name", flat=True)) == {"The Cobalt Ledger"}
    done = cli("feeds", "add", "ftp://example.org/feed.xml", check=False)
    assert done.returncode == 1 and "E140" in done.stderr and "only http and https" in done.stderr
    done = cli("collect", check=False)
    assert done.returncode == 1 and "E141" in done.stderr
    assert "unsubscribed" in cli("feeds", "remove", site.url("/feeds/ledger.atom")).stdout
    assert "no feeds" in cli("feeds", "list").stdout and Review.objects.count() == 2  # the reviews stay


# the fetcher's turns -------------------------------------------------------------------------

def test_one_host_s_requests_start_apart():
    from reception.collect.fetch import _Host

    now = [100.0]
    slept = []

    def sleep(seconds):
        slept.append(round(seconds, 3))
        now[0] += seconds

    host = _Host(concurrency=2)
    host.interval = 1.5
    for _ in range(3):
        with host.turn(lambda: now[0], sleep):
            pass
    assert slept == [1.5, 1.5]


def test_collect_and_feeds_on_each_database(reception, site, collector):
    """The same collection through `reception` on SQLite and on PostgreSQL (processes of their own)."""
    urls = [site.url(path) for path in REVIEW_PAGES]
    first = json.loads(reception("collect", *urls, "--no-verdicts", "--json").stdout)
    assert first["added"] == 7
    again = json.loads(reception("collect", *urls, "--no-verdicts", "--json").stdout)
    assert again["unchanged"] == 7 and again["added"] == 0
    reception("feeds", "add", site.url("/feeds/ledger.atom"), "--outlet", "The Cobalt Ledger")
    due = json.loads(reception("collect", "--due", "--json").stdout)
    assert due["feeds"][0]["new"] == 2 and due["unchanged"] == 2  # both pages were collected above
    assert reception.sql("SELECT count(*) FROM catalog_review WHERE source = 'web'") == [(7,)]
    assert reception.sql("SELECT count(*) FROM collect_feeditem WHERE done") == [(2,)]


def test_one_host_gets_its_concurrency_limit(site, collector, settings):
    """Three slow pages on one host, one request at a time: they take three times as long."""
    import time

    from reception.collect import fetch_pages
    from reception.collect.fetch import Fetcher

    settings.RECEPTION_COLLECT_HOST_CONCURRENCY = 1
    site.slow_seconds = 0.4
    with Fetcher() as fetcher:
        fetcher.get(site.url("/robots.txt"))  # read once, before the clock starts
        began = time.monotonic()
        reads = fetch_pages([site.url(f"/slow/{n}.html") for n in range(3)], fetcher)
        took = time.monotonic() - began
    assert [read.result for read in reads] == ["refused"] * 3  # small pages with no review on them
    assert took >= 3 * 0.4


# reading a page ------------------------------------------------------------------------------

def _page(body: str, head: str = "") -> str:
    return f"<!doctype html><html><head><title>t</title>{head}</head><body>{body}</body></html>"


def _ld(data) -> str:
    return f'<script type="application/ld+json">{json.dumps(data)}</script>'


MOVIE = {"@type": "Movie", "name": "Night Ferry", "dateCreated": "2011", "director": "Ada Brun"}


def test_read_page_forms_outlets_use():
    from reception.collect.page import read_page

    # A Movie carrying its review; a rating whose scale starts at -5 is kept whole, to be flagged.
    [review] = read_page(_page(_ld({"@context": "https://schema.org", **MOVIE, "review": {
        "@type": "Review", "author": [{"@type": "Organization", "name": "Staff"}, {"@type": "Person", "name": "Al Ode"}],
        "reviewRating": {"ratingValue": 3, "bestRating": 5, "worstRating": -5}, "description": "Brisk."}})),
        "https://news.example.org/film/night-ferry?utm_source=x&id=4#top")
    assert (review.film_title, review.film_year, review.directors) == ("Night Ferry", 2011, ["Ada Brun"])
    assert review.critic == "Al Ode" and review.rating_raw == "3 on a scale of -5 to 5"
    assert review.url == "https://news.example.org/film/night-ferry?id=4"  # tracking and fragment dropped

    # A round-up: two films' reviews on one page, each its own key.
    other = {**MOVIE, "name": "Low Sun", "director": {"@type": "Person", "name": "Cy Vale"}}
    reviews = read_page(_page(_ld([{"@type": "Review", "itemReviewed": MOVIE, "reviewBody": "A. " * 400},
                                   {"@type": "Review", "itemReviewed": other, "description": "Warm."}])),
                        "https://example.org/roundup")
    assert [r.url for r in reviews] == ["https://example.org/roundup#night-ferry", "https://example.org/roundup#low-sun"]
    assert len(reviews[0].quote) <= 300  # a passage of the body, never all of it

    # Another site's canonical link is not believed: the page keeps its own address.
    [review] = read_page(_page(_ld({"@type": "Review", "itemReviewed": MOVIE}),
                               '<link rel="canonical" href="https://rival.example.com/their-review">'),
                         "https://example.org/our-review")
    assert review.url == "https://example.org/our-review"


def test_headlines_read_and_not_read():
    from reception.collect.page import film_from_headline

    assert film_from_headline("‘Glass Orchard’ review: patient and luminous") == ("Glass Orchard", None)
    assert film_from_headline("Review: Night Ferry (2011) | The Ledger", "The Ledger") == ("Night Ferry", 2011)
    assert film_from_headline("Night Ferry (2011) review") == ("Night Ferry", 2011)
    assert film_from_headline("The ten best films of the year") == ("", None)
    assert film_from_headline("Why critics got it wrong") == ("", None)


def test_read_page_follows_references_and_tells_critics_from_visitors():
    from reception.collect.page import Unreadable, read_page

    # A Yoast @graph: author, publisher and the director given by @id.
    graph = {"@context": "https://schema.org", "@graph": [
        {"@type": "Person", "@id": "#ada", "name": "Ada Quill"},
        {"@type": "Person", "@id": "#dir", "name": "Cy Vale"},
        {"@type": "Organization", "@id": "#org", "name": "The Ledger"},
        {"@type": "Movie", "@id": "#film", "name": "Low Sun", "dateCreated": "2019", "director": {"@id": "#dir"}},
        {"@type": "Review", "itemReviewed": {"@id": "#film"}, "author": {"@id": "#ada"},
         "publisher": {"@id": "#org"}, "reviewRating": {"ratingValue": "4.5", "bestRating": "5", "worstRating": "0.5"}}]}
    [review] = read_page(_page(_ld(graph)), "https://example.org/low-sun")
    assert (review.critic, review.outlet, review.directors) == ("Ada Quill", "The Ledger", ["Cy Vale"])
    assert review.rating_raw == "4.5/5"  # a half-star scale starts at 0.5

    # Two critics on one film: two reviews, two keys.
    second = [{"@type": "Review", "itemReviewed": MOVIE, "author": name, "description": "x"}
              for name in ("Lou Vance", "Pia Stone")]
    assert [r.url for r in read_page(_page(_ld(second)), "https://example.org/two")] == [
        "https://example.org/two#night-ferry-lou-vance", "https://example.org/two#night-ferry-pia-stone"]

    # Visitors' reviews are no critic's.
    visitors = {**MOVIE, "review": [{"@type": "UserReview", "author": "moviefan99", "reviewBody": "meh"}]}
    with pytest.raises(Unreadable, match="visitors'"):
        read_page(_page(_ld(visitors)), "https://example.org/film")

    # An XHTML page with its XML declaration; an Open Graph page whose article:author is a URL.
    xhtml = '<?xml version="1.0" encoding="utf-8"?>\n' + _page(_ld({"@type": "Review", "itemReviewed": MOVIE}))
    assert read_page(xhtml, "https://example.org/x")[0].film_title == "Night Ferry"
    og = _page("<p>Words.</p>", '<meta property="og:title" content="Night Ferry (2011) – Review">'
                                '<meta property="article:author" content="https://facebook.com/ada">'
                                '<meta name="author" content="Ada Quill">')
    [review] = read_page(og, "https://example.org/og")
    assert (review.film_title, review.film_year, review.critic, review.headline_only) == ("Night Ferry", 2011,
                                                                                         "Ada Quill", True)


def test_a_page_that_moves_to_a_canonical_address_and_changes_is_revised(cli, site, collector, tmp_path):
    import shutil

    root = tmp_path / "site"
    shutil.copytree(ROOT, root)
    page = root / "reviews" / "remake.html"
    text = page.read_text(encoding="utf-8")
    page.write_text(text.replace('<link rel="canonical" href="{{BASE}}/reviews/remake.html">', ""), encoding="utf-8")
    with OutletSite(root) as moving:
        url = moving.url("/reviews/remake.html?id=7")
        assert collect(cli, url)["added"] == 1
        assert Review.objects.get().url == url
        page.write_text(text.replace("2.5", "3"), encoding="utf-8")  # a canonical link now, and a new rating
        report = collect(cli, url)
        canonical = moving.url("/reviews/remake.html")
    assert report["updated"] == 1 and report["added"] == 0
    review = Review.objects.get()
    assert review.url == canonical and review.rating_raw == "3/4"


def test_an_unreachable_site_is_tried_again_and_a_missing_page_is_not(cli, site, collector, settings, tmp_path):
    from reception.collect.models import FeedItem

    settings.RECEPTION_COLLECT_RETRIES = 0
    feed = ('<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>'
            '<item><link>http://127.0.0.1:1/review</link></item>'
            '<item><link>{{BASE}}/reviews/gone.html</link></item></channel></rss>')
    site.touch_feed("mixed.rss", feed)
    cli("feeds", "add", site.url("/feeds/mixed.rss"))
    report = collect(cli, "--due")
    down = outcome_of(report, "http://127.0.0.1:1/review")
    assert down["result"] == "failed" and "robots.txt could not be read" in down["reason"]
    items = {item.link: item for item in FeedItem.objects.all()}
    assert not items["http://127.0.0.1:1/review"].done  # tried again at the next due run
    assert items[site.url("/reviews/gone.html")].done  # a 404 is final

"""The demo site in a real browser (Debian's chromium driven by Playwright), served by
`reception serve` exactly as a user runs it."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from .conftest import ROOT, cli_env, run_cli

ARTIFACTS = Path(os.environ.get("RECEPTION_TEST_ARTIFACTS", ROOT / "test-artifacts"))
PASSWORD = "an-editor-password-for-tests"


def _chromium() -> str:
    found = os.environ.get("RECEPTION_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    if not found:
        reason = "no chromium found (apt install chromium, or set RECEPTION_CHROMIUM)"
        if os.environ.get("RECEPTION_REQUIRE_BROWSER") == "1":
            pytest.fail(reason)
        pytest.skip(reason)
    return found


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def served(tmp_path):
    db = f"sqlite:///{tmp_path / 'demo.db'}"
    run_cli("demo", "--no-serve", db=db, cwd=tmp_path)
    run_cli("editor", "edna", "--password-stdin", db=db, input=PASSWORD + "\n", cwd=tmp_path)
    port = _free_port()
    log = tmp_path / "serve.log"
    with open(log, "wb") as out:
        server = subprocess.Popen(
            [sys.executable, "-m", "reception.cli", "serve", "--port", str(port), "--no-access-log"],
            env=cli_env(db) | {"RECEPTION_STATIC_ROOT": str(tmp_path / "static")}, cwd=tmp_path,
            stdout=out, stderr=subprocess.STDOUT,
        )
    deadline = time.monotonic() + 60
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            if server.poll() is not None or time.monotonic() > deadline:
                server.kill()
                raise AssertionError("reception serve did not start:\n" + log.read_text())
            time.sleep(0.2)
    yield f"http://127.0.0.1:{port}"
    server.terminate()
    server.wait(timeout=10)


def test_browser_search_filter_sign_in_and_override(served):
    from playwright.sync_api import expect, sync_playwright

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=_chromium(), headless=True)
        page = browser.new_page(viewport={"width": 1200, "height": 900})
        refused = []  # what the Content-Security-Policy blocked, as the browser reports it
        page.on("console", lambda message: refused.append(message.text) if "Content Security Policy" in message.text
                else None)
        page.goto(served + "/")
        expect(page.get_by_role("heading", name="Best reviewed")).to_be_visible()
        page.screenshot(path=str(ARTIFACTS / "home.png"), full_page=True)

        page.get_by_label("Search films, people, critics").fill("One from the Heart")
        page.get_by_role("button", name="Search").click()
        page.get_by_role("link", name="One from the Heart").first.click()
        expect(page.get_by_role("heading", level=1)).to_have_text("One from the Heart (1982)")
        film_url = page.url
        # The figures and the consensus, with its citations linking to reviews on the page.
        expect(page.locator('[data-figure="positive"]')).to_have_text("2 positive")
        expect(page.locator('[data-figure="negative"]')).to_have_text("2 negative")
        expect(page.locator(".consensus")).to_contain_text("visually arresting")
        cite = page.locator(".consensus a.cite").first
        assert page.locator(cite.get_attribute("href")).count() == 1
        expect(page.locator("svg.over-time")).to_be_visible()
        # Reception over time: the sentence (counts only: too few reviews for a %), the time axis
        # with the preview and the 2024 restoration on it, Siskel's 1986 look back counted later.
        story = page.locator(".story")
        expect(story).to_have_text("On release: 0 of 1 positive, 1982. Since: 1 of 1, 1986. "
                                   "Too few reviews on release and since for a percentage (5 needed).")
        expect(page.locator("svg.timeline")).to_be_visible()
        expect(page.locator("svg.timeline path.event")).to_have_count(3)
        page.locator("#over-time").screenshot(path=str(ARTIFACTS / "film-over-time.png"))
        page.screenshot(path=str(ARTIFACTS / "film.png"), full_page=True)

        page.get_by_role("link", name="Top critics").click()
        expect(page.locator("tr.review")).to_have_count(3)
        expect(page.locator("tr.review", has_text="Warren Clements")).to_have_count(0)

        page.goto(served + "/admin/login/?next=" + film_url.removeprefix(served))
        page.get_by_label("Username").fill("edna")
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Log in").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("One from the Heart (1982)")
        maslin = page.locator("tr.review", has_text="Janet Maslin")
        expect(maslin.locator(".verdict")).to_have_text("negative")
        maslin.get_by_role("button", name="Mark positive").click()
        expect(page.locator(".messages")).to_contain_text("marked positive by edna")
        expect(page.locator('[data-figure="positive"]')).to_have_text("3 positive")
        expect(page.locator("tr.review", has_text="Janet Maslin").locator(".verdict")).to_have_text("positive")
        page.screenshot(path=str(ARTIFACTS / "film-after-override.png"), full_page=True)

        # A visitor (no session) sees the new figure too: the cached page was dropped.
        visitor = browser.new_context().new_page()
        visitor.goto(film_url)
        expect(visitor.locator('[data-figure="positive"]')).to_have_text("3 positive")

        # The admin's scripts and the API's docs (Swagger UI) run under the site's policy.
        page.goto(served + "/admin/catalog/review/")
        page.locator("#action-toggle").check()
        expect(page.locator(".action-counter")).to_contain_text("selected")
        page.goto(served + "/api/v1/docs")
        expect(page.locator("#swagger-ui .info")).to_contain_text("Reception API")
        assert refused == [], refused
        browser.close()


def _long_reviewed_film(path: Path) -> None:
    """One film with 300 reviews of our own writing: what critics say of its acting, visuals
    and story, spread over six pages of its review list."""
    praise = ["The performances are superb and the cast is wonderful.", "Gorgeous cinematography and stunning visuals.",
              "A clever script with a gripping story.", "The acting is terrific throughout."]
    fault = ["The plot is muddled and the story is dull.", "A tedious script, and the pacing is sluggish."]
    rows = ["film,year,critic,outlet,date,quote,url,rating,verdict,top_critic"]
    for i in range(300):
        good = i % 3 != 2
        quote = (praise if good else fault)[i % (4 if good else 2)]
        rows.append(f"Long Reviewed,2019,Critic {i},Outlet {i % 40},2019-{1 + i % 12:02d}-{1 + i % 28:02d},"
                    f"\"{quote}\",,{'4/5' if good else '2/5'},,{'true' if i % 10 == 0 else 'false'}")
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")


def test_browser_every_citation_opens_its_review_on_a_300_review_film(served, tmp_path):
    from playwright.sync_api import expect, sync_playwright

    db = f"sqlite:///{tmp_path / 'demo.db'}"
    _long_reviewed_film(tmp_path / "long.csv")
    run_cli("ingest", tmp_path / "long.csv", db=db, cwd=tmp_path)
    run_cli("consensus", "Long Reviewed", db=db, cwd=tmp_path)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=_chromium(), headless=True)
        page = browser.new_page(viewport={"width": 390, "height": 844})  # a phone
        page.goto(served + "/search?q=Long+Reviewed")
        page.get_by_role("link", name="Long Reviewed").first.click()
        film_url = page.url.split("?")[0].split("#")[0]
        expect(page.locator(".listing-count")).to_contain_text("300 reviews, page 1 of 6")
        marks = page.locator(".consensus a.cite")
        numbers = [int(text.strip("[]")) for text in marks.all_inner_texts()]
        assert numbers and sorted(set(numbers)) == list(range(1, max(numbers) + 1))  # [1], [2] … per film
        targets = {}
        for n in sorted(set(numbers)):
            page.goto(film_url)
            page.locator(".consensus a.cite", has_text=f"[{n}]").first.click()
            cited = page.locator(f"#cite-{n}")
            expect(cited).to_be_in_viewport()
            targets[n] = cited.locator("a.to-review").get_attribute("href")
        pages = set()
        for n, href in targets.items():
            review_id = href.rsplit("#review-", 1)[1]
            pages.add(href.split("page=")[1].split("#")[0])
            page.goto(served + href)
            row = page.locator(f"#review-{review_id}")
            expect(row).to_be_in_viewport()
            critic = page.locator(f"#cite-{n}").inner_text().split(":")[0]
            expect(row).to_contain_text(critic.split(" ", 1)[1].split(",")[0])
        assert len(pages) > 1, "the cited reviews lie on several pages of the list"
        page.screenshot(path=str(ARTIFACTS / "film-citations-phone.png"), full_page=False)
        browser.close()


def _seed_film(p, served: str):
    """A desktop browser on the seed film's page, found by search: (browser, page, its path)."""
    browser = p.chromium.launch(executable_path=_chromium(), headless=True)
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(served + "/search?q=One+from+the+Heart")
    page.get_by_role("link", name="One from the Heart").first.click()
    return browser, page, page.url.removeprefix(served)


def test_browser_pages_fit_a_phone_and_a_desktop_and_browse_works(served):
    """No page scrolls sideways at 360, 390 or 1280 px; the film list sorts and filters; an
    id-only address redirects to the page; a wrong address gets the site's 404 with a search."""
    from playwright.sync_api import expect, sync_playwright

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser, page, film = _seed_film(p, served)
        page.get_by_role("link", name="Gene Siskel").first.click()
        critic = page.url.removeprefix(served)
        urls = {"home": "/", "film": film, "critic": critic, "search": "/search?q=heart",
                "films": "/films?sort=score", "year": "/years/1982", "reappraised": "/reappraised",
                "missing": "/no/such/page", "apply": "/critics/apply", "signin": "/signin"}
        for width in (360, 390, 1280):
            page.set_viewport_size({"width": width, "height": 900})
            for name, url in urls.items():
                page.goto(served + url)
                wide = page.evaluate("document.documentElement.scrollWidth")
                assert wide <= width, f"{name} at {width} px is {wide} px wide"
                if width in (390, 1280) and name in ("home", "film", "critic", "search", "films"):
                    page.screenshot(path=str(ARTIFACTS / f"{name}-{width}.png"), full_page=True)
        page.set_viewport_size({"width": 1280, "height": 900})
        # Browse: sorted by score, each row with its % and badge in words.
        page.goto(served + "/films")
        page.get_by_label("Sort").select_option("score")
        page.get_by_label("Badge").select_option("fresh")
        page.get_by_role("button", name="Show").click()
        rows = page.locator("ol.browse-list li")
        expect(rows.first.locator(".pct")).to_be_visible()
        percents = [int(t.rstrip("%")) for t in page.locator("ol.browse-list .pct").all_inner_texts()]
        assert percents == sorted(percents, reverse=True) and all(p >= 60 for p in percents)
        # Search forgives a typo, and a person's page lists their credits with the films' figures.
        page.goto(served + "/search?q=one+frm+the+hart")
        page.locator(".did-you-mean a").click()
        expect(page.locator("#films ol.films li").first).to_contain_text("One from the Heart")
        page.goto(served + "/search?q=Coppola")
        page.locator("#people a").first.click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Francis Ford Coppola")
        expect(page.locator("ol.credits li", has_text="One from the Heart")).to_have_count(2)  # director, writer
        expect(page.locator("ol.credits li", has_text="director")).to_contain_text("4 reviews")
        # /films/ID redirects to the page's address; a wrong address gets the site's own 404.
        film_id = film.split("/")[2].split("-")[0]
        page.goto(served + f"/films/{film_id}")
        assert page.url.removeprefix(served) == film
        answer = page.goto(served + "/no/such/page")
        assert answer.status == 404
        expect(page.get_by_role("heading", level=1)).to_have_text("Nothing here")
        expect(page.get_by_label("Search films, people, critics and outlets")).to_be_visible()
        browser.close()


def test_browser_axe_finds_no_serious_accessibility_violations(served):
    """axe-core, run in the page, on each kind of page at a phone's width and a desktop's."""
    from axe_playwright_python.sync_playwright import Axe
    from playwright.sync_api import sync_playwright

    axe = Axe()
    with sync_playwright() as p:
        browser, page, film = _seed_film(p, served)
        critic = page.locator("a[href^='/critics/']").first.get_attribute("href")
        person = page.goto(served + "/search.json?q=Coppola").json()["people"][0]["url"]
        urls = [("home", "/"), ("film", film), ("critic", critic), ("person", person),
                ("search", "/search?q=heart"), ("typo", "/search?q=hart+of+one"), ("films", "/films?sort=best"),
                ("year", "/years/1982"), ("reappraised", "/reappraised"), ("missing", "/no/such/page"),
                ("apply", "/critics/apply"), ("signin", "/signin")]
        found = {}
        for width in (390, 1280):
            page.set_viewport_size({"width": width, "height": 900})
            for name, url in urls:
                page.goto(served + url)
                results = axe.run(page)
                bad = [(v["id"], v["impact"], len(v["nodes"])) for v in results.response["violations"]
                       if v["impact"] in ("serious", "critical")]
                if bad:
                    found[f"{name} at {width}"] = bad
        browser.close()
    assert found == {}, found


@pytest.fixture
def served_for_members(monkeypatch, request):
    """The demo site with the audience score shown from one counted rating and a new member's
    rating counted at once, so a member sees their own rating move it."""
    monkeypatch.setenv("RECEPTION_AUDIENCE_MIN", "1")
    monkeypatch.setenv("RECEPTION_MEMBER_WAIT_HOURS", "0")
    return request.getfixturevalue("served")


@pytest.mark.slow  # a browser, and `reception serve`, through the fixture below
def test_browser_a_member_joins_rates_a_film_and_sees_the_audience_score_change(served_for_members):
    from playwright.sync_api import expect, sync_playwright

    served = served_for_members
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=_chromium(), headless=True)
        page = browser.new_page(viewport={"width": 390, "height": 900})
        page.goto(served + "/")
        page.get_by_role("link", name="Join").click()
        page.get_by_label("User name").fill("ann")
        page.get_by_label("Password").fill("a-good-long-password-1")
        page.get_by_role("button", name="Join").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Your account")

        page.goto(served + "/search?q=One+from+the+Heart")
        page.get_by_role("link", name="One from the Heart").first.click()
        page.get_by_label("Stars").select_option("5")
        page.get_by_label("A short review (optional)").fill("<b>Dazzling</b> to look at.")
        page.get_by_role("button", name="Rate").click()
        figure = page.locator("[data-figure=audience]")
        expect(figure).to_contain_text("%")
        liked = int(figure.inner_text().rstrip("%"))
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        page.screenshot(path=str(ARTIFACTS / "member-rated-390.png"), full_page=True)

        page.get_by_label("Stars").select_option("0.5")
        page.get_by_role("button", name="Change my rating").click()
        expect(page.locator(".rate .hint")).to_contain_text("You gave it 0.5 ★")
        assert int(page.locator("[data-figure=audience]").inner_text().rstrip("%")) < liked
        page.goto(served + "/account")
        expect(page.locator("ul.ratings")).to_contain_text("<b>Dazzling</b> to look at.")  # shown as text
        browser.close()

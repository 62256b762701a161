"""The site and its JSON twins, the API, the editors' desk and the page cache, in-process
against a real SQLite file loaded with the demo data."""

from __future__ import annotations

import csv
import io
import re

import pytest
from django.contrib.auth import get_user_model

from reception import editing
from reception.catalog.models import Critic, Film, Outlet, Review
from reception.consensus.store import draft_film
from reception.ingest import ingest
from reception.scores.compute import score
from reception.web.editors import make_editor
from reception.web.models import ApiToken

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def scored_demo(demo_data) -> dict[str, int]:
    """The demo data scored and its consensus drafted, once for the module."""
    score()
    for film in Film.objects.all():
        draft_film(film)
    return demo_data


@pytest.fixture
def site(scored_demo, db):
    return {title: Film.objects.get(pk=pk) for title, pk in scored_demo.items()}


@pytest.fixture
def heart(site):
    return site["One from the Heart"]


@pytest.fixture
def editor():
    return make_editor("edna", "a-long-editor-password")


def test_site_film_filters_top_critics_and_verdicts(client, heart):
    url = f"/films/{heart.slug}"
    top = client.get(url + ".json?show=top").json()["reviews"]
    assert top["count"] == 3 and {r["critic"] for r in top["items"]} == {"Janet Maslin", "Susan King", "Gene Siskel"}
    html = client.get(url + "?show=top").content.decode()
    assert "Warren Clements" not in html.split('id="reviews"')[1] and "Janet Maslin" in html
    negative = client.get(url + ".json?show=negative").json()["reviews"]["items"]
    assert negative and all(r["verdict"] == "negative" for r in negative)
    # A typo in the filter falls back to all reviews rather than failing.
    assert client.get(url + ".json?show=nonsense").json()["reviews"]["count"] == 4


def test_site_film_page_shows_dates_as_precise_as_their_source(client, heart):
    """Siskel's review is known by its year ("a 1986 episode"), the preview by its month: the
    page says 1986 and 1981-08, never a day nobody stated."""
    html = client.get(f"/films/{heart.slug}").content.decode()
    reviews = html.split('id="reviews"')[1]
    siskel = next(row for row in reviews.split("<tr ")[1:] if "Gene Siskel" in row)
    assert "<td class=\"day\">1986</td>" in siskel
    assert "1986-01-01" not in html and "1981-08-01" not in html
    assert "preview 1981-08 San Francisco" in " ".join(html.split())
    assert "<td class=\"day\">1982-02-11</td>" in next(row for row in reviews.split("<tr ")[1:] if "Janet Maslin" in row)


def test_site_reviews_sort_and_pages(client, site):
    film = max(site.values(), key=lambda f: f.reviews.count())
    url = f"/films/{film.slug}.json"
    ratings = [r["rating"]["score"] for r in client.get(url + "?sort=highest&per_page=200").json()["reviews"]["items"]]
    rated = [x for x in ratings if x is not None]
    assert rated == sorted(rated, reverse=True) and ratings[:len(rated)] == rated
    first = client.get(url + "?per_page=2&page=1").json()["reviews"]
    second = client.get(url + "?per_page=2&page=2").json()["reviews"]
    assert first["pages"] == -(-first["count"] // 2) and len(first["items"]) == 2
    assert {r["id"] for r in first["items"]}.isdisjoint(r["id"] for r in second["items"])


def test_site_film_page_draws_its_charts(client, site):
    film = site["Salt and Thunder"]
    html = client.get(f"/films/{film.slug}").content.decode()
    rated = film.reviews.filter(rating__isnull=False).count()
    assert f"<title>Distribution of {rated} normalized ratings</title>" in html
    assert "<title>Reception over time</title>" in html
    assert "cdn" not in html.lower() and "<script" not in html


def test_site_search_finds_titles_people_critics_and_outlets(client, heart):
    data = client.get("/search.json?q=heart").json()
    assert [f["title"] for f in data["films"]] == ["One from the Heart"]
    people = client.get("/search.json?q=coppola").json()["people"]
    assert people[0]["name"] == "Francis Ford Coppola" and people[0]["films"][0]["title"] == "One from the Heart"
    assert client.get("/search.json?q=maslin").json()["critics"][0]["name"] == "Janet Maslin"
    assert client.get("/search.json?q=globe").json()["outlets"][0]["name"] == "The Globe and Mail"
    html = client.get("/search?q=heart").content.decode()
    assert f'href="/films/{heart.slug}"' in html
    # No film is called "coppola": the search says none, not "none yet" as an empty catalogue does.
    films = client.get("/search?q=coppola").content.decode().split('id="s-films"')[1].split("</section>")[0]
    assert "<li>None.</li>" in films
    assert client.get("/search.json?q=").json()["films"] == []


def test_site_critic_and_outlet_pages_with_agreement(client, site):
    critic = Critic.objects.get(name="Ruth Abernathy")
    data = client.get(f"/critics/{critic.slug}.json").json()
    assert data["reviews"]["count"] == critic.reviews.count()
    # Agreement is counted by hand here: the critic's verdicts against each film's badge.
    agree = total = 0
    for review in critic.reviews.exclude(verdict=""):
        figure = getattr(review.film, "score", None)
        if figure is not None and figure.percent is not None:
            total += 1
            agree += (review.verdict == "positive") == (figure.percent >= 60)
    assert data["agreement"]["films"] == total > 0 and data["agreement"]["agree"] == agree
    html = client.get(f"/critics/{critic.slug}").content.decode()
    assert f"{agree} of {total}" in html
    outlet = Outlet.objects.get(name="The Evening Ledger")
    page = client.get(f"/outlets/{outlet.slug}.json").json()
    assert page["reviews"]["count"] == 11 and page["critics"]


def test_site_home_ranks_best_reviewed_by_the_interval(client, site, tmp_path):
    # A film known only by a source's id, better reviewed and more reviewed than any other.
    rt = tmp_path / "rt.reviews.tsv"
    rt.write_bytes(("id\treview\trating\tfresh\tcritic\ttop_critic\tpublisher\tdate\n" + "".join(
        f"7\tSplendid, take {n}.\t4/4\tfresh\tCritic {n}\t0\tOutlet {n}\tMay 1, 2001\n" for n in range(40)))
        .encode("latin-1"))
    score(sorted(ingest(rt, rejects_path=tmp_path / "r.tsv").touched_films))
    data = client.get("/index.json").json()
    assert len(data["best_reviewed"]) <= 10 and data["films"] == len(site) + 1
    # Titled films first, each list in its own order; the untitled one after them (the demo's
    # few films leave the lists room for it).
    for listing in ("best_reviewed", "most_reviewed"):
        titles = [f["title"] for f in data[listing]]
        assert len(titles) < 10 and titles.index("rt-reviews film 7") == len(titles) - 1, listing
    titled = [f for f in data["best_reviewed"] if f["title"] != "rt-reviews film 7"]
    lows = [Film.objects.get(pk=f["id"]).score.low for f in titled]
    assert lows and lows == sorted(lows, reverse=True)
    most = [f["reviews"] for f in data["most_reviewed"] if f["title"] != "rt-reviews film 7"]
    assert most == sorted(most, reverse=True)
    assert data["recent_reviews"]
    assert "Best reviewed" in client.get("/").content.decode()


def test_site_json_errors_share_one_shape(client, site):
    expected = {"ok": False, "error": "no such film", "errors": [], "status": 404}
    assert client.get("/films/99999-x.json").json() == expected
    assert client.get("/api/v1/films/99999").json() == expected
    bad = client.get("/api/v1/films/1/reviews?page=abc")
    assert bad.status_code == 422 and bad.json()["ok"] is False and bad.json()["errors"]


def test_api_openapi_and_offline_docs(client, site):
    spec = client.get("/api/v1/openapi.json").json()
    for route in ("/api/v1/films/{film_id}", "/api/v1/films/{film_id}/reviews", "/api/v1/search",
                  "/api/v1/films/{film_id}/badge.svg", "/api/v1/reviews/{review_id}/verdict"):
        assert route in spec["paths"]
    docs = client.get("/api/v1/docs").content.decode()
    assert "swagger-ui-bundle.js" in docs and "cdn" not in docs.lower()
    # Every file the page loads is served from this site: the ones django-ninja bundles.
    files = re.findall(r'(?:src|href)="(/static/[^"]+)"', docs)
    assert {"/static/ninja/swagger-ui-bundle.js", "/static/ninja/swagger-ui.css"} <= set(files)
    for path in files:
        served = client.get(path)
        # Read to its end, which closes the file it streams from.
        assert served.status_code == 200 and b"".join(served.streaming_content), path


def test_api_export_and_badge(client, heart):
    Review.objects.filter(film=heart, critic__name="Janet Maslin").update(quote="=HYPERLINK(\"http://x\")")
    body = client.get(f"/api/v1/films/{heart.pk}/reviews/export?format=csv")
    assert body["Content-Disposition"].endswith('.csv"')
    rows = list(csv.DictReader(io.StringIO(body.content.decode())))
    assert len(rows) == 4 and {r["critic"] for r in rows} >= {"Janet Maslin", "Susan King"}
    assert next(r for r in rows if r["critic"] == "Janet Maslin")["quote"].startswith("'=")
    # A date as precise as its source: the CSV says 1986 (our CSV import reads it back so).
    assert {r["critic"]: r["published"] for r in rows if r["published"]} == {"Janet Maslin": "1982-02-11",
                                                                              "Gene Siskel": "1986"}
    exported = client.get(f"/api/v1/films/{heart.pk}/reviews/export?format=json").json()
    assert len(exported["reviews"]) == 4
    siskel = next(r for r in exported["reviews"] if r["critic"] == "Gene Siskel")
    assert (siskel["published"], siskel["published_precision"]) == ("1986-01-01", "year")
    badge = client.get(f"/api/v1/films/{heart.pk}/badge.svg")
    assert badge["Content-Type"] == "image/svg+xml" and "4 reviews" in badge.content.decode()


def test_api_added_reviews_score_every_film_they_change(client, heart, editor, tmp_path):
    """Reviews posted to one film can teach their outlet its scale: another film's review with a
    bare number is then read, decided again, and that film's figures follow: its label stands,
    and its rating, read on an inferred scale against that label, waits for an editor."""
    old = tmp_path / "old.csv"
    old.write_text("film,year,critic,outlet,date,quote,url,rating,verdict,top_critic\n"
                   "Old,2000,Ann,Weekly Bugle,,Fine.,,2,positive,\n")
    score(sorted(ingest(old, rejects_path=tmp_path / "r.tsv").touched_films))
    old_film = Film.objects.get(title="Old")
    assert client.get(f"/api/v1/films/{old_film.pk}").json()["score"]["positive"] == 1
    auth = {"HTTP_AUTHORIZATION": f"Bearer {ApiToken.issue(editor, 'test')}"}
    added = client.post(f"/api/v1/films/{heart.pk}/reviews", [
        {"critic": "Bob", "outlet": "Weekly Bugle", "rating": "7/10", "quote": "Lovely."},
        {"critic": "Cy", "outlet": "Weekly Bugle", "rating": "9/10", "quote": "Grand."}],
        content_type="application/json", **auth)
    assert added.status_code == 201 and added.json()["imported"] == 2
    figures = client.get(f"/api/v1/films/{old_film.pk}").json()["score"]
    assert (figures["positive"], figures["negative"], figures["average_rating"]) == (1, 0, None)
    assert (figures["counted"]["held_ratings"], figures["counted"]["conflicts"]) == (1, 1)
    # The editor settles it through the API: the reading is right, so the rating counts.
    ann = Review.objects.get(critic__name="Ann")
    settled = client.post(f"/api/v1/reviews/{ann.pk}/conflict", {"rating_counts": True},
                          content_type="application/json", **auth).json()
    assert (settled["review"]["verdict_source"], settled["review"]["conflict"], settled["review"]["rating_held"]) == \
        ("editor", None, False)
    assert (settled["score"]["average_rating"], settled["score"]["counted"]["conflicts"]) == (20, 0)
    assert client.post(f"/api/v1/reviews/{ann.pk}/conflict", {"rating_counts": False},
                       content_type="application/json", **auth).status_code == 409


def test_api_token_writes_override_add_and_approve(client, heart, editor):
    token = ApiToken.issue(editor, "test")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    maslin = Review.objects.get(film=heart, critic__name="Janet Maslin")
    before = client.get(f"/api/v1/films/{heart.pk}").json()["score"]
    done = client.post(f"/api/v1/reviews/{maslin.pk}/verdict", {"verdict": "positive"},
                       content_type="application/json", **auth).json()
    assert done["review"]["verdict_source"] == "editor" and done["score"]["positive"] == before["positive"] + 1
    added = client.post(f"/api/v1/films/{heart.pk}/reviews", [
        {"critic": "Roger Ebert", "outlet": "Chicago Sun-Times", "date": "1982-02-12", "rating": "2/4",
         "quote": "Too much style.", "id": "e1"}], content_type="application/json", **auth)
    assert added.status_code == 201 and added.json()["imported"] == 1
    again = client.post(f"/api/v1/films/{heart.pk}/reviews", {"critic": "Roger Ebert", "outlet": "Chicago Sun-Times",
                        "date": "1982-02-12", "rating": "2/4", "quote": "Too much style."},
                        content_type="application/json", **auth).json()
    assert again["imported"] == 0 and again["duplicates"] == 1
    # The sender's id again, with the quote corrected: the same review, revised.
    revised = client.post(f"/api/v1/films/{heart.pk}/reviews", {"critic": "Roger Ebert", "outlet": "Chicago Sun-Times",
                          "date": "1982-02-12", "rating": "2/4", "quote": "Too much style, too little story.",
                          "id": "e1"}, content_type="application/json", **auth).json()
    assert (revised["imported"], revised["updated"]) == (0, 1)
    assert heart.reviews.get(critic__name="Roger Ebert").quote == "Too much style, too little story."
    after = client.get(f"/api/v1/films/{heart.pk}").json()["score"]
    assert after["reviews"] == 5 and after["percent_positive"] is not None
    refused = client.post(f"/api/v1/films/{heart.pk}/reviews", [{"critic": "X", "quote": "fine"}, {"quote": "no one"}],
                          content_type="application/json", **auth)
    assert refused.status_code == 400 and refused.json()["errors"] == [
        {"row": 2, "reason": "a review needs a critic or an outlet"}]
    assert heart.reviews.count() == 5  # the good row of a refused batch is not stored either
    approved = client.post(f"/api/v1/films/{heart.pk}/consensus/approve", **auth).json()
    assert approved["consensus"]["status"] == "approved" and approved["consensus"]["author"] == "edna"


def test_api_rejects_a_token_of_a_non_editor(client, heart):
    user = get_user_model().objects.create_user("visitor", password="pw-visitor-123")
    token = ApiToken.issue(user)
    review = heart.reviews.first()
    refused = client.post(f"/api/v1/reviews/{review.pk}/verdict", {"verdict": "positive"},
                          content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert refused.status_code == 401


def test_desk_queue_and_one_click_override(client, heart, editor):
    review = Review.objects.get(film=heart, critic__name="Warren Clements")
    Review.objects.filter(pk=review.pk).update(needs_check=True)
    assert client.get("/desk/").status_code == 302  # to the login page
    client.force_login(editor)
    queue = client.get("/desk/?queue=check").content.decode()
    assert f'id="review-{review.pk}"' in queue and "Warren Clements" in queue
    done = client.post(f"/desk/reviews/{review.pk}/verdict", {"verdict": "positive", "next": f"/films/{heart.slug}"})
    assert done.status_code == 302 and done["Location"] == f"/films/{heart.slug}"
    review.refresh_from_db()
    assert (review.verdict, review.decided_by, review.needs_check) == ("positive", "editor", False)
    assert f'id="review-{review.pk}"' not in client.get("/desk/?queue=check").content.decode()
    # Elsewhere is never a place the desk sends an editor back to.
    away = client.post(f"/desk/reviews/{review.pk}/verdict", {"verdict": "negative", "next": "https://evil.example/"})
    assert away["Location"] == "/desk/"


def test_desk_queues_are_counted_paged_most_read_first_with_bulk_actions(client, editor, tmp_path, monkeypatch):
    from reception import pipeline
    from reception.web import desk

    # Ratings that read the other way from their labels: 3/5 marked rotten. "Big" has more reviews.
    rows = [f"Big,2001,Critic {i},Daily {i},,Quote {i}.,,3/5,negative,\n" for i in range(6)]
    rows += [f"Small,2001,Critic {i},Daily {i},,Quote {i}.,,3/5,negative,\n" for i in range(3)]
    path = tmp_path / "conflicts.csv"
    path.write_text("film,year,critic,outlet,date,quote,url,rating,verdict,top_critic\n" + "".join(rows))
    pipeline.refresh(ingest(path, rejects_path=tmp_path / "r.tsv").touched_films, read_text=False)
    monkeypatch.setattr(desk, "PER_PAGE", 4)
    client.force_login(editor)
    first = client.get("/desk/").content.decode()  # the conflicts queue comes first
    assert "9 waiting, page 1 of 3." in first and 'data-queue="conflicts"' in first
    assert re.search(r'data-queue="conflicts"[^>]*>Ratings against labels <span class="n">9</span>', first)
    listed = [int(pk) for pk in re.findall(r'id="review-(\d+)"', first)]
    assert {Review.objects.get(pk=pk).film.title for pk in listed} == {"Big"}  # the most-read film first
    last = client.get("/desk/?queue=conflicts&page=3").content.decode()
    assert {Review.objects.get(pk=int(pk)).film.title for pk in re.findall(r'id="review-(\d+)"', last)} == {"Small"}
    # Two checked on page 2: the label stands as the editor's, and the editor is back on page 2.
    second = [int(pk) for pk in re.findall(r'id="review-(\d+)"', client.get("/desk/?queue=conflicts&page=2")
                                           .content.decode())]
    done = client.post("/desk/act", {"queue": "conflicts", "action": "label-rating-counts", "ids": second[:2],
                                     "next": "/desk/?queue=conflicts&page=2"})
    assert done.status_code == 302 and done["Location"] == "/desk/?queue=conflicts&page=2"
    assert set(Review.objects.filter(pk__in=second[:2]).values_list("verdict", "decided_by", "conflict")) == \
        {("negative", "editor", "")}
    assert "7 waiting, page 2 of 2." in client.get(done["Location"]).content.decode()
    # A whole page at once.
    client.post("/desk/act", {"queue": "conflicts", "action": "positive", "all": "1", "page_ids": listed,
                              "next": "/desk/"})
    assert set(Review.objects.filter(pk__in=listed).values_list("verdict", "decided_by")) == {("positive", "editor")}
    assert "3 waiting." in client.get("/desk/").content.decode()
    assert client.post("/desk/act", {"queue": "conflicts", "action": "delete-all", "ids": listed}).status_code == 400


def test_desk_drafts_show_why_each_clause_is_worded_so_and_the_cited_quotes(client, heart, editor):
    client.force_login(editor)
    page = client.get("/desk/?queue=drafts").content.decode()
    assert "Why it says so, and the cited quotes" in page
    assert "praise: “visually arresting” from" in page  # the seed's draft leads with its visuals
    assert "So visually arresting, it&#x27;s shocking that it wasn&#x27;t well received back in 1982" in page


def test_cached_film_page_changes_when_a_verdict_is_overridden(client, heart, editor):
    url = f"/films/{heart.slug}"
    first, second = client.get(url), client.get(url)
    assert (first["X-Cache"], second["X-Cache"]) == ("miss", "hit") and first.content == second.content
    assert "2 positive</span>" in second.content.decode()
    editing.override(Review.objects.filter(film=heart, critic__name="Janet Maslin"), "positive")
    third = client.get(url)
    assert third["X-Cache"] == "miss" and "3 positive</span>" in third.content.decode()


def test_merge_critics_and_outlets(client, heart):
    nyt = Outlet.objects.get(name="The New York Times")
    copy = Outlet.objects.create(name="New York Times Co")
    Review.objects.filter(film=heart, critic__name="Susan King").update(outlet=copy)
    kept, merged = editing.merge_outlets(Outlet.objects.filter(pk__in=[nyt.pk, copy.pk]))
    assert merged == 1 and not Outlet.objects.filter(pk=copy.pk).exists()
    assert kept.reviews.filter(critic__name="Susan King").exists()
    assert "New York Times Co" in kept.aliases.values_list("alias", flat=True)
    maslin = Critic.objects.get(name="Janet Maslin")
    twin = Critic.objects.create(name="J. Maslin")
    Review.objects.create(film=heart, critic=twin, quote="A second take.", dedupe_key=42)
    kept, merged = editing.merge_critics(Critic.objects.filter(pk__in=[maslin.pk, twin.pk]))
    assert kept == maslin and merged == 1 and maslin.reviews.count() == 2
    with pytest.raises(editing.EditError):
        editing.merge_critics(Critic.objects.filter(pk=maslin.pk))


def test_cache_keys_on_what_the_page_reads(client, heart):
    url = f"/films/{heart.slug}"
    assert client.get(url + "?show=top")["X-Cache"] == "miss"
    # An unknown parameter is the same page, not a new cache entry.
    assert client.get(url + "?show=top&utm=1")["X-Cache"] == "hit"
    # A repeated parameter is read as its last value, by the page and by the cache alike.
    both = client.get(url + "?show=top&show=all")
    assert both["X-Cache"] == "miss" and "Warren Clements" in both.content.decode().split('id="reviews"')[1]


def test_api_added_review_without_rating_gets_the_models_verdict(client, heart, editor):
    token = ApiToken.issue(editor)
    added = client.post(f"/api/v1/films/{heart.pk}/reviews", {"critic": "Pauline Vale", "outlet": "The Weekly Reel",
                        "quote": "A dazzling, joyous triumph: one of the most beautiful films of the decade."},
                        content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert added.status_code == 201
    review = Review.objects.get(critic__name="Pauline Vale")
    assert review.verdict == "positive" and review.decided_by == "model" and review.verdict_probability > 0.5
    assert client.get(f"/api/v1/films/{heart.pk}").json()["score"]["reviews"] == 5


@pytest.mark.parametrize("approved", [False, True])
def test_a_consensus_never_cites_a_review_deleted_by_hand(client, heart, django_user_model, approved):
    from reception.catalog.models import Consensus
    from reception.consensus.store import current

    shown = current(heart)
    cited = shown.clauses[0]["review_ids"][0]
    if approved:
        editing.approve(shown, "edna")
    client.force_login(django_user_model.objects.create_superuser("ed", "ed@example.org", "pw"))
    assert client.post(f"/admin/catalog/review/{cited}/delete/", {"post": "yes"}).status_code == 302
    consensus = client.get(f"/api/v1/films/{heart.pk}").json()["consensus"]
    if not approved:
        # The machine's draft went with its grounding; `reception consensus` drafts again.
        assert consensus is None and not Consensus.objects.filter(film=heart).exists()
        return
    assert consensus["text"] == shown.text and consensus["status"] == "approved"
    ids = {i for part in consensus["parts"] for i in part["review_ids"]}
    ids |= {i for a in consensus["aspects"] for i in a["praise_review_ids"] + a["fault_review_ids"]}
    assert ids and cited not in ids and ids <= set(Review.objects.values_list("id", flat=True))


def test_citations_are_numbered_per_film_and_an_edited_consensus_keeps_only_what_the_editor_keeps(
        client, heart, editor):
    from reception.consensus.store import current

    shown = client.get(f"/films/{heart.slug}.json").json()["consensus"]
    assert shown["citations"] == "machine"
    numbers = [n for part in shown["parts"] for n in part["cites"]]
    assert sorted(set(numbers)) == list(range(1, len(shown["cited"]) + 1))
    ids = [c["review_id"] for c in shown["cited"]]
    assert [c["number"] for c in shown["cited"]] == list(range(1, len(ids) + 1))
    for cited in shown["cited"]:
        assert cited["url"] == f"/films/{heart.slug}?page=1#review-{cited['review_id']}"
    page = client.get(f"/films/{heart.slug}").content.decode()
    assert '<a class="cite" href="#cite-1"' in page and 'id="cite-1"' in page
    # Database ids are not what a reader sees: every mark is a number of this film's.
    assert re.findall(r'<a class="cite" href="#cite-(\d+)"[^>]*>\[(\d+)\]', page) == \
        [(str(n), str(n)) for n in numbers]

    # An editor rewrites the text in the admin, keeping citation [2] only, and approves it.
    consensus = current(heart)
    client.force_login(editor)
    url = f"/admin/catalog/consensus/{consensus.pk}/change/"
    form = {"film": heart.pk, "status": "approved", "text": "An editor's own verdict on the film."}
    refused = client.post(url, form | {"keep_citations": str(len(ids) + 1)})
    assert refused.status_code == 200 and f"no citation [{len(ids) + 1}]" in refused.content.decode()
    assert client.post(url, form | {"keep_citations": "2"}).status_code == 302
    kept = client.get(f"/films/{heart.slug}.json").json()["consensus"]
    assert (kept["text"], kept["status"], kept["citations"]) == (form["text"], "approved", "editor")
    assert [c["review_id"] for c in kept["cited"]] == [ids[1]]
    assert [part["cites"] for part in kept["parts"]] == [[1]]
    assert all(clause.get("confirmed") for clause in kept["clauses"])
    # Rewritten again keeping none: no citation, and none of the machine's clauses, anywhere.
    assert client.post(url, form | {"text": "Shorter words.", "keep_citations": ""}).status_code == 302
    bare = client.get(f"/films/{heart.slug}.json").json()["consensus"]
    assert (bare["citations"], bare["cited"], bare["clauses"]) == ("none", [], [])
    page = client.get(f"/films/{heart.slug}").content.decode()
    assert 'class="cite"' not in page and "it cites no single review" in page

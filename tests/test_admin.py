"""The editors' admin: every model's list, search and form, and the review list's filters,
in-process against a real SQLite file loaded with the demo data."""

from __future__ import annotations

import re

import pytest
from django.contrib import admin

from reception.catalog.models import Film, Review
from reception.scores.models import FilmScore
from reception.ingest import ingest
from reception.scores.compute import score

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def scored_demo(demo_data) -> dict[str, int]:
    score()
    return demo_data


@pytest.fixture
def editor_client(scored_demo, db, client, django_user_model):
    client.force_login(django_user_model.objects.create_superuser("edna", "e@example.org", "pw"))
    return client


def _merge(client, kind: str, ids: list[int], keep: int | None = None, expect_keep: int | None = None):
    """The admin's merge: the action's confirmation page (the rule's pick checked), then the
    editor's confirmation, keeping `keep` if given. Returns the page the admin ends on."""
    url = f"/admin/catalog/{kind}/"
    asked = client.post(url, {"action": "merge", "_selected_action": ids})
    assert asked.status_code == 200 and "This cannot be undone." in asked.content.decode()
    offered = re.findall(r'name="keep" value="(\d+)"( checked)?', asked.content.decode())
    assert sorted(int(pk) for pk, _ in offered) == sorted(ids)
    if expect_keep is not None:
        assert [int(pk) for pk, checked in offered if checked] == [expect_keep]
    fields = {"action": "merge", "_selected_action": ids, "post": "yes"}
    return client.post(url, fields | ({"keep": keep} if keep is not None else {}), follow=True)


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
    # Star counts with no stated scale ("★★★½") are flagged, not read on an assumed scale.
    unscaled = _listed_ids(editor_client.get(url, {"rating_flag": "no-scale"}))
    assert sorted(unscaled) == sorted(Review.objects.filter(rating_flag="no-scale").values_list("id", flat=True))
    assert Review.objects.filter(id__in=unscaled, rating_scale="stars").count() == 6
    read = _listed_ids(editor_client.get(url, {"rating_flag": "", "source": "jsonl"}))
    assert set(read) == set(Review.objects.filter(rating_flag="", source="jsonl").values_list("id", flat=True))
    assert _listed_ids(editor_client.get(url, {"source": "api"})) == []


def _change(client, obj, inlines=(), **changes):
    """Post the admin's change form of `obj` as stored, but for `changes` (inlines left as they are)."""
    from django.forms.models import model_to_dict

    data = {k: ("" if v is None else v) for k, v in model_to_dict(obj).items()}
    for prefix in inlines:  # no inline rows: the objects below have none
        data |= {f"{prefix}-TOTAL_FORMS": 0, f"{prefix}-INITIAL_FORMS": 0}
    done = client.post(f"/admin/{obj._meta.app_label}/{obj._meta.model_name}/{obj.pk}/change/", data | changes)
    assert done.status_code == 302, done.content.decode()[:2000]


def _figures(film):
    return FilmScore.objects.values("reviews", "positive", "negative", "average", "weighted").get(film=film)


def test_admin_review_edits_read_the_rating_again_and_the_figures_follow(editor_client):
    heart = Review.objects.get(critic__name="Gene Siskel").film
    siskel = Review.objects.get(critic__name="Gene Siskel")
    # The critic's own thumbs (the file's verdict column) decide.
    assert (siskel.rating, siskel.verdict, siskel.decided_by, siskel.conflict) == (100, "positive", "outlet-label", "")
    assert _figures(heart)["positive"] == 2
    # A rating string corrected by hand is read again, and its verdict decided again: the label
    # still stands over a rating that reads the other way, which is marked for an editor.
    _change(editor_client, siskel, rating_raw="1/4")
    siskel.refresh_from_db()
    assert (siskel.rating, siskel.rating_scale, siskel.verdict, siskel.decided_by) == \
        (25, "/4", "positive", "outlet-label")
    assert siskel.conflict == "the rating reads negative on /4; the label says positive"
    assert (_figures(heart)["positive"], _figures(heart)["negative"]) == (2, 2)
    # With no label, the rating decides.
    _change(editor_client, siskel, label="")
    siskel.refresh_from_db()
    assert (siskel.verdict, siskel.decided_by, siskel.conflict) == ("negative", "critic-rating", "")
    assert (_figures(heart)["positive"], _figures(heart)["negative"]) == (1, 3)
    # An editor's verdict stays whatever the rating says.
    _change(editor_client, siskel, verdict="positive")
    _change(editor_client, Review.objects.get(pk=siskel.pk), rating_raw="0/4")
    siskel.refresh_from_db()
    assert (siskel.rating, siskel.verdict, siskel.decided_by) == (0, "positive", "editor")
    # Moved to another film: both films' figures follow.
    other = Review.objects.exclude(film=heart).first().film
    before = other.reviews.count()

    def counted(film):
        return FilmScore.objects.get(film=film).detail["counted"]["reviews"]

    _change(editor_client, siskel, film=other.pk)
    assert (_figures(heart)["reviews"], counted(heart), counted(other)) == (3, 3, before + 1)


def test_admin_deleting_reviews_scores_their_films_again(editor_client):
    maslin = Review.objects.get(critic__name="Janet Maslin")
    heart = maslin.film
    assert (_figures(heart)["reviews"], _figures(heart)["negative"]) == (4, 2)
    assert editor_client.post(f"/admin/catalog/review/{maslin.pk}/delete/", {"post": "yes"}).status_code == 302
    assert (_figures(heart)["reviews"], _figures(heart)["negative"]) == (3, 1)
    rest = list(Review.objects.filter(film=heart).values_list("id", flat=True))
    done = editor_client.post("/admin/catalog/review/", {"action": "delete_selected", "_selected_action": rest,
                                                          "post": "yes"})
    assert done.status_code == 302 and _figures(heart)["reviews"] == 0


def test_admin_adding_a_review_keys_it_as_an_import_would(editor_client, tmp_path):
    heart = Review.objects.get(critic__name="Gene Siskel").film
    fields = {"film": heart.pk, "quote": "A dazzling folly.", "rating_raw": "3/4", "published": "1982-02-12",
              "published_precision": "day", "label": "", "verdict": "", "url": "", "source": "",
              "source_key": ""}
    done = editor_client.post("/admin/catalog/review/add/", fields)
    assert done.status_code == 302
    added = Review.objects.get(quote="A dazzling folly.")
    assert (added.rating, added.verdict, added.decided_by) == (75, "positive", "critic-rating")
    assert (_figures(heart)["reviews"], _figures(heart)["positive"]) == (5, 3)
    again = editor_client.post("/admin/catalog/review/add/", fields)
    assert f"this review is already stored (review {added.pk})" in again.content.decode()
    # The same review in a file adds nothing.
    path = tmp_path / "same.jsonl"
    path.write_text('{"film": "One from the Heart", "year": 1982, "quote": "A dazzling folly.", '
                    '"rating": "3/4", "date": "1982-02-12"}\n')
    assert ingest(path, rejects_path=tmp_path / "r.tsv").imported == 0
    # A review with no rating and no label: the text model decides it on save, and the figures follow.
    fields |= {"quote": "A dazzling, joyous triumph: one of the most beautiful films of the decade.", "rating_raw": ""}
    assert editor_client.post("/admin/catalog/review/add/", fields).status_code == 302
    read = Review.objects.get(quote=fields["quote"])
    assert (read.verdict, read.decided_by) == ("positive", "model") and read.verdict_probability > 0.5
    assert (_figures(heart)["reviews"], _figures(heart)["positive"]) == (6, 4)


def test_admin_a_quote_waits_where_the_text_model_is_not_installed(editor_client, monkeypatch):
    import sys

    from reception.verdicts import model

    # As on an install without the `model` extra: its parts cannot be imported (no model was
    # loaded in this process, and the module that reads quotes, imported afresh, meets the
    # missing numpy).
    monkeypatch.setattr(model, "_LOADED", {})
    monkeypatch.delitem(sys.modules, "reception.verdicts.text", raising=False)
    monkeypatch.setitem(sys.modules, "numpy", None)
    heart = Review.objects.get(critic__name="Gene Siskel").film
    quote = "A dazzling, joyous triumph: one of the most beautiful films of the decade."
    fields = {"film": heart.pk, "quote": quote, "rating_raw": "", "published": "1982-02-12",
              "published_precision": "day", "label": "", "verdict": "", "url": "", "source": "",
              "source_key": ""}
    done = editor_client.post("/admin/catalog/review/add/", fields, follow=True)
    assert done.status_code == 200
    assert ("The review&#x27;s quote waits for a verdict: the text model is not installed (numpy is missing): "
            "pip install &#x27;reception[model]&#x27;") in done.content.decode()
    assert Review.objects.get(quote=quote).verdict == ""
    assert _figures(heart)["reviews"] == 4  # as before: a review without a verdict is not counted


def test_admin_an_outlets_weight_changes_the_weighted_scores_it_counts_in(editor_client):
    siskel = Review.objects.get(critic__name="Gene Siskel")
    heart, outlet = siskel.film, siskel.outlet
    # Siskel's thumbs up is the film's one rating.
    assert list(Review.objects.filter(film=heart, rating__isnull=False)) == [siskel]
    assert _figures(heart)["weighted"] == 100
    _change(editor_client, outlet, inlines=["aliases"], name="At the Movies (TV)")  # no figure changes
    assert _figures(heart)["weighted"] == 100
    _change(editor_client, outlet, inlines=["aliases"], weight=0)  # left out of weighted scores
    assert (_figures(heart)["weighted"], _figures(heart)["average"]) == (None, 100)


def test_admin_audience_ratings_added_or_deleted_by_hand_change_the_audience_score(editor_client):
    from reception.catalog.models import AudienceRating, Film
    from reception.scores.models import FilmScore

    film = Film.objects.get(title="One from the Heart")
    count = FilmScore.objects.get(film=film).audience_count
    done = editor_client.post("/admin/catalog/audiencerating/add/", {
        "film": film.pk, "user_key": "hand-1", "stars": 4.5, "rated_at_0": "2024-02-01", "rated_at_1": "12:00:00"})
    assert done.status_code == 302, done.content.decode()[:2000]
    assert FilmScore.objects.get(film=film).audience_count == count + 1
    added = AudienceRating.objects.get(user_key="hand-1")
    editor_client.post(f"/admin/catalog/audiencerating/{added.pk}/delete/", {"post": "yes"})
    assert FilmScore.objects.get(film=film).audience_count == count


@pytest.mark.parametrize("deleted", ["the film stating the scale", "the outlet"])
def test_admin_deleting_what_gave_a_bare_number_its_scale_reads_it_again(editor_client, tmp_path, deleted):
    from reception.catalog.models import Film, Outlet

    path = tmp_path / "bugle.csv"
    path.write_text("film,year,critic,outlet,date,quote,url,rating,verdict,top_critic\n"
                    "Stated,2000,Ann,Weekly Bugle,,Good.,,7/10,,\n"
                    "Stated,2000,Bob,Weekly Bugle,,Grand.,,9/10,,\n"
                    "Bare,2000,Cy,Weekly Bugle,,Fine.,,8,,\n")
    score(sorted(ingest(path, rejects_path=tmp_path / "r.tsv").touched_films))
    cy = Review.objects.get(critic__name="Cy")
    assert (cy.rating, cy.verdict, _figures(cy.film)["positive"]) == (80, "positive", 1)
    if deleted == "the outlet":
        bugle = Outlet.objects.get(name="Weekly Bugle")
        assert editor_client.post(f"/admin/catalog/outlet/{bugle.pk}/delete/", {"post": "yes"}).status_code == 302
    else:
        stated = Film.objects.get(title="Stated")
        assert editor_client.post(f"/admin/catalog/film/{stated.pk}/delete/", {"post": "yes"}).status_code == 302
    cy.refresh_from_db()
    # No stated scale is left for Cy's "8": unread, so the rating no longer decides the review;
    # no rule does, and the pipeline has the text model read its quote, as `reception verdicts` would.
    assert (cy.rating, cy.rating_flag, cy.decided_by) == (None, "no-scale", "model")
    assert (_figures(cy.film)["positive"], _figures(cy.film)["reviews"]) == (int(cy.verdict == "positive"), 1)


def test_admin_merging_films_keeps_the_first_stored_and_each_review_once(editor_client, tmp_path):
    maslin = Review.objects.select_related("critic", "outlet", "film").get(critic__name="Janet Maslin")
    heart = maslin.film
    # The same film as a source that names it by its own id only: Maslin's review again, and one it lacks.
    rt = tmp_path / "rt.reviews.tsv"
    rt.write_bytes(("id\treview\trating\tfresh\tcritic\ttop_critic\tpublisher\tdate\n"
                    f"5\t{maslin.quote}\t{maslin.rating_raw}\tfresh\tJanet Maslin\t1\t{maslin.outlet.name}\t"
                    f"{maslin.published:%b %d, %Y}\n"
                    "5\tA neon dream.\t3/4\tfresh\tDana Ode\t0\tThe Evening Lamp\tFeb 20, 1982\n").encode("latin-1"))
    ingest(rt, rejects_path=tmp_path / "r.tsv")
    untitled = Film.objects.get(title="rt-reviews film 5")
    before = _figures(heart)["reviews"]
    page = _merge(editor_client, "film", [untitled.pk, heart.pk], expect_keep=heart.pk)  # the first stored
    assert f"Merged 1 film into {heart}" in page.content.decode()  # as the admin shows it
    assert not Film.objects.filter(pk=untitled.pk).exists()
    assert _figures(heart)["reviews"] == before + 1
    assert Review.objects.filter(film=heart, critic__name="Janet Maslin").count() == 1
    assert ingest(rt, rejects_path=tmp_path / "r.tsv").imported == 0  # its id names the kept film now
    assert not heart.aliases.exists()  # a placeholder title is no title to keep


def test_admin_merging_two_titled_films_keeps_the_title_merged_away(editor_client, tmp_path):
    from reception.catalog.films import find_film

    header = "film,year,critic,outlet,date,quote,rating\n"
    short, long = tmp_path / "short.csv", tmp_path / "long.csv"
    short.write_text(header + "Star Harbor,1990,Ada Reel,The Lamp,1990-05-01,Bright and brisk.,3/4\n"
                              "Star Harbor,1990,Ben Frame,The Lamp,1990-05-02,A warm voyage.,B+\n")
    # The same film under its longer title: Ben Frame's review again, and one of its own.
    long.write_text(header + "Star Harbor: The Long Night,1990,Ben Frame,The Lamp,1990-05-02,A warm voyage.,B+\n"
                             "Star Harbor: The Long Night,1990,Cy Lens,,1990-06-01,Too long by half.,C-\n")
    for path in (short, long):
        ingest(path, rejects_path=tmp_path / "r.tsv")
    kept, other = Film.objects.get(title="Star Harbor"), Film.objects.get(title="Star Harbor: The Long Night")
    page = _merge(editor_client, "film", [other.pk, kept.pk], expect_keep=kept.pk)
    assert f"Merged 1 film into {kept}" in page.content.decode()
    assert not Film.objects.filter(pk=other.pk).exists()
    assert sorted(kept.reviews.values_list("critic__name", flat=True)) == ["Ada Reel", "Ben Frame", "Cy Lens"]
    assert [str(a) for a in kept.aliases.all()] == ["Star Harbor: The Long Night (1990) → Star Harbor (1990)"]
    # Both files again add nothing; a new review under the title merged away (a year off, as a
    # festival date may be) is the kept film's, and so is a lookup by that title.
    assert [ingest(path, rejects_path=tmp_path / "r.tsv").imported for path in (short, long)] == [0, 0]
    later = tmp_path / "later.csv"
    later.write_text(header + "Star Harbor: The Long Night,1991,Dee Cut,,,Haunting.,4/4\n")
    assert ingest(later, rejects_path=tmp_path / "r.tsv").imported == 1
    assert Review.objects.get(quote="Haunting.").film == kept
    assert Film.objects.filter(title__startswith="Star Harbor").count() == 1
    assert find_film("Star Harbor: The Long Night (1990)") == find_film("Star Harbor") == kept
    # Its page and the search name the other title.
    assert "Also known as: Star Harbor: The Long Night (1990)" in editor_client.get(f"/films/{kept.slug}").content.decode()
    assert [f["title"] for f in editor_client.get("/api/v1/search", {"q": "long night"}).json()["films"]] == [
        "Star Harbor"]
    # A film an editor then adds under that title makes it ambiguous: left for an editor.
    Film.objects.create(title="Star Harbor: The Long Night", year=1990)
    report = ingest(later, rejects_path=tmp_path / "r.tsv")
    assert report.imported == 0 and "ambiguous film" in (tmp_path / "r.tsv").read_text()


def test_admin_merging_keeps_the_record_the_editor_picks(editor_client, tmp_path):
    from reception.catalog.models import Outlet

    header = "film,year,critic,outlet,date,quote,rating\n"
    data = tmp_path / "harbor.csv"
    data.write_text(header + "Star Harbor,1990,Ada Reel,The Lamp,1990-05-01,Bright and brisk.,3/4\n"
                             "Star Harbor,1990,Ben Frame,The Lamp,1990-05-02,A warm voyage.,B+\n"
                             "Star Harbor: The Long Night,1990,Cy Lens,Lamp Weekly,1990-06-01,Too long by half.,C-\n")
    ingest(data, rejects_path=tmp_path / "r.tsv")
    short, long = Film.objects.get(title="Star Harbor"), Film.objects.get(title="Star Harbor: The Long Night")
    # The rule would keep the film first stored; the editor keeps the full title instead.
    page = _merge(editor_client, "film", [short.pk, long.pk], keep=long.pk, expect_keep=short.pk)
    assert f"Merged 1 film into {long}" in page.content.decode()
    assert not Film.objects.filter(pk=short.pk).exists()
    assert sorted(long.reviews.values_list("critic__name", flat=True)) == ["Ada Reel", "Ben Frame", "Cy Lens"]
    assert [str(a) for a in long.aliases.all()] == ["Star Harbor (1990) → Star Harbor: The Long Night (1990)"]
    assert ingest(data, rejects_path=tmp_path / "r.tsv").imported == 0
    # Outlets: the one with fewer reviews kept, the other's name its alias.
    lamp, weekly = Outlet.objects.get(name="The Lamp"), Outlet.objects.get(name="Lamp Weekly")
    page = _merge(editor_client, "outlet", [lamp.pk, weekly.pk], keep=weekly.pk, expect_keep=lamp.pk)
    assert f"Merged 1 outlet into {weekly}" in page.content.decode()
    assert list(weekly.aliases.values_list("alias", flat=True)) == ["The Lamp"]
    assert weekly.reviews.count() == 3 and not Outlet.objects.filter(pk=lamp.pk).exists()
    # A pick that is not among those selected, or one record alone, merges nothing.
    other = Film.objects.exclude(pk=long.pk).order_by("pk").first()
    page = editor_client.post("/admin/catalog/film/", {"action": "merge", "_selected_action": [long.pk, other.pk],
                                                       "post": "yes", "keep": short.pk}, follow=True)
    said = re.findall(r'<li class="error">([^<]*)<', page.content.decode())
    assert said == [f"The film to keep must be one of those selected, not &#x27;{short.pk}&#x27;"]
    page = editor_client.post("/admin/catalog/film/", {"action": "merge", "_selected_action": [long.pk]}, follow=True)
    assert re.findall(r'<li class="error">([^<]*)<', page.content.decode()) == ["Select at least two films to merge"]
    assert Film.objects.filter(pk__in=[long.pk, other.pk]).count() == 2


def test_admin_merging_critics_keeps_the_merged_name_for_later_imports(editor_client, tmp_path):
    from reception.catalog.models import Critic

    heart = Film.objects.get(title="One from the Heart")
    other = Film.objects.filter(title_known=True).exclude(pk=heart.pk).order_by("pk").first()
    spelled = tmp_path / "spelled.csv"
    spelled.write_text("film,year,critic,outlet,date,quote,rating\n"
                       "One from the Heart,1982,J. Maslin,The New York Times,1982-02-12,A second look.,2/4\n")
    assert ingest(spelled, rejects_path=tmp_path / "r.tsv").imported == 1
    maslin, twin = Critic.objects.get(name="Janet Maslin"), Critic.objects.get(name="J. Maslin")
    page = _merge(editor_client, "critic", [twin.pk, maslin.pk], expect_keep=maslin.pk)  # the most reviewed
    assert f"Merged 1 critic into {maslin}" in page.content.decode()
    assert not Critic.objects.filter(name="J. Maslin").exists()
    assert list(maslin.aliases.values_list("alias", flat=True)) == ["J. Maslin"]
    # The same file again: its row is the review already moved to the kept critic.
    again = ingest(spelled, rejects_path=tmp_path / "r.tsv")
    assert (again.imported, again.duplicates) == (0, 1)
    assert not Critic.objects.filter(name="J. Maslin").exists()
    # A new review under the merged name is the kept critic's.
    newer = tmp_path / "newer.csv"
    newer.write_text(f"film,year,critic,outlet,date,quote,rating\n{other.title},{other.year},J. MASLIN,,,Slight.,2/4\n")
    assert ingest(newer, rejects_path=tmp_path / "r.tsv").imported == 1
    assert Review.objects.get(quote="Slight.").critic == maslin
    # The critic's page and the search name the alias.
    assert "Also known as: J. Maslin" in editor_client.get(f"/critics/{maslin.slug}").content.decode()
    found = editor_client.get("/api/v1/search", {"q": "J. Mas"}).json()
    assert [c["name"] for c in found["critics"]] == ["Janet Maslin"]


def test_admin_merging_people_moves_their_credits_and_keeps_shared_ones_once(editor_client):
    from reception.catalog.models import Credit, Person

    heart = Film.objects.get(title="One from the Heart")
    other = Film.objects.exclude(pk=heart.pk).order_by("pk").first()
    coppola = Person.objects.get(name="Francis Ford Coppola")
    twin = Person.objects.create(name="F. F. Coppola")
    Credit.objects.create(film=heart, person=twin, role="director")  # the same credit, under the other name
    Credit.objects.create(film=other, person=twin, role="producer")
    held = coppola.credits.count()
    page = _merge(editor_client, "person", [twin.pk, coppola.pk], expect_keep=coppola.pk)  # the most credited
    assert "Merged 1 person into Francis Ford Coppola" in page.content.decode()
    assert not Person.objects.filter(name="F. F. Coppola").exists()
    assert coppola.credits.count() == held + 1  # the producer credit moved; the director's is kept once
    assert Credit.objects.filter(film=other, person=coppola, role="producer").exists()

"""Articles in the forms users bring them: wikitext, a saved Wikipedia page, a MediaWiki dump
(plain and bz2), told apart by `--format auto`; and the bad ones, each with one clear line."""

import bz2
import json
import re
import shutil

import pytest

from reception.ingest.articles import read_article_file, write_report
from reception.ingest.formats import detect

from .conftest import FIXTURES

ARTICLES = FIXTURES / "articles"
WIKI = ARTICLES / "salt_meridian.wiki"
PAGE = ARTICLES / "night_ferry.html"
DUMP = ARTICLES / "two_films.xml"


def _film(cli, title):
    return json.loads(cli("reviews", title, "--json").stdout)


def _by_critic(film):
    return {r["critic"] or r["outlet"]: r for r in film["reviews"]}


@pytest.fixture
def dump_bz2(tmp_path):
    path = tmp_path / "films.xml.bz2"
    path.write_bytes(bz2.compress(DUMP.read_bytes()))
    return path


def test_auto_tells_each_form_of_article_from_a_table(tmp_path, dump_bz2):
    for path in (WIKI, PAGE, DUMP, dump_bz2, ARTICLES / "tide_keeper.txt"):
        assert detect(path).name == "article", path
    table = tmp_path / "reviews.csv"
    table.write_text("film,year,critic,quote\nHeat,1995,Ann Lee,Tense and long\n", encoding="utf-8")
    assert detect(table).name == "csv"
    notes = tmp_path / "notes.txt"
    notes.write_text("Some notes of mine.\nNothing here is a film or a table.\n", encoding="utf-8")
    with pytest.raises(Exception, match="E102"):
        detect(notes)


def test_wikitext_article_imports_with_auto(cli):
    out = json.loads(cli("ingest", WIKI, "--json").stdout)
    assert (out["formats"], out["films_added"], out["imported"]) == (["article:article"], 1, 4)
    film = _film(cli, "The Salt Meridian")
    assert (film["year"], film["runtime_minutes"]) == (1987, 104)
    credits = {(c["name"], c["role"]) for c in film["credits"]}
    assert {("Ines Varga", "director"), ("Daniel K. Osei", "writer"), ("Lucia Ferro", "producer"),
            ("Pieter van der Berg", "actor")} <= credits
    assert {(c["name"], c["role"]) for c in film["companies"]} == {
        ("Copperline Films", "studio"), ("Eastgate Pictures", "distributor")}
    releases = {(r["kind"], r["date"]): r for r in film["releases"]}
    assert releases[("festival", "1987-05-12")]["place"] == "Cannes Film Festival"
    assert releases[("theatrical", "1987-09-04")]["region"] == "United Kingdom"
    assert releases[("restoration", "2015-03-03")]["title"] == "The Salt Meridian: Director's Cut"
    assert ("home-video", "2015-03-03") in releases

    reviews = _by_critic(film)
    keller = reviews["Rosa Keller"]
    # The citation gives the review's date and outlet; the quote is the critic's words alone.
    assert (keller["outlet"], keller["published"], keller["quote"]) == (
        "The Evening Ledger", "1987-01-01", "a patient, luminous film that trusts its audience.")
    monthly = reviews["Film Monthly"]
    assert not monthly["critic"] and monthly["needs_check"]  # "handsome but inert": for an editor
    fitch = reviews["Omar Fitch"]
    assert (fitch["outlet"], fitch["published"], fitch["verdict"], fitch["verdict_source"]) == (
        "Fitch on Film", "2003-01-01", "positive", "critic-rating")
    assert fitch["url"] == "https://example.org/fitch/meridian"
    weller = reviews["Tom Weller"]  # "Upon its release, … praised": no quote, the framing decides
    assert (weller["verdict"], weller["verdict_source"]) == ("positive", "outlet-label")
    # Rotten Tomatoes' figure is a published score, not a review.
    assert "Rotten Tomatoes" not in reviews
    assert film["published_scores"][0]["percent_positive"] == 88


def test_report_gives_each_fact_its_span_and_says_what_was_inferred(tmp_path):
    report = json.loads(write_report(WIKI, tmp_path / "facts.json").read_text())
    text = WIKI.read_text(encoding="utf-8")
    for fact in report["facts"]:
        start, end = fact["span"]
        # The span holds the sentence's words, in order, among the markup around them.
        words = re.findall(r"\w+", fact["sentence"])
        assert re.search(r"\W+".join(r"(?:.|\n)*?".join(map(re.escape, w)) for w in words[:6]),
                         text[start:end]), fact
    weller = next(f for f in report["facts"] if f["kind"] == "review" and f["value"]["critic"] == "Tom Weller")
    assert weller["inferred"] is True and weller["value"]["year"] == 1987  # dated by "upon its release"
    fitch = next(f for f in report["facts"] if f["kind"] == "review" and f["value"]["critic"] == "Omar Fitch")
    assert "inferred" not in fitch  # "In a 2003 review" says so


@pytest.mark.parametrize("compressed", [False, True])
def test_two_article_dump_imports_with_auto(cli, compressed, dump_bz2):
    out = json.loads(cli("ingest", dump_bz2 if compressed else DUMP, "--json").stdout)
    # Two films; the page about a wetland, the redirect and the template are passed over.
    assert (out["films_added"], out["imported"]) == (2, 5)
    lanterns = _by_critic(_film(cli, "Paper Lanterns"))
    assert (lanterns["Sofia Lund"]["outlet"], lanterns["Sofia Lund"]["published"]) == ("The Harbour Times", "2009-01-01")
    assert lanterns["Frame Weekly"]["quote"] == "sweet, slight and forgettable."
    assert len(_film(cli, "The Salt Meridian")["reviews"]) == 3


def test_saved_page_imports_with_auto(cli):
    out = json.loads(cli("ingest", PAGE, "--json").stdout)
    assert (out["films_added"], out["imported"]) == (1, 2)
    film = _film(cli, "Night Ferry")
    assert (film["year"], film["runtime_minutes"]) == (2012, 101)
    assert {(c["name"], c["role"]) for c in film["companies"]} == {
        ("Lowtide Pictures", "studio"), ("Northwind Releasing", "distributor")}
    reviews = _by_critic(film)
    berg = reviews["Jonas Berg"]
    assert (berg["outlet"], berg["rating"]["raw"], berg["verdict"], berg["url"]) == (
        "Nordic Screen", "four stars out of five", "positive", "https://example.org/nordic/night-ferry")
    coastal = reviews["The Coastal Review"]
    # The reference names no author (a title in quotes is none): no critic is made up.
    assert not coastal["critic"] and coastal["quote"] == "the plot sinks long before the ferry does."


def test_truncated_dump_is_refused_and_nothing_stored_is_lost(cli, tmp_path, dump_bz2):
    cli("ingest", ARTICLES / "tide_keeper.txt", "--format", "article")
    before = _film(cli, "The Tide Keeper")
    # Cut inside a page; a bz2 file cut short is a damaged compressed file (E109).
    for cut, name, code in ((DUMP.read_bytes()[:2500], "cut.xml", "E111"),
                            (dump_bz2.read_bytes()[:900], "cut.xml.bz2", "E109")):
        path = tmp_path / name
        path.write_bytes(cut)
        done = cli("ingest", path, check=False)
        assert done.returncode == 1 and code in done.stderr and "cut short" in done.stderr, done.stderr
        assert "Traceback" not in done.stderr and "nothing was imported" in done.stderr
    assert _film(cli, "The Tide Keeper") == before
    assert cli("reviews", "The Salt Meridian", check=False).returncode == 1  # none of the dump's films


def test_dump_without_films_is_refused(cli, tmp_path):
    path = tmp_path / "plants.xml"
    text = DUMP.read_text(encoding="utf-8")
    path.write_text(re.sub(r"\{\{Infobox film", "{{Infobox plant", text), encoding="utf-8")
    done = cli("ingest", path, check=False)
    assert done.returncode == 1 and "E111" in done.stderr and "film infobox" in done.stderr


def test_article_about_no_film_is_refused(cli, tmp_path):
    path = tmp_path / "saltmarsh.wiki"
    path.write_text("{{Short description|Coastal wetland}}\n'''Saltmarsh''' is a coastal wetland.\n\n"
                    "==Ecology==\nGrasses grow there.\n", encoding="utf-8")
    done = cli("ingest", path, check=False)
    assert done.returncode == 1 and "E107" in done.stderr and str(path) in done.stderr


def test_broken_markup_is_noted_with_its_line_and_the_rest_is_read(cli, tmp_path):
    path = tmp_path / "broken.wiki"
    path.write_text("{{Infobox film\n| name = Broken\n| director = [[Ana Roy\n"
                    "'''Broken''' is a 2001 French film directed by Ana Roy.\n\n==Reception==\n"
                    "Lena Voss of ''The Daily Crown'' called it \"a brave, bruised little film.\"\n", encoding="utf-8")
    out = json.loads(cli("ingest", path, "--rejects", tmp_path / "notes.tsv", "--json").stdout)
    assert (out["films_added"], out["imported"], out["stored_with_notes"]) == (1, 1, 2)
    notes = (tmp_path / "notes.tsv").read_text(encoding="utf-8")
    assert "\t1\t" in notes and "\t3\t" in notes and "never closed" in notes
    film = _film(cli, "Broken")
    assert film["year"] == 2001 and [c["name"] for c in film["credits"]] == ["Ana Roy"]


def test_article_with_an_empty_section_reads_the_others(cli, tmp_path):
    path = tmp_path / "empty.wiki"
    shutil.copy(WIKI, path)
    path.write_text(path.read_text(encoding="utf-8").replace("==Plot==\nA surveyor maps a coast that keeps moving.\n",
                                                            "==Plot==\n\n"), encoding="utf-8")
    assert read_article_file(path).film.year == 1987
    out = json.loads(cli("ingest", path, "--json").stdout)
    assert (out["films_added"], out["imported"], out["rejected"]) == (1, 4, 0)


def test_empty_article_is_refused(cli, tmp_path):
    path = tmp_path / "empty.wiki"
    path.write_text("", encoding="utf-8")
    done = cli("ingest", path, "--format", "article", check=False)
    assert done.returncode == 1 and "E101" in done.stderr

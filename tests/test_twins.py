"""One film stored twice (ingest.film_merge): a source that names films only by its own ids
(rt.reviews, rt.movie_info) and one that names them only by title (rotten_tomatoes_movies.csv)
meet on the film's runtime and release days. Every film and review here is invented."""

import json

import pytest

from reception.catalog.films import find_film
from reception.catalog.models import Consensus, Film, FilmSourceId, Review
from reception.ingest import ingest


MOVIES = (
    "movie_title,rating,genre,in_theaters_date,on_streaming_date,runtime_in_minutes,tomatometer_status,"
    "tomatometer_rating,tomatometer_count\n"
    "Harbor Lights,PG-13,Drama,2016-03-04,2016-06-21,104,Fresh,80,40\n"
    # Two films that opened on one day, streamed from one day and run as long.
    "Glass Orchard,PG-13,Drama,2015-10-23,2016-02-02,105,Fresh,73,200\n"
    "The Ninth Winter,PG-13,Action,2015-10-23,2016-02-02,105,Rotten,17,130\n"
    # One day in common only: a limited opening before the wide one.
    "Night Ferry,R,Drama,2014-12-25,2015-05-05,127,Fresh,99,250\n"
    # The same days, another runtime.
    "Paper Kites,PG,Comedy,2012-07-13,2012-11-06,90,Rotten,40,60\n"
)
INFO = (
    "id\tsynopsis\trating\tgenre\tdirector\twriter\ttheater_date\tdvd_date\tcurrency\tbox_office\truntime\tstudio\n"
    "10\tA lighthouse keeper's last winter.\tPG-13\tDrama\tMara Quell\t\tMar 4, 2016\tJun 21, 2016\t\t\t104 minutes\tNorth Pier\n"
    "11\tAn orchard under glass.\tPG-13\tDrama\t\t\tOct 23, 2015\tFeb 2, 2016\t\t\t105 minutes\t\n"
    "12\tA ferry that sails at night.\tR\tDrama\t\t\tJan 9, 2015\tMay 5, 2015\t\t\t127 minutes\t\n"
    "13\tKites of paper.\tPG\tComedy\t\t\tJul 13, 2012\tNov 6, 2012\t\t\t91 minutes\t\n"
)
RT_HEADER = "id\treview\trating\tfresh\tcritic\ttop_critic\tpublisher\tdate\n"
REVIEWS = RT_HEADER + "".join(
    f"{film}\tQuote {n} on film {film}.\t3/4\tfresh\tCritic {n}\t0\tOutlet {n}\tMarch {n + 1}, 2016\n"
    for film in (10, 11, 12, 13) for n in range(3)
)


def _files(tmp_path):
    folder = tmp_path / "rt-reviews"
    folder.mkdir()
    (folder / "rt.movie_info.tsv").write_bytes(INFO.encode("latin-1"))
    (folder / "rt.reviews.tsv").write_bytes(REVIEWS.encode("latin-1"))
    movies = tmp_path / "rotten_tomatoes_movies.csv"
    movies.write_text(MOVIES, encoding="utf-8")
    return folder, movies


@pytest.mark.parametrize("order", ["titled first", "untitled first"])
def test_twins_an_untitled_film_and_its_titled_record_are_merged_either_way(reception, tmp_path, order):
    folder, movies = _files(tmp_path)
    reception("init")

    def imported(path):
        return json.loads(reception("ingest", path, "--json", "--no-verdicts", "--rejects", tmp_path / "r.tsv").stdout)

    first, second = (movies, folder) if order == "titled first" else (folder, movies)
    reports = [imported(first), imported(second)]
    assert [r["films_merged"] for r in reports] == [0, 1]
    assert sum(r["films_added"] for r in reports) == 8  # five titled, three untitled left apart
    harbor = json.loads(reception("reviews", "Harbor Lights (2016)", "--json").stdout)
    assert (harbor["title"], harbor["year"]) == ("Harbor Lights", 2016)
    assert sorted(r["quote"] for r in harbor["reviews"]) == [f"Quote {n} on film 10." for n in range(3)]
    # Left apart (the films added count them): two titled candidates; one day in common; another runtime.
    orchard = json.loads(reception("reviews", "rt-reviews film 11", "--json").stdout)
    assert (orchard["title"], len(orchard["reviews"])) == ("rt-reviews film 11", 3)
    # Nothing is added twice by either file again.
    again = [imported(folder), imported(movies)]
    assert [(r["imported"], r["films_added"], r["films_merged"]) for r in again] == [(0, 0, 0), (0, 0, 0)]


@pytest.mark.django_db
def test_twins_reviews_of_both_records_meet_on_the_film_first_stored(tmp_path):
    """Each record has reviews before anything tells them to be one film: the rt.reviews film
    is stored first (kept, its id stays), takes the title, and a review both hold is kept once."""
    folder, movies = _files(tmp_path)
    ingest(folder / "rt.reviews.tsv", rejects_path=tmp_path / "r.tsv")
    untitled = FilmSourceId.objects.get(source="rt-reviews", key="10").film_id
    ours = tmp_path / "ours.csv"
    ours.write_text("film,year,critic,outlet,date,quote,rating\n"
                    "Harbor Lights,2016,Critic 1,Outlet 1,2016-03-02,Quote 1 on film 10.,3/4\n"
                    "Harbor Lights,2016,Dana Ode,The Evening Lamp,2016-03-09,A slow glow.,B+\n")
    ingest(ours, rejects_path=tmp_path / "r.tsv")
    titled = find_film("Harbor Lights (2016)")
    Consensus.objects.create(film=titled, text="A slow glow.", clauses=[{"text": "A slow glow.", "review_ids": [
        titled.reviews.get(critic__name="Dana Ode").pk]}])
    ingest(movies, rejects_path=tmp_path / "r.tsv")  # gives the titled record its days
    assert Film.objects.filter(pk=untitled, title_known=False).exists()
    report = ingest(folder / "rt.movie_info.tsv", rejects_path=tmp_path / "r.tsv")  # and the untitled its own
    assert report.films_merged == 1 and not Film.objects.filter(pk=titled.pk).exists()
    assert "1 untitled films merged into titled ones (same runtime and release days)" in report.summary()
    film = find_film("Harbor Lights (2016)")
    assert film.pk == untitled and film.title_known and film.synopsis == "A lighthouse keeper's last winter."
    assert film.published_scores.get().status == "Fresh"
    assert set(film.source_ids.values_list("source", "key")) == {("rt-reviews", "10")}
    assert film.credits.get().person.name == "Mara Quell" and film.releases.count() == 3  # video and streaming
    assert sorted(film.reviews.values_list("quote", flat=True)) == [
        "A slow glow.", "Quote 0 on film 10.", "Quote 1 on film 10.", "Quote 2 on film 10."]
    assert film.consensus.get().clauses[0]["review_ids"] == [Review.objects.get(quote="A slow glow.").pk]
    # Keys follow the kept film: neither file adds a review again.
    assert ingest(ours, rejects_path=tmp_path / "r.tsv").imported == 0
    assert ingest(folder, rejects_path=tmp_path / "r.tsv").imported == 0
    assert Review.objects.count() == 3 * 4 + 1

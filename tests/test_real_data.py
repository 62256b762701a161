"""The real public data sets in ../shared/data (skipped with a reason where absent)."""

import csv

import pytest
from django.db.models import F

from reception.catalog.films import find_film
from reception.catalog.models import Film, FilmSourceId, PublishedScore, Review
from reception.ingest import ingest

pytestmark = pytest.mark.django_db


def test_real_rt_reviews_all_rows_imported_and_ratings_read(shared_data, tmp_path):
    path = shared_data / "rt-reviews" / "rt.reviews.tsv.gz"
    report = ingest(path, rejects_path=tmp_path / "rej.tsv")
    assert report.read == 54432
    # Every row is imported, or skipped as an in-file duplicate listed with its line.
    assert report.imported + report.duplicates + report.rejected == 54432
    assert report.rejected == 0 and report.duplicates == len(report.duplicate_lines) < 20
    assert Film.objects.count() == 1135
    assert report.ratings_read / report.ratings_present >= 0.995
    # Every row has RT's label, the critic's own call: every review's verdict is that label.
    # Where the rating reads the other way (a 3/5 marked rotten) the review waits for an editor.
    assert Review.objects.filter(verdict="").count() == 0
    assert not Review.objects.exclude(verdict=F("label")).exists()
    assert report.verdicts_from_labels == report.imported and report.verdicts_from_ratings == 0
    conflicts = Review.objects.exclude(conflict="")
    assert 0 < conflicts.count() < 0.03 * report.imported
    assert not conflicts.filter(rating__isnull=True).exists()
    again = ingest(path, rejects_path=tmp_path / "rej2.tsv")
    assert again.imported == 0
    assert again.ratings_read == report.ratings_read  # the same share read on a re-import


def test_real_rt_movie_info_names_the_rt_reviews_films(shared_data, tmp_path):
    report = ingest(shared_data / "rt-reviews", rejects_path=tmp_path / "rej.tsv")
    assert report.formats == ["rt-reviews:rt.movie_info", "rt-reviews:rt.reviews"]
    film = FilmSourceId.objects.get(source="rt-reviews", key="3").film
    assert film.reviews.count() > 0 and film.synopsis and film.credits.filter(role="director").exists()


def test_real_kaggle_and_2025_exports_join_and_keep_films_apart(shared_data, tmp_path):
    ingest(shared_data / "rt-kaggle", rejects_path=tmp_path / "a.tsv")
    percy = FilmSourceId.objects.get(source="rt-link", key="m/0814255").film
    assert percy.title.startswith("Percy Jackson") and percy.reviews.count() > 0
    with open(shared_data / "rt-kaggle" / "rotten_tomatoes_movies.csv", encoding="utf-8") as handle:
        stated = sum(1 for row in csv.DictReader(handle) if row["critics_consensus"].strip())
    assert PublishedScore.objects.filter(source="rt-kaggle").exclude(consensus="").count() == stated
    assert Film.objects.filter(source_ids__source="rt-link").count() == 938  # remakes stay apart
    ingest(shared_data / "rt-2025", rejects_path=tmp_path / "b.tsv")
    # Regression: an RT URL's ".com/m/..." once read as the link "m/m" and merged 28 films into one.
    assert not FilmSourceId.objects.filter(key="m/m").exists()
    assert find_film("Toy Story (1995)").reviews.count() == 96
    assert find_film("Toy Story 3").year == 2010
    assert Film.objects.filter(source_ids__source="rt-2025").distinct().count() == 28
    # The newer export's quotes carry HTML entities ("plastics&#44; but" in 700 of them): stored decoded.
    assert not Review.objects.filter(quote__regex=r"&(#[0-9]+|[a-z]+);").exists()
    assert Review.objects.filter(quote__startswith="Toy Story 2 sends audiences into an unforgettable world "
                                                   "that may be made of plastics, but").exists()


def test_real_rt_movies_published_counts(shared_data, tmp_path):
    report = ingest(shared_data / "rt-movies", rejects_path=tmp_path / "a.tsv")
    assert report.films == 5511 and report.rejected == 0
    italian = PublishedScore.objects.get(film__title="The Italian Job", film__year=1969, source="rt-movies")
    assert (italian.status, italian.percent_positive, italian.review_count) == ("Fresh", 83, 29)
    assert (italian.top_critic_count, italian.positive_count, italian.negative_count) == (6, 24, 5)


def test_badge_rules_on_rotten_tomatoes_published_counts(shared_data):
    """Our rules fed RT's own counts: never fresher than RT says, and 90% identical; the rest
    is history the data lacks (limited releases, certificates kept above 70%)."""
    from reception.scores.badges import CERTIFIED, FRESH, ROTTEN, BadgeRules, badge

    statuses = {"Rotten": ROTTEN, "Fresh": FRESH, "Certified Fresh": CERTIFIED}
    rules, agree, total = BadgeRules(), 0, 0
    with open(shared_data / "rt-movies" / "rotten_tomatoes_movies.csv", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            pos, neg = int(row["audience_fresh_critics_count"]), int(row["audience_rotten_critics_count"])
            ours = badge(pos, pos + neg, int(row["audience_top_critics_count"]), False, False, rules)
            theirs = statuses[row["tomatometer_status"]]
            total += 1
            agree += ours == theirs
            if theirs == ROTTEN:
                assert ours == ROTTEN, row["movie_title"]
            if ours == CERTIFIED:
                assert theirs == CERTIFIED, row["movie_title"]
    assert total == 5511 and agree / total > 0.9


def test_real_rt_reviews_films_meet_their_titles_in_rt_movies(shared_data, tmp_path):
    """rt.reviews names its films by id only, rotten_tomatoes_movies.csv by title only: the films
    both hold meet on their runtime and release days (ingest.film_merge). Checked against RT itself:
    the share positive we compute from rt.reviews for such a film is the share RT published
    for it, within a few points, and a wrong merge would miss by tens."""
    from reception.scores.compute import score
    from reception.scores.models import FilmScore

    ingest(shared_data / "rt-movies", rejects_path=tmp_path / "a.tsv")
    report = ingest(shared_data / "rt-reviews", rejects_path=tmp_path / "b.tsv")
    assert report.films_merged > 450
    assert find_film("Three Billboards Outside Ebbing, Missouri").reviews.count() == 338
    # Two films with the same days and runtime: the untitled record of either is left apart.
    assert not FilmSourceId.objects.filter(film__title__in=["Suffragette", "The Last Witch Hunter"]).exists()
    score()
    gaps = sorted(abs(s.percent - s.film.published_scores.get(source="rt-movies").percent_positive)
                  for s in FilmScore.objects.filter(reviews__gte=20, film__source_ids__source="rt-reviews",
                                                    film__published_scores__source="rt-movies").select_related("film"))
    assert len(gaps) > 350 and gaps[len(gaps) // 2] <= 3 and gaps[-1] <= 15
    again = ingest(shared_data / "rt-reviews", rejects_path=tmp_path / "c.tsv")
    assert (again.imported, again.films_added, again.films_merged) == (0, 0, 0)

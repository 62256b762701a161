"""A review its source names by an id: importing it again with other content revises it."""

import csv
import json

import pytest

from reception.editing import override
from reception.catalog.models import ImportRun, Review
from reception.ingest import ingest
from reception.catalog.keys import dedupe_key
from reception.ingest.records import ReviewRecord


pytestmark = pytest.mark.django_db

OURS = "film,year,critic,outlet,date,quote,url,rating,verdict,top_critic,id\n"
RT2025 = "creationDate,criticName,isTopCritic,publicationName,reviewUrl,quote,reviewId,reviewState,originalScore,movieId\n"


def write(path, text):
    path.write_text(text, encoding="utf-8")
    return path


def rt2025(review_id, quote, movie="m1", score="3/4", state="fresh", date="2001-05-01", critic="Ann Critic"):
    return f'{date},{critic},False,Daily,https://example.org/{review_id},"{quote}",{review_id},{state},{score},{movie}\n'


def by_source_id():
    return {r.source_key: r for r in Review.objects.all()}


def rejects_of(path):
    with open(path, encoding="utf-8") as handle:
        return [(row["line"], row["reason"]) for row in csv.DictReader(handle, delimiter="\t")]


def key_of(review):
    record = ReviewRecord(film=None, quote=review.quote, published=review.published, rating_raw=review.rating_raw)
    return dedupe_key(review.film_id, review.critic_id, review.outlet_id, record)


def test_a_corrected_row_revises_its_review_and_an_editors_verdict_stays(tmp_path):
    first = ingest(write(tmp_path / "a.csv", OURS + (
        "Paper Moon,1973,Ann,Daily,,Funy and tender.,,,positive,false,r1\n"
        "Paper Moon,1973,Bob,Weekly,1973-05-20,Too cute.,,2/4,,false,r2\n"
        "Paper Moon,1973,Cy,Monthly,1973-05-21,Fine.,,3/4,,false,r3\n")))
    assert (first.imported, first.updated) == (3, 0)
    bob = by_source_id()["r2"]
    override([bob], "positive")
    # r1's typo mended and its date found, r2's rating corrected, r3 as it was, r4 new.
    rejects = tmp_path / "b.rejects.tsv"
    again = ingest(write(tmp_path / "b.csv", OURS + (
        "Paper Moon,1973,Ann,Daily,1973-05-16,Funny and tender.,,,positive,false,r1\n"
        "Paper Moon,1973,Bob,Weekly,1973-05-20,Too cute.,,1/4,,false,r2\n"
        "Paper Moon,1973,Cy,Monthly,1973-05-21,Fine.,,3/4,,false,r3\n"
        "Paper Moon,1973,Dee,Daily,,Lovely.,,B+,,false,r4\n")), rejects_path=rejects)
    assert (again.read, again.imported, again.updated, again.duplicates) == (4, 1, 2, 1)
    assert again.summary().startswith("read 4, imported 1 reviews, 2 updated, 1 duplicates skipped, 0 rejected")
    assert again.as_dict()["updated"] == 2
    assert ImportRun.objects.latest("id").updated == 2  # the import's record, in the admin
    assert again.touched_films == {bob.film_id}
    reviews = by_source_id()
    assert Review.objects.count() == 4
    ann = reviews["r1"]
    assert (ann.quote, str(ann.published), ann.verdict, ann.decided_by) == \
        ("Funny and tender.", "1973-05-16", "positive", "outlet-label")
    bob = reviews["r2"]
    assert (bob.rating_raw, bob.rating) == ("1/4", 25.0)
    assert (bob.verdict, bob.decided_by) == ("positive", "editor")  # the editor's, not the new rating's
    # Their keys are those of what they now say: importing the corrected file again adds nothing.
    assert all(review.dedupe_key == key_of(review) for review in reviews.values())
    third = ingest(tmp_path / "b.csv")
    assert (third.imported, third.updated, third.duplicates) == (0, 0, 4)


def test_a_revised_quote_is_read_again_by_the_text_model(tmp_path):
    ingest(write(tmp_path / "a.csv", OURS + "Paper Moon,1973,Ann,Daily,,A delight.,,,,false,r1\n"))
    Review.objects.update(verdict="positive", decided_by="model", verdict_model="m", verdict_probability=0.9)
    report = ingest(write(tmp_path / "b.csv", OURS + "Paper Moon,1973,Ann,Daily,,A bore.,,,,false,r1\n"))
    review = Review.objects.get()
    assert (report.updated, review.quote, review.verdict, review.verdict_probability) == (1, "A bore.", "", None)
    assert report.awaiting_text_verdict == 1


def test_an_id_matches_only_within_its_film_its_format_and_one_review(tmp_path):
    ingest(write(tmp_path / "a.csv", OURS + (
        "Paper Moon,1973,Ann,Daily,,One.,,3/4,,false,7\n"
        "Badlands,1973,Ann,Daily,,Two.,,3/4,,false,8\n")))
    # Another system's id 7 on another film, and a JSONL file's id 8: new reviews, not revisions.
    report = ingest(write(tmp_path / "b.csv", OURS + "Badlands,1973,Bob,Weekly,,Three.,,2/4,,false,7\n"))
    assert (report.imported, report.updated) == (1, 0)
    jsonl = json.dumps({"film": "Badlands", "year": 1973, "critic": "Ann", "outlet": "Daily", "quote": "Two, again.",
                        "rating": "3/4", "id": "8"})
    report = ingest(write(tmp_path / "c.jsonl", jsonl + "\n"))
    assert (report.imported, report.updated) == (1, 0)
    assert sorted(Review.objects.values_list("quote", flat=True)) == ["One.", "Three.", "Two, again.", "Two."]
    # An id two stored reviews of a film share (stored before ids counted) revises neither.
    Review.objects.filter(quote="Three.").update(source_key="8", source="csv")
    report = ingest(write(tmp_path / "d.csv", OURS + "Badlands,1973,Ann,Daily,,\"Two, revised.\",,3/4,,false,8\n"))
    assert (report.imported, report.updated) == (1, 0)


@pytest.mark.parametrize("load", ["small", "large"])
def test_an_id_twice_in_a_file_and_a_revision_into_another_review(tmp_path, load, monkeypatch):
    from reception.ingest import store

    if load == "large":  # the unique index set aside: another review's key told in Python
        monkeypatch.setattr(store, "DEFER_ROWS", 1)
    ingest(write(tmp_path / "a.csv", OURS + (
        "Paper Moon,1973,Ann,Daily,,One.,,3/4,,false,r1\n"
        "Paper Moon,1973,Ann,Daily,,Two.,,3/4,,false,r2\n")))
    rejects = tmp_path / "b.rejects.tsv"
    # r1 made into r2's very review is a duplicate of it; r3 twice names one review.
    report = ingest(write(tmp_path / "b.csv", OURS + (
        "Paper Moon,1973,Ann,Daily,,Two.,,3/4,,false,r1\n"
        "Paper Moon,1973,Cy,Daily,,Three.,,3/4,,false,r3\n"
        "Paper Moon,1973,Cy,Daily,,\"Three, said again.\",,3/4,,false,r3\n")), rejects_path=rejects)
    assert (report.read, report.imported, report.updated, report.duplicates, report.rejected) == (3, 1, 0, 2, 0)
    assert rejects_of(rejects) == [("4", "duplicate of line 3 (skipped, not rejected)")]
    assert sorted(Review.objects.values_list("quote", flat=True)) == ["One.", "Three.", "Two."]


@pytest.mark.parametrize("load", ["small", "large"])
def test_the_newer_rt_export_revises_reviews_by_review_id(tmp_path, load, monkeypatch):
    """The newer export's rows are stored a batch at a time; the same rules hold there, with the
    unique index kept or set aside."""
    from reception.ingest import store

    if load == "large":
        monkeypatch.setattr(store, "DEFER_ROWS", 1)
    first = ingest(write(tmp_path / "critic_reviews.csv", RT2025 + rt2025(101, "Sharp and warm.") + rt2025(
        102, "A misfire.", score="1/4", state="rotten", critic="Bob") + rt2025(103, "Fine.", critic="Cy")))
    assert (first.imported, first.updated) == (3, 0)
    rejects = tmp_path / "rejects.tsv"
    again = ingest(write(tmp_path / "critic_reviews.csv", RT2025 + rt2025(101, "Sharp and warm, and wise.") + rt2025(
        102, "A misfire.", score="2/4", state="rotten", critic="Bob") + rt2025(103, "Fine.", critic="Cy")
        + rt2025(104, "New.", critic="Dee") + rt2025(104, "New, twice.", critic="Dee")), rejects_path=rejects)
    assert (again.read, again.imported, again.updated, again.duplicates) == (5, 1, 2, 2)
    assert rejects_of(rejects) == [("6", "duplicate of line 5 (skipped, not rejected)")]
    reviews = by_source_id()
    assert reviews["101"].quote == "Sharp and warm, and wise."
    assert (reviews["102"].rating, reviews["102"].verdict, reviews["102"].decided_by) == \
        (50.0, "negative", "outlet-label")
    assert all(review.dedupe_key == key_of(review) for review in reviews.values())
    assert Review.objects.count() == 4


def test_cli_reports_revised_reviews_on_either_database(reception, tmp_path):
    write(tmp_path / "a.csv", OURS + "Paper Moon,1973,Ann,Daily,,Funy.,,3/4,,false,r1\n")
    write(tmp_path / "b.csv", OURS + "Paper Moon,1973,Ann,Daily,,Funny.,,3/4,,false,r1\n")
    reception("ingest", tmp_path / "a.csv", "--no-verdicts")
    report = json.loads(reception("ingest", tmp_path / "b.csv", "--json", "--no-verdicts").stdout)
    assert (report["imported"], report["updated"], report["duplicates"]) == (0, 1, 0)
    reviews = json.loads(reception("reviews", "Paper Moon", "--json").stdout)["reviews"]
    assert [r["quote"] for r in reviews] == ["Funny."]
    # The newer RT export's rows, stored a batch at a time.
    (tmp_path / "rt").mkdir()
    write(tmp_path / "rt" / "movies.csv", "movieId,movieTitle,movieYear,movieURL,critic_score\n"
          "m1,Badlands,1973,https://www.rottentomatoes.com/m/badlands,96%\n")
    write(tmp_path / "rt" / "critic_reviews.csv", RT2025 + rt2025(101, "Cool.") + rt2025(102, "Dull.", critic="Bob"))
    reception("ingest", tmp_path / "rt", "--no-verdicts")
    write(tmp_path / "rt" / "critic_reviews.csv", RT2025 + rt2025(101, "Cool and calm.", date="2001-05-02")
          + rt2025(102, "Dull.", critic="Bob", score="1/4", state="rotten"))
    report = json.loads(reception("ingest", tmp_path / "rt", "--json", "--no-verdicts").stdout)
    assert (report["imported"], report["updated"], report["duplicates"]) == (0, 2, 0)
    reviews = json.loads(reception("reviews", "Badlands", "--json").stdout)["reviews"]
    assert sorted((r["quote"], r["published"], r["rating"]["raw"], r["verdict"]) for r in reviews) == [
        ("Cool and calm.", "2001-05-02", "3/4", "positive"), ("Dull.", "2001-05-01", "1/4", "negative")]


@pytest.mark.parametrize("load", ["small", "large"])
def test_a_later_file_of_a_folder_revises_what_an_earlier_one_brought(tmp_path, load, monkeypatch):
    """A folder of monthly exports, imported at once: the later file's corrected row is the
    earlier file's review, revised in the same transaction."""
    from reception.ingest import store

    if load == "large":
        monkeypatch.setattr(store, "DEFER_ROWS", 1)
    folder = tmp_path / "exports"
    folder.mkdir()
    write(folder / "2024-01.csv", OURS + "Paper Moon,1973,Ann,Daily,,Funy.,,3/4,,false,r1\n")
    write(folder / "2024-02.csv", OURS + "Paper Moon,1973,Ann,Daily,,Funny.,,3/4,,false,r1\n"
                                         "Paper Moon,1973,Bob,Daily,,Dull.,,1/4,,false,r2\n")
    report = ingest(folder)
    assert (report.read, report.imported, report.updated, report.duplicates) == (3, 2, 1, 0)
    assert sorted(Review.objects.values_list("source_key", "quote")) == [("r1", "Funny."), ("r2", "Dull.")]

"""The `reception` command end to end, against SQLite and a real PostgreSQL server."""

import gzip
import json
import signal
import subprocess
import sys
import time

import pytest

from .conftest import FIXTURES, cli_env, run_cli


def test_cli_demo_data_and_reviews_json(reception):
    reception("init")
    done = reception("demo", "--no-serve")
    assert "0 rejected" in done.stdout
    again = reception("demo", "--no-serve")
    assert "imported 0 reviews" in again.stdout
    data = json.loads(reception("reviews", "One from the Heart (1982)", "--json").stdout)
    assert (data["title"], data["year"]) == ("One from the Heart", 1982)
    critics = {(r["critic"], r["outlet"], r["verdict"]) for r in data["reviews"]}
    assert critics == {
        ("Janet Maslin", "The New York Times", "negative"),
        ("Susan King", "Los Angeles Times", "positive"),
        ("Warren Clements", "The Globe and Mail", "negative"),
        ("Gene Siskel", "At the Movies", "positive"),
    }
    siskel = next(r for r in data["reviews"] if r["critic"] == "Gene Siskel")
    assert siskel["rating"] == {"raw": "thumbs up", "score": 100.0, "scale": "thumbs", "flag": ""}
    assert (siskel["published"], siskel["published_precision"]) == ("1986-01-01", "year")
    listed = reception("reviews", "One from the Heart (1982)").stdout.splitlines()
    # Oldest first, each date as far as it is known; the undated ones last.
    assert [line.split()[0] for line in listed[1:3]] == ["1982-02-11", "1986"]
    assert next(line for line in listed if "Gene Siskel" in line).startswith("  1986        Gene Siskel")
    assert {c["name"] for c in data["credits"] if c["role"] == "actor"} == {
        "Frederic Forrest", "Teri Garr", "Raúl Juliá", "Nastassja Kinski", "Lainie Kazan", "Harry Dean Stanton"}
    assert {(c["name"], c["role"]) for c in data["companies"]} == {("Zoetrope Studios", "studio"), ("MGM", "distributor")}
    restoration = next(r for r in data["releases"] if r["kind"] == "restoration")
    assert (restoration["date"], restoration["title"], restoration["format"]) == ("2024-01-19", "One From the Heart: Reprise", "4K")


def test_cli_unknown_film_is_one_clear_line(cli):
    cli("init")
    done = cli("reviews", "No Such Film", check=False)
    assert done.returncode == 1
    assert done.stderr.strip() == "Error: [E200] no film matches 'No Such Film'; try `reception reviews` with an id or check the title"


def test_cli_ingest_errors_exit_non_zero(cli, tmp_path):
    (tmp_path / "empty.csv").write_text("")
    done = cli("ingest", tmp_path / "empty.csv", check=False)
    assert done.returncode == 1 and "[E101]" in done.stderr and "empty.csv" in done.stderr
    done = cli("ingest", tmp_path / "missing.csv", check=False)
    assert done.returncode == 1 and "[E100]" in done.stderr


def test_cli_rt_reviews_import_and_reimport(reception, shared_data, tmp_path):
    path = shared_data / "rt-reviews" / "rt.reviews.tsv.gz"
    first = json.loads(reception("ingest", path, "--json", "--rejects", tmp_path / "r.tsv").stdout)
    assert first["read"] == 54432
    assert first["imported"] + first["duplicates"] + first["rejected"] == 54432 and first["rejected"] == 0
    assert first["ratings_read"] / first["ratings_present"] >= 0.995
    second = json.loads(reception("ingest", path, "--json", "--rejects", tmp_path / "r2.tsv").stdout)
    assert second["imported"] == 0 and second["duplicates"] == 54432


def test_cli_a_rating_read_later_decides_its_review_again(reception, tmp_path):
    header = "film,year,critic,outlet,date,quote,url,rating,verdict,top_critic\n"
    (tmp_path / "a.csv").write_text(header + "Old,2000,A,Weekly Bugle,,Fine.,,2,positive,\n")
    (tmp_path / "b.csv").write_text(header + "New,2000,B,Weekly Bugle,,Good.,,7/10,,\n"
                                             "New,2000,C,Weekly Bugle,,Great.,,9/10,,\n")
    reception("init")
    reception("ingest", tmp_path / "a.csv")

    def old_review():
        return json.loads(reception("reviews", "Old", "--json").stdout)["reviews"][0]

    assert (old_review()["verdict"], old_review()["verdict_source"]) == ("positive", "outlet-label")
    # The Bugle states its scale: the earlier "2" reads as 2/10, which disagrees with the label.
    # The label, the critic's own call, stands; the review waits for an editor.
    done = reception("ingest", tmp_path / "b.csv")
    assert "verdicts: 2 from ratings, 0 from labels" in done.stdout  # this import's own reviews
    old = old_review()
    assert old["rating"] == {"raw": "2", "score": 20.0, "scale": "/10", "flag": "scale-inferred"}
    assert (old["verdict"], old["verdict_source"]) == ("positive", "outlet-label")
    assert old["conflict"] == "the rating reads negative on /10; the label says positive"


def test_cli_reviews_read_back_the_same_from_either_database(tmp_path, postgres_url):
    """PostgreSQL's reviews arrive by COPY, SQLite's by INSERT: the same file must read back alike,
    whatever its quotes hold (tabs, backslashes, COPY's own NULL marker, line breaks)."""
    quotes = ["Tabs\there, a backslash \\ and \\N, COPY's null marker", "Line one.\nLine two.", "Ünïcödé — “curly”",
              "", "Plain words about the film."]
    rows = ["film,year,critic,outlet,date,quote,url,rating,verdict,top_critic"]
    for i in range(30):
        quote = quotes[i % len(quotes)].replace('"', '""')
        rows.append(f'Odd Film {i % 3},2001,Critic {i},Outlet {i % 4},2001-05-0{1 + i % 9},"{quote} #{i}",'
                    f'https://example.org/{i},{["3/4", "B+", "", "7", "★★★½"][i % 5]},{["", "positive", "negative"][i % 3]},'
                    f'{"true" if i % 2 else "false"}')
    (tmp_path / "odd.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    read_back = []
    for db in (f"sqlite:///{tmp_path / 'odd.db'}", postgres_url.new_database()):
        report = json.loads(run_cli("ingest", tmp_path / "odd.csv", "--json", db=db).stdout)
        assert (report["imported"], report["rejected"]) == (30, 0)
        films = [json.loads(run_cli("reviews", f"Odd Film {n}", "--json", db=db).stdout)["reviews"] for n in range(3)]
        read_back.append([{k: v for k, v in r.items() if k != "id"} for reviews in films for r in reviews])
    sqlite_reviews, postgres_reviews = read_back
    assert sqlite_reviews == postgres_reviews
    assert {r["quote"].rsplit("#", 1)[0].strip() for r in postgres_reviews} == set(quotes)
    assert {r["top_critic"] for r in postgres_reviews} == {True, False}


def test_cli_film_rows_read_back_the_same_from_either_database(tmp_path, postgres_url):
    """Film rows are written with SQL of our own a group at a time (genres as JSON, published
    figures updated in place): both databases must read them back alike, twice imported."""
    read_back = []
    for db in (f"sqlite:///{tmp_path / 'films.db'}", postgres_url.new_database()):
        for _ in range(2):
            report = json.loads(run_cli("ingest", FIXTURES / "film_rows.jsonl", "--json", "--rejects",
                                        tmp_path / "rej.tsv", db=db).stdout)
            assert (report["films"], report["rejected"]) == (4, 1)
        read_back.append([json.loads(run_cli("reviews", title, "--json", db=db).stdout)
                          for title in ("Paper Moon (1973)", "The Last Picture Show")])
    in_sqlite, in_postgres = read_back
    for film in in_sqlite + in_postgres:
        film.pop("id")
    assert in_sqlite == in_postgres
    paper_moon = in_postgres[0]
    assert (paper_moon["genres"], paper_moon["synopsis"]) == (["Comedy"], "A con man and a girl.")
    assert [(p["source"], p["percent_positive"], p["review_count"]) for p in paper_moon["published_scores"]] == [
        ("rt", 92, 40)]
    assert len(paper_moon["credits"]) == 3 and len(paper_moon["releases"]) == 2


def _rating_columns(reception):
    """Each review's quote with the rating and verdict columns stored for it."""
    return sorted(tuple(bool(cell) if at == 9 else cell for at, cell in enumerate(row)) for row in reception.sql(
        "SELECT quote, rating_raw, rating, rating_scale, rating_flag, label, verdict, decided_by, verdict_model, "
        "needs_check FROM catalog_review"))


def test_cli_rt_table_rows_get_the_ratings_and_verdicts_a_row_by_row_import_gives(reception, tmp_path):
    """A table's rows are stored a batch at a time, each distinct (rating, label, has a quote)
    read and decided once for all its rows; our CSV is stored a row at a time. The same
    reviews must come out of both with the same rating and verdict, row for row."""
    ratings = ["3/4", "8/10", "B+", "", "thumbs down", "3½ stars", "banana", "2.5/5", "F", "4"]
    labels = [("fresh", "positive"), ("rotten", "negative"), ("", "")]
    rt = ["id\treview\trating\tfresh\tcritic\ttop_critic\tpublisher\tdate"]
    ours = ["film,year,critic,outlet,date,quote,url,rating,verdict,top_critic"]
    for n in range(60):
        rating, (fresh, verdict) = ratings[n % len(ratings)], labels[n % len(labels)]
        if not (rating or verdict):
            rating = "C-"  # a review needs one of them (or a quote, which an empty quote is not)
        quote = "" if n % 7 == 0 else f"Quote {n}, said plainly."
        rt.append(f"{n % 5 + 1}\t{quote}\t{rating}\t{fresh}\tCritic {n}\t{n % 2}\tOutlet {n % 3}\tMay 1, 2001")
        ours.append(f'Film {n % 5 + 1},2001,Critic {n},Outlet {n % 3},2001-05-01,"{quote}",,{rating},{verdict},{n % 2}')
    (tmp_path / "reviews.tsv").write_text("\n".join(rt) + "\n", encoding="latin-1")
    (tmp_path / "reviews.csv").write_text("\n".join(ours) + "\n", encoding="utf-8")
    stored = []
    for name in ("reviews.tsv", "reviews.csv"):
        report = json.loads(reception("ingest", tmp_path / name, "--json", "--no-verdicts").stdout)
        assert (report["imported"], report["rejected"]) == (60, 0), name
        stored.append(_rating_columns(reception))
        for table in ("catalog_review", "catalog_critic", "catalog_outlet", "catalog_filmsourceid", "catalog_film"):
            reception.sql(f"DELETE FROM {table}")  # the next file into an empty catalogue
    table, rows = stored
    assert table == rows
    # Not vacuous: the rows differ in what they say and in how their verdicts were decided.
    assert len({row[1:] for row in table}) >= 20
    assert {row[7] for row in table} >= {"critic-rating", "outlet-label"}
    assert any(row[4] for row in table)  # "banana" flagged


def _review_count(db_url):
    # Through the CLI's own database settings, so both kinds are read the same way.
    code = ("import django,os;os.environ.setdefault('DJANGO_SETTINGS_MODULE','reception.settings');django.setup();"
            "from reception.catalog.models import Review;print(Review.objects.count())")
    done = subprocess.run([sys.executable, "-c", code], env=cli_env(db_url), capture_output=True, text=True, check=True)
    return int(done.stdout)


@pytest.fixture(scope="module")
def big_reviews(tmp_path_factory):
    """Rows enough for an import to run well past a kill 6 s in, on a machine several times
    faster than a 2-core one (400,000 rows took 7 s there, and were all committed by then)."""
    big = tmp_path_factory.mktemp("big") / "big.csv.gz"
    with gzip.open(big, "wt", encoding="utf-8", compresslevel=1) as out:
        out.write("film,year,critic,outlet,quote,verdict\n")
        out.writelines(f"Film {i % 5000},2001,Critic {i % 700},Outlet {i % 90},Quote number {i},positive\n"
                       for i in range(1_500_000))
    return big


@pytest.mark.slow  # a process killed mid-import is the point
def test_cli_killed_import_leaves_the_database_as_it_was(db_url, tmp_path, big_reviews):
    run_cli("demo", "--no-serve", db=db_url)
    before = _review_count(db_url)
    proc = subprocess.Popen([sys.executable, "-m", "reception.cli", "ingest", str(big_reviews), "--json"],
                            env=cli_env(db_url), stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=tmp_path)
    time.sleep(6)  # well into the rows, far from the end
    assert proc.poll() is None, "the import finished before it could be interrupted"
    proc.send_signal(signal.SIGKILL)
    # Its output closes once the process reading the file ahead has ended too.
    proc.communicate(timeout=60)
    assert _review_count(db_url) == before

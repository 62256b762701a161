"""The hostile files a probe of the importer found mishandled, each on both databases: a file
ends in one clear line naming it (and its line), or its bad rows are rejects with their reason
and its good rows are stored; never a traceback, never a value silently changed."""

from __future__ import annotations

import csv
import gzip
import json

import pytest

HEADER = "film,year,critic,outlet,date,quote,url,rating,verdict,top_critic\n"
GOOD = "Heat,1995,Ann Lee,Daily,1995-12-15,Taut and grand.,,3/4,,false\n"
MORE = "Heat,1995,Bo Day,Weekly,1995-12-16,Long but gripping.,,B+,,false\n"


def _import(reception, path, *options):
    rejects = path.parent / "rejects.tsv"
    done = reception("ingest", path, "--json", "--no-verdicts", "--rejects", rejects, *options, check=False)
    assert "Traceback" not in done.stderr, done.stderr
    listed = []
    if rejects.exists():
        with open(rejects, encoding="utf-8", newline="") as handle:
            listed = [(int(r["line"]), r["reason"]) for r in csv.DictReader(handle, delimiter="\t")]
    return done, (json.loads(done.stdout) if done.returncode == 0 else None), listed


def _quotes(reception) -> list[str]:
    return sorted(quote for (quote,) in reception.sql("SELECT quote FROM catalog_review"))


def test_hostile_cr_line_endings_are_read(reception, tmp_path):
    path = tmp_path / "mac.csv"
    path.write_bytes((HEADER + GOOD + MORE).replace("\n", "\r").encode())
    _, report, _ = _import(reception, path)
    assert (report["imported"], report["rejected"]) == (2, 0)


@pytest.mark.parametrize("where", ["last row", "mid-file"])
def test_hostile_an_unterminated_quote_is_a_reject_on_its_line_and_the_rows_after_it_stay(reception, tmp_path, where):
    broken = 'Heat,1995,Cy Moe,Daily,1995-12-17,"Never closed,,,,\n'
    rows = [GOOD, broken, MORE] if where == "mid-file" else [GOOD, MORE, broken]
    path = tmp_path / "quote.csv"
    path.write_text(HEADER + "".join(rows), encoding="utf-8")
    _, report, listed = _import(reception, path)
    line = 2 + rows.index(broken)
    assert (report["imported"], report["rejected"]) == (2, 1)
    assert listed == [(line, listed[0][1])] and "not closed" in listed[0][1]
    assert _quotes(reception) == ["Long but gripping.", "Taut and grand."]


def test_hostile_a_column_named_twice_is_an_error(reception, tmp_path):
    path = tmp_path / "twice.csv"
    path.write_text("film,critic,quote,critic\nHeat,Ann,Fine.,Bob\n", encoding="utf-8")
    done, _, _ = _import(reception, path)
    assert done.returncode == 1 and "[E103]" in done.stderr and "names critic more than once" in done.stderr
    assert "twice.csv, line 1" in done.stderr


@pytest.mark.parametrize("damage", ["bad crc", "cut short"])
def test_hostile_a_damaged_gzip_file_is_one_clear_line(reception, tmp_path, damage):
    data = gzip.compress((HEADER + GOOD * 50).encode())
    data = data[:-8] + b"\x00\x00\x00\x00" + data[-4:] if damage == "bad crc" else data[: len(data) // 2]
    path = tmp_path / "reviews.csv.gz"
    path.write_bytes(data)
    done, _, _ = _import(reception, path)
    assert done.returncode == 1 and "[E109]" in done.stderr and "reviews.csv.gz" in done.stderr
    assert reception.sql("SELECT count(*) FROM catalog_review") == [(0,)]  # nothing half imported


def test_hostile_a_cut_gzip_file_read_ahead_is_one_clear_line(cli, tmp_path):
    """A file of 2 MB or more is read by a second process: its error comes back the same."""
    import random

    rng = random.Random(7)
    rows = "".join(f"Heat,1995,Critic {n},Daily,,{rng.getrandbits(256):x},,3/4,,false\n" for n in range(60_000))
    data = gzip.compress((HEADER + rows).encode(), compresslevel=1)
    assert len(data) > 2 << 20
    path = tmp_path / "big.csv.gz"
    path.write_bytes(data[: len(data) - 1000])
    done, _, _ = _import(cli, path)
    assert done.returncode == 1 and "[E109]" in done.stderr and done.stderr.count("\n") == 1


JSON_REJECTS = {
    "nested": ('{"film": "Heat", "critic": "Ann", "quote": ' + "[" * 50_000 + "1" + "]" * 50_000 + "}",
               "nested too deeply"),
    "surrogate": ('{"film": "Heat", "critic": "\\ud800Ann", "quote": "Fine."}', "lone surrogate"),
    "list film": ('{"film": ["Heat", "X"], "critic": "Ann", "quote": "Fine."}', "film must be text, not a list"),
    "object critic": ('{"film": "Heat", "critic": {"name": "Ann"}, "quote": "Fine."}',
                      "critic must be text, not an object"),
    "genres text": ('{"type": "film", "title": "Heat", "genres": "Drama"}', "genres must be a list"),
    "year huge": ('{"type": "film", "title": "Heat", "year": 99999999999999999999}', "not between 1870"),
    "year zero": ('{"film": "Heat", "year": 0, "critic": "Ann", "quote": "Fine."}', "not between 1870"),
    "year 40000": ('{"type": "film", "title": "Heat", "year": 40000}', "not between 1870"),
    "runtime huge": ('{"type": "film", "title": "Heat", "runtime_minutes": 1e25}', "runtime of"),
    "published lots": ('{"type": "film", "title": "Heat", "published": {"percent_positive": "lots"}}',
                       "must be a number"),
    "percent -5": ('{"type": "film", "title": "Heat", "published": {"percent_positive": -5}}', "between 0 and 100"),
    "percent inf": ('{"type": "film", "title": "Heat", "published": {"percent_positive": Infinity}}',
                    "between 0 and 100"),
    "date garbage": ('{"film": "Heat", "critic": "Ann", "quote": "Fine.", "date": "2020-01-01Tgarbage"}',
                     "unreadable date"),
    "critic of nothing": ('{"film": "Heat", "critic": "!!!", "quote": "Fine."}', "no letter or digit"),
    "outlet of nothing": ('{"film": "Heat", "outlet": "<>", "quote": "Fine."}', "no letter or digit"),
    "rating too long": ('{"film": "Heat", "critic": "Ann", "rating": "' + "9" * 101 + '"}', "longer than 100"),
    "critic too long": ('{"film": "Heat", "critic": "' + "A" * 201 + '", "quote": "Fine."}', "longer than 200"),
    "url too long": ('{"film": "Heat", "critic": "Ann", "quote": "Fine.", "url": "https://x.org/' + "a" * 1000 + '"}',
                     "longer than 1000"),
    "nul": ('{"film": "Heat", "critic": "Ann\\u0000", "quote": "Fine."}', "NUL"),
    "key twice": ('{"film": "Heat", "critic": "Ann", "critic": "Bob", "quote": "Fine."}', "more than once"),
}


@pytest.mark.parametrize("case", sorted(JSON_REJECTS))
def test_hostile_a_json_value_no_column_takes_is_a_reject_and_the_good_rows_stay(reception, tmp_path, case):
    line, reason = JSON_REJECTS[case]
    good = '{"film": "Heat", "year": 1995, "critic": "Ann Lee", "outlet": "Daily", "quote": "Taut and grand."}'
    path = tmp_path / "rows.jsonl"
    path.write_text(f"{good}\n{line}\n", encoding="utf-8")
    _, report, listed = _import(reception, path)
    assert report["rejected"] == 1 and listed[0][0] == 2 and reason in listed[0][1], listed
    assert _quotes(reception) == ["Taut and grand."]


def test_hostile_a_review_dated_where_no_review_can_be_is_kept_undated_and_said_so(reception, tmp_path):
    path = tmp_path / "old.csv"
    path.write_text(HEADER + GOOD.replace("1995-12-15", "0001-01-01") + MORE, encoding="utf-8")
    _, report, listed = _import(reception, path)
    assert (report["imported"], report["rejected"], report["stored_with_notes"]) == (2, 0, 1)
    assert listed == [(2, listed[0][1])] and listed[0][1].startswith("kept undated: review date 0001-01-01")
    dates = dict(reception.sql("SELECT quote, published FROM catalog_review"))
    assert dates["Taut and grand."] is None and str(dates["Long but gripping."]) == "1995-12-16"


@pytest.mark.parametrize("cell", ["9" * 5000, "9" * 13, "twelve"])
def test_hostile_a_whole_number_no_column_takes_is_a_reject(cell):
    # Every reader's whole numbers (RT's counts and runtimes, our years) are read by one parser;
    # thousands of digits are more than Python converts, which was a traceback in RT's tables.
    from reception.ingest.checks import integer
    from reception.ingest.records import RowError, parse_int

    for read in (parse_int, integer):
        with pytest.raises(RowError, match="runtime must be a whole number"):
            read(cell, "runtime")
    assert parse_int("104 minutes", "runtime") == integer("104.0", "runtime") == 104

"""Hostile input: rows of every format, a third of them mutated the ways files go wrong (stray
or missing quotes and delimiters, rows cut short or broken across lines, NUL bytes, names of
nothing but punctuation, text longer than its column, impossible years and dates, and in JSON
lists and objects where text belongs, escapes of no character, numbers too large, nesting too
deep), imported into SQLite and PostgreSQL. Whatever the mutations, the import ends with its
report (no traceback), stores every good row once, and every row it does not store is a
duplicate or a reject with its reason."""

from __future__ import annotations

import csv
import json
import random
from dataclasses import dataclass
from typing import Callable

import pytest

SEED = 20261207
ROWS = 900  # per format; a third of them mutated


@dataclass
class Fuzzed:
    name: str
    header: str
    row: Callable[[int, str], str]  # (row number, its unique token) -> the row as the file has it
    delimiter: str = ","
    encoding: str = "utf-8"
    # Where a stored row's token is found, as SQL over the catalogue.
    stored: str = "SELECT quote FROM catalog_review"


def _csv_line(cells: list, delimiter: str = ",") -> str:
    out = []
    for cell in map(str, cells):
        if any(c in cell for c in (delimiter, '"', "\n", "\r")):
            cell = '"' + cell.replace('"', '""') + '"'
        out.append(cell)
    return delimiter.join(out) + "\n"


def _quote(n: int, token: str) -> str:
    # Some quotes hold the delimiter and quotes of their own, as real ones do.
    return [f"A {token} of a film.", f'Bold, "brash" and {token}.', f"{token}: slow, then grand."][n % 3]


OURS = Fuzzed(
    "csv", "film,year,critic,outlet,date,quote,url,rating,verdict,top_critic\n",
    lambda n, t: _csv_line([f"Film {n % 17}", 1990 + n % 17, f"Critic {t}", f"Outlet {n % 5}",
                            f"2001-05-{1 + n % 28:02d}", _quote(n, t), f"https://example.org/{t}",
                            ["3/4", "B+", "", "7/10", "thumbs up"][n % 5], ["", "positive", "negative"][n % 3],
                            ["true", "false"][n % 2]]))
RT_REVIEWS = Fuzzed(
    "rt-reviews", "id\treview\trating\tfresh\tcritic\ttop_critic\tpublisher\tdate\n",
    lambda n, t: "\t".join([str(1 + n % 13), _quote(n, t).replace('"', "'"), ["3/4", "2/5", "B-", ""][n % 4],
                            ["fresh", "rotten"][n % 2], f"Critic {t}", str(n % 2), f"Outlet {n % 4}",
                            f"May {1 + n % 28}, 2003"]) + "\n",
    delimiter="\t", encoding="latin-1")
KAGGLE = Fuzzed(
    "rt-kaggle", "rotten_tomatoes_link,critic_name,top_critic,publisher_name,review_type,review_score,"
                 "review_date,review_content\n",
    lambda n, t: _csv_line([f"m/film_{n % 11}", f"Critic {t}", ["True", "False"][n % 2], f"Outlet {n % 3}",
                            ["Fresh", "Rotten"][n % 2], ["3/4", "", "8/10"][n % 3], f"2010-02-{1 + n % 28:02d}",
                            _quote(n, t)]))
RT2025 = Fuzzed(
    "rt-2025", "creationDate,criticName,isTopCritic,publicationName,reviewUrl,quote,reviewId,reviewState,"
               "originalScore,movieId\n",
    lambda n, t: _csv_line([f"2019-06-{1 + n % 28:02d}", f"Critic {t}", ["True", "False"][n % 2], f"Outlet {n % 6}",
                            f"https://example.org/{t}", _quote(n, t), f"id-{t}", ["fresh", "rotten"][n % 2],
                            ["A", "3.5/4", ""][n % 3], f"movie-{n % 9}"]))
RT_MOVIES = Fuzzed(
    "rt-movies", "movie_title,rating,genre,in_theaters_date,runtime_in_minutes,tomatometer_status,"
                 "tomatometer_rating,tomatometer_count\n",
    lambda n, t: _csv_line([f"Film {t}", ["PG", "R", ""][n % 3], "Drama, Comedy", f"1999-0{1 + n % 9}-1{n % 9}",
                            80 + n % 60, ["Fresh", "Rotten", "Certified Fresh"][n % 3], n % 101, 5 + n]),
    stored="SELECT title FROM catalog_film")
RT_MOVIE_INFO = Fuzzed(
    "rt-reviews", "id\tsynopsis\trating\tgenre\tdirector\twriter\ttheater_date\tdvd_date\tcurrency\tbox_office\t"
                  "runtime\tstudio\n",
    lambda n, t: "\t".join([str(n + 1), f"The {t} story, told twice.", ["PG", "R"][n % 2], "Drama|Comedy",
                            f"Person {n % 40}", f"Person {n % 30}|Person {n % 7}", f"Oct {1 + n % 28}, 1971",
                            f"Jun {1 + n % 28}, 2001", "$", "1,000", f"{70 + n % 90} minutes", f"Studio {n % 9}"]) + "\n",
    delimiter="\t", encoding="latin-1", stored="SELECT synopsis FROM catalog_film")
KAGGLE_MOVIES = Fuzzed(
    "rt-kaggle", "rotten_tomatoes_link,movie_title,movie_info,critics_consensus,content_rating,genres,directors,"
                 "authors,actors,original_release_date,streaming_release_date,runtime,production_company,"
                 "tomatometer_status,tomatometer_rating,tomatometer_count\n",
    lambda n, t: _csv_line([f"m/{t}", f"Film {t}", "A film.", "Critics liked it, mostly.", "PG", "Drama, Comedy",
                            f"Person {n % 40}", f"Person {n % 30}", f"Person {n % 7}, Person {n % 11}",
                            f"2010-02-{1 + n % 28:02d}", f"2011-03-{1 + n % 28:02d}", 80 + n % 70, f"Studio {n % 5}",
                            ["Fresh", "Rotten"][n % 2], n % 101, 10 + n]),
    stored="SELECT title FROM catalog_film")
JSONL = Fuzzed(
    "jsonl", "",
    lambda n, t: json.dumps(
        {"type": "film", "title": f"Film {t}", "year": 1980 + n % 40, "genres": ["Drama"],
         "credits": [{"name": f"Person {n % 50}", "role": "director"}],
         "releases": [{"kind": "theatrical", "date": f"{1980 + n % 40}-06-01"}]} if n % 4 == 0 else
        {"film": f"Film {n % 17}", "year": 1990 + n % 17, "critic": f"Critic {t}", "outlet": f"Outlet {n % 5}",
         "date": f"2001-05-{1 + n % 28:02d}", "quote": _quote(n, t), "rating": ["3/4", "", "B"][n % 3],
         "verdict": ["positive", "", "negative"][n % 3]}, ensure_ascii=False) + "\n",
    stored="SELECT quote FROM catalog_review UNION ALL SELECT title FROM catalog_film")
FORMATS = [OURS, RT_REVIEWS, KAGGLE, RT2025, RT_MOVIES, RT_MOVIE_INFO, KAGGLE_MOVIES, JSONL]


def _mutate_line(line: str, rng: random.Random, delimiter: str) -> str:
    """A row as files get it wrong: what breaks its shape or holds a value no column takes."""
    body = line.rstrip("\n")
    at = rng.randrange(len(body) + 1)
    cells = body.split(delimiter)
    pick = rng.randrange(len(cells))
    how = rng.randrange(13)
    if how == 0:
        body = body[:at] + '"' + body[at:]  # a stray quote, perhaps never closed
    elif how == 1 and delimiter in body:
        cut = body.index(delimiter, min(at, body.rindex(delimiter)))
        body = body[:cut] + body[cut + 1:]  # a delimiter lost
    elif how == 2:
        body = body[:at] + delimiter + body[at:]  # a delimiter too many
    elif how == 3:
        cells[pick] = "x" * rng.choice([201, 301, 1001, 5000])  # longer than its column
        body = delimiter.join(cells)
    elif how == 4:
        cells[pick] = rng.choice(["0001-01-01", "2020-01-01Tgarbage", "99999999999999999999", "-5", "inf", "1e25"])
        body = delimiter.join(cells)
    elif how == 5:
        body = body[:at] + "\x00" + body[at:]
    elif how == 6:
        cells[pick] = rng.choice(["!!!", "<>", "   ", "&amp;"])
        body = delimiter.join(cells)
    elif how == 7:
        body = body[:at] + rng.choice(["\r", "\n", "\r\n"]) + body[at:]  # broken across lines
    elif how == 8:
        body = body[:at]  # cut short
    elif how == 9:
        cells[pick] = "\ufeff" + cells[pick] + "\u202e\u0301 ☃"  # odd but valid text
        body = delimiter.join(cells)
    elif how == 10:
        cells[pick] = '"' + cells[pick]  # a cell opened with a quote it never closes
        body = delimiter.join(cells)
    elif how == 11:
        body = delimiter.join(cells[: pick + 1] + cells[pick:])  # a cell twice
    else:
        body = body.replace(" ", "\t" if delimiter == "," else ",", 1)
    return body + "\n"


def _mutate_json(line: str, rng: random.Random) -> str:
    """A JSON line wrong the ways JSON goes wrong, or holding values of the wrong kind."""
    obj = json.loads(line)
    key = rng.choice(sorted(obj))
    how = rng.randrange(11)
    if how == 0:
        return line[: rng.randrange(len(line))] + "\n"  # cut short
    if how == 1:
        obj[key] = [obj[key], "X"]
    elif how == 2:
        obj[key] = {"name": obj[key]}
    elif how == 3:
        obj[key] = "\ud800" + str(obj[key])
    elif how == 4:
        obj[key] = rng.choice([10**20, 1e25, -5, 0, True, None, float("inf")])
    elif how == 5:  # nested deeper than any parser recurses
        return json.dumps({**obj, key: "PLACE"}).replace('"PLACE"', "[" * 100_000 + "1" + "]" * 100_000) + "\n"
    elif how == 6:
        obj["genres"] = "Drama"
    elif how == 7:
        obj[key] = "\x00" + str(obj[key])
    elif how == 8:
        return line.rstrip("\n")[:-1] + f', "{key}": "twice"}}\n'  # a key named twice
    elif how == 9:
        obj["published"] = rng.choice([{"percent_positive": "lots"}, {"percent_positive": -5}, "x",
                                       {"review_count": 10**12}])
    else:
        obj[key] = "x" * 5000
    return json.dumps(obj) + "\n"


def _file(fmt: Fuzzed, tmp_path, rng: random.Random) -> tuple:
    """The fuzzed file, the tokens of its good rows, and the lines of its mutated ones."""
    good, mutated, lines = [], [], []
    line_no = 1 if fmt.header else 0
    for n in range(ROWS):
        token = f"tok{n:04d}z"
        row = fmt.row(n, token)
        if n % 3 == 1:
            row = _mutate_json(row, rng) if fmt.name == "jsonl" else _mutate_line(row, rng, fmt.delimiter)
            mutated.append(line_no + 1)
        else:
            good.append(token)
        lines.append(row)
        line_no += row.count("\n") + row.count("\r") - row.count("\r\n")
    path = tmp_path / f"fuzzed.{'jsonl' if fmt.name == 'jsonl' else 'txt'}"
    data = fmt.header + "".join(lines)
    path.write_bytes(data.encode(fmt.encoding, errors="surrogatepass" if fmt.name == "jsonl" else "replace"))
    return path, good, set(mutated)


@pytest.mark.parametrize("fmt", FORMATS, ids=["csv", "rt-reviews", "rt-kaggle", "rt-2025", "rt-movies",
                                                "rt-movie-info", "rt-kaggle-movies", "jsonl"])
def test_fuzz_every_good_row_stored_once_every_other_a_reject_with_its_reason(reception, tmp_path, fmt):
    rng = random.Random(f"{SEED}-{fmt.name}")
    path, good, mutated = _file(fmt, tmp_path, rng)
    rejects = tmp_path / "rejects.tsv"
    done = reception("ingest", path, "--format", fmt.name, "--json", "--no-verdicts", "--rejects", rejects)
    assert "Traceback" not in done.stderr
    report = json.loads(done.stdout)
    assert report["read"] >= ROWS - len(mutated)
    counted = report["films"] + report["imported"] + report["updated"] + report["duplicates"] + report["rejected"]
    assert counted == report["read"]
    stored = [text for (text,) in reception.sql(fmt.stored)]
    found = {token: sum(token in text for text in stored) for token in good}
    assert {token: n for token, n in found.items() if n != 1} == {}, "good rows lost or stored twice"
    listed = []
    if rejects.exists():
        with open(rejects, encoding="utf-8", newline="") as handle:
            listed = list(csv.DictReader(handle, delimiter="\t"))
    refused = [r for r in listed if not r["reason"].startswith(("duplicate of line", "kept undated"))]
    assert len(refused) == report["rejected"] and all(r["reason"].strip() for r in refused)
    # Only mutated rows are refused (a row broken across lines is refused on its lines).
    assert {int(r["line"]) for r in refused} <= {line + k for line in mutated for k in range(3)}
    assert report["rejected"] >= len(mutated) // 3  # most mutations make a row no column can take

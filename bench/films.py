"""Catalogue import speed: `reception ingest` of the Kaggle dump's film file replicated to the
size of the whole public dump (~18,000 films with their credits, companies, releases and
published figures), beside the raw `sqlite3 .import` of the very same file in the same run.

    python -m bench.films [--copies 20] [--data ../shared/data] [--keep DIR] [--repeat N]

Each copy's films get their own link and title ("… (copy 3)"), so the copies are distinct
films; their people are the same people, as a real catalogue's recur from film to film. Then
the same file is imported again: every film is found and nothing is added (the rows still
fill what is missing and update the published figures). Prints one JSON object; `ratio` is
ours / baseline, with `--repeat N` the median of N turns (the ratios' range beside it).
"""

from __future__ import annotations

import argparse
import csv
import json
import shutil
import subprocess
from pathlib import Path
from statistics import median

from .ingest import new_sqlite, raw_import, replica_setup, timed_ingest


def replicate(source: Path, target: Path, copies: int) -> int:
    with open(source, encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        header = next(reader)
        rows = list(reader)
    link, title = header.index("rotten_tomatoes_link"), header.index("movie_title")
    with open(target, "w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(header)
        for copy in range(copies):
            for row in rows:
                row = list(row)
                if copy:
                    row[link] += f"_copy{copy}"
                    row[title] += f" (copy {copy})"
                writer.writerow(row)
    return copies * len(rows)


def catalogue_counts(db: Path) -> dict:
    tables = ["film", "person", "credit", "filmcompany", "releaseevent", "publishedscore"]
    sql = " UNION ALL ".join(f"SELECT '{t}', count(*) FROM catalog_{t}" for t in tables)
    done = subprocess.run(["sqlite3", str(db), sql], capture_output=True, text=True, check=True)
    return {name: int(n) for name, n in (line.split("|") for line in done.stdout.split())}


def main(argv=None):
    extra = argparse.ArgumentParser(add_help=False)
    extra.add_argument("--repeat", type=int, default=1, metavar="N")
    mine, rest = extra.parse_known_args(argv)
    args, source, workdir = replica_setup("films", __doc__.splitlines()[0], rest,
                                          source="rt-kaggle/rotten_tomatoes_movies.csv", copies=20)
    try:
        films = workdir / "movies.x.csv"
        rows = replicate(source, films, args.copies)
        turns = []
        for _ in range(max(1, mine.repeat)):
            raw_s, raw_rows = raw_import(films, workdir, csv=True)
            db = workdir / "ours.db"
            env = new_sqlite(db)
            ours_s, report = timed_ingest(films, env, workdir / "rejects.tsv")
            again_s, again = timed_ingest(films, env, workdir / "rejects.tsv")
            turns.append((raw_s, ours_s, again_s))
        raw_s, ours_s, again_s = (median(times) for times in zip(*turns))
        ratios = [ours / raw for raw, ours, _ in turns]
        print(json.dumps({
            "bench": "films",
            "rows": rows,
            "baseline": "sqlite3 .import --csv (no parsing, no indexes)",
            "baseline_s": round(raw_s, 3),
            "baseline_rows": raw_rows,
            "ours_s": round(ours_s, 3),
            "ours_films": report["films"],
            "ours_films_added": report["films_added"],
            "ours_rejected": report["rejected"],
            "ours_films_per_s": round(rows / ours_s),
            "stored": catalogue_counts(db),
            "runs": len(turns),
            "ratio": round(median(ratios), 2),
            "ratio_range": [round(min(ratios), 2), round(max(ratios), 2)],
            "again_s": round(again_s, 3),
            "again_films_added": again["films_added"],
            "again_ratio": round(median(a / raw for raw, _, a in turns), 2),
        }))
    finally:
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()

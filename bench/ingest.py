"""Import speed: `reception ingest` of rt.reviews replicated to ~1M reviews, beside the raw
`sqlite3 .import` of the very same file in the same run.

    python -m bench.ingest [--copies 19] [--data ../shared/data] [--keep DIR]

Then a small file (100 new reviews) is imported into that database of a million, and into an
empty one: an import's cost should follow its own size, not the database's.

The import alone is timed (`--no-verdicts`: rating and label verdicts are decided as rows are
written; the text model and scoring have their own benches). Each copy gets its own film ids
(id + copy × 100000), so the copies are distinct films and no review is a duplicate. Prints one JSON object; `ratio` is ours / baseline (goal ≤ 3).
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def replicate(source: Path, target: Path, copies: int) -> int:
    with gzip.open(source, "rb") as handle:
        header, *rows = handle.read().split(b"\n")
    rows = [r for r in rows if r.strip()]
    count = 0
    with open(target, "wb") as out:
        out.write(header + b"\n")
        for copy in range(copies):
            for row in rows:
                film_id, rest = row.split(b"\t", 1)
                out.write(str(int(film_id) + copy * 100000).encode() + b"\t" + rest + b"\n")
                count += 1
    return count


def raw_import(tsv: Path, workdir: Path) -> tuple[float, int]:
    db = workdir / "raw.db"
    db.unlink(missing_ok=True)
    script = f".mode tabs\n.import {tsv} reviews\nSELECT count(*) FROM reviews;\n"
    start = time.perf_counter()
    done = subprocess.run(["sqlite3", str(db)], input=script, capture_output=True, text=True, check=True)
    return time.perf_counter() - start, int(done.stdout.strip().splitlines()[-1])


def our_import(tsv: Path, workdir: Path, name: str = "ours.db", fresh: bool = True) -> tuple[float, dict]:
    db = workdir / name
    env = {**os.environ, "RECEPTION_DATABASE_URL": f"sqlite:///{db}"}
    cli = [sys.executable, "-m", "reception.cli"]
    if fresh:
        for leftover in workdir.glob(f"{name}*"):
            leftover.unlink()
        subprocess.run([*cli, "init"], env=env, check=True, capture_output=True)  # schema, not timed
    start = time.perf_counter()
    done = subprocess.run([*cli, "ingest", str(tsv), "--json", "--no-verdicts", "--rejects",
                           str(workdir / "rejects.tsv")],
                          env=env, check=True, capture_output=True, text=True)
    return time.perf_counter() - start, json.loads(done.stdout)


def replica_setup(name: str, description: str, argv=None):
    """The options every rt.reviews-replica bench takes: (args, source file, work folder)."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--data", default=str(ROOT.parent / "shared" / "data"))
    parser.add_argument("--copies", type=int, default=19)
    parser.add_argument("--keep", default=None, help="Keep the generated files in this folder.")
    args = parser.parse_args(argv)
    source = Path(args.data) / "rt-reviews" / "rt.reviews.tsv.gz"
    if not source.exists():
        sys.exit(f"bench.{name}: {source} not found; pass --data")
    workdir = Path(args.keep or tempfile.mkdtemp(prefix="reception-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    return args, source, workdir


def main(argv=None):
    args, source, workdir = replica_setup("ingest", __doc__.splitlines()[0], argv)
    try:
        tsv = workdir / "rt.reviews.x.tsv"
        rows = replicate(source, tsv, args.copies)
        raw_s, raw_rows = raw_import(tsv, workdir)
        ours_s, report = our_import(tsv, workdir)
        small = workdir / "small.tsv"
        with open(tsv, "rb") as whole, open(small, "wb") as out:
            header = whole.readline()
            sample = [whole.readline() for _ in range(100)]
            # Film ids past every copy's and quotes no copy holds: 100 reviews new to the database.
            out.write(header + b"".join(b"99999" + row.replace(b"\t", b"\t(new) ", 1) for row in sample))
        small_big_s, small_report = our_import(small, workdir, fresh=False)
        small_empty_s, _ = our_import(small, workdir, name="empty.db")
        print(json.dumps({
            "bench": "ingest",
            "rows": rows,
            "baseline": "sqlite3 .import (no parsing, no indexes)",
            "baseline_s": round(raw_s, 3),
            "baseline_rows": raw_rows,
            "ours_s": round(ours_s, 3),
            "ours_imported": report["imported"],
            "ours_rejected": report["rejected"],
            "ours_rows_per_s": round(rows / ours_s),
            "ratio": round(ours_s / raw_s, 2),
            "goal_ratio": 3.0,
            "small_imported": small_report["imported"],
            "small_into_1m_s": round(small_big_s, 3),
            "small_into_empty_s": round(small_empty_s, 3),
            "small_ratio": round(small_big_s / small_empty_s, 2),
        }))
    finally:
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()

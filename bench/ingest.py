"""Import speed: `reception ingest` of rt.reviews replicated to ~1M reviews, beside the raw
`sqlite3 .import` of the very same file in the same run.

    python -m bench.ingest [--copies 19] [--data ../shared/data] [--keep DIR] [--postgres URL|auto] [--repeat N]

Beside both, the schema's floor: the rows our import stored, copied into an empty Reception
database by SQLite's own C code alone (`INSERT … SELECT` from our import's file, value by value,
into the review table with its full indexes set aside and rebuilt, its partial ones kept up, one
commit in WAL mode) — what storing these rows in this schema costs with no parsing and no Python
at all. `ratio_to_floor` is ours / floor: the importer's own share.

And the Python floor (bench.python_floor): the same rows stored by a Python process that has
them in memory already and binds them through `sqlite3` as our import does, its interpreter's
start counted, indexes rebuilt, one WAL commit: what any importer written in Python pays before
it reads a byte of the file. `python_floor_ratio` is that over the baseline; what the goal
leaves for reading, converting and resolving a million rows is (3 - python_floor_ratio) ×
the baseline.

With `--postgres`, the same file is also imported into a new database on that PostgreSQL server
(an URL a database can be created from; `auto` starts a throwaway server from Debian's packages),
beside the raw `COPY` of the file into an unindexed table of text columns there, and beside
PostgreSQL's Python floor (bench.postgres_floor): the rows our import stored, already in a
Python process's memory, COPYed into an empty database of our schema (what any importer that
binds each row in Python pays); `postgres_phases_s` splits ours as the import reports it.

Then a small file (100 new reviews) is imported into that database of a million, and into an
empty one: an import's cost should follow its own size, not the database's.

The import alone is timed (`--no-verdicts`: rating and label verdicts are decided as rows are
written; the text model and scoring have their own benches). Each copy gets its own film ids
(id + copy × 100000), so the copies are distinct films and no review is a duplicate. Prints one JSON object; `ratio` is ours / baseline (goal ≤ 3).
With `--repeat N`, the baseline, ours and the two floors are timed N times in turn: times and ratios are
the medians (each ratio taken within its turn), with the ratios' ranges beside them.
`ours_phases_s` splits ours as the import reports it (`reception ingest --json`: rows read and
stored, indexes built again, finishing, commit) plus the process's start (Python, Django, the
migration check).
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
from statistics import median

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


def _settle() -> None:
    """Before each timed step: what the one before wrote goes to disk now, not during this one."""
    os.sync()


def raw_import(path: Path, workdir: Path, csv: bool = False) -> tuple[float, int]:
    """Seconds the `sqlite3` shell takes to `.import` a TSV file (or a CSV file) into a new
    table of text columns, and the rows it stored."""
    db = workdir / "raw.db"
    db.unlink(missing_ok=True)
    how = ".import --csv" if csv else ".mode tabs\n.import"
    script = f"{how} {path} raw\nSELECT count(*) FROM raw;\n"
    _settle()
    start = time.perf_counter()
    done = subprocess.run(["sqlite3", str(db)], input=script, capture_output=True, text=True, check=True)
    return time.perf_counter() - start, int(done.stdout.strip().splitlines()[-1])


def database_env(url: str) -> dict:
    """The environment that points `reception` at `url`."""
    return {**os.environ, "RECEPTION_DATABASE_URL": url}


def new_database(url: str) -> dict:
    """`reception init` on `url` (the schema, never timed); the environment that points at it."""
    env = database_env(url)
    subprocess.run([sys.executable, "-m", "reception.cli", "init"], env=env, check=True, capture_output=True)
    return env


def timed_ingest(tsv: Path, env: dict, rejects: Path) -> tuple[float, dict]:
    """Seconds `reception ingest` takes on `tsv` (the import alone), and its JSON report."""
    _settle()
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "reception.cli", "ingest", str(tsv), "--json", "--no-verdicts",
                           "--rejects", str(rejects)], env=env, check=True, capture_output=True, text=True)
    return time.perf_counter() - start, json.loads(done.stdout)


def new_sqlite(db: Path) -> dict:
    for leftover in db.parent.glob(f"{db.name}*"):
        leftover.unlink()
    return new_database(f"sqlite:///{db}")


def our_import(tsv: Path, workdir: Path, name: str = "ours.db", fresh: bool = True) -> tuple[float, dict]:
    db = workdir / name
    env = new_sqlite(db) if fresh else database_env(f"sqlite:///{db}")
    return timed_ingest(tsv, env, workdir / "rejects.tsv")


def floor_import(ours: Path, workdir: Path) -> tuple[float, int]:
    """Seconds for SQLite's C code alone to store the review rows `ours` holds into an empty
    database of our schema, as an import of a million rows does (indexes set aside and rebuilt)."""
    empty = workdir / "floor.db"
    new_sqlite(empty)
    indexes = subprocess.run(
        # Partial indexes (a few rows each) stay, as in our import: kept up as rows go in.
        ["sqlite3", str(empty), "SELECT name, sql FROM sqlite_master WHERE type = 'index' "
         "AND tbl_name = 'catalog_review' AND sql IS NOT NULL AND upper(sql) NOT LIKE '% WHERE %'"],
        check=True, capture_output=True, text=True).stdout.splitlines()
    names, builds = zip(*(line.split("|", 1) for line in indexes))
    columns = subprocess.run(["sqlite3", str(empty), "SELECT group_concat(name, ', ') FROM "
                              "pragma_table_info('catalog_review')"],
                             check=True, capture_output=True, text=True).stdout.strip()
    # The rows are read from the other file and written again value by value, as bound values
    # are: columns named (not `SELECT *`) so that SQLite does not copy the stored records whole.
    script = "\n".join([
        "PRAGMA synchronous = NORMAL;", "PRAGMA foreign_keys = OFF;", f"ATTACH '{ours}' AS ours;", "BEGIN;",
        *(f'DROP INDEX "{name}";' for name in names),
        f"INSERT INTO main.catalog_review ({columns}) SELECT {columns} FROM ours.catalog_review;",
        f"PRAGMA threads = {min(4, os.cpu_count() or 1)};", *(sql + ";" for sql in builds), "COMMIT;",
        "SELECT count(*) FROM main.catalog_review;", "",
    ])
    _settle()
    start = time.perf_counter()
    done = subprocess.run(["sqlite3", str(empty)], input=script, capture_output=True, text=True, check=True)
    seconds = time.perf_counter() - start
    return seconds, int(done.stdout.strip().splitlines()[-1])


def python_floor(ours: Path, workdir: Path) -> tuple[float, int]:
    """Seconds a Python process with nothing but `sqlite3` takes to store the review rows `ours`
    holds as our import binds them (seven values a row and the id of its rating-and-verdict
    row; a hundred rows a statement), indexes set aside and rebuilt, one WAL commit: what any
    Python importer of these rows pays before reading a byte of the file. The time it takes
    to load the rows into memory first is left out; its interpreter's start is counted."""
    empty = workdir / "python-floor.db"
    new_sqlite(empty)
    _settle()
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "bench.python_floor", str(ours), str(empty)], cwd=ROOT,
                          check=True, capture_output=True, text=True)
    result = json.loads(done.stdout)
    return time.perf_counter() - start - result["loading_s"], result["stored"]


def postgres_imports(tsv: Path, workdir: Path, admin_url: str) -> dict:
    """`reception ingest` into a new PostgreSQL database, beside the raw COPY of the same file."""
    import uuid

    import psycopg

    server = None
    if admin_url == "auto":
        sys.path.insert(0, str(ROOT))
        from tests.pg import PostgresServer

        server = PostgresServer()
        reason = server.start()
        if reason:
            sys.exit(f"bench.ingest: no PostgreSQL server: {reason}")
        admin_url = server.admin_url
    try:
        name = "bench_" + uuid.uuid4().hex[:8]
        with psycopg.connect(admin_url, autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{name}"')
        url = admin_url.rsplit("/", 1)[0] + "/" + name
        with psycopg.connect(url) as conn, conn.cursor() as cur, open(tsv, "rb") as source:
            columns = source.readline().decode().rstrip("\n").split("\t")
            cur.execute("CREATE TABLE raw_reviews (" + ", ".join(f'"{c}" text' for c in columns) + ")")
            _settle()
            start = time.perf_counter()
            with cur.copy("COPY raw_reviews FROM STDIN (ENCODING 'LATIN1')") as copy:
                while chunk := source.read(1 << 20):
                    copy.write(chunk)
            conn.commit()
            raw_s = time.perf_counter() - start
            cur.execute("SELECT count(*) FROM raw_reviews")
            raw_rows = cur.fetchone()[0]
        ours_s, report = timed_ingest(tsv, new_database(url), workdir / "rejects-pg.tsv")
        # The Python floor: our rows, already in memory, COPYed into an empty database of our schema.
        floor_name = name + "_floor"
        with psycopg.connect(admin_url, autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{floor_name}"')
        floor_url = admin_url.rsplit("/", 1)[0] + "/" + floor_name
        new_database(floor_url)
        _settle()
        start = time.perf_counter()
        done = subprocess.run([sys.executable, "-m", "bench.postgres_floor", url, floor_url], cwd=ROOT,
                              capture_output=True, text=True)
        if done.returncode:
            sys.exit(f"bench.postgres_floor failed:\n{done.stderr}")
        floor = json.loads(done.stdout)
        floor_s = time.perf_counter() - start - floor["loading_s"]
        return {"postgres_baseline": "COPY into a table of text columns (no parsing, no indexes)",
                "postgres_baseline_s": round(raw_s, 3), "postgres_baseline_rows": raw_rows,
                "postgres_s": round(ours_s, 3), "postgres_imported": report["imported"],
                "postgres_phases_s": report["seconds"],
                "postgres_ratio": round(ours_s / raw_s, 2),
                "postgres_python_floor": "a Python process COPYing our stored rows, already in memory, into an "
                                         "empty database of our schema by psycopg's write_row (full indexes "
                                         "rebuilt, one commit; interpreter start counted)",
                "postgres_python_floor_s": round(floor_s, 3), "postgres_python_floor_rows": floor["stored"],
                "postgres_python_floor_ratio": round(floor_s / raw_s, 2)}
    finally:
        if server is not None:
            server.stop()


def replica_setup(name: str, description: str, argv=None, source: str = "rt-reviews/rt.reviews.tsv.gz",
                  copies: int = 19):
    """The options every bench on a replicated data file takes: (args, source file, work folder)."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--data", default=str(ROOT.parent / "shared" / "data"))
    parser.add_argument("--copies", type=int, default=copies)
    parser.add_argument("--keep", default=None, help="Keep the generated files in this folder.")
    args = parser.parse_args(argv)
    source = Path(args.data) / source
    if not source.exists():
        sys.exit(f"bench.{name}: {source} not found; pass --data")
    workdir = Path(args.keep or tempfile.mkdtemp(prefix="reception-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    return args, source, workdir


def main(argv=None):
    extra = argparse.ArgumentParser(add_help=False)
    extra.add_argument("--postgres", default=None, metavar="URL|auto")
    extra.add_argument("--repeat", type=int, default=1, metavar="N",
                       help="Time the baseline, ours and the two floors N times, in turn; report medians.")
    mine, rest = extra.parse_known_args(argv)
    args, source, workdir = replica_setup("ingest", __doc__.splitlines()[0], rest)
    try:
        tsv = workdir / "rt.reviews.x.tsv"
        rows = replicate(source, tsv, args.copies)
        # The three in turn, N times: a machine whose speed drifts moves all three of a turn alike,
        # so each turn's ratios are steadier than its times.
        turns, phases = [], []
        for _ in range(max(1, mine.repeat)):
            raw_s, raw_rows = raw_import(tsv, workdir)
            ours_s, report = our_import(tsv, workdir)
            floor_s, floor_rows = floor_import(workdir / "ours.db", workdir)
            python_s, python_rows = python_floor(workdir / "ours.db", workdir)
            turns.append((raw_s, ours_s, floor_s, python_s))
            # The import's own account of its time; the rest of ours_s is starting the process.
            phases.append({**report["seconds"], "start": ours_s - sum(report["seconds"].values())})
        raw_s, ours_s, floor_s, python_s = (median(times) for times in zip(*turns))
        ratios = [ours / raw for raw, ours, _, _ in turns]
        to_floor = [ours / floor for _, ours, floor, _ in turns]
        small = workdir / "small.tsv"
        with open(tsv, "rb") as whole, open(small, "wb") as out:
            header = whole.readline()
            sample = [whole.readline() for _ in range(100)]
            # Film ids past every copy's and quotes no copy holds: 100 reviews new to the database.
            out.write(header + b"".join(b"99999" + row.replace(b"\t", b"\t(new) ", 1) for row in sample))
        small_big_s, small_report = our_import(small, workdir, fresh=False)
        small_empty_s, _ = our_import(small, workdir, name="empty.db")
        postgres = postgres_imports(tsv, workdir, mine.postgres) if mine.postgres else {}
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
            "ours_phases_s": {phase: round(median(p[phase] for p in phases), 3) for phase in phases[0]},
            "runs": len(turns),
            "ratio": round(median(ratios), 2),
            "ratio_range": [round(min(ratios), 2), round(max(ratios), 2)],
            "goal_ratio": 3.0,
            "floor": "sqlite3 alone copying our rows into our schema (full indexes rebuilt, partial kept up, WAL commit)",
            "floor_s": round(floor_s, 3),
            "floor_rows": floor_rows,
            "floor_ratio": round(median(floor / raw for raw, _, floor, _ in turns), 2),
            "ratio_to_floor": round(median(to_floor), 2),
            "ratio_to_floor_range": [round(min(to_floor), 2), round(max(to_floor), 2)],
            "python_floor": "a Python process storing the same rows through sqlite3 as our import binds them "
                            "(rows already in memory; interpreter start counted; indexes rebuilt; WAL commit)",
            "python_floor_s": round(python_s, 3),
            "python_floor_rows": python_rows,
            "python_floor_ratio": round(median(python / raw for raw, _, _, python in turns), 2),
            "small_imported": small_report["imported"],
            "small_into_1m_s": round(small_big_s, 3),
            "small_into_empty_s": round(small_empty_s, 3),
            "small_ratio": round(small_big_s / small_empty_s, 2),
            **postgres,
        }))
    finally:
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()

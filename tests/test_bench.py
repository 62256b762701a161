"""The import bench's Python floor stores the very rows our import stored: a floor that stored
fewer columns, or other values, would make the comparison unfair."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys

import pytest

from .conftest import ROOT, run_cli

HEADER = "id\treview\trating\tfresh\tcritic\ttop_critic\tpublisher\tdate\n"
ROWS = [
    "7\tA film of quiet, lasting grace.\t3.5/4\tfresh\tAnn Arbor\t1\tThe Daily Lens\tMay 1, 2001\n",
    "7\tIt drags.\tC-\trotten\tBo Brook\t0\tCinema Weekly\tJune 3, 2001\n",
    "7\tGood fun for an evening.\t\tfresh\tCy Cole\t0\tThe Daily Lens\tJune 4, 2001\n",
    "8\tA bare number, no scale.\t7\trotten\tAnn Arbor\t1\tThe Daily Lens\tJuly 9, 2002\n",
    "8\tNot worth the ticket.\t1/5\trotten\tDee Dale\t0\tMidnight Reel\t\n",
]
COMPARED = ("film_id", "critic_id", "outlet_id", "published", "quote", "top_critic", "dedupe_key", "rating_raw",
            "rating", "rating_scale", "rating_flag", "label", "verdict", "decided_by", "url",
            "source_key", "published_precision", "needs_check", "source")


def _reviews(path) -> list[tuple]:
    with sqlite3.connect(path) as db:
        return db.execute(f"SELECT {', '.join(COMPARED)} FROM catalog_review ORDER BY id").fetchall()


def _indexes(path) -> list[tuple]:
    with sqlite3.connect(path) as db:
        return db.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index' "
                          "AND tbl_name = 'catalog_review' ORDER BY name").fetchall()


def test_python_floor_binds_the_columns_our_import_binds():
    # The floor runs without Django, so it names the columns itself; they must stay ours.
    from bench import python_floor
    from reception.ingest.store import BATCH_COLUMNS, RATING_COLUMNS

    assert (python_floor.OWN, python_floor.KINDS) == (BATCH_COLUMNS, RATING_COLUMNS)


@pytest.mark.slow  # the bench's own processes, as it runs them
def test_python_floor_stores_what_our_import_stored(tmp_path):
    source = tmp_path / "rt.tsv"
    source.write_text(HEADER + "".join(ROWS), encoding="latin-1")
    ours, empty = tmp_path / "ours.db", tmp_path / "empty.db"
    run_cli("init", db=f"sqlite:///{ours}")
    run_cli("ingest", source, "--no-verdicts", db=f"sqlite:///{ours}")
    run_cli("init", db=f"sqlite:///{empty}")
    # The floor's rows refer to the films, critics and outlets of our import's database.
    with sqlite3.connect(empty) as db:
        db.execute(f"ATTACH '{ours}' AS ours")
        for table in ("catalog_film", "catalog_critic", "catalog_outlet"):
            db.execute(f"INSERT INTO {table} SELECT * FROM ours.{table}")

    done = subprocess.run([sys.executable, "-m", "bench.python_floor", str(ours), str(empty)], cwd=ROOT,
                          capture_output=True, text=True, check=True)

    stored = _reviews(ours)
    assert len(stored) == len(ROWS)
    assert json.loads(done.stdout)["stored"] == len(ROWS)
    assert _reviews(empty) == stored
    # The indexes it set aside are built again, as our import's are.
    assert _indexes(empty) == _indexes(ours)


def test_postgres_floor_stores_what_our_import_stored(tmp_path, postgres_url):
    import psycopg

    source = tmp_path / "rt.tsv"
    source.write_text(HEADER + "".join(ROWS), encoding="latin-1")
    ours, empty = postgres_url.new_database(), postgres_url.new_database()
    run_cli("init", db=ours)
    run_cli("ingest", source, "--no-verdicts", db=ours)
    run_cli("init", db=empty)
    done = subprocess.run([sys.executable, "-m", "bench.postgres_floor", ours, empty], cwd=ROOT,
                          capture_output=True, text=True, check=True)
    assert json.loads(done.stdout)["stored"] == len(ROWS)

    def reviews(url):
        with psycopg.connect(url) as db:
            return db.execute(f"SELECT {', '.join(COMPARED)} FROM catalog_review ORDER BY id").fetchall()

    def schema(url):
        with psycopg.connect(url) as db:
            return (db.execute("SELECT indexdef FROM pg_indexes WHERE tablename = 'catalog_review' ORDER BY 1").fetchall(),
                    db.execute("SELECT conname FROM pg_constraint WHERE conrelid = 'catalog_review'::regclass "
                               "ORDER BY 1").fetchall())

    assert len(reviews(ours)) == len(ROWS) and reviews(empty) == reviews(ours)
    assert schema(empty) == schema(ours)  # what it set aside is put back, as our import's is

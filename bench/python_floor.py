"""The Python floor of an import (bench.ingest): a process with nothing but `sqlite3` stores the
review rows of an imported database into an empty one of our schema, bound as our import binds
them (ingest.store: seven values a row and the id of its rating-and-verdict row, a hundred rows
a statement), the full indexes set aside and rebuilt, one WAL commit.

    python -m bench.python_floor IMPORTED.db EMPTY.db

Prints {"stored": rows, "loading_s": s}: the seconds spent loading the rows into memory first,
which the caller takes off the process's time (what is left: the interpreter's start and storing).
"""

from __future__ import annotations

import json
import sqlite3
import sys
import time

loading = time.perf_counter()

# ingest.store.BATCH_COLUMNS, then the columns a review_kind row gives (RATING_COLUMNS).
OWN = ("film_id", "critic_id", "outlet_id", "published", "quote", "top_critic", "dedupe_key")
KINDS = ("rating_raw", "rating", "rating_scale", "rating_flag", "label", "verdict", "decided_by",
         "verdict_model", "conflict")
# What every row of one rt.reviews import shares, written into the statement once.
SHARED = {"url": "''", "source_key": "''", "published_precision": "'day'", "published_inferred": "0",
          "needs_check": "0",
          "source": "'rt-reviews'", "created_at": "'2026-01-01 00:00:00'", "verdict_probability": "NULL"}
PER_STATEMENT = 100


def main(imported: str, empty: str) -> None:
    source = sqlite3.connect(imported)
    kind_of, values = {}, []
    for row in source.execute(f"SELECT {', '.join(OWN + KINDS)} FROM catalog_review ORDER BY id"):
        values += row[:len(OWN)]
        values.append(kind_of.setdefault(row[len(OWN):], len(kind_of) + 1))
    source.close()
    loaded = time.perf_counter()

    target = sqlite3.connect(empty, isolation_level=None)
    target.execute("PRAGMA synchronous = NORMAL")
    target.execute("PRAGMA foreign_keys = OFF")
    target.execute("BEGIN")
    indexes = target.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'catalog_review' "
        "AND sql IS NOT NULL AND upper(sql) NOT LIKE '% WHERE %'").fetchall()
    for name, _ in indexes:
        target.execute(f'DROP INDEX "{name}"')
    target.execute(f"CREATE TEMPORARY TABLE review_kind (id INTEGER PRIMARY KEY, {', '.join(KINDS)})")
    target.executemany(f"INSERT INTO review_kind VALUES ({', '.join(['?'] * (len(KINDS) + 1))})",
                       [(at, *kind) for kind, at in kind_of.items()])
    target.execute("PRAGMA cache_size = -262144")
    width = len(OWN) + 1
    step = PER_STATEMENT * width
    whole = len(values) - len(values) % step
    target.executemany(_insert(PER_STATEMENT, width), (values[at:at + step] for at in range(0, whole, step)))
    if whole < len(values):
        target.execute(_insert((len(values) - whole) // width, width), values[whole:])
    # As our import rebuilds them: the default cache, sorting threads (ingest.store.Store.finish).
    target.execute("PRAGMA cache_size = -2000")
    target.execute("PRAGMA threads = 2")
    for _, sql in indexes:
        target.execute(sql)
    target.execute("COMMIT")
    target.close()
    print(json.dumps({"stored": len(values) // width, "loading_s": loaded - loading}))


def _insert(rows: int, width: int) -> str:
    listed = ", ".join(["(" + ", ".join(["?"] * width) + ")"] * rows)
    selected = [*(f"r.column{at}" for at in range(1, width)), *(f"k.{c}" for c in KINDS), *SHARED.values()]
    return (f"INSERT INTO catalog_review ({', '.join([*OWN, *KINDS, *SHARED])}) SELECT {', '.join(selected)} "
            f"FROM (VALUES {listed}) AS r CROSS JOIN review_kind AS k WHERE k.id = r.column{width}")


if __name__ == "__main__":
    main(*sys.argv[1:3])

"""The Python floor of a PostgreSQL import (bench.ingest --postgres): a process with nothing but
psycopg stores the review rows our import stored into an empty database of our schema by
`COPY … FROM STDIN`, each row bound by psycopg's write_row as our import binds its rows (ingest.
store._copy_reviews), the review table's full indexes set aside and built again after, one
commit; the films, critics and outlets they name COPYed first. No parsing, no ratings, no dedupe
keys, no names resolved: what storing a million rows from Python costs before an importer does
any of its own work.

    python -m bench.postgres_floor IMPORTED_URL EMPTY_URL

Prints {"stored": rows, "loading_s": s}: the seconds spent loading the rows into memory first,
which the caller takes off the process's time (what is left: the interpreter's start and storing).
"""

from __future__ import annotations

import json
import sys
import time

loading = time.perf_counter()

COLUMNS = ("film_id", "critic_id", "outlet_id", "published", "published_precision", "published_inferred", "quote",
           "url", "rating_raw", "rating", "rating_scale", "rating_flag", "top_critic", "label", "verdict",
           "decided_by", "verdict_probability", "verdict_model", "needs_check", "conflict", "source", "source_key",
           "dedupe_key", "created_at")


NAMED = ("catalog_film", "catalog_critic", "catalog_outlet")


def main(imported: str, empty: str) -> None:
    import psycopg

    named = {}  # the films, critics and outlets the reviews name, stored first as our import does
    with psycopg.connect(imported) as source:
        for table in NAMED:
            cursor = source.execute(f"SELECT * FROM {table} ORDER BY id")
            named[table] = ([column.name for column in cursor.description], cursor.fetchall())
        rows = source.execute(f"SELECT {', '.join(COLUMNS)} FROM catalog_review ORDER BY id").fetchall()
    loaded = time.perf_counter()
    with psycopg.connect(empty) as target:
        # What our import sets aside for a load into an empty table (ingest.store.defer_indexes):
        # foreign keys and unique constraints, and the full (not partial) indexes.
        constraints = target.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = 'catalog_review'::regclass AND contype IN ('f', 'u')").fetchall()
        indexes = [(name, sql) for name, sql in target.execute(
            "SELECT i.relname, pg_get_indexdef(x.indexrelid) FROM pg_index x "
            "JOIN pg_class i ON i.oid = x.indexrelid WHERE x.indrelid = 'catalog_review'::regclass "
            "AND NOT EXISTS (SELECT FROM pg_constraint k WHERE k.conindid = x.indexrelid)").fetchall()
            if " WHERE " not in sql.upper()]
        for table, (columns, values) in named.items():
            with target.cursor().copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in values:
                    copy.write_row(row)
        for name, _ in constraints:
            target.execute(f'ALTER TABLE catalog_review DROP CONSTRAINT "{name}"')
        for name, _ in indexes:
            target.execute(f'DROP INDEX "{name}"')
        with target.cursor().copy(f"COPY catalog_review ({', '.join(COLUMNS)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        for _, definition in indexes:
            target.execute(definition)
        for name, definition in constraints:
            target.execute(f'ALTER TABLE catalog_review ADD CONSTRAINT "{name}" {definition}')
        target.commit()
    print(json.dumps({"stored": len(rows), "loading_s": loaded - loading}))


if __name__ == "__main__":
    main(*sys.argv[1:3])

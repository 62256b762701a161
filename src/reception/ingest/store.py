"""Writing reviews: inserted in batches with set-based SQL (per-row ORM saves are far too slow
for a million rows), their films, critics and outlets resolved by `resolver.Resolver`.

Everything runs inside the caller's transaction.
"""

from __future__ import annotations

import datetime as dt
import os
import time
from collections import Counter
from contextlib import contextmanager
from itertools import chain, compress

from django.db import connection

from .. import ratings
from ..catalog.decisions import marked
from ..catalog.keys import dedupe_key, dedupe_keys, stored_keys
from ..rules import DecidedBy, VerdictRules, bare_stars
from . import checks
from .columns import ReviewBatch
from .film_merge import find_twins, fold_films
from .records import ReviewRecord
from .resolver import Resolver, sql_literal, values_row
from .revisions import DECIDED, REVISED, Revisions
from .scales import reread_bare_numbers

BATCH = 5000
# A load of at least this many rows, and larger than the table, sets indexes aside (defer_indexes).
DEFER_ROWS = 50_000
# Review rows to one SQLite INSERT, at most (fewer where its limit on parameters is low).
ROWS_PER_INSERT = 100
CRITIC_RATING = DecidedBy.CRITIC_RATING.value

# What a review row of one import sends per row; the rest is the same for every row of it.
RECORD_COLUMNS = (
    "film_id", "critic_id", "outlet_id", "published", "quote", "url", "rating_raw", "rating", "rating_scale",
    "rating_flag", "top_critic", "label", "verdict", "decided_by", "verdict_model", "conflict", "needs_check",
    "source_key", "dedupe_key", "published_precision", "published_inferred",
)
RECORD_AT = {column: at for at, column in enumerate(RECORD_COLUMNS)}
# A batch of table rows (columns.ReviewBatch): then its own columns (url, source_key) if it has
# them, then its kind: the row of the review_kind table holding its rating's and verdict's
# columns (RATING_COLUMNS), one per distinct (rating, label, has a quote) of the import.
BATCH_COLUMNS = ("film_id", "critic_id", "outlet_id", "published", "quote", "top_critic", "dedupe_key")
RATING_COLUMNS = ("rating_raw", "rating", "rating_scale", "rating_flag", "label", "verdict",
                  "decided_by", "verdict_model", "conflict")


def _iso(date):
    return date.isoformat() if date else None


@contextmanager
def unchecked_foreign_keys(expected_rows: int):
    """Around the transaction of a large SQLite load: foreign keys not checked row by row
    (a third of an insert's cost). Every id a review row carries comes from this
    transaction's own reads and inserts, and SQLite's WAL refuses our writes if another
    writer changed the database since we read, so the check could not fail. SQLite lets the
    setting change only outside a transaction; inside one (a caller's), keys stay checked.
    """
    off = (connection.vendor == "sqlite" and expected_rows >= DEFER_ROWS
           and connection.disable_constraint_checking())
    try:
        yield off
    finally:
        if off:
            connection.enable_constraint_checking()


def _select(rows: str, names: list[str], kinds: bool, constants: list[str]) -> str:
    """SELECT the review rows `rows` holds (a table, or SQLite's VALUES) by their `names` there,
    the last naming their review_kind row if `kinds` (whose RATING_COLUMNS follow), then the
    `constants` every row shares."""
    if not kinds:
        return f"SELECT {', '.join([*names, *constants])} FROM {rows} AS r"
    *own, kind = names
    # The rows drive the join (CROSS JOIN keeps SQLite from looping over the kinds first), and
    # WHERE, not ON: SQLite would read an ON before ON CONFLICT as the join's.
    return (f"SELECT {', '.join([*(f'r.{c}' for c in own), *(f'k.{c}' for c in RATING_COLUMNS), *constants])} "
            f"FROM {rows} AS r CROSS JOIN review_kind AS k WHERE k.id = r.{kind}")


class Store(Resolver):
    """One import's reviews, and the films, critics and outlets they name (Resolver)."""

    def __init__(self, source: str):
        super().__init__()
        self.source = source
        self.merge_by_critic = False
        self.rules = VerdictRules()
        # SQLite stores dates as ISO text; PostgreSQL's driver takes the date itself.
        self.adapt_date = _iso if self.sqlite else (lambda d: d)
        self.batch: list[tuple] = []
        # dedupe key -> the line that brought it, to name the first of in-file duplicates.
        self.seen: dict[int, int] = {}
        self.duplicates: list[tuple[int, int]] = []  # (line, line of the first copy)
        # Rows kept with a value changed, and why (a date out of range dropped): (line, note, raw).
        self.notes: list[tuple[int, str, str]] = []
        self.bare: Counter = Counter()  # this import's bare numbers: (outlet id, critic id, rating) -> rows
        # Dedupe keys already stored, while a large load has set the unique index aside.
        self.existing: set[int] | None = None
        self.deferred: list[str] = []  # statements putting back what defer_indexes set aside
        self.outlets_used: set[int] = set()  # whose bare-number ratings this import may re-read
        self.added = 0  # reviews stored by this import (finish)
        self.index_seconds = 0.0  # building again the indexes defer_indexes set aside (finish)
        self.rating_counts: Counter = Counter()
        # What batches resolved, for the batches after them: critic and outlet names to ids,
        # dates to (ISO text, as stored), (rating, label, has a quote) to its review_kind row.
        self.critic_of: dict[str, int | None] = {}
        self.outlet_of: dict[str, int | None] = {}
        self.day_of: dict = {}
        self.kind_of: dict[tuple, int] = {}
        self.kind_rows: dict[int, tuple] = {}  # a review_kind row's RATING_COLUMNS
        self.cache_size = None  # the connection's own, while an import sets a larger one
        self.load_table = False  # PostgreSQL's review_load made (_copy_reviews)
        self._sqlite_cursor = None
        if self.sqlite:
            self.cursor.execute("PRAGMA cache_size")
            self.cache_size = self.cursor.fetchone()[0]
            # A large page cache keeps the index B-trees in memory during bulk inserts.
            self.cursor.execute("PRAGMA cache_size = -262144")
        # Every review this import adds gets a larger id: its rows are found by key range.
        self.cursor.execute("SELECT coalesce(max(id), 0) FROM catalog_review")
        self.last_id = self.cursor.fetchone()[0]
        self.revisions = Revisions(self.cursor)
        self.revisions.next_file(source)

    # reviews -------------------------------------------------------------------------------

    def add_review(self, record: ReviewRecord, line: int, film_id: int | None = None):
        """`film_id` when the caller already knows the film (the API's POST to a film)."""
        problem = checks.review_date_problem(record.published)
        if problem:
            record.published, record.published_precision, record.published_inferred = None, "day", False
            self.notes.append((line, problem, ""))
        film_id = film_id or self.film_for_review(record.film)
        critic_id = self.critic_id(record.critic, record.top_critic)
        outlet_id = self.outlet_id(record.outlet)
        self.outlets_used.add(outlet_id)
        key = dedupe_key(film_id, critic_id, outlet_id, record)
        first = self.seen.get(key)
        if first is not None:
            self.duplicates.append((line, first))
            return
        self.seen[key] = line
        first = self.revisions.repeated(record.source_key, film_id, line)
        if first is not None:
            self.duplicates.append((line, first))
            return
        if self.merge_by_critic and self._critic_reviewed(film_id, critic_id, outlet_id, record.published):
            return  # counted as a duplicate: imported rows are counted in the table
        rating = self._count_rating(record.rating_raw, outlet_id, critic_id)
        if self.existing is not None and key in self.existing:
            return  # stored by an earlier import: counted as a duplicate by the table's count
        verdict, decided_by, verdict_model, conflict = self.rules.apply(
            rating.score, rating.scale, record.label, bool(record.quote),
            bare_stars(rating.flag, rating.scale, rating.value))
        self.batch.append((
            film_id, critic_id, outlet_id, self.adapt_date(record.published), record.quote, record.url,
            record.rating_raw[:100], rating.score, rating.scale, rating.flag, record.top_critic,
            record.label, verdict, decided_by, verdict_model, conflict, marked(decided_by, record.needs_check),
            record.source_key, key, record.published_precision, record.published_inferred,
        ))
        if len(self.batch) >= BATCH:
            self.flush()

    def _count_rating(self, raw: str, outlet_id: int | None, critic_id: int | None, rows: int = 1) -> ratings.Rating:
        rating = ratings.parse_rating(raw)
        if raw:
            self.rating_counts["present"] += rows
            if rating.flag == ratings.NO_SCALE:
                # Read or flagged once the scale of its outlet and critic is known.
                self.bare[(outlet_id, critic_id, raw)] += rows
            else:
                self.rating_counts[rating.flag or "read"] += rows
        return rating

    def add_batch(self, batch: ReviewBatch) -> list[tuple[int, str, str]]:
        """Store a batch of table rows (columns.ReviewBatch), resolving each distinct film,
        critic, outlet, date and rating once. Returns the rows refused here (an ambiguous
        film) as (line, reason, raw row).

        A million-row load spends most of its time here, so each step is a pass over a whole
        column in C (map, zip, a comprehension) rather than Python statements per row."""
        film_of, refused = self._batch_films(batch)
        v = batch.values
        n = len(batch)
        films = list(map(film_of.__getitem__, v["film"]))
        tops = v.get("top_critic") or [False] * n
        # A critic is a top critic if any row says so (critic_id makes a known one one).
        top_names = set(compress(v["critic"], tops))
        critics = self._batch_ids(self.critic_of, v["critic"],
                                  lambda new: self._new_critics((name, name in top_names) for name in new),
                                  lambda name: self.critic_id(name, name in top_names))
        for name in top_names:
            self.critic_id(name, True)
        outlets = self._batch_ids(self.outlet_of, v["outlet"], self._new_outlets, self.outlet_id)
        self.outlets_used.update(outlets)
        published = v["published"]
        for day in set(published).difference(self.day_of):
            # A date no review can have is dropped: the row is stored undated, with a note.
            kept = day is not None and not checks.review_date_problem(day)
            self.day_of[day] = (day.isoformat(), self.adapt_date(day)) if kept else ("", None)
        dropped = {day for day in set(published) if day is not None and not self.day_of[day][0]}
        if dropped:
            self.notes += [(batch.lines[at], checks.review_date_problem(day), batch.raw(at) if batch.cells else "")
                           for at, day in enumerate(published) if day in dropped]
        isos, days = zip(*map(self.day_of.__getitem__, published)) if n else ((), ())
        quotes, raws = v["quote"], v.get("rating_raw") or [""] * n
        kinds = self._kinds(list(zip(raws, v.get("label") or [""] * n, map(bool, quotes))))
        keys = dedupe_keys(films, critics, outlets, isos, v["text"], raws)
        # SQLite's driver binds an int at once, a bool only after looking for an adapter: half
        # a microsecond a row.
        top_cells = list(map(int, tops)) if self.sqlite else tops
        extra = tuple(name for name in ("url", "source_key") if name in v)
        columns = [films, critics, outlets, days, quotes, top_cells, keys, *(v[e] for e in extra), kinds]
        # The rows' values one after another, straight from the columns: no tuple made a row.
        values = list(chain.from_iterable(zip(*columns)))
        copies, already = self._first_copies(keys, batch.lines)
        # The columns every row of a table shares, but for those it has (url, source_key).
        same = {k: value for k, value in {"needs_check": False, "published_precision": "day",
                                          "published_inferred": False, "url": "",
                                          "source_key": ""}.items() if k not in extra}
        revised = {}
        if "source_key" in v:
            def revision(at: int) -> dict:
                """The columns the row at `at` sets in the review it revises."""
                return {**same, **dict(zip(BATCH_COLUMNS + extra, (column[at] for column in columns))),
                        **dict(zip(RATING_COLUMNS, self.kind_rows[kinds[at]]))}

            revised = self._revise_batch(v["source_key"], films, keys, batch.lines, copies, already, revision)
        width = len(columns)
        for at in sorted(copies | already | revised.keys(), reverse=True):  # a few rows, if any
            del values[at * width:(at + 1) * width]
        self._tally_ratings(raws, outlets, critics, copies)
        self._insert_reviews(BATCH_COLUMNS + extra, values, same, kinds=True)
        return refused

    def _revise_batch(self, source_keys, films, keys, lines, copies: set[int], already: set[int], revision) -> dict:
        """A batch's rows with ids (ingest.revisions): a repeat of an id this file named before
        joins `copies`; a row revising a stored review updates it with `revision(position)`.
        Returns {position: review} of those."""
        for at, line in enumerate(lines):
            if at not in copies and at not in already:
                first = self.revisions.repeated(source_keys[at], films[at], line)
                if first is not None:
                    self.duplicates.append((line, first))
                    copies.add(at)
        new = [at for at in range(len(lines)) if at not in copies and at not in already]
        revised = self.revisions.matches(source_keys, films, keys, new, self._taken)
        rows = [(*map(revision(at).__getitem__, REVISED + DECIDED), review) for at, review in revised.items()]
        self.revisions.apply(rows, {films[at] for at in revised})
        return revised

    def _taken(self, keys: list[int]) -> set[int]:
        """Those of these dedupe keys a stored review has."""
        if self.existing is not None:
            return self.existing.intersection(keys)
        return stored_keys(self.cursor, keys)

    def _kinds(self, kinds: list[tuple]) -> list[int]:
        """The review_kind row of each (rating, label, has a quote): its rating read and its
        verdict decided once per import, not once a row. A row then sends one value for the
        rating columns, and the database copies them from that table (a fifth of the insert's
        time, and the work of making them in Python)."""
        new = list(dict.fromkeys(kinds).keys() - self.kind_of.keys())
        if new:
            if not self.kind_of:
                # Gone at the transaction's end (PostgreSQL) or in finish (SQLite); a failed
                # import's is rolled back with it.
                names = ", ".join(RATING_COLUMNS)
                self.cursor.execute(f"DROP TABLE IF EXISTS {'temp' if self.sqlite else 'pg_temp'}.review_kind")
                self.cursor.execute(
                    f"CREATE TEMPORARY TABLE review_kind (id INTEGER PRIMARY KEY, {names})" if self.sqlite else
                    f"CREATE TEMPORARY TABLE review_kind ON COMMIT DROP AS SELECT 0 AS id, {names} "
                    "FROM catalog_review WITH NO DATA")
            rows = []
            for kind in new:
                kind_id = self.kind_of[kind] = len(self.kind_of) + 1
                self.kind_rows[kind_id] = self._rating_columns(*kind)
                rows.append((kind_id, *self.kind_rows[kind_id]))
            self.cursor.executemany(f"INSERT INTO review_kind VALUES ({', '.join(['%s'] * (1 + len(RATING_COLUMNS)))})",
                                    rows)
        return list(map(self.kind_of.__getitem__, kinds))

    def _first_copies(self, keys: list[int], lines: list[int]) -> tuple[set[int], set[int]]:
        """The positions of a batch's rows not to store: (copies of an earlier row of the file,
        listed as duplicates and their ratings not counted; rows an earlier import stored).
        Told by set operations, the common case of no such row included; only the rows whose
        keys recur are looked at one by one."""
        seen, existing = self.seen, self.existing
        firsts = dict(zip(reversed(keys), reversed(lines)))  # each key's first line in the batch
        special = seen.keys() & firsts.keys()
        if existing is not None:
            special |= existing.intersection(firsts)
        if len(firsts) < len(keys):
            special |= {key for key, count in Counter(keys).items() if count > 1}
        copies, already = set(), set()
        for at in compress(range(len(keys)), map(special.__contains__, keys)) if special else ():
            key, line = keys[at], lines[at]
            first = seen.get(key)
            if first is not None:
                self.duplicates.append((line, first))
                copies.add(at)
                continue
            seen[key] = line
            if existing is not None and key in existing:
                already.add(at)
        for key in special:
            del firsts[key]
        seen.update(firsts)
        return copies, already

    def _tally_ratings(self, raws: list[str], outlets: list, critics: list, left_out: set[int]) -> None:
        """Count a batch's ratings as read or flagged, but for the rows `left_out`; a bare number
        waits for its outlet's or critic's scale (resolve_bare_numbers), so those are counted by
        outlet and critic."""
        by_raw = Counter(raws)
        by_raw.subtract(raws[at] for at in left_out)
        bare = {raw for raw in by_raw if raw and ratings.parse_rating(raw).flag == ratings.NO_SCALE}
        for raw, count in by_raw.items():
            if raw not in bare and count:
                self._count_rating(raw, None, None, count)
        if bare:
            rows = compress(range(len(raws)), map(bare.__contains__, raws))
            for (outlet, critic, raw), count in Counter((outlets[at], critics[at], raws[at])
                                                        for at in rows if at not in left_out).items():
                self._count_rating(raw, outlet, critic, count)

    def _rating_columns(self, raw: str, label: str, has_quote: bool) -> tuple:
        """RATING_COLUMNS for one (rating, label, has a quote)."""
        rating = ratings.parse_rating(raw)
        return (raw[:100], rating.score, rating.scale, rating.flag, label,
                *self.rules.apply(rating.score, rating.scale, label, has_quote,
                                  bare_stars(rating.flag, rating.scale, rating.value)))

    def _insert_reviews(self, columns: tuple[str, ...], values: list, same: dict, kinds: bool = False) -> None:
        """Insert review rows, given as one list of their values, row after row; `same` holds the
        columns every row shares, written into the statement once (each value sent per row
        costs as much as the row's own work). With `kinds`, each row's last value is its
        review_kind row (_kinds), which gives it RATING_COLUMNS."""
        width = len(columns) + kinds
        count = len(values) // width
        if not count:
            return
        same = {**same, "source": self.source, "created_at": self.now, "verdict_probability": None}
        names = ", ".join([*columns, *(RATING_COLUMNS if kinds else ()), *same])
        constants = [sql_literal(value, for_django=not self.sqlite) for value in same.values()]
        # While the unique index is set aside (defer_indexes), duplicates are caught in Python.
        conflict = "" if self.existing is not None else " ON CONFLICT (dedupe_key) DO NOTHING"
        if not self.sqlite:
            loaded = list(columns) + (["kind"] if kinds else [])
            self._copy_reviews(loaded, zip(*[iter(values)] * width))
            self.cursor.execute(f"INSERT INTO catalog_review ({names}) "
                                f"{_select('review_load', loaded, kinds, constants)}{conflict}")
            self.cursor.execute("TRUNCATE review_load")
            return
        # Many rows to a statement: SQLite pays its per-statement work (the AUTOINCREMENT
        # bookkeeping, a reset, a step) once for them, not once a row (a third of the insert's time).
        sqlite = self._driver_cursor()
        per = self._rows_per_statement(width, ROWS_PER_INSERT)
        step = per * width
        whole = (count - count % per) * width

        def statement(rows: int) -> str:
            if not kinds:
                return f"INSERT INTO catalog_review ({names}) VALUES {', '.join([values_row(width, same, False)] * rows)}"
            listed = ", ".join([values_row(width, {}, False)] * rows)
            # SQLite names a VALUES list's columns column1, column2 …
            return (f"INSERT INTO catalog_review ({names}) "
                    f"{_select(f'(VALUES {listed})', [f'column{at}' for at in range(1, width + 1)], kinds, constants)}")

        if whole:
            sqlite.executemany(statement(per) + conflict, (values[at:at + step] for at in range(0, whole, step)))
        if whole < len(values):
            sqlite.execute(statement(count % per) + conflict, values[whole:])

    def _driver_cursor(self):
        """SQLite's own cursor on this connection (the same transaction): Django's rewrites
        every statement's placeholders, a cost a statement of a hundred rows would pay each time."""
        if self._sqlite_cursor is None:
            self._sqlite_cursor = connection.connection.cursor()
        return self._sqlite_cursor

    def _copy_reviews(self, columns: list[str], rows) -> None:
        """PostgreSQL: rows streamed by COPY into a temporary table of the review table's columns
        (no constraints), for one INSERT … SELECT to move: an INSERT a row costs the server a
        statement each (a million-row load took twice as long)."""
        if not self.load_table:
            self.cursor.execute("CREATE TEMPORARY TABLE IF NOT EXISTS review_load ON COMMIT DROP AS "
                                "SELECT *, 0 AS kind FROM catalog_review WITH NO DATA")
            self.load_table = True
        with self.cursor.cursor.copy(f"COPY review_load ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)

    def _critic_reviewed(self, film_id, critic_id, outlet_id, published) -> bool:
        """Has this critic (at this outlet) a review of the film from the same year, or undated?

        For sources that retell reviews (an article quoting Janet Maslin): the same review in
        other words, not a second one."""
        if critic_id is None:
            return False
        self.cursor.execute(
            "SELECT published FROM catalog_review WHERE film_id = %s AND critic_id = %s "
            "AND (outlet_id = %s OR outlet_id IS NULL OR %s IS NULL)", [film_id, critic_id, outlet_id, outlet_id]
        )
        for (day,) in self.cursor.fetchall():
            if isinstance(day, str):
                day = dt.date.fromisoformat(day)
            if day is None or published is None or day.year == published.year:
                return True
        return False

    def merge_twins(self) -> int:
        """Films stored twice, as an untitled record and a titled one (ingest.film_merge), merged
        into the one first stored: after a file of film rows, so that the reviews of the files
        after it find the film by either record's ids. Returns how many were merged."""
        pairs = find_twins(self.cursor)
        if not pairs:
            return 0
        self.flush()
        pairs = [(min(pair), max(pair)) for pair in pairs]
        folded = fold_films(pairs, self.cursor)
        gone = {drop for _, drop in pairs}
        self.touched = (self.touched - gone) | folded.kept
        self.revisions.films -= gone
        self.outlets_used |= folded.outlets
        # A film this import created and merged away was not added after all.
        self.films_added -= sum(drop > self.last_film_id for drop in gone)
        if self.existing is not None:
            # The moved reviews' keys name the kept film now.
            self.cursor.execute("SELECT dedupe_key FROM catalog_review")
            self.existing = {key for (key,) in self.cursor.fetchall()}
        self._load_indexes()
        return len(pairs)

    def next_file(self):
        """In-file duplicates are listed per file; the database catches the rest, or, while the
        unique index is set aside, the keys the files before brought."""
        if self.existing is not None:
            self.existing.update(self.seen)
        self.seen.clear()
        self.flush()  # the files before stored, for this one's rows to revise
        self.revisions.next_file(self.source)

    def defer_indexes(self, expected_rows: int):
        """For a load larger than the table, set the review table's secondary indexes aside now
        and build them again in `finish` (one sorted build beats a million scattered inserts).

        SQLite: its DDL is transactional and readers keep their snapshot. PostgreSQL: only into
        an empty review table, as there a DROP holds off the site's readers of reviews until the
        import commits; the foreign keys go aside too, to be checked in one pass when put back
        rather than row by row at commit (a third of a million-row load's time).
        """
        if expected_rows < DEFER_ROWS:
            return  # without counting a large table's rows for a small import
        stored = self.count_reviews()
        if expected_rows < stored:
            return
        c = self.cursor
        if self.sqlite:
            c.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'catalog_review' "
                      "AND sql IS NOT NULL")
            indexes, constraints = c.fetchall(), []
        elif connection.vendor == "postgresql" and stored == 0:
            c.execute("SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
                      "WHERE conrelid = 'catalog_review'::regclass AND contype IN ('f', 'u')")
            constraints = c.fetchall()
            c.execute("SELECT i.relname, pg_get_indexdef(x.indexrelid) FROM pg_index x "
                      "JOIN pg_class i ON i.oid = x.indexrelid WHERE x.indrelid = 'catalog_review'::regclass "
                      "AND NOT EXISTS (SELECT FROM pg_constraint k WHERE k.conindid = x.indexrelid)")
            indexes = c.fetchall()
        else:
            return
        # A partial index (flagged ratings, reviews to check) holds a few rows: kept up as rows
        # go in, it costs less than a pass over the whole table to build it again.
        indexes = [(name, sql) for name, sql in indexes if " WHERE " not in sql.upper()]
        # Without the unique index, a row already stored is told by its key here instead.
        c.execute("SELECT dedupe_key FROM catalog_review")
        self.existing = {key for (key,) in c.fetchall()}
        for name, _ in constraints:
            c.execute(f'ALTER TABLE catalog_review DROP CONSTRAINT "{name}"')
        for name, _ in indexes:
            c.execute(f'DROP INDEX "{name}"')
        self.deferred = [sql for _, sql in indexes] + [
            f'ALTER TABLE catalog_review ADD CONSTRAINT "{name}" {definition}' for name, definition in constraints]
        if self.cache_size is not None:
            # The large cache served index inserts; with none left, the default serves the
            # rebuild (finish) better: SQLite sizes an index build's in-memory sort runs by the
            # page cache, and runs as large as the import's sort slower (the review indexes
            # of 1M rows: 5 s against 3.5 s).
            c.execute(f"PRAGMA cache_size = {int(self.cache_size)}")

    def finish(self):
        self.flush()
        large = bool(self.deferred)  # a load as large as the table (defer_indexes)
        if large and self.sqlite:
            # Worker threads sort the builds' runs side by side (the cache: defer_indexes).
            self.cursor.execute(f"PRAGMA threads = {min(4, os.cpu_count() or 1)}")
        began = time.perf_counter()
        for sql in self.deferred:
            self.cursor.execute(sql)
        if large:
            self.index_seconds = time.perf_counter() - began
        if large and self.sqlite:
            self.cursor.execute("PRAGMA threads = 0")
        self.deferred, self.existing = [], None
        if self.kind_of and self.sqlite:
            self.cursor.execute("DROP TABLE temp.review_kind")
            self.kind_of, self.kind_rows = {}, {}
        if self.cache_size is not None:
            self.cursor.execute(f"PRAGMA cache_size = {int(self.cache_size)}")
        # The rows were decided as they were written (reception.rules), but for those whose rating
        # is read again here.
        self.resolve_bare_numbers()
        if large and self.sqlite:
            self._count_large_load()
        else:
            # This import's rows: ids past the last one before it, with its timestamp. One pass
            # finds their films and counts how their verdicts were decided. (Grouped by film_id
            # + 0, not film_id: SQLite would otherwise walk the film index over the whole table.)
            self.cursor.execute(
                "SELECT film_id + 0, decided_by, count(*) FROM catalog_review WHERE id > %s AND created_at = %s "
                "GROUP BY 1, 2", [self.last_id, self.now])
            counts = Counter()
            for film_id, source, n in self.cursor.fetchall():
                self.touched.add(film_id)
                counts[source] += n
            self.verdicts = (counts[CRITIC_RATING], counts[DecidedBy.OUTLET_LABEL.value])
            # The reviews this import added, counted without a pass over a table of millions.
            self.added = sum(counts.values())
        self.touched |= self.revisions.films

    def _count_large_load(self):
        """finish's counts for a SQLite load as large as the table (defer_indexes), without
        sorting its rows by film: their films read from the film index alone, their verdicts
        counted in one pass (1M rows: 0.6 s against 1.1–1.5 s). Every id past the last one
        before the import is its own: SQLite has one writer, and a transaction that has read
        may not write after another has."""
        c = self.cursor
        # Walks the whole film index (it holds the row ids): half the table or more is this import's.
        c.execute("SELECT DISTINCT film_id FROM catalog_review WHERE id > %s", [self.last_id])
        self.touched.update(film_id for (film_id,) in c.fetchall())
        c.execute("SELECT count(*), coalesce(sum(decided_by = %s), 0), coalesce(sum(decided_by = %s), 0) "
                  "FROM catalog_review WHERE id > %s",
                  [CRITIC_RATING, DecidedBy.OUTLET_LABEL.value, self.last_id])
        self.added, *verdicts = c.fetchone()
        self.verdicts = tuple(verdicts)

    def flush(self):
        rows, self.batch = self.batch, []
        at = RECORD_AT
        revised = self.revisions.matches(
            [row[at["source_key"]] for row in rows], [row[0] for row in rows], [row[at["dedupe_key"]] for row in rows],
            range(len(rows)), self._taken) if rows and self.revisions.stored else {}
        if revised:
            self.revisions.apply([(*(rows[i][at[c]] for c in REVISED + DECIDED), review_id)
                                  for i, review_id in revised.items()], {rows[i][0] for i in revised})
            rows = [row for i, row in enumerate(rows) if i not in revised]
        self._insert_reviews(RECORD_COLUMNS, list(chain.from_iterable(rows)), {})

    def count_reviews(self, where: str = "1 = 1") -> int:
        self.cursor.execute(f"SELECT count(*) FROM catalog_review WHERE {where}")
        return self.cursor.fetchone()[0]

    def count_awaiting(self) -> int:
        """Reviews in the whole database left to the text model."""
        # "id > 0" holds for every row; it steers SQLite to the small partial index of reviews
        # awaiting a verdict (Review.Meta), where a bare count(*) walks a whole covering index.
        return self.count_reviews("verdict = '' AND id > 0")

    def resolve_bare_numbers(self) -> None:
        """Bare numbers read again for every outlet this import added reviews to or took a revised
        one from (its evidence may have changed; no other outlet's has: ingest.scales); the films
        of the reviews that changed are touched. Counts this import's bare numbers as read or
        flagged."""
        outlets = (self.outlets_used | self.revisions.outlets) - {None}
        scales, films = reread_bare_numbers(self.cursor, outlets, self.rules)
        self.touched |= films
        for (outlet_id, critic_id, raw), count in self.bare.items():
            rating = ratings.parse_rating(raw)
            scale = scales.get((outlet_id, critic_id, rating.scale == ratings.STARS))
            flag = ratings.resolve_bare_number(rating, scale).flag if scale else ratings.NO_SCALE
            self.rating_counts[flag or "read"] += count

"""Writing records: films, critics and outlets resolved through in-memory indexes, reviews
inserted in batches with set-based SQL (per-row ORM saves are far too slow for a million rows).

Everything runs inside the caller's transaction.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import struct
from collections import Counter, defaultdict
from contextlib import contextmanager
from itertools import chain, compress
from sqlite3 import SQLITE_LIMIT_VARIABLE_NUMBER

from django.db import connection
from django.utils import timezone

from .. import ratings
from ..catalog.identity import BUILTIN_OUTLET_ALIASES, name_key, title_key
from ..catalog.models import (
    Company, Credit, Film, FilmCompany, Person, PublishedScore, ReleaseEvent, VerdictSource,
)
from ..database import id_chunks
from ..verdicts.decide import RowRules, apply_rules
from .columns import ReviewBatch
from .records import FilmRecord, FilmRef, ReviewRecord, RowError, normal_text

BATCH = 5000
# A load of at least this many rows, and larger than the table, sets indexes aside (defer_indexes).
DEFER_ROWS = 50_000
# Review rows to one SQLite INSERT, at most (fewer where its limit on parameters is low).
ROWS_PER_INSERT = 100
CRITIC_RATING = VerdictSource.CRITIC_RATING.value

# A new film's columns before any film file fills them.
NEW_FILM = {"genres": "[]", "synopsis": "", "runtime_minutes": None, "mpaa_rating": "", "limited_release": False,
            "sample": False}
# What a review row of one import sends per row; the rest is the same for every row of it.
RECORD_COLUMNS = (
    "film_id", "critic_id", "outlet_id", "published", "quote", "url", "rating_raw", "rating", "rating_scale",
    "rating_flag", "top_critic", "source_verdict", "verdict", "verdict_source", "verdict_model", "needs_check",
    "source_key", "dedupe_key", "published_precision",
)
# A batch of table rows (columns.ReviewBatch): then its own columns (url, source_key) if it has
# them, then the rating's and verdict's, one tuple per distinct (rating, label, has a quote).
BATCH_COLUMNS = ("film_id", "critic_id", "outlet_id", "published", "quote", "top_critic", "dedupe_key")
RATING_COLUMNS = ("rating_raw", "rating", "rating_scale", "rating_flag", "source_verdict", "verdict",
                  "verdict_source", "verdict_model")


def _iso(date):
    return date.isoformat() if date else None


def _literal(value, for_django: bool = True) -> str:
    """A constant of our own (a timestamp, a format name) as SQL; '%' doubled `for_django`'s
    cursor, which reads '%s' as a placeholder, but not for the driver's own cursor."""
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    text = "'" + str(value).replace("'", "''") + "'"
    return text.replace("%", "%%") if for_django else text


def _values_row(width: int, same: dict, for_django: bool = True) -> str:
    """One row of an INSERT's VALUES: a placeholder for each of `width` values (Django's `%s`, or
    the driver's `?`), then the constants every row shares (`same`)."""
    mark = "%s" if for_django else "?"
    return "(" + ", ".join([mark] * width + [_literal(value, for_django) for value in same.values()]) + ")"


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


def _builtin_alias(name: str) -> str | None:
    """The outlet a built-in alias ("NYT") names, if this name is one."""
    return BUILTIN_OUTLET_ALIASES.get(name) or BUILTIN_OUTLET_ALIASES.get(name.strip())


class AmbiguousFilm(RowError):
    pass


def dedupe_key(film_id: int, critic_id: int | None, outlet_id: int | None, record: ReviewRecord) -> int:
    """Film + critic + outlet + date + text (+ rating): the fields that make a review itself.

    Critic and outlet count by id, so "NYT" and "The New York Times" are one outlet here too.
    """
    published = record.published.isoformat() if record.published else ""
    return dedupe_keys([film_id], [critic_id], [outlet_id], [published], [normal_text(record.quote)],
                       [record.rating_raw])[0]


_FIRST_8 = struct.Struct(">Q").unpack_from


def dedupe_keys(films, critics, outlets, published, texts, ratings_raw) -> list[int]:
    """dedupe_key of each row of these columns (dates as ISO text, quotes as normal_text): the
    SHA-1's first 8 bytes, big-endian, less one bit (a signed 64-bit column holds it). Whole
    columns at a time, as a million-row load makes a million."""
    sha1, first_8 = hashlib.sha1, _FIRST_8
    return [first_8(sha1(f"{film}\x1f{critic}\x1f{outlet}\x1f{day}\x1f{text}\x1f{raw}".encode()).digest())[0] >> 1
            for film, critic, outlet, day, text, raw in zip(films, critics, outlets, published, texts, ratings_raw)]


class Store:
    def __init__(self, source: str):
        self.source = source
        self.merge_by_critic = False
        self.rules = RowRules()
        self.touched: set[int] = set()  # films whose figures this import may change
        self.cursor = connection.cursor()
        self.ops = connection.ops
        self.now = self.ops.adapt_datetimefield_value(timezone.now())
        self.sqlite = connection.vendor == "sqlite"
        # SQLite stores dates as ISO text; PostgreSQL's driver takes the date itself.
        self.adapt_date = _iso if self.sqlite else (lambda d: d)
        self.batch: list[tuple] = []
        # dedupe key -> the line that brought it, to name the first of in-file duplicates.
        self.seen: dict[int, int] = {}
        self.duplicates: list[tuple[int, int]] = []  # (line, line of the first copy)
        self.bare: Counter = Counter()  # this import's bare numbers: (outlet id, rating) -> rows
        # Dedupe keys already stored, while a large load has set the unique index aside.
        self.existing: set[int] | None = None
        self.deferred: list[str] = []  # statements putting back what defer_indexes set aside
        self.outlets_used: set[int] = set()  # whose bare-number ratings this import may re-read
        self.films_added = 0
        self.added = 0  # reviews stored by this import (finish)
        self.rating_counts: Counter = Counter()
        # What batches resolved, for the batches after them: critic and outlet names to ids,
        # dates to (ISO text, as stored), (rating, label, has a quote) to RATING_COLUMNS.
        self.critic_of: dict[str, int | None] = {}
        self.outlet_of: dict[str, int | None] = {}
        self.day_of: dict = {}
        self.kind_columns: dict[tuple, tuple] = {}
        self.cache_size = None  # the connection's own, while an import sets a larger one
        self.load_table = False  # PostgreSQL's review_load made (_copy_reviews)
        self._sqlite_cursor = None
        if self.sqlite:
            self.cursor.execute("PRAGMA cache_size")
            self.cache_size = self.cursor.fetchone()[0]
            # A large page cache keeps the index B-trees in memory during bulk inserts.
            self.cursor.execute("PRAGMA cache_size = -262144")
        self._load_indexes()
        # Every review this import adds gets a larger id: its rows are found by key range.
        self.cursor.execute("SELECT coalesce(max(id), 0) FROM catalog_review")
        self.last_id = self.cursor.fetchone()[0]

    # indexes -------------------------------------------------------------------------------

    def _load_indexes(self):
        c = self.cursor
        c.execute("SELECT source, key, film_id FROM catalog_filmsourceid")
        self.film_ids = {(s, k): f for s, k, f in c.fetchall()}
        self.film_sources: dict[int, set[str]] = defaultdict(set)
        for (source, _), film_id in self.film_ids.items():
            self.film_sources[film_id].add(source)
        c.execute("SELECT id, title_key, year FROM catalog_film")
        self.titles: dict[str, list[tuple[int, int | None]]] = defaultdict(list)
        for film_id, key, year in c.fetchall():
            self.titles[key].append((film_id, year))
        c.execute("SELECT name_key, id, top_critic FROM catalog_critic")
        rows = c.fetchall()
        self.critics = {k: i for k, i, _ in rows}
        self.top_critics = {i for _, i, top in rows if top}
        c.execute("SELECT name_key, id FROM catalog_outlet")
        self.outlets = dict(c.fetchall())
        c.execute("SELECT alias_key, outlet_id FROM catalog_outletalias")
        self.outlet_aliases = dict(c.fetchall())
        self.people: dict[str, int] = {}     # filled on first use: most imports name no one
        self.companies: dict[str, int] = {}

    def _insert(self, table: str, values: dict) -> int:
        cols = ", ".join(values)
        marks = ", ".join(["%s"] * len(values))
        self.cursor.execute(f"INSERT INTO {table} ({cols}) VALUES ({marks}) RETURNING id", list(values.values()))
        return self.cursor.fetchone()[0]

    # films ---------------------------------------------------------------------------------

    def find_film(self, ref: FilmRef) -> int | None:
        """The film a reference names, by the rules in catalog.identity; raises on ambiguity."""
        if ref.source:
            return self.film_ids.get((ref.source, ref.key))
        candidates = self.titles.get(title_key(ref.title), [])
        if not candidates:
            return None
        if ref.year is None:
            steps = [candidates]
        else:
            steps = [
                [c for c in candidates if c[1] == ref.year],
                [c for c in candidates if c[1] is not None and abs(c[1] - ref.year) == 1],
                [c for c in candidates if c[1] is None],
            ]
        for found in steps:
            if len(found) == 1:
                return found[0][0]
            if len(found) > 1:
                ids = ", ".join(str(c[0]) for c in found)
                raise AmbiguousFilm(f"ambiguous film {ref.describe()!r}: matches films {ids}; left for an editor")
        return None

    def _new_film(self, title: str, year: int | None, title_known: bool = True) -> int:
        film_id = self._insert("catalog_film", {
            "title": title, "title_key": title_key(title), "year": year, "title_known": title_known,
            **NEW_FILM, "created_at": self.now, "updated_at": self.now,
        })
        self.titles[title_key(title)].append((film_id, year))
        self.films_added += 1
        return film_id

    def _insert_many(self, table: str, columns: tuple[str, ...], rows: list[tuple], returning: str,
                     same: dict | None = None) -> list[tuple]:
        """Rows inserted up to 500 to a statement (on PostgreSQL, one round trip each rather than
        one a row); `same` holds the columns every row shares, written into the statement once.
        Returns (id, `returning`) of each row, in no particular order."""
        same = same or {}
        names = ", ".join([*columns, *same])
        row = _values_row(len(columns), same)
        per = self._rows_per_statement(len(columns), 500)
        created = []
        for start in range(0, len(rows), per):
            chunk = rows[start:start + per]
            self.cursor.execute(f"INSERT INTO {table} ({names}) VALUES {', '.join([row] * len(chunk))} "
                                f"RETURNING id, {returning}", [value for values in chunk for value in values])
            created += self.cursor.fetchall()
        return created

    def _new_source_films(self, source: str, keys: list[str]) -> None:
        """Films known only by these ids of a source (until a film file names them), created
        together rather than one by one."""
        titles = {f"{source} film {key}": key for key in keys}
        created = self._insert_many(
            "catalog_film", ("title", "title_key", "created_at", "updated_at"),
            [(title, title_key(title), self.now, self.now) for title in titles], "title",
            {"year": None, "title_known": False, **NEW_FILM})
        for film_id, title in created:
            self.titles[title_key(title)].append((film_id, None))
            self.film_ids[(source, titles[title])] = film_id
            self.film_sources[film_id].add(source)
        self.cursor.executemany("INSERT INTO catalog_filmsourceid (film_id, source, key) VALUES (%s, %s, %s)",
                                [(film_id, source, titles[title]) for film_id, title in created])
        self.films_added += len(created)

    def _add_source_id(self, film_id: int, source: str, key: str):
        if (source, key) not in self.film_ids:
            self._insert("catalog_filmsourceid", {"film_id": film_id, "source": source, "key": key})
            self.film_ids[(source, key)] = film_id
            self.film_sources[film_id].add(source)

    def film_for_review(self, ref: FilmRef) -> int:
        film_id = self.find_film(ref)
        if film_id is not None:
            return film_id
        if ref.source:
            # Known only by its id until a film file of the same source names it.
            film_id = self._new_film(f"{ref.source} film {ref.key}", None, title_known=False)
            self._add_source_id(film_id, ref.source, ref.key)
            return film_id
        return self._new_film(ref.title, ref.year)

    def upsert_film(self, record: FilmRecord) -> int:
        film_id = self.find_film(record.ref)
        for source, key in record.also_known_as:
            if film_id is None:
                film_id = self.film_ids.get((source, key))
        if film_id is None and record.ref.source and record.title:
            film_id = self.find_film(FilmRef(title=record.title, year=record.year))
            # A film the same source already knows under another id is another film (a remake).
            if film_id is not None and record.ref.source in self.film_sources[film_id]:
                film_id = None
        if film_id is None:
            film_id = self._new_film(record.title or f"{record.ref.source} film {record.ref.key}",
                                     record.year, title_known=bool(record.title))
        self.touched.add(film_id)
        if record.ref.source:
            self._add_source_id(film_id, record.ref.source, record.ref.key)
        for source, key in record.also_known_as:
            self._add_source_id(film_id, source, key)
        self._fill_film(film_id, record)
        return film_id

    def _fill_film(self, film_id: int, record: FilmRecord):
        """Fill what the film lacks; never overwrite what is there (an editor may have set it)."""
        film = Film.objects.get(pk=film_id)
        old_key, old_year = film.title_key, film.year
        if record.title and not film.title_known:
            film.title, film.title_known = record.title, True
        for attr in ("year", "synopsis", "runtime_minutes", "mpaa_rating"):
            value = getattr(record, attr)
            if value not in (None, "") and getattr(film, attr) in (None, ""):
                setattr(film, attr, value)
        if record.genres and not film.genres:
            film.genres = record.genres
        if record.limited_release:
            film.limited_release = True
        film.sample = film.sample or record.sample
        film.save()
        if (film.title_key, film.year) != (old_key, old_year):
            self.titles[old_key].remove((film_id, old_year))
            self.titles[film.title_key].append((film_id, film.year))

        # The unique constraints make these idempotent: a credit already there is skipped, and
        # one that names no character adds nothing to the same person in the same role.
        known = set(Credit.objects.filter(film_id=film_id).values_list("person_id", "role"))
        credits = [(order, c, self._named(Person, self.people, c["name"])) for order, c in enumerate(record.credits)]
        Credit.objects.bulk_create([
            Credit(film_id=film_id, person_id=person_id, role=c["role"], character=c.get("character", ""), order=order)
            for order, c, person_id in credits if c.get("character") or (person_id, c["role"]) not in known
        ], ignore_conflicts=True)
        FilmCompany.objects.bulk_create([
            FilmCompany(film_id=film_id, company_id=self._named(Company, self.companies, c["name"]), role=c["role"],
                        region=c.get("region", ""), note=c.get("note", ""))
            for c in record.companies
        ], ignore_conflicts=True)
        for release in record.releases:
            fields = {k: v for k, v in release.items() if k not in ("kind", "date")}
            ReleaseEvent.objects.get_or_create(
                film_id=film_id, kind=release["kind"], date=release["date"], defaults=fields
            )
        if record.published:
            published = dict(record.published)
            source = str(published.pop("source", "") or "published")
            allowed = {f.name for f in PublishedScore._meta.fields} - {"id", "film", "source"}
            unknown = set(published) - allowed
            if unknown:
                raise RowError(f"unknown published field(s): {', '.join(sorted(unknown))}")
            # The same consensus quoted again (an article citing the aggregator) is not news.
            text = published.get("consensus")
            if not (text and PublishedScore.objects.filter(film_id=film_id, consensus=text).exclude(source=source)
                    .exists()):
                PublishedScore.objects.update_or_create(film_id=film_id, source=source, defaults=published)

    def _named(self, model, index: dict | None, name: str) -> int:
        """The id of the person or company of that name, created when new (people match by name)."""
        if not index:
            for key, pk in model.objects.order_by("-id").values_list("name_key", "id"):
                index[key] = pk  # the oldest wins for namesakes
        key = name_key(name)
        if key not in index:
            index[key] = model.objects.create(name=name).pk
        return index[key]

    # critics and outlets --------------------------------------------------------------------

    def critic_id(self, name: str, top: bool) -> int | None:
        key = name_key(name)
        if not key:
            return None
        critic_id = self.critics.get(key)
        if critic_id is None:
            critic_id = self._insert("catalog_critic", {"name": name, "name_key": key, "top_critic": top})
            self.critics[key] = critic_id
            if top:
                self.top_critics.add(critic_id)
        elif top and critic_id not in self.top_critics:
            self.cursor.execute("UPDATE catalog_critic SET top_critic = %s WHERE id = %s", [True, critic_id])
            self.top_critics.add(critic_id)
        return critic_id

    def _new_critics(self, pairs) -> None:
        """The critics of these (name, top critic) pairs new to the catalogue, created together;
        a name's first spelling is kept, and a critic is a top critic if any pair says so."""
        new: dict[str, list] = {}
        for name, top in pairs:
            key = name_key(name)
            if key and key not in self.critics:
                new.setdefault(key, [name, False])[1] |= bool(top)
        for critic_id, key in self._insert_many("catalog_critic", ("name", "name_key", "top_critic"),
                                                [(name, key, top) for key, (name, top) in new.items()], "name_key"):
            self.critics[key] = critic_id
            if new[key][1]:
                self.top_critics.add(critic_id)

    def _new_outlets(self, names) -> None:
        """The outlets of these names new to the catalogue, created together (a name another
        outlet is known by is left to outlet_id)."""
        new: dict[str, str] = {}
        for name in names:
            key = name_key(name)
            if key and key not in self.outlets and key not in self.outlet_aliases and not _builtin_alias(name):
                new.setdefault(key, name)
        for outlet_id, key in self._insert_many("catalog_outlet", ("name", "name_key", "url", "weight"),
                                                [(name, key, "", 1.0) for key, name in new.items()], "name_key"):
            self.outlets[key] = outlet_id

    def outlet_id(self, name: str) -> int | None:
        key = name_key(name)
        if not key:
            return None
        outlet_id = self.outlets.get(key) or self.outlet_aliases.get(key)
        if outlet_id is None:
            canonical = _builtin_alias(name)
            if canonical and name_key(canonical) != key:
                return self.outlet_id(canonical)
            outlet_id = self._insert("catalog_outlet", {"name": name, "name_key": key, "url": "", "weight": 1.0})
            self.outlets[key] = outlet_id
        return outlet_id

    # reviews -------------------------------------------------------------------------------

    def add_review(self, record: ReviewRecord, line: int, film_id: int | None = None):
        """`film_id` when the caller already knows the film (the API's POST to a film)."""
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
        if self.merge_by_critic and self._critic_reviewed(film_id, critic_id, outlet_id, record.published):
            return  # counted as a duplicate: imported rows are counted in the table
        rating = self._count_rating(record.rating_raw, outlet_id)
        if self.existing is not None and key in self.existing:
            return  # stored by an earlier import: counted as a duplicate by the table's count
        verdict, verdict_source, verdict_model = self.rules.decide(
            rating.score, rating.scale, record.source_verdict, bool(record.quote))
        self.batch.append((
            film_id, critic_id, outlet_id, self.adapt_date(record.published), record.quote, record.url,
            record.rating_raw[:100], rating.score, rating.scale, rating.flag, record.top_critic,
            record.source_verdict, verdict, verdict_source, verdict_model, record.needs_check and not verdict,
            record.source_key, key, record.published_precision,
        ))
        if len(self.batch) >= BATCH:
            self.flush()

    def _count_rating(self, raw: str, outlet_id: int | None, rows: int = 1) -> ratings.Rating:
        rating = ratings.parse_rating(raw)
        if raw:
            self.rating_counts["present"] += rows
            if rating.flag == ratings.NO_SCALE:
                self.bare[(outlet_id, raw)] += rows  # read or flagged once the outlet's scale is known
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
            self.day_of[day] = (day.isoformat() if day else "", self.adapt_date(day))
        isos, days = zip(*map(self.day_of.__getitem__, published)) if n else ((), ())
        quotes, raws = v["quote"], v.get("rating_raw") or [""] * n
        # The rating's and verdict's columns, once per distinct (rating, label, has a quote).
        kinds = list(zip(raws, v.get("source_verdict") or [""] * n, map(bool, quotes)))
        for kind in set(kinds).difference(self.kind_columns):
            self.kind_columns[kind] = self._rating_columns(*kind)
        keys = dedupe_keys(films, critics, outlets, isos, v["text"], raws)
        # SQLite's driver binds an int at once, a bool only after looking for an adapter: half
        # a microsecond a row.
        top_cells = list(map(int, tops)) if self.sqlite else tops
        extra = tuple(name for name in ("url", "source_key") if name in v)
        columns = [films, critics, outlets, days, quotes, top_cells, keys, *(v[e] for e in extra),
                   *zip(*map(self.kind_columns.__getitem__, kinds))]
        # The rows' values one after another, straight from the columns: no tuple made a row.
        values = list(chain.from_iterable(zip(*columns)))
        copies, already = self._first_copies(keys, batch.lines)
        width = len(columns)
        for at in sorted(copies | already, reverse=True):  # a few rows, if any
            del values[at * width:(at + 1) * width]
        self._tally_ratings(raws, outlets, copies)
        same = {"needs_check": False, "published_precision": "day", "url": "", "source_key": ""}
        self._insert_reviews(BATCH_COLUMNS + extra + RATING_COLUMNS, values,
                             {k: value for k, value in same.items() if k not in extra})
        return refused

    def _batch_ids(self, known: dict, names, create, find) -> list:
        """The ids of a batch's critics or outlets, row by row: those new to this import made
        together (`create`), then each looked up once (`find`) and remembered for later batches."""
        names = list(names)
        # New names in the order the file gives them (dict.fromkeys), not a set's: new critics and
        # outlets get the same ids whatever the process's string hashing.
        new = dict.fromkeys(name for name in dict.fromkeys(names) if name not in known)
        if new:
            create(new)
            for name in new:
                known[name] = find(name)
        return list(map(known.__getitem__, names))

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

    def _tally_ratings(self, raws: list[str], outlets: list, left_out: set[int]) -> None:
        """Count a batch's ratings as read or flagged, but for the rows `left_out`; a bare number
        waits for its outlet's scale (resolve_bare_numbers), so those are counted by outlet."""
        by_raw = Counter(raws)
        by_raw.subtract(raws[at] for at in left_out)
        bare = {raw for raw in by_raw if raw and ratings.parse_rating(raw).flag == ratings.NO_SCALE}
        for raw, count in by_raw.items():
            if raw not in bare and count:
                self._count_rating(raw, None, count)
        if bare:
            rows = compress(range(len(raws)), map(bare.__contains__, raws))
            for (outlet, raw), count in Counter((outlets[at], raws[at]) for at in rows if at not in left_out).items():
                self._count_rating(raw, outlet, count)

    def _batch_films(self, batch: ReviewBatch) -> tuple[dict, list[tuple[int, str, str]]]:
        """Each distinct film of a batch resolved (created when new); rows naming an ambiguous
        film are taken out of the batch and returned as refused."""
        film_of, problems = {}, {}
        refs = dict.fromkeys(batch.values["film"])  # in file order: add_batch
        # Films known only by a source's id, new to the catalogue: created together.
        for source in dict.fromkeys(r.source for r in refs if r.source):
            self._new_source_films(source, [r.key for r in refs if r.source == source and
                                            (source, r.key) not in self.film_ids])
        for ref in refs:
            try:
                film_of[ref] = self.film_for_review(ref)
            except RowError as exc:
                problems[ref] = str(exc)
        if not problems:
            return film_of, []
        refs = batch.values["film"]
        keep = [at for at, ref in enumerate(refs) if ref not in problems]
        refused = [(batch.lines[at], problems[ref], batch.raw(at)) for at, ref in enumerate(refs) if ref in problems]
        batch.keep(keep)
        return film_of, refused

    def _rating_columns(self, raw: str, label: str, has_quote: bool) -> tuple:
        """RATING_COLUMNS for one (rating, label, has a quote)."""
        rating = ratings.parse_rating(raw)
        verdict, source, model = self.rules.decide(rating.score, rating.scale, label, has_quote)
        return (raw[:100], rating.score, rating.scale, rating.flag, label, verdict, source, model)

    def _insert_reviews(self, columns: tuple[str, ...], values: list, same: dict) -> None:
        """Insert review rows, given as one list of their values, row after row; `same` holds the
        columns every row shares, written into the statement once (each value sent per row
        costs as much as the row's own work)."""
        width = len(columns)
        count = len(values) // width
        if not count:
            return
        same = {**same, "source": self.source, "created_at": self.now, "verdict_probability": None}
        names = ", ".join([*columns, *same])
        # While the unique index is set aside (defer_indexes), duplicates are caught in Python.
        conflict = "" if self.existing is not None else " ON CONFLICT (dedupe_key) DO NOTHING"
        if connection.vendor == "postgresql":
            self._copy_reviews(columns, zip(*[iter(values)] * width))
            constants = [_literal(value) for value in same.values()]
            self.cursor.execute(f"INSERT INTO catalog_review ({names}) SELECT {', '.join([*columns, *constants])} "
                                f"FROM review_load{conflict}")
            self.cursor.execute("TRUNCATE review_load")
            return
        # Many rows to a statement: SQLite pays its per-statement work (the AUTOINCREMENT
        # bookkeeping, a reset, a step) once for them, not once a row (a third of the insert's time).
        row = _values_row(width, same, for_django=False)
        sqlite = self._driver_cursor()
        per = self._rows_per_statement(width, ROWS_PER_INSERT)
        step = per * width
        whole = (count - count % per) * width
        if whole:
            sqlite.executemany(f"INSERT INTO catalog_review ({names}) VALUES {', '.join([row] * per)}{conflict}",
                               (values[at:at + step] for at in range(0, whole, step)))
        if whole < len(values):
            sqlite.execute(f"INSERT INTO catalog_review ({names}) VALUES {', '.join([row] * (count % per))}"
                           f"{conflict}", values[whole:])

    def _driver_cursor(self):
        """SQLite's own cursor on this connection (the same transaction): Django's rewrites
        every statement's placeholders, a cost a statement of a hundred rows would pay each time."""
        if self._sqlite_cursor is None:
            self._sqlite_cursor = connection.connection.cursor()
        return self._sqlite_cursor

    def _rows_per_statement(self, width: int, most: int) -> int:
        """Rows of `width` parameters each to one statement: at most `most`, and within SQLite's
        limit on a statement's parameters (999 before SQLite 3.32; PostgreSQL's is 65,535)."""
        if not self.sqlite:
            return most
        return max(1, min(most, connection.connection.getlimit(SQLITE_LIMIT_VARIABLE_NUMBER) // width))

    def _copy_reviews(self, columns: tuple[str, ...], rows) -> None:
        """PostgreSQL: rows streamed by COPY into a temporary table of the review table's columns
        (no constraints), for one INSERT … SELECT to move: an INSERT a row costs the server a
        statement each (a million-row load took twice as long)."""
        if not self.load_table:
            self.cursor.execute("CREATE TEMPORARY TABLE IF NOT EXISTS review_load ON COMMIT DROP AS "
                                "SELECT * FROM catalog_review WITH NO DATA")
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

    def next_file(self):
        """In-file duplicates are listed per file; the database catches the rest, or, while the
        unique index is set aside, the keys the files before brought."""
        if self.existing is not None:
            self.existing.update(self.seen)
        self.seen.clear()

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
        if self.deferred and self.sqlite:
            # Worker threads sort the builds' runs side by side (the cache: defer_indexes).
            self.cursor.execute(f"PRAGMA threads = {min(4, os.cpu_count() or 1)}")
        for sql in self.deferred:
            self.cursor.execute(sql)
        if self.deferred and self.sqlite:
            self.cursor.execute("PRAGMA threads = 0")
        self.deferred, self.existing = [], None
        if self.cache_size is not None:
            self.cursor.execute(f"PRAGMA cache_size = {int(self.cache_size)}")
        # The rows this could change were decided as they were written (RowRules) but for
        # those whose rating was read again.
        apply_rules(self.cursor, ids=self.resolve_bare_numbers())
        # This import's rows: ids past the last one before it, with its timestamp. One pass
        # finds their films and counts how their verdicts were decided. (Grouped by film_id + 0,
        # not film_id: SQLite would otherwise walk the film index over the whole table.)
        self.cursor.execute(
            "SELECT film_id + 0, verdict_source, count(*) FROM catalog_review WHERE id > %s AND created_at = %s "
            "GROUP BY 1, 2", [self.last_id, self.now])
        counts = Counter()
        for film_id, source, n in self.cursor.fetchall():
            self.touched.add(film_id)
            counts[source] += n
        self.verdicts = (counts[CRITIC_RATING], counts[VerdictSource.OUTLET_LABEL.value])
        # The reviews this import added, counted without a pass over a table of millions.
        self.added = sum(counts.values())

    def flush(self):
        self._insert_reviews(RECORD_COLUMNS, list(chain.from_iterable(self.batch)), {})
        self.batch = []

    def count_reviews(self, where: str = "1 = 1") -> int:
        self.cursor.execute(f"SELECT count(*) FROM catalog_review WHERE {where}")
        return self.cursor.fetchone()[0]

    def count_awaiting(self) -> int:
        """Reviews in the whole database left to the text model."""
        # "id > 0" holds for every row; it steers SQLite to the small partial index of reviews
        # awaiting a verdict (Review.Meta), where a bare count(*) walks a whole covering index.
        return self.count_reviews("verdict = '' AND id > 0")

    def resolve_bare_numbers(self) -> list[int]:
        """Give bare-number ratings their outlet's scale where it can be told (ratings.infer_scale).

        Re-decided for every outlet this import added reviews to (its evidence may have
        changed; no other outlet's has), so the scale follows the evidence as imports add to
        it. Counts this import's bare numbers as read or flagged. Returns the reviews whose
        rating changed.
        """
        c = self.cursor
        bare_flags = [ratings.NO_SCALE, ratings.SCALE_INFERRED]
        pending = defaultdict(list)
        for chunk in id_chunks(self.outlets_used - {None}):
            c.execute(
                # Through the small index of flagged ratings (its condition stated so the planner
                # sees it applies), not the outlet's: an outlet may have tens of thousands of reviews.
                "SELECT id, outlet_id, rating_raw, rating, rating_scale, rating_flag FROM catalog_review "
                "WHERE NOT (rating_flag = '') AND rating_flag IN (%s, %s) "
                f"AND +outlet_id IN ({', '.join(['%s'] * len(chunk))})",
                [*bare_flags, *chunk]
            )
            for review_id, outlet_id, raw, *stored in c.fetchall():
                pending[outlet_id].append((review_id, ratings.parse_rating(raw), tuple(stored)))
        stated: dict[int, dict[float, int]] = defaultdict(dict)
        for chunk in id_chunks(pending):
            c.execute(
                # From the index of outlets' rating scales alone (Review.Meta): an outlet may have
                # tens of thousands of reviews.
                "SELECT outlet_id, rating_scale, count(*) FROM catalog_review "
                f"WHERE outlet_id IN ({', '.join(['%s'] * len(chunk))}) AND rating_flag = %s "
                "AND rating_scale LIKE %s GROUP BY outlet_id, rating_scale",
                [*chunk, ratings.OK, "/%"],
            )
            for outlet_id, scale, count in c.fetchall():
                stated[outlet_id][float(scale[1:])] = count
        scales = {}
        updates = []
        for outlet_id, rows in pending.items():
            scale = scales[outlet_id] = ratings.infer_scale(stated.get(outlet_id, {}), [r.value for _, r, _ in rows])
            for review_id, rating, stored in rows:
                unread = ratings.Rating(rating.raw, None, flag=ratings.NO_SCALE, value=rating.value)
                resolved = ratings.resolve_bare_number(unread, scale) if scale else unread
                now = (resolved.score, resolved.scale, resolved.flag)
                if now != stored:
                    updates.append((*now, review_id))
        c.executemany(
            "UPDATE catalog_review SET rating = %s, rating_scale = %s, rating_flag = %s, "
            # A verdict read from the old rating is decided again (apply_rules, after this).
            f"verdict = CASE WHEN verdict_source = '{CRITIC_RATING}' THEN '' ELSE verdict END, "
            f"verdict_source = CASE WHEN verdict_source = '{CRITIC_RATING}' THEN '' ELSE verdict_source END "
            "WHERE id = %s", updates
        )
        for (outlet_id, raw), count in self.bare.items():
            scale = scales.get(outlet_id)
            rating = ratings.parse_rating(raw)
            flag = ratings.resolve_bare_number(rating, scale).flag if scale else ratings.NO_SCALE
            self.rating_counts[flag or "read"] += count
        return [review_id for *_, review_id in updates]

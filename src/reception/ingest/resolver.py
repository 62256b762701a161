"""The catalogue as an import writes it: films, critics and outlets found through in-memory
indexes of the whole table (read once per import) and created when new, many to a statement
for a table's batch. `store.Store` adds the reviews.

Everything runs inside the caller's transaction.
"""

from __future__ import annotations

from collections import defaultdict
from sqlite3 import SQLITE_LIMIT_VARIABLE_NUMBER

from django.db import connection
from django.utils import timezone

from ..catalog.identity import BUILTIN_OUTLET_ALIASES, name_key, placeholder_title_key, title_key
from .columns import ReviewBatch
from .films import NEW_FILM, FilmDetails, fill, new_film
from .records import FilmRecord, FilmRef, RowError


def sql_literal(value, for_django: bool = True) -> str:
    """A constant of our own (a timestamp, a format name) as SQL; '%' doubled `for_django`'s
    cursor, which reads '%s' as a placeholder, but not for the driver's own cursor."""
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    text = "'" + str(value).replace("'", "''") + "'"
    return text.replace("%", "%%") if for_django else text


def values_row(width: int, same: dict, for_django: bool = True) -> str:
    """One row of an INSERT's VALUES: a placeholder for each of `width` values (Django's `%s`, or
    the driver's `?`), then the constants every row shares (`same`)."""
    mark = "%s" if for_django else "?"
    return "(" + ", ".join([mark] * width + [sql_literal(value, for_django) for value in same.values()]) + ")"


def _builtin_alias(name: str) -> str | None:
    """The outlet a built-in alias ("NYT") names, if this name is one."""
    return BUILTIN_OUTLET_ALIASES.get(name) or BUILTIN_OUTLET_ALIASES.get(name.strip())


IMPORT_LOCK = 0x5245434550  # PostgreSQL's advisory lock of an import's transaction ("RECEP")


class AmbiguousFilm(RowError):
    pass


class Resolver:
    """Films, critics and outlets by name, title or a source's id; what an import adds to them."""

    def __init__(self):
        self.touched: set[int] = set()  # films whose figures this import may change
        self.cursor = connection.cursor()
        if connection.vendor == "postgresql":
            # One import at a time writes the catalogue, as on SQLite: a second one waits here, then
            # reads the names the first added, rather than adding them again (a unique key refused
            # one of two imports bringing the same new critic).
            self.cursor.execute("SELECT pg_advisory_xact_lock(%s)", [IMPORT_LOCK])
        self.now = connection.ops.adapt_datetimefield_value(timezone.now())
        self.sqlite = connection.vendor == "sqlite"
        self.films_added = 0
        self.cursor.execute("SELECT coalesce(max(id), 0) FROM catalog_film")
        self.last_film_id = self.cursor.fetchone()[0]  # films past it are this import's
        self.details = FilmDetails(self.cursor, self.now)
        self._load_indexes()

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
        # Titles of films an editor merged into others name the films kept.
        c.execute("SELECT film_id, title_key, year FROM catalog_filmalias")
        for film_id, key, year in c.fetchall():
            self.titles[key].append((film_id, year))
        c.execute("SELECT name_key, id, top_critic FROM catalog_critic")
        rows = c.fetchall()
        self.critics = {k: i for k, i, _ in rows}
        self.top_critics = {i for _, i, top in rows if top}
        # A merged critic's names find the one kept (a critic's own name comes first).
        c.execute("SELECT alias_key, critic_id FROM catalog_criticalias")
        for key, critic_id in c.fetchall():
            self.critics.setdefault(key, critic_id)
        c.execute("SELECT name_key, id FROM catalog_outlet")
        self.outlets = dict(c.fetchall())
        c.execute("SELECT alias_key, outlet_id FROM catalog_outletalias")
        self.outlet_aliases = dict(c.fetchall())

    # films ---------------------------------------------------------------------------------

    def find_film(self, ref: FilmRef) -> int | None:
        """The film a reference names, by the rules in catalog.identity; raises on ambiguity."""
        films = self.film_candidates(ref)
        if len(films) > 1:
            ids = ", ".join(map(str, films))
            raise AmbiguousFilm(f"ambiguous film {ref.describe()!r}: matches films {ids}; left for an editor")
        return films[0] if films else None

    def film_candidates(self, ref: FilmRef) -> list[int]:
        """The films of the first step of catalog.identity's rules that finds any: one is a
        match, several an ambiguity."""
        if ref.source:
            found = self.film_ids.get((ref.source, ref.key))
            return [] if found is None else [found]
        candidates = self.titles.get(title_key(ref.title), [])
        if not candidates:
            return []
        if ref.year is None:
            steps = [candidates]
        else:
            steps = [
                [c for c in candidates if c[1] == ref.year],
                [c for c in candidates if c[1] is not None and abs(c[1] - ref.year) == 1],
                [c for c in candidates if c[1] is None],
            ]
        for found in steps:
            if found:
                return list(dict.fromkeys(film_id for film_id, _ in found))  # by its title and an alias: one
        return []

    def _new_film(self, title: str, year: int | None, title_known: bool = True) -> int:
        film_id = self._insert("catalog_film", {
            "title": title, "title_key": title_key(title), "year": year, "title_known": title_known,
            **NEW_FILM, "created_at": self.now, "updated_at": self.now,
        })
        self.titles[title_key(title)].append((film_id, year))
        self.films_added += 1
        return film_id

    def _new_source_films(self, source: str, keys: list[str]) -> None:
        """Films known only by these ids of a source (until a film file names them), created
        together rather than one by one."""
        titles = {f"{source} film {key}": (key, placeholder_title_key(source, key)) for key in keys}
        created = self._insert_many(
            "catalog_film", ("title", "title_key", "created_at", "updated_at"),
            [(title, folded, self.now, self.now) for title, (_, folded) in titles.items()], "title",
            {"year": None, "title_known": False, **NEW_FILM})
        for film_id, title in created:
            key, folded = titles[title]
            self.titles[folded].append((film_id, None))
            self.film_ids[(source, key)] = film_id
            self.film_sources[film_id].add(source)
        self.cursor.executemany("INSERT INTO catalog_filmsourceid (film_id, source, key) VALUES (%s, %s, %s)",
                                [(film_id, source, titles[title][0]) for film_id, title in created])
        self.films_added += len(created)

    def _add_source_id(self, film_id: int, source: str, key: str):
        if self._new_source_id(film_id, source, key):
            self._insert("catalog_filmsourceid", {"film_id": film_id, "source": source, "key": key})

    def _new_source_id(self, film_id: int, source: str, key: str) -> bool:
        """Whether this id of a source is new to the catalogue; if so, it is the film's from now
        on (the caller stores it)."""
        if (source, key) in self.film_ids:
            return False
        self.film_ids[(source, key)] = film_id
        self.film_sources[film_id].add(source)
        return True

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

    def add_films(self, rows: list[tuple[int, FilmRecord, str]]) -> list[tuple[int, str, str]]:
        """Film rows (line, row, raw text), in file order: each row's film found or created, and
        what the row brings stored for the group at once (ingest.films). Returns the rows refused,
        as (line, reason, raw text); a refused row changes nothing."""
        # The stored films the rows name by id or title, read together (on PostgreSQL a query
        # each was a round trip a row); a film found otherwise is read when met.
        films = self.details.films({self._known_film(record) for _, record, _ in rows} - {None})
        refused, placed, source_ids = [], [], []
        for line, record, raw in rows:
            try:
                film_id, film = self._place_film(record, source_ids)
            except RowError as exc:
                refused.append((line, str(exc), raw))
                continue
            if film_id not in films:
                films[film_id] = film or self.details.film(film_id)
            film = films[film_id]
            before = (film["title_key"], film["year"])
            fill(film, record)
            # A later row of the group may find the film by the title or year this one gave it.
            if (film["title_key"], film["year"]) != before:
                self.titles[before[0]].remove((film_id, before[1]))
                self.titles[film["title_key"]].append((film_id, film["year"]))
            placed.append((film_id, record))
        self.cursor.executemany("INSERT INTO catalog_filmsourceid (film_id, source, key) VALUES (%s, %s, %s)",
                                source_ids)
        if placed:
            self.details.write({film_id: films[film_id] for film_id, _ in placed}, placed)
        return refused

    def _named_film(self, record: FilmRecord) -> int | None:
        """The stored film a film row names by its reference, else by its other ids."""
        found = self.find_film(record.ref)
        for source, key in record.also_known_as:
            found = found or self.film_ids.get((source, key))
        return found

    def _known_film(self, record: FilmRecord) -> int | None:
        """_named_film, or None where the row's reference is ambiguous (it will be refused)."""
        try:
            return self._named_film(record)
        except RowError:
            return None

    def _place_film(self, record: FilmRecord, source_ids: list) -> tuple[int, dict | None]:
        """The film a film row is about: found by its ids or title, else created (and then its
        columns as created, to fill). The ids new to the catalogue go to `source_ids`."""
        film_id, film = self._named_film(record), None
        if film_id is None and record.ref.source and record.title:
            film_id = self.find_film(FilmRef(title=record.title, year=record.year))
            # A film the same source already knows under another id is another film (a remake).
            if film_id is not None and record.ref.source in self.film_sources[film_id]:
                film_id = None
        if film_id is None:
            title = record.title or f"{record.ref.source} film {record.ref.key}"
            film_id = self._new_film(title, record.year, title_known=bool(record.title))
            film = new_film(title, record.year, bool(record.title))
        self.touched.add(film_id)
        named = [(record.ref.source, record.ref.key)] if record.ref.source else []
        source_ids += [(film_id, source, key) for source, key in named + record.also_known_as
                       if self._new_source_id(film_id, source, key)]
        return film_id, film

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

    # many rows to a statement ---------------------------------------------------------------

    def _insert(self, table: str, values: dict) -> int:
        cols = ", ".join(values)
        marks = ", ".join(["%s"] * len(values))
        self.cursor.execute(f"INSERT INTO {table} ({cols}) VALUES ({marks}) RETURNING id", list(values.values()))
        return self.cursor.fetchone()[0]

    def _insert_many(self, table: str, columns: tuple[str, ...], rows: list[tuple], returning: str,
                     same: dict | None = None) -> list[tuple]:
        """Rows inserted up to 500 to a statement (on PostgreSQL, one round trip each rather than
        one a row); `same` holds the columns every row shares, written into the statement once.
        Returns (id, `returning`) of each row, in no particular order."""
        same = same or {}
        names = ", ".join([*columns, *same])
        row = values_row(len(columns), same)
        per = self._rows_per_statement(len(columns), 500)
        created = []
        for start in range(0, len(rows), per):
            chunk = rows[start:start + per]
            self.cursor.execute(f"INSERT INTO {table} ({names}) VALUES {', '.join([row] * len(chunk))} "
                                f"RETURNING id, {returning}", [value for values in chunk for value in values])
            created += self.cursor.fetchall()
        return created

    def _rows_per_statement(self, width: int, most: int) -> int:
        """Rows of `width` parameters each to one statement: at most `most`, and within SQLite's
        limit on a statement's parameters (999 before SQLite 3.32; PostgreSQL's is 65,535)."""
        if not self.sqlite:
            return most
        return max(1, min(most, connection.connection.getlimit(SQLITE_LIMIT_VARIABLE_NUMBER) // width))

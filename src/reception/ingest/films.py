"""What a film row brings besides its identity (`ingest.resolver` finds or creates the film):
the details the film lacks, its credits, companies and releases, and the figures another
aggregator published for it.

A film file holds thousands of rows, each naming a dozen people: written row by row through
the ORM, a row cost about thirty statements (4–9 ms; a catalogue of 5,511 films took 25 s).
So the rows are taken a group at a time: the group's films, credits, releases and published
figures already stored are read with one query each, every row is applied in file order to
what was read (a later row sees what an earlier one set, as it would row by row), and what
changed is written back with one statement per table and group.
"""

from __future__ import annotations

import json

from django.db import connection

from ..catalog.identity import name_key, title_key
from ..catalog.models import Company, Credit, Film, Person, PublishedScore, ReleaseEvent
from .records import FilmRecord

GROUP = 500  # film rows stored together

# A new film's columns before any film file fills them.
NEW_FILM = {"genres": "[]", "synopsis": "", "runtime_minutes": None, "mpaa_rating": "", "limited_release": False,
            "sample": False}

# The film columns a row may fill, as the film table names them.
DETAILS = ("title", "title_key", "title_known", "year", "genres", "synopsis", "runtime_minutes", "mpaa_rating",
           "limited_release", "sample")
RELEASE_FIELDS = [f for f in ReleaseEvent._meta.concrete_fields if f.name not in ("id", "film")]
RELEASE_COLUMNS = ("film_id", *(f.column for f in RELEASE_FIELDS))
PUBLISHED = [f for f in PublishedScore._meta.concrete_fields if f.name not in ("id", "film", "source")]


def published_sets(record: FilmRecord) -> list[dict]:
    """The published figures a film row brings: one set (a table's), or one per source (an article's)."""
    if not record.published:
        return []
    return list(record.published) if isinstance(record.published, list) else [record.published]


def _prepared(fields: list, values: dict) -> list:
    """The values of these fields as the database takes them."""
    return [f.get_db_prep_save(values[f.name], connection) for f in fields]


def _release_row(film_id: int, release: dict) -> tuple:
    """A release's row as the table has it, each column the readers leave out at its default."""
    unknown = set(release) - {f.name for f in RELEASE_FIELDS}
    if unknown:
        raise ValueError(f"a release has no field(s) {', '.join(sorted(unknown))}")
    return (film_id, *_prepared(RELEASE_FIELDS, {f.name: f.get_default() for f in RELEASE_FIELDS} | release))


def new_film(title: str, year: int | None, title_known: bool) -> dict:
    """The fillable columns of a film as `Resolver._new_film` creates it."""
    return {"title": title, "title_key": title_key(title), "title_known": title_known, "year": year, **NEW_FILM,
            "genres": json.loads(NEW_FILM["genres"])}


def fill(film: dict, record: FilmRecord) -> None:
    """Fill what the film lacks from the row; never overwrite what is there (an editor may
    have set it)."""
    if record.title and not film["title_known"]:
        film["title"], film["title_known"] = record.title, True
    for attr in ("year", "synopsis", "runtime_minutes", "mpaa_rating"):
        value = getattr(record, attr)
        if value not in (None, "") and film[attr] in (None, ""):
            film[attr] = value
    if record.genres and not film["genres"]:
        film["genres"] = record.genres
    if record.limited_release:
        film["limited_release"] = True
    film["sample"] = bool(film["sample"] or record.sample)
    film["title_key"] = title_key(film["title"])


class FilmDetails:
    """People and companies by name (read on first use), and the writing of a group."""

    def __init__(self, cursor, now):
        self.cursor = cursor
        self.now = now
        self.load_tables: set[str] = set()  # PostgreSQL's temporary tables made (_insert)
        self.people: dict[str, int] = {}
        self.companies: dict[str, int] = {}

    def film(self, film_id: int) -> dict:
        """The film's fillable columns as stored."""
        return self.films([film_id])[film_id]

    def films(self, ids) -> dict[int, dict]:
        """The fillable columns of these films as stored, by id."""
        films = {}
        ids = list(ids)
        for start in range(0, len(ids), 500):
            chunk = ids[start:start + 500]
            self.cursor.execute(f"SELECT id, {', '.join(DETAILS)} FROM catalog_film "
                                f"WHERE id IN ({', '.join(['%s'] * len(chunk))})", chunk)
            for film_id, *values in self.cursor.fetchall():
                film = films[film_id] = dict(zip(DETAILS, values))
                # Django reads a JSON column as text on both databases; flags come back as 0/1 on SQLite.
                film["genres"] = json.loads(film["genres"]) if isinstance(film["genres"], str) else film["genres"]
                for flag in ("title_known", "limited_release", "sample"):
                    film[flag] = bool(film[flag])
        return films

    def write(self, films: dict[int, dict], rows: list[tuple[int, FilmRecord]]) -> None:
        """The group's films as filled, then what its rows (film id, row) add, in file order."""
        self.update(films)
        ids = list(films)
        self._credits(ids, rows)
        self._companies(rows)
        self._releases(ids, rows)
        self._published(ids, rows)

    def update(self, films: dict[int, dict]) -> None:
        """These films' fillable columns (as `films` reads them) written back, one statement a film."""
        genres = Film._meta.get_field("genres")
        self.cursor.executemany(
            f"UPDATE catalog_film SET {', '.join(f'{c} = %s' for c in DETAILS)}, updated_at = %s WHERE id = %s",
            [[*(genres.get_db_prep_save(film["genres"], connection) if c == "genres" else film[c] for c in DETAILS),
              self.now, film_id] for film_id, film in films.items()])

    def _ids(self, model, index: dict, names) -> dict[str, int]:
        """Each name's person or company, by name: found by its name key in `index`, those new
        created together in the order first named; the oldest wins for namesakes."""
        if not index:
            for key, pk in model.objects.order_by("-id").values_list("name_key", "id"):
                index[key] = pk
        keys = {name: name_key(name) for name in dict.fromkeys(names)}
        new = {}
        for name, key in keys.items():
            if key not in index and key not in new:
                new[key] = model(name=name, name_key=key)
        for made in model.objects.bulk_create(list(new.values())):
            index[made.name_key] = made.pk
        return {name: index[key] for name, key in keys.items()}

    def _insert(self, table: str, columns: tuple[str, ...], rows: list) -> None:
        """Rows added to a table in file order; a row its unique constraint already holds is
        passed over, as the ORM's ignore_conflicts would (whose model objects and field
        preparation made 600,000 credits take 40 s). SQLite runs one statement for every row;
        PostgreSQL takes them by COPY and one INSERT … SELECT (a statement a row, even
        pipelined, took 36 s of those credits)."""
        if not rows:
            return
        names = ", ".join(f'"{c}"' for c in columns)
        if connection.vendor == "sqlite":
            marks = ", ".join(["%s"] * len(columns))
            self.cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks}) ON CONFLICT DO NOTHING", rows)
            return
        load = f"{table}_load"
        if load not in self.load_tables:
            self.cursor.execute(f"CREATE TEMPORARY TABLE {load} ON COMMIT DROP AS "
                                f"SELECT {names}, 0 AS at FROM {table} WITH NO DATA")
            self.load_tables.add(load)
        with self.cursor.cursor.copy(f"COPY {load} ({names}, at) FROM STDIN") as copy:
            for at, row in enumerate(rows):
                copy.write_row((*row, at))
        self.cursor.execute(f"INSERT INTO {table} ({names}) SELECT {names} FROM {load} ORDER BY at "
                            "ON CONFLICT DO NOTHING")
        self.cursor.execute(f"TRUNCATE {load}")

    def _credits(self, ids: list[int], rows: list[tuple[int, FilmRecord]]) -> None:
        people = self._ids(Person, self.people, (c["name"] for _, record in rows for c in record.credits))
        # A credit already there is skipped, and one that names no character adds nothing to
        # the same person in the same role (the unique constraint catches repeats within a row).
        known = set(Credit.objects.filter(film_id__in=ids).values_list("film_id", "person_id", "role"))
        new = []
        for film_id, record in rows:
            credits = [(order, c, people[c["name"]]) for order, c in enumerate(record.credits)]
            new += [(film_id, person_id, c["role"], c.get("character", ""), order) for order, c, person_id in credits
                    if c.get("character") or (film_id, person_id, c["role"]) not in known]
            known.update((film_id, person_id, c["role"]) for _, c, person_id in credits)
        self._insert("catalog_credit", ("film_id", "person_id", "role", "character", "order"), new)

    def _companies(self, rows: list[tuple[int, FilmRecord]]) -> None:
        companies = self._ids(Company, self.companies, (c["name"] for _, record in rows for c in record.companies))
        self._insert("catalog_filmcompany", ("film_id", "company_id", "role", "region", "note"), [
            (film_id, companies[c["name"]], c["role"], c.get("region", ""), c.get("note", ""))
            for film_id, record in rows for c in record.companies])

    def _releases(self, ids: list[int], rows: list[tuple[int, FilmRecord]]) -> None:
        # A release is the film's (kind, date); a row's other fields count only for a new one.
        known = set(ReleaseEvent.objects.filter(film_id__in=ids).values_list("film_id", "kind", "date"))
        new = []
        for film_id, record in rows:
            for release in record.releases:
                if (film_id, release["kind"], release["date"]) not in known:
                    known.add((film_id, release["kind"], release["date"]))
                    new.append(_release_row(film_id, release))
        self._insert("catalog_releaseevent", RELEASE_COLUMNS, new)

    def _published(self, ids: list[int], rows: list[tuple[int, FilmRecord]]) -> None:
        """Another aggregator's figures, one set per film and source: a later row's replace
        the fields it gives."""
        names = [f.name for f in PUBLISHED]
        stored: dict[int, dict[str, dict]] = {}  # film -> source -> fields (and the row's id)
        for score in PublishedScore.objects.filter(film_id__in=ids).values("id", "film_id", "source", *names):
            stored.setdefault(score.pop("film_id"), {})[score.pop("source")] = score
        new, changed = [], {}
        for film_id, record in rows:
            for figures in published_sets(record):
                published = dict(figures)
                source = str(published.pop("source", "") or "published")
                scores = stored.setdefault(film_id, {})
                # The same consensus quoted again (an article citing the aggregator) is not news.
                text = published.get("consensus")
                if text and any(s != source and score["consensus"] == text for s, score in scores.items()):
                    continue
                score = scores.get(source)
                if score is None:
                    score = scores[source] = {"id": None, **{f.name: f.get_default() for f in PUBLISHED}}
                    new.append((film_id, source, score))
                elif score["id"] is not None:
                    changed[score["id"]] = score
                score.update(published)
        self._insert("catalog_publishedscore", ("film_id", "source", *(f.column for f in PUBLISHED)),
                     [(film_id, source, *_prepared(PUBLISHED, score)) for film_id, source, score in new])
        if changed:
            self.cursor.executemany(
                f"UPDATE catalog_publishedscore SET {', '.join(f'{f.column} = %s' for f in PUBLISHED)} WHERE id = %s",
                [(*_prepared(PUBLISHED, score), pk) for pk, score in changed.items()])

"""One film stored twice: an untitled record and a titled one, told apart from two films by
their runtime and release days, and merged.

Some sources name a film only by an id of their own (rt.reviews, and rt.movie_info beside it,
give no title); others only by its title (rotten_tomatoes_movies.csv gives no id). The title
rules of catalog.identity cannot bring them together, so the first kind leaves a film titled
"rt-reviews film 1960" holding the reviews, and the second a titled film with none. Both carry
the film's runtime and its release days, so:

  an untitled film and a titled one are one film when their runtimes are equal, they share at
  least two release days (each given to the day: say, the theatrical release and the
  home-video or streaming one), no source names them by two different ids of its own, and
  each is the other's only such candidate in the whole catalogue.

A runtime and two days rarely meet by chance, but they do: Suffragette and The Last Witch Hunter
opened on the same day, came out for streaming on the same day, and both run 105 minutes. The
untitled record of either then has two candidates, and nothing is merged.

The film first stored is kept (its id, its pages' addresses); it takes the titled record's title
and year, and every detail it lacks from the other. Credits, companies, releases, ids, published
figures, audience ratings and reviews move to it, but for those it already has; a review that
then equals one of its own is the same review twice and is dropped.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from django.db import connection
from django.utils import timezone

from ..catalog.citations import forget_reviews
from ..catalog.identity import title_key
from ..catalog.keys import dedupe_keys, normal_texts, stored_keys
from ..catalog.models import (
    AudienceRating, Consensus, Credit, Film, FilmAlias, FilmCompany, FilmSourceId, PublishedScore, ReleaseEvent,
    Review,
)
from .films import FilmDetails

TWINS = """
SELECT u.id, t.id
FROM catalog_film u
JOIN catalog_releaseevent ru ON ru.film_id = u.id AND ru.date_precision = 'day' AND ru.date IS NOT NULL
JOIN catalog_releaseevent rt ON rt.date = ru.date AND rt.date_precision = 'day' AND rt.film_id <> u.id
JOIN catalog_film t ON t.id = rt.film_id
WHERE NOT u.title_known AND t.title_known AND u.runtime_minutes = t.runtime_minutes
  AND NOT EXISTS (SELECT 1 FROM catalog_filmsourceid a JOIN catalog_filmsourceid b ON b.source = a.source
                  WHERE a.film_id = u.id AND b.film_id = t.id)
GROUP BY u.id, t.id
HAVING count(DISTINCT ru.date) >= 2
ORDER BY u.id, t.id
"""

# What makes a film's row of each table the same as another film's row: such a row of the film
# merged away is not moved (the kept film has it already).
_SAME = [
    (FilmSourceId, None),  # every id moves: each names one film
    (Credit, ["person_id", "role", "character"]),
    (FilmCompany, ["company_id", "role"]),
    (ReleaseEvent, ["kind", "date"]),
    (PublishedScore, ["source"]),
    (AudienceRating, ["user_key"]),
]
# The kept film's fillable details, taken from the other record where the kept one lacks them.
_DETAILS = ("synopsis", "runtime_minutes", "mpaa_rating", "genres")


def find_twins(cursor=None) -> list[tuple[int, int]]:
    """(untitled film, titled film) of each pair the rule above makes one film."""
    cursor = cursor or connection.cursor()
    cursor.execute(TWINS)
    pairs = cursor.fetchall()
    untitled, titled = Counter(u for u, _ in pairs), Counter(t for _, t in pairs)
    return [(u, t) for u, t in pairs if untitled[u] == 1 and titled[t] == 1]


@dataclass
class Folded:
    """What a merge of films changed: the films kept (their figures to compute again), and the
    reviews it dropped as ones a kept film already had, with their outlets (the scales they
    stated are gone: those outlets' bare numbers are to be read again)."""

    kept: set[int] = field(default_factory=set)
    dropped: set[int] = field(default_factory=set)
    outlets: set[int] = field(default_factory=set)


def fold_films(pairs, cursor=None) -> Folded:
    """Merge each (kept film, film folded into it); no film may be in two pairs. No consensus
    goes on citing a review dropped (catalog.citations). Set-based: the 473 merges of
    rt.reviews' films into rotten_tomatoes_movies.csv's took 5 s one film at a time through the ORM."""
    cursor = cursor or connection.cursor()
    pairs = dict((drop, keep) for keep, drop in pairs)
    if not pairs:
        return Folded()
    temp = "temp" if connection.vendor == "sqlite" else "pg_temp"
    cursor.execute(f"DROP TABLE IF EXISTS {temp}.film_merge")
    cursor.execute("CREATE TEMPORARY TABLE film_merge (drop_id bigint PRIMARY KEY, keep_id bigint NOT NULL)")
    cursor.executemany("INSERT INTO film_merge (drop_id, keep_id) VALUES (%s, %s)", list(pairs.items()))
    _details(cursor, pairs)
    for model, same in _SAME:
        _move_rows(cursor, model._meta.db_table, same)
    # The kept film's consensus stands (any row of it is "alike"); the other's moves to one with none.
    _move_rows(cursor, Consensus._meta.db_table, [])
    _keep_titles(cursor)
    folded = _move_reviews(cursor, pairs)
    # What was not moved goes with the film (its scores and their history are computed again).
    Film.objects.filter(pk__in=list(pairs)).delete()
    cursor.execute("DROP TABLE film_merge")
    folded.kept = set(pairs.values())
    return folded


def _details(cursor, pairs: dict[int, int]) -> None:
    """Each kept film's title from the titled record, and the details it lacks from the other."""
    details = FilmDetails(cursor, connection.ops.adapt_datetimefield_value(timezone.now()))
    films = details.films([*pairs, *pairs.values()])
    for drop, keep in pairs.items():
        kept, other = films[keep], films[drop]
        if other["title_known"] and not kept["title_known"]:
            kept.update(title=other["title"], year=other["year"] or kept["year"], title_known=True)
        for name in _DETAILS + ("year",):
            if kept[name] in (None, "", []) and other[name] not in (None, "", []):
                kept[name] = other[name]
        kept["limited_release"] = kept["limited_release"] or other["limited_release"]
        kept["title_key"] = title_key(kept["title"])
    details.update({keep: films[keep] for keep in pairs.values()})


def _keep_titles(cursor) -> None:
    """A titled film merged into a film with another title (an editor's merge: the rule above
    pairs an untitled record only) leaves its title and year as an alias of the kept film, so
    that imports naming it find the kept one; its own aliases move there too."""
    table, title = FilmAlias._meta.db_table, ["title_key", "year"]
    _move_rows(cursor, table, title)
    cursor.execute(
        f"INSERT INTO {table} (film_id, title, title_key, year) "
        "SELECT m.keep_id, d.title, d.title_key, d.year FROM film_merge m "
        "JOIN catalog_film d ON d.id = m.drop_id JOIN catalog_film k ON k.id = m.keep_id "
        f"WHERE d.title_known AND NOT ({_alike('d', 'k', title)}) "
        f"AND NOT EXISTS (SELECT 1 FROM {table} a WHERE a.film_id = m.keep_id AND {_alike('a', 'd', title)})")


def _alike(a: str, b: str, columns) -> str:
    """SQL: rows `a` and `b` equal in each of `columns` (NULL equal to NULL); TRUE for none."""
    return " AND ".join([f'({a}."{c}" = {b}."{c}" OR ({a}."{c}" IS NULL AND {b}."{c}" IS NULL))'
                         for c in columns] or ["1 = 1"])


def _move_rows(cursor, table: str, same: list[str] | None) -> None:
    """The merged films' rows of a table moved to the kept films, but for those alike to a row
    the kept film has: equal in the columns `same` (none: any row is alike); all if None."""
    unless = "" if same is None else (f" AND NOT EXISTS (SELECT 1 FROM {table} k JOIN film_merge m ON "
                                      f"k.film_id = m.keep_id WHERE m.drop_id = {table}.film_id "
                                      f"AND {_alike('k', table, same)})")
    cursor.execute(f"UPDATE {table} SET film_id = (SELECT keep_id FROM film_merge WHERE drop_id = {table}.film_id) "
                   f"WHERE film_id IN (SELECT drop_id FROM film_merge){unless}")


def _move_reviews(cursor, pairs: dict[int, int]) -> Folded:
    """The merged films' reviews moved, their dedupe keys made again with the kept films' ids,
    those a kept film already has deleted. Returns those, and their outlets."""
    cursor.execute("SELECT r.id, m.keep_id, r.critic_id, r.outlet_id, r.published, r.quote, r.rating_raw "
                   "FROM catalog_review r JOIN film_merge m ON m.drop_id = r.film_id")
    rows = cursor.fetchall()
    if not rows:
        return Folded()
    ids, films, critics, outlets, days, quotes, raws = map(list, zip(*rows))
    days = ["" if day is None else day if isinstance(day, str) else day.isoformat() for day in days]
    keys = dedupe_keys(films, critics, outlets, days, normal_texts(quotes), raws)
    taken = stored_keys(cursor, keys)
    twice = [at for at, key in enumerate(keys) if key in taken]
    dropped = {ids[at] for at in twice}
    if dropped:
        Review.objects.filter(pk__in=dropped).delete()
        forget_reviews(set(films), dropped)
    cursor.executemany("UPDATE catalog_review SET film_id = %s, dedupe_key = %s WHERE id = %s",
                       [(film, key, review) for review, film, key in zip(ids, films, keys) if key not in taken])
    return Folded(dropped=dropped, outlets={outlets[at] for at in twice} - {None})

"""A review's identity: the key that makes importing the same review twice add nothing.

The key reads the fields that make a review itself: film, critic, outlet (by id, so "NYT" and
"The New York Times" are one outlet here too), date, quote (as normal_text reads it) and rating
as given. Each field's value is hashed on its own (BLAKE2b, 8 bytes, the field's name as its
personalization) and the six hashes are combined by XOR, less one bit so that a signed 64-bit
column holds the key. Two reviews alike in every field share a key; any difference gives
another key, but for a chance of about one in 2**63 per pair.

Field by field, rather than one hash of the whole row, because a large import holds few
distinct films, critics, outlets, dates and ratings: those are hashed once each, and only the
quote is hashed row by row. And the quote's share (with the date and rating: `said_keys`) can
be made by the process reading the file, the ids' share (`dedupe_keys`) by the one storing it.
"""

from __future__ import annotations

import hashlib
import sys
from array import array
from functools import partial
from itertools import repeat
from operator import methodcaller, xor

from .records import ReviewRecord, normal_text, normal_texts

RATING_KEPT = 100  # characters of a rating string stored (Review.rating_raw), and so keyed
# Distinct values per field remembered hashed; past this the memory is cleared (a long-lived
# server process keys reviews posted to the API for as long as it runs).
MEMO = 200_000

_memos: dict[bytes, dict] = {}


def _hashes(field: bytes, texts) -> list[int]:
    """Each text's 8-byte hash for `field`, as an unsigned integer: hashed, read and turned
    into integers by C code, with no Python statement per text."""
    digest = partial(hashlib.blake2b, digest_size=8, person=field)
    words = array("Q")
    words.frombytes(b"".join(map(methodcaller("digest"), map(digest, map(str.encode, texts)))))
    if sys.byteorder != "little":
        words.byteswap()  # the same keys on every machine
    return words.tolist()


def _parts(field: bytes, values, text=str) -> list[int]:
    """Each value's hash for `field`, hashing each distinct value once (`text` writes a value
    as it is hashed; None is hashed as '')."""
    memo = _memos.setdefault(field, {})
    new = set(values).difference(memo)
    if new:
        if len(memo) + len(new) > MEMO:
            # A new dict, not the old one cleared: a thread still reading that one keeps it.
            memo = _memos[field] = {}
            new = set(values)
        new = list(new)
        memo.update(zip(new, _hashes(field, ("" if value is None else text(value) for value in new))))
    return list(map(memo.__getitem__, values))


def _iso(day) -> str:
    return day if isinstance(day, str) else day.isoformat()  # a date, or one as SQLite stores it


def said_keys(texts: list[str], published: list, ratings_raw: list[str]) -> list[int]:
    """What each row says, as its share of the key: its quote (as normal_text), date (a date or
    None) and rating string. The reader of a review table makes these."""
    said = map(xor, _hashes(b"quote", texts), _parts(b"published", published, _iso))
    kept = ratings_raw if all(len(raw) <= RATING_KEPT for raw in set(ratings_raw)) else \
        [raw[:RATING_KEPT] for raw in ratings_raw]
    return list(map(xor, said, _parts(b"rating", kept)))


def dedupe_keys(films: list[int], critics: list, outlets: list, said: list[int]) -> list[int]:
    """Each row's dedupe key from its film, critic and outlet ids (None where it has none) and
    what it says (said_keys)."""
    ids = map(xor, map(xor, _parts(b"film", films), _parts(b"critic", critics)), _parts(b"outlet", outlets))
    return list(map(int.__rshift__, map(xor, ids, said), repeat(1)))


def dedupe_key(film_id: int, critic_id: int | None, outlet_id: int | None, record: ReviewRecord) -> int:
    """The dedupe key of one review (`record` needs its quote, published date and rating)."""
    said = said_keys([normal_text(record.quote)], [record.published], [record.rating_raw])
    return dedupe_keys([film_id], [critic_id], [outlet_id], said)[0]


def review_keys(rows) -> list[int]:
    """Dedupe keys of stored reviews, given as (film, critic, outlet, published, quote,
    rating_raw) rows."""
    columns = [list(column) for column in zip(*rows)]
    if not columns:
        return []
    films, critics, outlets, published, quotes, raws = columns
    return dedupe_keys(films, critics, outlets, said_keys(normal_texts(quotes), published, raws))

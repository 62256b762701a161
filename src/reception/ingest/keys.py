"""A review's identity: the key that makes importing the same review twice add nothing."""

from __future__ import annotations

import hashlib
import struct

from ..database import id_chunks
from .records import ReviewRecord, normal_text


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


def stored_keys(cursor, keys) -> set[int]:
    """Those of these dedupe keys a stored review has."""
    found = set()
    for chunk in id_chunks(set(keys)):
        cursor.execute(f"SELECT dedupe_key FROM catalog_review WHERE dedupe_key IN ({', '.join(['%s'] * len(chunk))})",
                       chunk)
        found.update(key for (key,) in cursor.fetchall())
    return found

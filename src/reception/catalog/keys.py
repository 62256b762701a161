"""A review's identity: the key that makes importing the same review twice add nothing, for
imports, editors' merges and reviews added by hand alike."""

from __future__ import annotations

import hashlib
import struct
from itertools import compress, repeat
from operator import not_

from ..database import id_chunks


def dedupe_key(film_id: int, critic_id: int | None, outlet_id: int | None, record) -> int:
    """Film + critic + outlet + date + text (+ rating): the fields that make a review itself.
    `record`: anything with `published`, `quote` and `rating_raw` (an imported row, a Review).

    Critic and outlet count by id, so "NYT" and "The New York Times" are one outlet here too.
    """
    published = record.published.isoformat() if record.published else ""
    return dedupe_keys([film_id], [critic_id], [outlet_id], [published], [normal_text(record.quote)],
                       [record.rating_raw])[0]


def review_key(review) -> int:
    """The key of a Review as it stands (its film, critic, outlet, date, quote and rating)."""
    return dedupe_key(review.film_id, review.critic_id, review.outlet_id, review)


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


def normal_text(quote: str) -> str:
    """The quote as the dedupe key reads it: case folded, whitespace runs as one space."""
    return normal_texts([quote])[0]


def normal_texts(quotes: list[str]) -> list[str]:
    """normal_text of each quote of a column. Printable text has no whitespace but the space:
    with no double, leading or trailing space, splitting and joining would change nothing. So
    only the quotes that fail those tests (a few in a million) are split and joined, and the
    tests run over the whole column at once."""
    texts = list(map(str.casefold, quotes))
    rows = range(len(texts))
    # str.strip gives back the very string when there is nothing to strip, and lists compare
    # identical items without looking into them.
    stripped = list(map(str.strip, texts))
    odd = set() if stripped == texts else {at for at in rows if stripped[at] is not texts[at]}
    whole = "".join(texts)  # printable, and free of double spaces, when each quote is
    if not _printable(whole):
        odd.update(compress(rows, map(not_, map(str.isprintable, texts))))
    if "  " in whole:
        odd.update(compress(rows, map(str.__contains__, texts, repeat("  "))))
    for at in odd:
        texts[at] = " ".join(texts[at].split())
    return texts


# str.isprintable looks each character up in Unicode's tables; text within Latin-1 (most
# quotes) is told in one pass over its bytes.
_PRINTABLE_LATIN1 = bytes(code for code in range(256) if chr(code).isprintable())


def _printable(text: str) -> bool:
    try:
        data = text.encode("latin-1")
    except UnicodeEncodeError:
        return text.isprintable()
    return not data.translate(None, _PRINTABLE_LATIN1)

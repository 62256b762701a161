"""A review's dedupe key: what makes it the same review, the column form the importer uses, and
its stability (keys are stored: a change of definition would need a migration making them again)."""

import hashlib
from datetime import date
from types import SimpleNamespace

from hypothesis import given
from hypothesis import strategies as st

from reception.catalog.keys import dedupe_key, dedupe_keys
from reception.catalog.keys import normal_texts

IDS = st.none() | st.integers(min_value=1, max_value=10**9)
DAYS = st.none() | st.dates(min_value=date(1900, 1, 1), max_value=date(2030, 12, 31))
ROW = st.tuples(st.integers(min_value=1, max_value=10**9), IDS, IDS, DAYS, st.text(max_size=40), st.text(max_size=20))


def _record(published, quote, rating_raw):
    return SimpleNamespace(published=published, quote=quote, rating_raw=rating_raw)


def _as_documented(film, critic, outlet, published, quote, rating_raw) -> int:
    """The key as docs/formats.md defines it, written out plainly."""
    fields = [film, critic, outlet, published.isoformat() if published else "", " ".join(quote.casefold().split()),
              rating_raw]
    digest = hashlib.sha1("\x1f".join(map(str, fields)).encode()).digest()
    return int.from_bytes(digest[:8], "big") >> 1


def test_keys_are_as_documented_and_stay_so():
    # Stored in every database: a change of definition would import every review again.
    heart = (1, 2, 3, date(1982, 2, 11), "A mess, but a gorgeous one.", "2/4")
    assert dedupe_key(*heart[:3], _record(*heart[3:])) == _as_documented(*heart) == 784885547334287166
    assert dedupe_key(1, 2, 3, _record(date(1982, 2, 11), "  a MESS, but a\tgorgeous one. ", "2/4")) == \
        _as_documented(*heart)


@given(st.lists(ROW, max_size=8))
def test_keys_of_a_column_are_each_rows_key_and_fit_a_signed_64_bit_column(rows):
    """The importer keys a batch's columns at once (quotes made normal a column at a time)."""
    columns = [list(column) for column in zip(*rows)] or [[]] * 6
    films, critics, outlets, days, quotes, raws = columns
    keys = dedupe_keys(films, critics, outlets, [d.isoformat() if d else "" for d in days], normal_texts(quotes), raws)
    assert keys == [dedupe_key(f, c, o, _record(d, q, r)) for f, c, o, d, q, r in rows]
    assert keys == [_as_documented(*row) for row in rows]
    assert all(0 <= key < 2**63 for key in keys)

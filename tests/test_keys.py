"""A review's dedupe key: what makes it the same review, the column form the importer uses, and
its stability (keys are stored: a change of definition needs a migration, as 0009 was)."""

import hashlib
from datetime import date
from types import SimpleNamespace

from hypothesis import given
from hypothesis import strategies as st

from reception.ingest.keys import dedupe_key, dedupe_keys, review_keys, said_keys
from reception.ingest.records import normal_texts

IDS = st.none() | st.integers(min_value=1, max_value=10**9)
DAYS = st.none() | st.dates(min_value=date(1900, 1, 1), max_value=date(2030, 12, 31))
TEXT = st.text(max_size=40)
ROW = st.tuples(st.integers(min_value=1, max_value=10**9), IDS, IDS, DAYS, TEXT, st.text(max_size=120))


def _record(published, quote, rating_raw):
    return SimpleNamespace(published=published, quote=quote, rating_raw=rating_raw)


def _as_documented(film, critic, outlet, published, quote, rating_raw) -> int:
    """The key as docs/formats.md defines it, written out plainly, row by row."""
    fields = {"film": film, "critic": critic, "outlet": outlet,
              "published": published.isoformat() if published else None,
              "quote": " ".join(quote.casefold().split()), "rating": rating_raw[:100]}
    key = 0
    for name, value in fields.items():
        text = "" if value is None else str(value)
        key ^= int.from_bytes(hashlib.blake2b(text.encode(), digest_size=8, person=name.encode()).digest(), "little")
    return key >> 1


def test_keys_are_as_documented_and_stay_so():
    # Stored in every database: a change of definition would import every review again,
    # unless a migration makes the stored keys again (as 0009 did).
    heart = (1, 2, 3, date(1982, 2, 11), "A mess, but a gorgeous one.", "2/4")
    assert dedupe_key(*heart[:3], _record(*heart[3:])) == _as_documented(*heart) == 2196742100437672748
    assert dedupe_key(1, 2, 3, _record(date(1982, 2, 11), "  a MESS, but a\tgorgeous one. ", "2/4")) == \
        _as_documented(*heart)
    assert dedupe_key(7, None, None, _record(None, "", "")) == _as_documented(7, None, None, None, "", "")
    # A rating is kept to 100 characters, so keyed by them: a stored review gives its own key.
    long = [(1, 2, 3, None, "Quote", "x" * 100 + tail) for tail in ("", "y" * 50, "z")]
    assert len(set(review_keys(long))) == 1 and review_keys(long[:1]) != review_keys([(1, 2, 3, None, "Quote", "x")])


@given(st.lists(ROW, max_size=8))
def test_keys_of_a_column_are_each_rows_key_and_fit_a_signed_64_bit_column(rows):
    keys = review_keys(rows)
    assert keys == [dedupe_key(f, c, o, _record(d, q, r)) for f, c, o, d, q, r in rows]
    assert keys == [_as_documented(*row) for row in rows]
    assert all(0 <= key < 2**63 for key in keys)
    # The importer's split: what a row says (made while reading), then its ids (while storing).
    films, critics, outlets, days, quotes, raws = (list(column) for column in zip(*rows)) if rows else ([],) * 6
    assert dedupe_keys(films, critics, outlets, said_keys(normal_texts(quotes), days, raws)) == keys


@given(ROW, st.integers(min_value=0, max_value=5), st.data())
def test_a_review_differing_in_any_field_has_another_key(row, field, data):
    other = list(row)
    other[field] = data.draw({0: st.integers(min_value=1, max_value=10**9), 1: IDS, 2: IDS, 3: DAYS,
                              4: TEXT, 5: st.text(max_size=100)}[field])
    same = (other == list(row) or (field == 4 and normal_texts([other[4]]) == normal_texts([row[4]]))
            or (field == 5 and other[5][:100] == row[5][:100]))
    assert (review_keys([row]) == review_keys([tuple(other)])) == same


def test_a_date_reads_the_same_as_the_iso_text_sqlite_stores():
    assert review_keys([(1, 2, 3, date(2001, 5, 1), "Quote", "3/4")]) == \
        review_keys([(1, 2, 3, "2001-05-01", "Quote", "3/4")])

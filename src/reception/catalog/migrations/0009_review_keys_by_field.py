"""Every review's dedupe key made again as ingest.keys now defines it: each field hashed on its
own and the hashes combined, where the key was one SHA-1 of the whole row. The fields read are
the same, so each review keeps its identity; only the number changes, and importing a file again
must find the new numbers.

The unique index is set aside while the keys change (a new key may equal another review's old
one until that review's turn comes). Should two reviews come out with one key (a rating string
longer than the 100 characters stored), the later keeps its old key: nothing is deleted.
"""

import importlib
from datetime import date
from types import SimpleNamespace

from django.db import migrations, models

CHUNK = 20_000
COLUMNS = "id, film_id, critic_id, outlet_id, published, quote, rating_raw, dedupe_key"


def _by_field(rows):
    from reception.ingest.keys import review_keys

    return review_keys([row[1:7] for row in rows])


def _whole_row(rows):
    """The keys as migration 0007 reads them (the definition before this one)."""
    before = importlib.import_module("reception.catalog.migrations.0007_decode_rt_page_text")._key
    return [before(SimpleNamespace(film_id=row[1], critic_id=row[2], outlet_id=row[3], published=row[4],
                                   rating_raw=row[6]), row[5]) for row in rows]


def _rekey(schema_editor, keys_of):
    connection = schema_editor.connection
    taken = set()
    with connection.cursor() as cursor:
        last = 0
        while True:
            cursor.execute(f"SELECT {COLUMNS} FROM catalog_review WHERE id > %s ORDER BY id LIMIT {CHUNK}", [last])
            rows = cursor.fetchall()
            if not rows:
                return
            last = rows[-1][0]
            # A date as the model reads it (SQLite stores ISO text).
            rows = [(*row[:4], date.fromisoformat(row[4]) if isinstance(row[4], str) else row[4], *row[5:])
                    for row in rows]
            changed = []
            for row, key in zip(rows, keys_of(rows)):
                if key in taken:
                    key = row[7]
                taken.add(key)
                if key != row[7]:
                    changed.append((key, row[0]))
            if connection.vendor == "sqlite":
                # One prepared statement run for every row: SQLite's fastest way here.
                cursor.executemany("UPDATE catalog_review SET dedupe_key = %s WHERE id = %s", changed)
                continue
            for at in range(0, len(changed), 500):
                part = changed[at:at + 500]
                # A round trip a row would cost a server more than the update itself.
                cursor.execute("UPDATE catalog_review SET dedupe_key = v.column1 FROM (VALUES "
                               + ", ".join(["(%s, %s)"] * len(part)) + ") AS v WHERE catalog_review.id = v.column2",
                               [value for pair in part for value in pair])


def rekey_by_field(apps, schema_editor):
    _rekey(schema_editor, _by_field)


def rekey_whole_row(apps, schema_editor):
    _rekey(schema_editor, _whole_row)


class Migration(migrations.Migration):

    dependencies = [
        ("catalog", "0008_review_revisions"),
    ]

    operations = [
        migrations.RemoveConstraint(model_name="review", name="review_dedupe_key"),
        migrations.RunPython(rekey_by_field, rekey_whole_row),
        migrations.AddConstraint(
            model_name="review",
            constraint=models.UniqueConstraint(models.F("dedupe_key"), name="review_dedupe_key"),
        ),
    ]

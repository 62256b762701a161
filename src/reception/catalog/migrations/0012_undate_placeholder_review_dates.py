"""Reviews stored with a date no review can have (rt.reviews dates four "January 1, 1800"; an
import now stores such a review undated, ingest.checks): made undated here too, each one's
dedupe key made again without its date, so that importing the same file again adds nothing.

A review whose undated key another review already has is left as it was: nothing is deleted.
"""

import datetime as dt
import hashlib
import struct

from django.db import migrations

FIRST_REVIEW = dt.date(1890, 1, 1)  # ingest.checks.FIRST_REVIEW when this migration was written


def _key(review):
    """The dedupe key of the review undated, as catalog.keys defines it when this was written."""
    text = " ".join(review.quote.casefold().split())
    row = f"{review.film_id}\x1f{review.critic_id}\x1f{review.outlet_id}\x1f\x1f{text}\x1f{review.rating_raw}"
    return struct.unpack_from(">Q", hashlib.sha1(row.encode()).digest())[0] >> 1


def undate(apps, schema_editor):
    Review = apps.get_model("catalog", "Review")
    early = Review.objects.filter(published__lt=FIRST_REVIEW).only(
        "id", "film_id", "critic_id", "outlet_id", "quote", "rating_raw", "dedupe_key")
    for review in early.iterator():
        key = _key(review)
        if Review.objects.filter(dedupe_key=key).exclude(pk=review.pk).exists():
            continue
        Review.objects.filter(pk=review.pk).update(published=None, published_precision="day", dedupe_key=key)


class Migration(migrations.Migration):
    dependencies = [("catalog", "0011_review_label_decided_by")]

    operations = [migrations.RunPython(undate, migrations.RunPython.noop)]

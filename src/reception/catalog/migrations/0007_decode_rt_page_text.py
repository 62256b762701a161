"""Text the RT data sets took from web pages, stored before their HTML entities were decoded at
import (ingest.records.page_text): quotes such as "made of plastics&#44; but", synopses with
"&amp;". Decoded here, and each such review's dedupe key made again from its decoded quote, so
that importing the same file again still adds nothing.

A review whose decoded key another review already has (the same review, stored plainly from
another source) is left as it was: nothing is deleted.
"""

import hashlib
import html
import struct

from django.db import migrations

RT_REVIEW_SOURCES = ("rt-reviews", "rt-kaggle", "rt-2025")
RT_FILM_SOURCES = ("rt-reviews", "rt-link", "rt-2025")


def _decoded(text):
    return html.unescape(text).strip()


def _key(review, quote):
    """The dedupe key as ingest.keys defines it when this migration was written."""
    day = review.published.isoformat() if review.published else ""
    text = " ".join(quote.casefold().split())
    row = f"{review.film_id}\x1f{review.critic_id}\x1f{review.outlet_id}\x1f{day}\x1f{text}\x1f{review.rating_raw}"
    return struct.unpack_from(">Q", hashlib.sha1(row.encode()).digest())[0] >> 1


def decode_page_text(apps, schema_editor):
    Review = apps.get_model("catalog", "Review")
    Film = apps.get_model("catalog", "Film")
    PublishedScore = apps.get_model("catalog", "PublishedScore")
    reviews = (Review.objects.filter(source__in=RT_REVIEW_SOURCES, quote__contains="&")
               .only("id", "film_id", "critic_id", "outlet_id", "published", "quote", "rating_raw", "dedupe_key"))
    for review in reviews.iterator():
        quote = _decoded(review.quote)
        if quote == review.quote:
            continue
        key = _key(review, quote)
        if key != review.dedupe_key and Review.objects.filter(dedupe_key=key).exists():
            continue
        Review.objects.filter(pk=review.pk).update(quote=quote, dedupe_key=key)
    films = Film.objects.filter(source_ids__source__in=RT_FILM_SOURCES).distinct()
    for field in ("title", "synopsis"):
        for film in films.filter(**{f"{field}__contains": "&"}).only("id", field):
            text = _decoded(getattr(film, field))
            if text != getattr(film, field):
                Film.objects.filter(pk=film.pk).update(**{field: text})
    for score in PublishedScore.objects.filter(source__in=RT_REVIEW_SOURCES + ("rt-movies",), consensus__contains="&"):
        PublishedScore.objects.filter(pk=score.pk).update(consensus=_decoded(score.consensus))


class Migration(migrations.Migration):

    dependencies = [
        ("catalog", "0006_review_outlet_scale_awaiting_verdict"),
    ]

    operations = [
        migrations.RunPython(decode_page_text, migrations.RunPython.noop),
    ]

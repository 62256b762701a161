from django.db import migrations, models


def unassume_stars(apps, schema_editor):
    # Stars with no stated scale are no longer read on an assumed 4- or 5-star scale: they wait
    # for the scale learnt for their outlet (ingest.scales), like bare numbers.
    apps.get_model("catalog", "Review").objects.filter(rating_flag="scale-assumed").update(
        rating=None, rating_scale="stars", rating_flag="no-scale")


class Migration(migrations.Migration):

    dependencies = [
        ('catalog', '0012_undate_placeholder_review_dates'),
    ]

    operations = [
        migrations.AddField(
            model_name='review',
            name='conflict',
            field=models.CharField(blank=True, max_length=200),
        ),
        migrations.AddIndex(
            model_name='review',
            index=models.Index(condition=models.Q(('conflict', ''), _negated=True), fields=['film'], name='review_conflict'),
        ),
        migrations.RunPython(unassume_stars, migrations.RunPython.noop),
    ]

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('scores', '0002_filmscore_inputs'),
    ]

    operations = [
        migrations.AddField(
            model_name='filmscore',
            name='later_percent',
            field=models.FloatField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='filmscore',
            name='release_percent',
            field=models.FloatField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='filmscore',
            name='turn',
            field=models.CharField(blank=True, db_index=True, help_text='rediscovered or fallen: the later % differs from the release % (scores.story)', max_length=20),
        ),
    ]

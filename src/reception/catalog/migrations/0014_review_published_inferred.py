from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('catalog', '0013_review_conflict'),
    ]

    operations = [
        migrations.AddField(
            model_name='review',
            name='published_inferred',
            field=models.BooleanField(default=False),
        ),
    ]

# The review's source label and how its verdict was decided, under names that do not mislead
# (they were source_verdict and verdict_source). The public JSON keeps the old names.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("catalog", "0010_film_alias")]

    operations = [
        migrations.RenameField("review", "source_verdict", "label"),
        migrations.RenameField("review", "verdict_source", "decided_by"),
        migrations.AlterField(
            model_name="review", name="label",
            field=models.CharField(blank=True, choices=[("positive", "Positive"), ("negative", "Negative")],
                                   help_text="What the source itself said: RT's fresh/rotten, a verdict column.",
                                   max_length=10),
        ),
    ]

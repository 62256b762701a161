"""API tokens expire: those issued before get RECEPTION_TOKEN_DAYS' default (90 days) from when
they were issued."""

import datetime as dt

from django.db import migrations, models


def expire(apps, schema_editor):
    ApiToken = apps.get_model("web", "ApiToken")
    for token in ApiToken.objects.all():
        token.expires_at = token.created_at + dt.timedelta(days=90)
        token.save(update_fields=["expires_at"])


class Migration(migrations.Migration):
    dependencies = [("web", "0001_api_token")]

    operations = [
        migrations.AddField("apitoken", "expires_at", models.DateTimeField(null=True)),
        migrations.RunPython(expire, migrations.RunPython.noop),
        migrations.AlterField("apitoken", "expires_at", models.DateTimeField()),
    ]

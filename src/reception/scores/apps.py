from django.apps import AppConfig


class ScoresConfig(AppConfig):
    name = "reception.scores"
    default_auto_field = "django.db.models.BigAutoField"

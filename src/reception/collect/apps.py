from django.apps import AppConfig


class CollectConfig(AppConfig):
    name = "reception.collect"
    default_auto_field = "django.db.models.BigAutoField"

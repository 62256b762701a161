from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "reception.catalog"
    label = "catalog"
    verbose_name = "Catalogue"

    def ready(self):
        from . import version

        version.connect()

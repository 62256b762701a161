from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "reception.catalog"
    label = "catalog"
    verbose_name = "Catalogue"

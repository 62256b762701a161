from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "reception.web"
    label = "web"

from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "vitreem.web"
    verbose_name = "Giao diện"

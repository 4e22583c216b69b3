from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "vitreem.core"
    verbose_name = "Lõi hệ thống"

from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "vitreem.demo"
    verbose_name = "Dữ liệu trình diễn"

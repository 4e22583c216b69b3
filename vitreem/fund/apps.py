from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FundConfig(AppConfig):
    name = "vitreem.fund"
    verbose_name = _("Quỹ Bảo trợ trẻ em")

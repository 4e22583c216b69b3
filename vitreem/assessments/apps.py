from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentsConfig(AppConfig):
    name = "vitreem.assessments"
    verbose_name = _("Đánh giá xã, phường phù hợp với trẻ em")

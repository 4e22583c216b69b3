"""The child-friendly commune assessment: the criteria (data), a commune's self-assessment of a
year with its points and evidence per criterion, and the appraisal by the unit above."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from vitreem.core.models import TimeStampedModel

from . import rules


class Criterion(TimeStampedModel):
    """One of the 13 criteria, loaded from data/criteria.yaml."""

    number = models.PositiveSmallIntegerField(_("Tiêu chí số"), unique=True)
    title = models.CharField(_("Tên tiêu chí"), max_length=300)
    title_en = models.CharField(max_length=300, blank=True)
    # None: the maximum is not in the data yet (see data/criteria.yaml).
    max_points = models.PositiveSmallIntegerField(_("Điểm tối đa"), null=True, blank=True)
    source = models.CharField(_("Nguồn"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("Tiêu chí")
        verbose_name_plural = _("Tiêu chí")
        ordering = ["number"]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"


class CommuneType(models.TextChoices):
    URBAN_WARD = (
        rules.URBAN_WARD,
        _("Phường thuộc quận, thị xã, thành phố thuộc thành phố trực thuộc trung ương (900 điểm)"),
    )
    OTHER = rules.OTHER, _("Xã, phường, thị trấn khác (850 điểm)")
    HIGHLAND = (
        rules.HIGHLAND,
        _("Xã, thị trấn miền núi, hải đảo; xã đặc biệt khó khăn (800 điểm)"),
    )


class Status(models.TextChoices):
    DRAFT = "draft", _("Đang tự đánh giá")
    SUBMITTED = "submitted", _("Đã gửi thẩm định")
    RECOGNISED = "recognised", _("Được công nhận")
    NOT_RECOGNISED = "not_recognised", _("Không được công nhận")


class Assessment(TimeStampedModel):
    """A commune's self-assessment of one assessment year, and the decision on it."""

    unit = models.ForeignKey(
        "units.AdministrativeUnit",
        verbose_name=_("Đơn vị"),
        on_delete=models.PROTECT,
        related_name="assessments",
    )
    year = models.PositiveSmallIntegerField(_("Năm đánh giá"))
    commune_type = models.CharField(
        _("Loại đơn vị"), max_length=16, choices=CommuneType.choices, default=CommuneType.OTHER
    )
    # The unit that appraises and recognises, fixed when the assessment is opened
    # (settings.ASSESSMENT_APPRAISER decides which).
    appraising_unit = models.ForeignKey(
        "units.AdministrativeUnit",
        verbose_name=_("Đơn vị thẩm định, công nhận"),
        on_delete=models.PROTECT,
        related_name="assessments_to_appraise",
    )
    due_on = models.DateField(_("Hạn gửi báo cáo"))
    status = models.CharField(
        _("Trạng thái"), max_length=16, choices=Status.choices, default=Status.DRAFT
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decision_number = models.CharField(_("Số quyết định"), max_length=60, blank=True)
    decided_on = models.DateField(_("Ngày quyết định"), null=True, blank=True)
    appraisal_note = models.TextField(_("Ý kiến thẩm định"), blank=True)

    class Meta:
        verbose_name = _("Bản tự đánh giá")
        verbose_name_plural = _("Bản tự đánh giá")
        ordering = ["-year", "unit__name_folded"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "year"], name="assessment_unit_year_uniq")
        ]

    def __str__(self) -> str:
        return f"{self.unit} {self.year}"


def evidence_upload_path(score: "Score", filename: str) -> str:
    """Where a criterion's evidence file is stored: by assessment, under the file's own name."""
    name = filename.replace("\\", "/").rsplit("/", 1)[-1][-100:]
    return f"assessments/{score.assessment_id}/{score.criterion_id}/{name}"


class Score(models.Model):
    """The points and evidence of one criterion in an assessment."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="+")
    points = models.PositiveIntegerField(_("Điểm"), null=True, blank=True)
    evidence = models.TextField(_("Minh chứng"), blank=True)
    evidence_file = models.FileField(
        _("Tệp minh chứng"), upload_to=evidence_upload_path, blank=True, max_length=300
    )
    # Where a pre-filled figure came from (the registry, a report), shown beside it.
    prefill_source = models.TextField(_("Nguồn số liệu điền sẵn"), blank=True)

    class Meta:
        verbose_name = _("Điểm tiêu chí")
        verbose_name_plural = _("Điểm tiêu chí")
        ordering = ["criterion__number"]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "criterion"], name="score_assessment_criterion_uniq"
            ),
            models.CheckConstraint(
                condition=Q(points__isnull=True) | Q(points__gte=0), name="score_points_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.assessment_id}/{self.criterion_id}"

    @property
    def file_name(self) -> str:
        """The evidence file's own name, without where it is stored."""
        return (self.evidence_file.name or "").replace("\\", "/").rsplit("/", 1)[-1]

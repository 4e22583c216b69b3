"""Reporting: forms as data, rounds, submissions, values and their history.

A form's definition (narrative outline, tables, columns, rules) is the YAML of reporting/forms,
kept whole in ``ReportForm.definition``; its data elements are rows so that values can point at
them. A value is (submission, element, row, category): ``row`` is the table row for grid tables
(the 14 groups) and "" for tables with one row per reporting unit; ``category`` is the funding
source of a disaggregated cost ("state", "mobilised") and "" otherwise. A blank cell has no row;
a 0 is a reported value.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from vitreem.core.models import TimeStampedModel


class ValueType(models.TextChoices):
    COUNT = "count", _("Số lượng")
    MONEY = "money", _("Tiền (đồng)")


class ReportForm(TimeStampedModel):
    code = models.SlugField(_("Mã biểu"), max_length=60)
    year = models.PositiveSmallIntegerField(_("Năm áp dụng"))
    title = models.CharField(_("Tên biểu"), max_length=300)
    title_en = models.CharField(max_length=300, blank=True)
    definition = models.JSONField(_("Định nghĩa"))
    source = models.CharField(_("Nguồn"), max_length=400, blank=True)

    class Meta:
        verbose_name = _("Biểu báo cáo")
        verbose_name_plural = _("Biểu báo cáo")
        ordering = ["code", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["code", "year"], name="report_form_code_year_uniq")
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.year})"


class DataElement(models.Model):
    form = models.ForeignKey(ReportForm, on_delete=models.CASCADE, related_name="elements")
    table_code = models.CharField(max_length=20)
    code = models.SlugField(max_length=60)
    label = models.CharField(max_length=300)
    label_en = models.CharField(max_length=300, blank=True)
    group = models.CharField(max_length=300, blank=True)
    value_type = models.CharField(max_length=8, choices=ValueType.choices)
    disaggregation = models.CharField(max_length=20, blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["form", "order"]
        constraints = [
            models.UniqueConstraint(fields=["form", "code"], name="data_element_form_code_uniq")
        ]

    def __str__(self) -> str:
        return f"{self.code}: {self.label}"


class PeriodKind(models.TextChoices):
    CAMPAIGN = "campaign", _("Tháng hành động")
    MONTH = "month", _("Tháng")
    QUARTER = "quarter", _("Quý")
    HALF_YEAR = "half_year", _("6 tháng")
    YEAR = "year", _("Năm")
    AD_HOC = "ad_hoc", _("Đột xuất")


def default_remind_days() -> list[int]:
    return [7, 3, 1]


class Round(TimeStampedModel):
    """One collection of a form over a period, received by a unit, with a deadline per level."""

    form = models.ForeignKey(ReportForm, on_delete=models.PROTECT, related_name="rounds")
    title = models.CharField(_("Tên đợt báo cáo"), max_length=300)
    period_kind = models.CharField(_("Kỳ báo cáo"), max_length=12, choices=PeriodKind.choices)
    period_start = models.DateField(_("Từ ngày"))
    period_end = models.DateField(_("Đến ngày"))
    receiving_unit = models.ForeignKey(
        "units.AdministrativeUnit",
        verbose_name=_("Đơn vị nhận báo cáo"),
        on_delete=models.PROTECT,
        related_name="rounds",
    )
    plan = models.ForeignKey(
        "plans.Plan", null=True, blank=True, on_delete=models.SET_NULL, related_name="rounds"
    )
    # Deadline per reporting level: {"agency": ..., "commune": ..., "district": ...} as ISO dates.
    deadlines = models.JSONField(_("Hạn nộp theo cấp"), default=dict)
    # Reminders (notifications app): the days before a deadline on which outstanding reporters
    # are told, and the days of lateness after which the unit above is told.
    remind_days = models.JSONField(_("Nhắc trước hạn (ngày)"), default=default_remind_days)
    escalate_after = models.PositiveSmallIntegerField(
        _("Báo cấp trên sau (ngày quá hạn)"), default=3
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("Đợt báo cáo")
        verbose_name_plural = _("Đợt báo cáo")
        ordering = ["-period_end", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")),
                name="round_period_ordered",
                violation_error_message=_("Ngày kết thúc phải sau ngày bắt đầu."),
            )
        ]

    def __str__(self) -> str:
        return self.title


class SubmissionStatus(models.TextChoices):
    DRAFT = "draft", _("Đang nhập")
    SUBMITTED = "submitted", _("Đã gửi")
    RETURNED = "returned", _("Bị trả lại")
    APPROVED = "approved", _("Đã duyệt")


class Submission(TimeStampedModel):
    """The report of one reporting unit (a unit, or an agency of a unit) in a round."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="submissions")
    unit = models.ForeignKey(
        "units.AdministrativeUnit", on_delete=models.PROTECT, related_name="submissions"
    )
    agency = models.ForeignKey(
        "units.Agency", null=True, blank=True, on_delete=models.PROTECT, related_name="submissions"
    )
    # "u<unit id>" or "a<agency id>": one submission per reporter and round, NULL-safe.
    reporter_key = models.CharField(max_length=24, editable=False)
    deadline = models.DateField(_("Hạn nộp"), null=True, blank=True)
    status = models.CharField(
        _("Trạng thái"),
        max_length=10,
        choices=SubmissionStatus.choices,
        default=SubmissionStatus.DRAFT,
    )
    narrative = models.JSONField(_("Phần lời"), default=dict, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    return_reason = models.TextField(_("Lý do trả lại"), blank=True)
    version = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("Báo cáo của đơn vị")
        verbose_name_plural = _("Báo cáo của đơn vị")
        ordering = ["round", "unit__level", "agency_id", "unit__name_folded"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "reporter_key"], name="submission_round_reporter_uniq"
            )
        ]
        indexes = [models.Index(fields=["round", "status"], name="submission_round_status_idx")]

    def __str__(self) -> str:
        return f"{self.round_id}/{self.reporter_key}"

    @property
    def reporter_name(self) -> str:
        return self.agency.name if self.agency_id else self.unit.name  # type: ignore[union-attr]


class DataValue(models.Model):
    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="values")
    element = models.ForeignKey(DataElement, on_delete=models.PROTECT, related_name="values")
    row = models.CharField(max_length=20, blank=True, default="")
    category = models.CharField(max_length=20, blank=True, default="")
    value = models.BigIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["submission", "element", "row", "category"], name="data_value_cell_uniq"
            ),
            models.CheckConstraint(condition=Q(value__gte=0), name="data_value_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.element_id}[{self.row}/{self.category}]={self.value}"


class ValueChange(models.Model):
    """Every change of every cell: who, when, old value, new value (None is a blank cell)."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="changes")
    element = models.ForeignKey(DataElement, on_delete=models.PROTECT, related_name="+")
    row = models.CharField(max_length=20, blank=True, default="")
    category = models.CharField(max_length=20, blank=True, default="")
    old_value = models.BigIntegerField(null=True, blank=True)
    new_value = models.BigIntegerField(null=True, blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    changed_at = models.DateTimeField(auto_now_add=True)
    source = models.CharField(max_length=20, default="form")  # form, api, excel

    class Meta:
        ordering = ["-changed_at", "-id"]
        indexes = [
            models.Index(
                fields=["submission", "element", "row", "category"], name="value_change_cell_idx"
            )
        ]

    def __str__(self) -> str:
        return f"{self.element_id}: {self.old_value} → {self.new_value}"


class ConsolidatedValue(models.Model):
    """The filed values of a round summed per consolidating unit and row of its table.

    ``node`` is the unit whose consolidated table this is; ``child`` the table's row: "a<id>"
    for one of the node's agencies, "u<id>" for a unit directly below it. Kept up to date in the
    transaction that files or withdraws a report (submit, return, reopen), so every
    consolidation is live; ADR 0004.
    """

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="consolidated")
    node = models.ForeignKey("units.AdministrativeUnit", on_delete=models.CASCADE, related_name="+")
    child = models.CharField(max_length=24)
    element = models.ForeignKey(DataElement, on_delete=models.CASCADE, related_name="+")
    row = models.CharField(max_length=20, blank=True, default="")
    category = models.CharField(max_length=20, blank=True, default="")
    value = models.BigIntegerField(default=0)
    # How many filed values make up this total: 0 is a blank cell, not a reported zero.
    reports = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["round", "node", "child", "element", "row", "category"],
                name="consolidated_value_cell_uniq",
            )
        ]

    def __str__(self) -> str:
        return f"{self.round_id}/{self.node_id}/{self.child}/{self.element_id}={self.value}"


class RebuildStatus(models.TextChoices):
    QUEUED = "queued", _("Đang chờ")
    RUNNING = "running", _("Đang tính")
    DONE = "done", _("Đã xong")
    FAILED = "failed", _("Lỗi")


class TotalsRebuild(TimeStampedModel):
    """A request to recompute a round's consolidated totals, run as a job on the queue.

    The job's progress and result are kept here (not only in the queue's own table) so that the
    round's page can show them and a repeated run can be seen: ``runs`` counts the times a
    worker started it.
    """

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="rebuilds")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(
        _("Trạng thái"), max_length=10, choices=RebuildStatus.choices, default=RebuildStatus.QUEUED
    )
    task_id = models.CharField(max_length=64, blank=True, default="")
    runs = models.PositiveIntegerField(default=0)
    totals = models.PositiveIntegerField(_("Số ô tổng hợp"), null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True, default="")

    class Meta:
        verbose_name = _("Tính lại số liệu tổng hợp")
        verbose_name_plural = _("Tính lại số liệu tổng hợp")
        ordering = ["-created_at", "-id"]
        constraints = [
            # One waiting or running rebuild per round: asking twice joins the first.
            models.UniqueConstraint(
                fields=["round"],
                condition=Q(status__in=["queued", "running"]),
                name="totals_rebuild_one_open_per_round",
            )
        ]

    def __str__(self) -> str:
        return f"{self.round_id}: {self.status}"

"""Plans: the structured Action Month and child-protection plans, their targets and tasks.

The body of a plan (sections, opening, closing, appendices) is a document tree kept as JSON in the
shape of plans/data/SCHEMA.md; the facts the system works with (targets, budget, awards,
assignments and tasks, reporting) are rows of their own, placed in the body by typed blocks.
"""

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from vitreem.core.models import TimeStampedModel

from .dates import DAY, MONTH, YEAR, PartialDate, from_stored
from .outline import outline_from_body, validate_outline


class DatePrecision(models.TextChoices):
    """How much of a date the plan gives (plans/dates.py): the day, only the month, the year."""

    DAY = DAY, _("Ngày")
    MONTH = MONTH, _("Tháng")
    YEAR = YEAR, _("Năm")


def _precision(label: "str | Any") -> models.CharField:
    return models.CharField(
        label, max_length=5, choices=DatePrecision.choices, default=DatePrecision.DAY
    )


class PlanKind(models.TextChoices):
    ACTION_MONTH = "action_month", _("Kế hoạch Tháng hành động vì trẻ em")
    CHILD_PROTECTION = "child_protection", _("Kế hoạch bảo vệ, chăm sóc trẻ em")
    SECTOR = "sector", _("Kế hoạch ngành")
    OTHER = "other", _("Kế hoạch khác")


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("Dự thảo")
    ISSUED = "issued", _("Đã ban hành")
    AMENDED = "amended", _("Đã được sửa đổi")  # issued, then replaced by an issued amendment
    # The plan of a unit above as a unit below received it (imported from its document): kept
    # read-only as the upper plan the receiving unit derives its own from, seen by that unit only.
    RECEIVED = "received", _("Kế hoạch cấp trên đã nhận")


# Issued plans, amended or not, stay readable to the units below the issuer.
PUBLISHED = ("issued", "amended")


class ActivityGroup(models.TextChoices):
    """The seven groups of Action Month activities (Circular 28/2019/TT-BLĐTBXH, DOMAIN.md §7).

    Kept on the activity subsections of a plan's body as ``activity_group``.
    """

    COMMUNICATION = "communication", _("Truyền thông")
    RESOURCES = "resources", _("Vận động nguồn lực")
    PARTICIPATION = "participation", _("Thúc đẩy sự tham gia của trẻ em")
    SUMMER = "summer", _("Quản lý trẻ em sinh hoạt hè")
    RECREATION = "recreation", _("Vui chơi, giải trí, văn hóa, thể thao an toàn")
    SAFETY = "safety", _("Kiểm tra, khắc phục nơi không an toàn")
    MOVEMENT = "movement", _("Phong trào toàn dân bảo vệ trẻ em")


class Plan(TimeStampedModel):
    key = models.SlugField(max_length=80, unique=True, null=True, blank=True, editable=False)
    issuer_unit = models.ForeignKey(
        "units.AdministrativeUnit",
        verbose_name=_("Đơn vị ban hành"),
        on_delete=models.PROTECT,
        related_name="plans",
    )
    issuer_agency = models.ForeignKey(
        "units.Agency",
        verbose_name=_("Cơ quan ban hành"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="plans",
    )
    header_above = models.CharField(_("Cơ quan chủ quản"), max_length=200, blank=True)
    header_name = models.CharField(_("Tên cơ quan ban hành"), max_length=200)
    kind = models.CharField(_("Loại kế hoạch"), max_length=20, choices=PlanKind.choices)
    status = models.CharField(
        _("Trạng thái"), max_length=10, choices=PlanStatus.choices, default=PlanStatus.DRAFT
    )
    number = models.PositiveIntegerField(_("Số"), null=True, blank=True)
    symbol = models.CharField(_("Ký hiệu"), max_length=40, default="KH-UBND")
    year = models.PositiveSmallIntegerField(_("Năm"))
    place = models.CharField(_("Địa danh"), max_length=80)
    issued_on = models.DateField(_("Ngày ban hành"), null=True, blank=True)
    issued_on_precision = _precision(_("Ngày ban hành ghi đến"))
    title = models.CharField(_("Trích yếu"), max_length=300)
    subtitle = models.CharField(_("Dòng phụ"), max_length=200, blank=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("Thực hiện kế hoạch"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    parent_reference = models.CharField(_("Kế hoạch cấp trên"), max_length=400, blank=True)
    received_by = models.ForeignKey(
        "units.AdministrativeUnit",
        verbose_name=_("Đơn vị nhận kế hoạch"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="received_plans",
    )
    amends = models.ForeignKey(
        "self",
        verbose_name=_("Sửa đổi kế hoạch"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="amendments",
    )
    theme = models.CharField(_("Chủ đề"), max_length=300, blank=True)
    period_start = models.DateField(_("Từ ngày"))
    period_end = models.DateField(_("Đến ngày"))
    period_start_precision = _precision(_("Từ ngày ghi đến"))
    period_end_precision = _precision(_("Đến ngày ghi đến"))
    scope = models.CharField(_("Phạm vi"), max_length=300, blank=True)
    opening = models.JSONField(_("Căn cứ, mở đầu"), default=list, blank=True)
    sections = models.JSONField(_("Nội dung"), default=list, blank=True)
    closing = models.JSONField(_("Kết thúc"), default=list, blank=True)
    appendices = models.JSONField(_("Phụ lục"), default=list, blank=True)
    # The body as one outline (plans/outline.py), what the printer, the plan page and the API
    # read; computed from opening, sections and closing while the editor still writes those.
    outline = models.JSONField(
        _("Dàn ý nội dung"), default=list, blank=True, validators=[validate_outline]
    )
    slogans = models.JSONField(_("Khẩu hiệu"), default=list, blank=True)
    launch = models.JSONField(_("Lễ phát động"), default=dict, blank=True)
    recipients = models.JSONField(_("Nơi nhận"), default=list, blank=True)
    signer_authority = models.CharField(_("Thẩm quyền ký"), max_length=60, blank=True)
    signer_deputy = models.CharField(_("Ký thay"), max_length=60, blank=True)
    signer_title = models.CharField(_("Chức vụ người ký"), max_length=80, blank=True)
    signer_name = models.CharField(_("Người ký"), max_length=100, blank=True)
    source = models.CharField(_("Nguồn"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("Kế hoạch")
        verbose_name_plural = _("Kế hoạch")
        ordering = ["-year", "issuer_unit__level", "title"]
        constraints = [
            models.UniqueConstraint(
                fields=["issuer_unit", "year", "symbol", "number"],
                condition=Q(number__isnull=False) & ~Q(status="received"),
                name="plan_number_per_issuer_year_uniq",
                violation_error_message=_("Số kế hoạch này đã được dùng trong năm của đơn vị."),
            ),
            # A unit keeps one record of each plan it received.
            models.UniqueConstraint(
                fields=["received_by", "issuer_unit", "year", "symbol", "number"],
                condition=Q(number__isnull=False, status="received"),
                name="plan_received_once_uniq",
                violation_error_message=_("Đơn vị đã lưu kế hoạch cấp trên này rồi."),
            ),
            models.CheckConstraint(
                condition=Q(status="received", received_by__isnull=False)
                | (~Q(status="received") & Q(received_by__isnull=True)),
                name="plan_received_by_iff_received",
                violation_error_message=_("Chỉ kế hoạch cấp trên đã nhận mới có đơn vị nhận."),
            ),
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")),
                name="plan_period_ordered",
                violation_error_message=_("Ngày kết thúc phải sau ngày bắt đầu."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number_text} — {self.title}"

    def refresh_outline(self) -> None:
        """Set the outline from opening, sections and closing; OutlineError if it is not valid."""
        self.outline = validate_outline(
            outline_from_body(self.opening, self.sections, self.closing)
        )

    @property
    def issued(self) -> PartialDate | None:
        """The date of issue as far as the plan gives it ("ngày … tháng 5 năm 2026")."""
        return from_stored(self.issued_on, self.issued_on_precision)

    @property
    def number_text(self) -> str:
        return f"{self.number}/{self.symbol}" if self.number else f"…/{self.symbol}"


class Target(models.Model):
    class Unit(models.TextChoices):
        PERCENT = "%", "%"
        COUNT = "count", _("số lượng")
        RATIO = "ratio", _("tỷ số")
        POINT = "point", _("điểm")

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="targets")
    order = models.PositiveSmallIntegerField(default=0)
    text = models.TextField(_("Chỉ tiêu"))
    indicator = models.CharField(_("Chỉ số"), max_length=300)
    value = models.DecimalField(_("Giá trị"), max_digits=14, decimal_places=2)
    unit = models.CharField(_("Đơn vị"), max_length=8, choices=Unit.choices)
    denominator = models.PositiveIntegerField(_("Mẫu số"), null=True, blank=True)
    baseline = models.DecimalField(
        _("Giá trị gốc"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    data_element_code = models.CharField(_("Mã chỉ tiêu báo cáo"), max_length=60, blank=True)

    class Meta:
        ordering = ["plan", "order"]

    def __str__(self) -> str:
        return self.text


class BudgetSource(models.TextChoices):
    STATE = "state", _("Ngân sách nhà nước")
    MOBILISED = "mobilised", _("Vận động, xã hội hóa")
    OTHER = "other", _("Nguồn khác")


class BudgetLine(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="budget_lines")
    order = models.PositiveSmallIntegerField(default=0)
    source = models.CharField(_("Nguồn"), max_length=10, choices=BudgetSource.choices)
    # Every source the line draws on, in order, ``source`` the first (a line may be paid from
    # the state budget and mobilised funds together).
    sources = models.JSONField(_("Các nguồn"), default=list, blank=True)
    text = models.TextField(_("Nội dung"))
    amount = models.BigIntegerField(_("Số tiền (đồng)"), null=True, blank=True)

    class Meta:
        ordering = ["plan", "order"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__isnull=True) | Q(amount__gte=0), name="budget_amount_positive"
            )
        ]

    def __str__(self) -> str:
        return self.text


class AwardRule(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="award_rules")
    order = models.PositiveSmallIntegerField(default=0)
    text = models.TextField(_("Nội dung"))
    threshold = models.BigIntegerField(_("Mức ủng hộ tối thiểu (đồng)"), null=True, blank=True)

    class Meta:
        ordering = ["plan", "order"]

    def __str__(self) -> str:
        return self.text


class ReportingRequirement(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="reporting")
    order = models.PositiveSmallIntegerField(default=0)
    report = models.CharField(pgettext_lazy("a report a plan requires", "Báo cáo"), max_length=300)
    by = models.CharField(_("Đơn vị báo cáo"), max_length=300, blank=True)
    to = models.CharField(_("Gửi"), max_length=200, blank=True)
    through = models.CharField(_("Qua"), max_length=200, blank=True)
    due = models.DateField(_("Hạn"), null=True, blank=True)
    due_precision = _precision(_("Hạn ghi đến"))
    text = models.TextField(_("Nội dung"))
    # The task whose text states this rule, when the plan writes it inside a task; it prints
    # there, not in the reporting part, and is still the plan's reporting rule.
    task = models.ForeignKey(
        "Task", null=True, blank=True, on_delete=models.SET_NULL, related_name="reporting_rules"
    )

    class Meta:
        ordering = ["plan", "order"]

    def __str__(self) -> str:
        return self.report


class AssigneeGroup(models.TextChoices):
    COMMUNES = "communes", _("UBND các xã, phường, thị trấn")
    DISTRICTS = "districts", _("UBND các huyện, quận, thị xã, thành phố")
    AGENCIES = "agencies", _("Các cơ quan, ban, ngành")
    HAMLETS = "hamlets", _("Các thôn, bản, tổ dân phố")


class TaskMarker(models.TextChoices):
    """How an assignee's tasks print: an item marker, or plain paragraphs."""

    DASH = "-", "-"
    PLUS = "+", "+"
    NUMBER = "number", _("1. 2. 3.")
    LETTER = "letter", _("a) b) c)")
    PARAGRAPH = "paragraph", _("Đoạn văn, không dấu")


class Assignment(models.Model):
    """One assignee of a plan (a unit, an agency, or a group of them) and its tasks.

    ``assignee_label`` names the assignee; ``label`` is how the plan writes it when that differs
    ("Đề nghị Ủy ban MTTQ Việt Nam phường…"). An agency's own divisions are assignments whose
    ``parent`` is the agency's.
    """

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="assignments")
    order = models.PositiveSmallIntegerField(default=0)
    assignee_label = models.CharField(_("Đơn vị được giao"), max_length=300)
    assignee_unit = models.ForeignKey(
        "units.AdministrativeUnit",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assignments",
    )
    assignee_agency = models.ForeignKey(
        "units.Agency", null=True, blank=True, on_delete=models.PROTECT, related_name="assignments"
    )
    assignee_group = models.CharField(
        _("Nhóm"), max_length=12, choices=AssigneeGroup.choices, blank=True
    )
    label = models.CharField(_("Ghi như văn bản"), max_length=400, blank=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("Thuộc đơn vị"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="divisions",
    )
    task_marker = models.CharField(
        _("Cách ghi nhiệm vụ"), max_length=10, choices=TaskMarker.choices, blank=True
    )

    class Meta:
        ordering = ["plan", "order"]

    def __str__(self) -> str:
        return self.assignee_label

    @property
    def printed_label(self) -> str:
        return self.label or self.assignee_label


class TaskRole(models.TextChoices):
    LEAD = "lead", _("Chủ trì")
    COOPERATE = "cooperate", _("Phối hợp")


class TaskStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("Chưa thực hiện")
    ACCEPTED = "accepted", _("Đã nhận nhiệm vụ")
    IN_PROGRESS = "in_progress", _("Đang thực hiện")
    DONE = "done", _("Hoàn thành")
    CANNOT_DO = "cannot_do", _("Không thực hiện được")


class Task(models.Model):
    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="tasks")
    order = models.PositiveSmallIntegerField(default=0)
    text = models.TextField(_("Nhiệm vụ"))
    role = models.CharField(_("Vai trò"), max_length=10, choices=TaskRole.choices)
    lead_label = models.CharField(_("Đơn vị chủ trì"), max_length=300, blank=True)
    start_on = models.DateField(_("Bắt đầu"), null=True, blank=True)
    due_on = models.DateField(_("Hạn hoàn thành"), null=True, blank=True)
    start_precision = _precision(_("Bắt đầu ghi đến"))
    due_precision = _precision(_("Hạn ghi đến"))
    status = models.CharField(
        _("Tiến độ"), max_length=12, choices=TaskStatus.choices, default=TaskStatus.NOT_STARTED
    )

    class Meta:
        ordering = ["assignment", "order"]
        constraints = [
            models.CheckConstraint(
                condition=Q(start_on__isnull=True)
                | Q(due_on__isnull=True)
                | Q(due_on__gte=models.F("start_on")),
                name="task_due_after_start",
                violation_error_message=_("Hạn hoàn thành phải sau ngày bắt đầu."),
            ),
        ]

    def __str__(self) -> str:
        return self.text[:80]


def progress_upload_path(instance: "TaskProgress", filename: str) -> str:
    return f"tasks/{instance.task_id}/{filename}"


class TaskProgress(models.Model):
    """One progress report on a task: its status, a note, an optional attachment."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="progress")
    # The agency that reports its part (a cooperating agency reports its own); empty when the
    # assignee unit's own member reports.
    agency = models.ForeignKey(
        "units.Agency",
        verbose_name=_("Cơ quan báo cáo"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="task_progress",
    )
    status = models.CharField(_("Tiến độ"), max_length=12, choices=TaskStatus.choices)
    note = models.TextField(_("Ghi chú"), blank=True)
    attachment = models.FileField(
        _("Tệp đính kèm"), upload_to=progress_upload_path, blank=True, max_length=300
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="task_progress"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["task", "-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.task_id}: {self.status}"

    @property
    def attachment_filename(self) -> str:
        """The file's own name, without where it is stored."""
        name = self.attachment.name or ""
        return name.replace("\\", "/").rsplit("/", 1)[-1]

"""The record of a long job run on the queue (ADR 0010): who started it, on which unit, how far
it has gone, and what it gave (counts, errors, a file to download)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class JobKind(models.TextChoices):
    ROUND_UPLOAD = "round_upload", _("Nộp nhiều biểu mẫu Excel")
    CHILDREN_IMPORT = "children_import", _("Nhập danh sách trẻ em")
    SUPPORT_IMPORT = "support_import", _("Nhập hỗ trợ trẻ em")
    PLAN_PDF = "plan_pdf", _("Chuyển kế hoạch sang PDF")
    NATIONAL_EXPORT = "national_export", _("Xuất bảng tổng hợp toàn quốc")


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("Đang chờ")
    RUNNING = "running", _("Đang chạy")
    DONE = "done", _("Hoàn thành")
    FAILED = "failed", _("Không thành công")


FINISHED = (JobStatus.DONE, JobStatus.FAILED)


class Job(models.Model):
    kind = models.CharField(_("Loại công việc"), max_length=32, choices=JobKind.choices)
    status = models.CharField(
        _("Trạng thái"), max_length=16, choices=JobStatus.choices, default=JobStatus.QUEUED
    )
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Người yêu cầu"),
        on_delete=models.CASCADE,
        related_name="jobs",
    )
    unit = models.ForeignKey(
        "units.AdministrativeUnit",
        verbose_name=_("Đơn vị"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="jobs",
    )
    # What the job works on (a round's id, a plan's id, an import's kind): ids and codes only.
    params = models.JSONField(_("Tham số"), default=dict, blank=True)
    # The uploaded file, kept only until the job has run.
    input_file = models.FileField(_("Tệp gửi lên"), upload_to="jobs/input/", blank=True)
    input_name = models.CharField(_("Tên tệp gửi lên"), max_length=255, blank=True)
    progress_done = models.PositiveIntegerField(_("Đã xử lý"), default=0)
    progress_total = models.PositiveIntegerField(_("Tổng số"), default=0)
    message = models.TextField(_("Thông báo"), blank=True)
    result = models.JSONField(_("Kết quả"), default=dict, blank=True)
    result_file = models.FileField(_("Tệp kết quả"), upload_to="jobs/results/", blank=True)
    result_name = models.CharField(_("Tên tệp kết quả"), max_length=255, blank=True)
    task_id = models.CharField(_("Mã trong hàng đợi"), max_length=64, blank=True)
    runs = models.PositiveSmallIntegerField(_("Số lần chạy"), default=0)
    created_at = models.DateTimeField(_("Tạo lúc"), auto_now_add=True)
    started_at = models.DateTimeField(_("Bắt đầu lúc"), null=True, blank=True)
    finished_at = models.DateTimeField(_("Kết thúc lúc"), null=True, blank=True)
    # Touched by every step of progress: a running job whose heartbeat stopped long ago lost
    # its worker.
    heartbeat_at = models.DateTimeField(_("Lần cập nhật cuối"), null=True, blank=True)

    class Meta:
        verbose_name = _("Công việc chạy nền")
        verbose_name_plural = _("Công việc chạy nền")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "heartbeat_at"], name="job_status_heartbeat_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"

    @property
    def finished(self) -> bool:
        return self.status in FINISHED

    @property
    def percent(self) -> int:
        if self.status == JobStatus.DONE:
            return 100
        if not self.progress_total:
            return 0
        return min(100, self.progress_done * 100 // self.progress_total)

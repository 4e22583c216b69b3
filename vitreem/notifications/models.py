"""Notifications: what a user is told (the inbox, and the mail sent of it), and how they want it.

Each notification carries a ``key`` naming its cause (the event, the thing, the day where the
cause repeats); one user never holds two of the same key, so a scan run twice, or a worker
restarted in the middle, tells nobody twice.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Event(models.TextChoices):
    TASK_ASSIGNED = "task_assigned", _("Được giao nhiệm vụ")
    TASK_DUE = "task_due", _("Nhiệm vụ sắp đến hạn")
    TASK_OVERDUE = "task_overdue", _("Nhiệm vụ quá hạn")
    TASK_COMMENT = "task_comment", _("Ý kiến về nhiệm vụ")
    REPORT_DUE = "report_due", _("Báo cáo sắp đến hạn")
    REPORT_LATE = "report_late", _("Báo cáo quá hạn")
    REPORT_REMINDER = "report_reminder", _("Nhắc nộp báo cáo")
    REPORT_RETURNED = "report_returned", _("Báo cáo bị trả lại")
    REPORT_APPROVED = "report_approved", _("Báo cáo được duyệt")
    REPORT_REOPENED = "report_reopened", _("Báo cáo được mở lại")
    PLAN_TO_DERIVE = "plan_to_derive", _("Kế hoạch cấp trên cần triển khai")
    ACCOUNT = "account", _("Tài khoản và quyền")


class Notification(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    event = models.CharField(_("Sự kiện"), max_length=20, choices=Event.choices)
    key = models.CharField(max_length=120, editable=False)
    text = models.TextField(_("Nội dung"))
    link = models.CharField(_("Liên kết"), max_length=300, blank=True)
    # The round a reminder is about, so that the round shows the reminders it caused.
    round = models.ForeignKey(
        "reporting.Round",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    created_at = models.DateTimeField(_("Lúc"), auto_now_add=True)
    read_at = models.DateTimeField(_("Đã đọc lúc"), null=True, blank=True)
    # None: not mailed (yet, or not at all by the user's choice); set once the mail is sent.
    mailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("Thông báo")
        verbose_name_plural = _("Thông báo")
        ordering = ["-created_at", "-id"]
        constraints = [
            # Key first: a scan asks which of a batch's causes were already told, by key.
            models.UniqueConstraint(fields=["key", "user"], name="notification_key_user_uniq")
        ]
        indexes = [
            models.Index(
                fields=["user"],
                condition=models.Q(read_at__isnull=True),
                name="notification_unread_idx",
            ),
            models.Index(fields=["user", "-created_at"], name="notification_inbox_idx"),
        ]

    def __str__(self) -> str:
        return self.text


class MailMode(models.TextChoices):
    EACH = "each", _("Gửi thư ngay cho từng thông báo")
    DIGEST = "digest", _("Gửi một thư tổng hợp mỗi ngày")
    NONE = "none", _("Không gửi thư, chỉ báo trong hệ thống")


class Preference(models.Model):
    """How a user wants to be told; a user without a row has the defaults (every event, a mail
    for each)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preference"
    )
    mail = models.CharField(
        _("Thư điện tử"), max_length=8, choices=MailMode.choices, default=MailMode.EACH
    )
    muted = models.JSONField(_("Các sự kiện không báo"), default=list, blank=True)
    digest_sent_on = models.DateField(null=True, blank=True)

    class Meta:
        verbose_name = _("Cài đặt thông báo")
        verbose_name_plural = _("Cài đặt thông báo")

    def __str__(self) -> str:
        return f"{self.user}: {self.mail}"


class Schedule(models.Model):
    """A recurring job and the run of it waiting in the queue: one row per job name, so that
    however many workers start, one run is waiting."""

    name = models.CharField(max_length=60, unique=True)
    task_id = models.CharField(max_length=64, blank=True)
    next_run = models.DateTimeField(null=True, blank=True)
    last_run = models.DateTimeField(null=True, blank=True)
    last_result = models.JSONField(default=dict, blank=True)

    def __str__(self) -> str:
        return self.name

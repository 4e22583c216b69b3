"""The registry of children: records, circumstances over time, support received, consent, reads.

A child is addressed by an opaque ``public_id``, never by its key. Nearly every field is private;
ethnicity, disability, health and the sensitive groups are sensitive (catalogue.py says which).
A child's commune and province are repeated on its circumstances and support records so that
counts over a province or the nation read one table.
"""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from vitreem.core.models import TimeStampedModel
from vitreem.units.names import address, unit_title


def new_public_id() -> str:
    return secrets.token_hex(8)


def new_public_ids(count: int) -> list[str]:
    """``count`` public ids, as ``new_public_id`` makes them, from one read of the random source
    (an import makes thousands)."""
    block = secrets.token_hex(8 * count)
    return [block[start : start + 16] for start in range(0, 16 * count, 16)]


class Sex(models.TextChoices):
    MALE = "male", _("Nam")
    FEMALE = "female", _("Nữ")


class DisabilityLevel(models.TextChoices):
    EXTREMELY_SEVERE = "extremely_severe", _("Khuyết tật đặc biệt nặng")
    SEVERE = "severe", _("Khuyết tật nặng")
    MILD = "mild", _("Khuyết tật nhẹ")


class Relation(models.TextChoices):
    FATHER = "father", _("Cha")
    MOTHER = "mother", _("Mẹ")
    GRANDPARENT = "grandparent", _("Ông, bà")
    SIBLING = "sibling", _("Anh, chị")
    RELATIVE = "relative", _("Người thân thích khác")
    GUARDIAN = "guardian", _("Người giám hộ")
    OTHER = "other", _("Khác")


class Child(TimeStampedModel):
    public_id = models.CharField(max_length=16, unique=True, default=new_public_id, editable=False)
    full_name = models.CharField(_("Họ và tên"), max_length=120)
    name_folded = models.CharField(max_length=120, editable=False)
    date_of_birth = models.DateField(_("Ngày sinh"))
    sex = models.CharField(_("Giới tính"), max_length=8, choices=Sex.choices)
    ethnicity = models.CharField(_("Dân tộc"), max_length=2, blank=True)
    personal_id = models.CharField(
        _("Số định danh cá nhân"), max_length=12, null=True, blank=True, unique=True
    )
    # Both foreign keys lead a composite index of Meta.indexes: no index of their own.
    unit = models.ForeignKey(
        "units.AdministrativeUnit",
        verbose_name=_("Xã, phường nơi cư trú"),
        on_delete=models.PROTECT,
        related_name="registered_children",
        db_index=False,
    )
    province = models.ForeignKey(
        "units.AdministrativeUnit",
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
        db_index=False,
    )
    address = models.CharField(_("Địa chỉ"), max_length=255, blank=True)
    representative_name = models.CharField(_("Người đại diện hợp pháp"), max_length=120, blank=True)
    representative_relation = models.CharField(
        _("Quan hệ với trẻ"), max_length=12, choices=Relation.choices, blank=True
    )
    representative_phone = models.CharField(_("Điện thoại"), max_length=15, blank=True)
    disability_level = models.CharField(
        _("Mức độ khuyết tật"), max_length=20, choices=DisabilityLevel.choices, blank=True
    )
    insurance_number = models.CharField(_("Số thẻ BHYT"), max_length=15, blank=True)
    insurance_valid_to = models.DateField(_("Thẻ BHYT có giá trị đến"), null=True, blank=True)
    registered_on = models.DateField(_("Ngày đăng ký"))
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("Trẻ em")
        verbose_name_plural = _("Trẻ em")
        ordering = ["unit", "name_folded", "date_of_birth"]
        indexes = [
            models.Index(
                fields=["unit", "name_folded", "date_of_birth"], name="child_unit_name_idx"
            ),
            models.Index(fields=["province", "unit"], name="child_province_idx"),
        ]

    @property
    def residence(self) -> str:
        """Where the child lives, the commune named once: "Tổ 3, phường Bắc Kạn"."""
        return address(self.address, self.unit) if self.address.strip() else unit_title(self.unit)

    def __str__(self) -> str:
        return self.public_id  # never the name: __str__ ends up in logs and admin histories


class Circumstance(TimeStampedModel):
    """A child's membership in one group of special circumstances, from a date to a date.

    Active on day d when started_on <= d and (ended_on is empty or d <= ended_on).
    """

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="circumstances")
    legal_basis = models.CharField(_("Căn cứ pháp lý"), max_length=4, default="2016")
    group = models.CharField(_("Nhóm"), max_length=8)
    subgroup = models.CharField(_("Nhóm chi tiết"), max_length=8, blank=True)
    started_on = models.DateField(_("Từ ngày"))
    ended_on = models.DateField(_("Đến ngày"), null=True, blank=True)
    end_reason = models.CharField(_("Lý do ra khỏi nhóm"), max_length=200, blank=True)
    # Both lead a composite index of Meta.indexes: no index of their own.
    unit = models.ForeignKey(
        "units.AdministrativeUnit",
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
        db_index=False,
    )
    province = models.ForeignKey(
        "units.AdministrativeUnit",
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
        db_index=False,
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("Hoàn cảnh đặc biệt")
        verbose_name_plural = _("Hoàn cảnh đặc biệt")
        ordering = ["child", "started_on", "group"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                name="circumstance_dates_ordered",
                violation_error_message=_("Ngày kết thúc không được trước ngày bắt đầu."),
            )
        ]
        indexes = [
            models.Index(fields=["province", "group", "started_on"], name="circ_province_idx"),
            models.Index(fields=["unit", "group", "started_on"], name="circ_unit_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.child_id}:{self.group}"


class SupportKind(models.TextChoices):
    GIFT = "gift", _("Tặng quà")
    SCHOLARSHIP = "scholarship", _("Học bổng")
    MEDICAL = "medical", _("Khám, chữa bệnh miễn phí")
    SURGERY = "surgery", _("Phẫu thuật")
    INSURANCE_CARD = "insurance_card", _("Thẻ bảo hiểm y tế")
    ALLOWANCE = "allowance", _("Trợ cấp")
    OTHER = "other", _("Hỗ trợ khác")


# Kinds that reveal a child's health: shown only to users allowed to see sensitive data.
SENSITIVE_SUPPORT = frozenset({SupportKind.MEDICAL, SupportKind.SURGERY})


class SurgeryKind(models.TextChoices):
    EYES = "eyes", _("Mắt")
    LIPS = "lips", _("Môi, hàm ếch")
    HEART = "heart", _("Tim")
    MOTOR = "motor", _("Tàn tật vận động")
    OTHER = "other", _("Dị tật khác")


class FundingSource(models.TextChoices):
    STATE = "state", _("Ngân sách nhà nước")
    MOBILISED = "mobilised", _("Vận động")
    FUND = "fund", _("Quỹ Bảo trợ trẻ em")


class Occasion(models.TextChoices):
    ACTION_MONTH = "action_month", _("Tháng hành động vì trẻ em")
    CHILDRENS_DAY = "childrens_day", _("Ngày Quốc tế Thiếu nhi 1/6")
    MID_AUTUMN = "mid_autumn", _("Tết Trung thu")
    LUNAR_NEW_YEAR = "lunar_new_year", _("Tết Nguyên đán")
    OTHER = "other", _("Dịp khác")


class SupportRecord(TimeStampedModel):
    """What one child received, from whom, paid from which source.

    ``giver_unit`` (with ``giver_agency`` for an agency) is the reporter whose Action Month report
    counts it, as a report's (unit, agency).
    """

    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="support")
    kind = models.CharField(_("Hình thức hỗ trợ"), max_length=16, choices=SupportKind.choices)
    surgery_kind = models.CharField(
        _("Loại phẫu thuật"), max_length=8, choices=SurgeryKind.choices, blank=True
    )
    given_on = models.DateField(_("Ngày hỗ trợ"))
    value = models.BigIntegerField(_("Giá trị (đồng)"))
    source = models.CharField(_("Nguồn kinh phí"), max_length=10, choices=FundingSource.choices)
    occasion = models.CharField(_("Dịp"), max_length=16, choices=Occasion.choices)
    description = models.CharField(_("Nội dung"), max_length=255, blank=True)
    giver_unit = models.ForeignKey(
        "units.AdministrativeUnit",
        verbose_name=_("Đơn vị hỗ trợ"),
        on_delete=models.PROTECT,
        related_name="support_given",
        db_index=False,  # leads support_giver_idx
    )
    giver_agency = models.ForeignKey(
        "units.Agency",
        verbose_name=_("Cơ quan hỗ trợ"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="support_given",
    )
    unit = models.ForeignKey(
        "units.AdministrativeUnit", on_delete=models.PROTECT, related_name="+", editable=False
    )
    province = models.ForeignKey(
        "units.AdministrativeUnit",
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
        db_index=False,  # leads support_province_idx
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("Hỗ trợ trẻ em")
        verbose_name_plural = _("Hỗ trợ trẻ em")
        ordering = ["-given_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(value__gte=0),
                name="support_value_not_negative",
                violation_error_message=_("Giá trị hỗ trợ không được âm."),
            ),
            models.CheckConstraint(
                condition=Q(kind="surgery") | Q(surgery_kind=""),
                name="support_surgery_kind_only_for_surgery",
            ),
        ]
        indexes = [
            models.Index(fields=["giver_unit", "given_on"], name="support_giver_idx"),
            models.Index(fields=["province", "given_on"], name="support_province_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.child_id}:{self.kind}:{self.given_on}"


class ConsentPurpose(models.TextChoices):
    REGISTRY = "registry", _("Lưu trữ, xử lý thông tin trong sổ theo dõi trẻ em")
    SERVICES = "services", _("Chia sẻ với cơ sở cung cấp dịch vụ bảo vệ trẻ em")
    PUBLISH = "publish", _("Công bố thông tin, hình ảnh của trẻ em")


class Consent(TimeStampedModel):
    """Consent to process a child's data for a purpose: the legal representative's, and the
    child's own when aged 7 or more (Law on Children Art. 6.11; Law 91/2025/QH15 Art. 24)."""

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="consents")
    purpose = models.CharField(_("Mục đích"), max_length=10, choices=ConsentPurpose.choices)
    given_on = models.DateField(_("Ngày đồng ý"))
    representative_name = models.CharField(_("Người đại diện đồng ý"), max_length=120)
    child_agreed = models.BooleanField(_("Trẻ em (từ đủ 7 tuổi) đồng ý"), default=False)
    withdrawn_on = models.DateField(_("Ngày rút lại"), null=True, blank=True)
    withdrawal_note = models.CharField(_("Ghi chú khi rút lại"), max_length=255, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("Sự đồng ý")
        verbose_name_plural = _("Sự đồng ý")
        ordering = ["child", "-given_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(withdrawn_on__isnull=True) | Q(withdrawn_on__gte=models.F("given_on")),
                name="consent_withdrawal_after_consent",
            )
        ]

    def __str__(self) -> str:
        return f"{self.child_id}:{self.purpose}"


class ReadVia(models.TextChoices):
    PAGE = "page", _("Trang hồ sơ")
    LIST = "list", _("Danh sách")
    API = "api", _("API")
    EXPORT = "export", _("Xuất danh sách")


class ChildRead(models.Model):
    """Every read of a child's record: who, when, which child, how.

    ``request_id`` names the request that read it (core's request id), so that the log shows one
    line per list or page viewed rather than one per child.
    """

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="reads")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    via = models.CharField(max_length=8, choices=ReadVia.choices)
    sensitive = models.BooleanField(default=False)  # sensitive fields were shown
    unit = models.ForeignKey(
        "units.AdministrativeUnit", on_delete=models.PROTECT, related_name="+", editable=False
    )
    request_id = models.CharField(max_length=64, editable=False)

    class Meta:
        verbose_name = _("Lượt xem hồ sơ trẻ em")
        verbose_name_plural = _("Lượt xem hồ sơ trẻ em")
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["unit", "at"], name="child_read_unit_idx"),
            models.Index(fields=["child", "at"], name="child_read_child_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id}→{self.child_id} {self.at:%d/%m/%Y %H:%M}"


class PossibleDuplicate(models.Model):
    """Two records that may be the same child: flagged, never merged silently."""

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="duplicates")
    other = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(max_length=200)
    flagged_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["child", "other"], name="possible_duplicate_pair_uniq")
        ]

    def __str__(self) -> str:
        return f"{self.child_id}≈{self.other_id}"


class PrefillChoice(models.Model):
    """A value the registry proposed for a report's cell, and what the officer did with it."""

    submission = models.ForeignKey(
        "reporting.Submission", on_delete=models.CASCADE, related_name="prefill_choices"
    )
    element_code = models.CharField(max_length=60)
    row = models.CharField(max_length=20, blank=True, default="")
    category = models.CharField(max_length=20, blank=True, default="")
    proposed = models.BigIntegerField()
    previous = models.BigIntegerField(null=True, blank=True)  # the cell before the choice
    accepted = models.BooleanField()
    sources = models.CharField(max_length=300)  # what the proposal counts, in words
    chosen_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    chosen_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-chosen_at", "-id"]

    def __str__(self) -> str:
        verdict = "accepted" if self.accepted else "kept"
        return f"{self.submission_id}/{self.element_code}: {self.proposed} {verdict}"


class ChildResidence(models.Model):
    """A commune where the child was registered before, and until when: kept when the record
    moves (on 1/7/2025, from a commune that no longer exists to its default successor)."""

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="residences")
    unit = models.ForeignKey(
        "units.AdministrativeUnit",
        verbose_name=_("Xã, phường nơi cư trú"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    from_on = models.DateField(_("Từ ngày"))
    to_on = models.DateField(_("Đến ngày"))
    reason = models.CharField(_("Lý do"), max_length=200, blank=True)

    class Meta:
        ordering = ["child", "from_on"]
        constraints = [
            models.UniqueConstraint(fields=["child", "unit"], name="child_residence_uniq"),
            models.CheckConstraint(
                condition=Q(to_on__gte=models.F("from_on")), name="child_residence_ordered"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.child_id}@{self.unit_id}"

"""The children's protection fund of a unit: donors, donations, disbursements, spending norms.

The ledger is append-only (ADR 0005): a donation or disbursement is never edited or deleted; a
mistake is undone by a reversing entry of the opposite sign that names the entry it reverses.
Every balance is a sum over the ledger, so it cannot drift from it.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from vitreem.core.models import TimeStampedModel

HONOUR_THRESHOLD = 50_000_000  # the Hải Phòng seed's award rule: 50 million đồng in a year


class Fund(TimeStampedModel):
    unit = models.ForeignKey(
        "units.AdministrativeUnit",
        verbose_name=_("Đơn vị"),
        on_delete=models.PROTECT,
        related_name="funds",
    )
    name = models.CharField(_("Tên quỹ"), max_length=200)
    managing_agency = models.ForeignKey(
        "units.Agency",
        verbose_name=_("Cơ quan quản lý quỹ"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    bank_account = models.CharField(_("Tài khoản ngân hàng"), max_length=100, blank=True)
    honour_threshold = models.BigIntegerField(
        _("Mức đóng góp được vinh danh trong năm (đồng)"), default=HONOUR_THRESHOLD
    )
    management_cap_percent = models.PositiveSmallIntegerField(
        _("Trần chi phí quản lý (% số thu trong năm)"), default=5
    )

    class Meta:
        verbose_name = _("Quỹ Bảo trợ trẻ em")
        verbose_name_plural = _("Quỹ Bảo trợ trẻ em")
        ordering = ["unit", "name"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "name"], name="fund_unit_name_uniq"),
            models.CheckConstraint(
                condition=Q(management_cap_percent__lte=10),
                name="fund_management_cap_at_most_10",
                violation_error_message=_("Chi phí quản lý tối đa 10% số thu trong năm."),
            ),
            models.CheckConstraint(
                condition=Q(honour_threshold__gt=0), name="fund_honour_threshold_positive"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class DonorKind(models.TextChoices):
    ORGANISATION = "organisation", _("Cơ quan, tổ chức, doanh nghiệp")
    PERSON = "person", _("Cá nhân")


class Donor(TimeStampedModel):
    fund = models.ForeignKey(Fund, on_delete=models.CASCADE, related_name="donors")
    kind = models.CharField(_("Loại"), max_length=12, choices=DonorKind.choices)
    name = models.CharField(_("Tên"), max_length=200)
    name_folded = models.CharField(max_length=200, editable=False)
    anonymous = models.BooleanField(_("Không công khai tên trên trang công khai"), default=False)
    address = models.CharField(_("Địa chỉ"), max_length=255, blank=True)
    phone = models.CharField(_("Điện thoại"), max_length=15, blank=True)
    tax_code = models.CharField(_("Mã số thuế"), max_length=14, blank=True)

    class Meta:
        verbose_name = _("Nhà tài trợ")
        verbose_name_plural = _("Nhà tài trợ")
        ordering = ["fund", "name_folded"]
        indexes = [models.Index(fields=["fund", "name_folded"], name="donor_fund_name_idx")]

    def __str__(self) -> str:
        return self.name

    @property
    def public_name(self) -> str:
        return str(_("Nhà hảo tâm (không công khai tên)")) if self.anonymous else self.name


class DonationKind(models.TextChoices):
    MONEY = "money", _("Tiền")
    IN_KIND = "in_kind", _("Hiện vật (quy ra tiền)")


class Donation(models.Model):
    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="donations")
    donor = models.ForeignKey(Donor, on_delete=models.PROTECT, related_name="donations")
    received_on = models.DateField(_("Ngày nhận"))
    kind = models.CharField(_("Hình thức"), max_length=8, choices=DonationKind.choices)
    amount = models.BigIntegerField(_("Số tiền (đồng)"))
    description = models.CharField(_("Nội dung, hiện vật"), max_length=255, blank=True)
    receipt_number = models.CharField(_("Số biên lai"), max_length=40, blank=True)
    bank_reference = models.CharField(_("Số chứng từ ngân hàng"), max_length=60, blank=True)
    earmark_purpose = models.CharField(
        _("Tài trợ có địa chỉ: mục đích"), max_length=255, blank=True
    )
    earmark_child = models.ForeignKey(
        "children.Child",
        verbose_name=_("Tài trợ có địa chỉ: trẻ em"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reverses = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="reversed_by"
    )
    reason = models.CharField(_("Lý do hủy"), max_length=255, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("Khoản đóng góp")
        verbose_name_plural = _("Khoản đóng góp")
        ordering = ["-received_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(reverses__isnull=True) & Q(amount__gt=0))
                | (Q(reverses__isnull=False) & Q(amount__lt=0)),
                name="donation_amount_sign",
                violation_error_message=_("Số tiền đóng góp phải lớn hơn 0."),
            ),
            models.UniqueConstraint(
                fields=["fund", "receipt_number"],
                condition=~Q(receipt_number=""),
                name="donation_receipt_uniq",
                violation_error_message=_("Số biên lai này đã được ghi cho một khoản khác."),
            ),
        ]
        indexes = [models.Index(fields=["fund", "received_on"], name="donation_fund_day_idx")]

    def __str__(self) -> str:
        return f"{self.fund_id}:{self.received_on}:{self.amount}"

    @property
    def earmarked(self) -> bool:
        return bool(self.earmark_purpose or self.earmark_child_id)


class SpendingCategory(models.TextChoices):
    GIFT = "gift", _("Tặng quà")
    SCHOLARSHIP = "scholarship", _("Học bổng")
    MEDICAL = "medical", _("Khám, chữa bệnh")
    SURGERY = "surgery", _("Phẫu thuật, chỉnh hình")
    INSURANCE_CARD = "insurance_card", _("Thẻ bảo hiểm y tế")
    EMERGENCY = "emergency", _("Hỗ trợ thiên tai, tai nạn, rủi ro")
    ACTIVITY = "activity", _("Hoạt động vì trẻ em")
    MANAGEMENT = "management", _("Chi phí quản lý quỹ")
    OTHER = "other", _("Chi khác")


class NormDecision(TimeStampedModel):
    """A fund council's decision setting spending norms (định mức), in force from a date until
    the next decision of the same fund."""

    fund = models.ForeignKey(Fund, on_delete=models.CASCADE, related_name="norm_decisions")
    number = models.CharField(_("Số quyết định"), max_length=40)
    signed_on = models.DateField(_("Ngày ký"))
    valid_from = models.DateField(_("Áp dụng từ ngày"))

    class Meta:
        verbose_name = _("Quyết định định mức chi")
        verbose_name_plural = _("Quyết định định mức chi")
        ordering = ["fund", "-valid_from"]
        constraints = [
            models.UniqueConstraint(fields=["fund", "valid_from"], name="norm_decision_day_uniq"),
            models.UniqueConstraint(fields=["fund", "number"], name="norm_decision_number_uniq"),
        ]

    def __str__(self) -> str:
        return self.number


class NormItem(models.Model):
    decision = models.ForeignKey(NormDecision, on_delete=models.CASCADE, related_name="items")
    category = models.CharField(_("Nội dung chi"), max_length=16, choices=SpendingCategory.choices)
    label = models.CharField(_("Diễn giải"), max_length=200, blank=True)
    max_per_beneficiary = models.BigIntegerField(
        _("Mức tối đa mỗi trẻ em (đồng)"), null=True, blank=True
    )

    class Meta:
        ordering = ["decision", "category"]
        constraints = [
            models.UniqueConstraint(fields=["decision", "category"], name="norm_item_category_uniq")
        ]

    def __str__(self) -> str:
        return f"{self.decision_id}:{self.category}"


class Disbursement(models.Model):
    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="disbursements")
    paid_on = models.DateField(_("Ngày chi"))
    category = models.CharField(_("Nội dung chi"), max_length=16, choices=SpendingCategory.choices)
    norm_item = models.ForeignKey(
        NormItem, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    purpose = models.CharField(_("Mục đích (công khai)"), max_length=255)
    amount = models.BigIntegerField(_("Số tiền (đồng)"))
    beneficiaries = models.PositiveIntegerField(_("Số trẻ em được hỗ trợ"), default=0)
    voucher_number = models.CharField(_("Số phiếu chi"), max_length=40, blank=True)
    support_record = models.OneToOneField(
        "children.SupportRecord",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="disbursement",
    )
    earmark_donation = models.ForeignKey(
        Donation, null=True, blank=True, on_delete=models.PROTECT, related_name="spent"
    )
    reverses = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="reversed_by"
    )
    reason = models.CharField(_("Lý do hủy"), max_length=255, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("Khoản chi")
        verbose_name_plural = _("Khoản chi")
        ordering = ["-paid_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(reverses__isnull=True) & Q(amount__gt=0))
                | (Q(reverses__isnull=False) & Q(amount__lt=0)),
                name="disbursement_amount_sign",
                violation_error_message=_("Số tiền chi phải lớn hơn 0."),
            ),
        ]
        indexes = [models.Index(fields=["fund", "paid_on"], name="disbursement_fund_day_idx")]

    def __str__(self) -> str:
        return f"{self.fund_id}:{self.paid_on}:{self.amount}"

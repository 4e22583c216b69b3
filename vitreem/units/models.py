from datetime import date

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from vitreem.core.models import TimeStampedModel
from vitreem.core.text import fold, nfc


class Level(models.IntegerChoices):
    PROVINCE = 1, _("Cấp tỉnh")
    DISTRICT = 2, _("Cấp huyện")
    COMMUNE = 3, _("Cấp xã")


class Kind(models.TextChoices):
    PROVINCE = "province", _("Tỉnh")
    CENTRAL_CITY = "central_city", _("Thành phố trực thuộc trung ương")
    DISTRICT = "district", _("Huyện")
    URBAN_DISTRICT = "urban_district", _("Quận")
    TOWN = "town", _("Thị xã")
    CITY = "city", _("Thành phố thuộc tỉnh")
    COMMUNE = "commune", _("Xã")
    WARD = "ward", _("Phường")
    TOWNSHIP = "township", _("Thị trấn")
    SPECIAL_ZONE = "special_zone", _("Đặc khu")


KIND_LEVEL: dict[str, int] = {
    Kind.PROVINCE: Level.PROVINCE,
    Kind.CENTRAL_CITY: Level.PROVINCE,
    Kind.DISTRICT: Level.DISTRICT,
    Kind.URBAN_DISTRICT: Level.DISTRICT,
    Kind.TOWN: Level.DISTRICT,
    Kind.CITY: Level.DISTRICT,
    Kind.COMMUNE: Level.COMMUNE,
    Kind.WARD: Level.COMMUNE,
    Kind.TOWNSHIP: Level.COMMUNE,
    Kind.SPECIAL_ZONE: Level.COMMUNE,
}


def in_force_on(as_of: date, prefix: str = "") -> Q:
    """Rows whose validity [valid_from, valid_to] contains the date."""
    return Q(**{f"{prefix}valid_from__lte": as_of}) & (
        Q(**{f"{prefix}valid_to__isnull": True}) | Q(**{f"{prefix}valid_to__gte": as_of})
    )


class AdministrativeUnit(TimeStampedModel):
    """A province, district or commune-level unit, valid over a span of dates.

    The ancestors are kept on the row (``province``, ``district``; a unit is its own ancestor at
    its level) so that "the subtree of X" is one indexed equality on the column of X's level.
    """

    code = models.CharField(_("Mã"), max_length=8)
    name = models.CharField(_("Tên"), max_length=120)
    short_name = models.CharField(_("Tên ngắn"), max_length=100)
    name_folded = models.CharField(max_length=120, editable=False, db_index=True)
    kind = models.CharField(_("Loại"), max_length=20, choices=Kind.choices)
    level = models.PositiveSmallIntegerField(_("Cấp"), choices=Level.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("Trực thuộc"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    province = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="+", editable=False
    )
    district = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="+", editable=False
    )
    valid_from = models.DateField(_("Hiệu lực từ"))
    valid_to = models.DateField(_("Hiệu lực đến"), null=True, blank=True)
    source = models.CharField(_("Nguồn dữ liệu"), max_length=80, blank=True)

    class Meta:
        verbose_name = _("Đơn vị hành chính")
        verbose_name_plural = _("Đơn vị hành chính")
        ordering = ["level", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["code", "valid_from"], name="unit_code_valid_from_uniq"
            ),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="unit_validity_ordered",
            ),
            models.CheckConstraint(condition=Q(level__in=[1, 2, 3]), name="unit_level_known"),
        ]
        indexes = [
            models.Index(
                fields=["level", "valid_from", "valid_to"], name="unit_level_validity_idx"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        self.name = nfc(self.name)
        self.short_name = nfc(self.short_name)
        self.name_folded = fold(self.name)

    @property
    def level_name(self) -> str:
        return {1: "province", 2: "district", 3: "commune"}[self.level]

    @property
    def subtree_field(self) -> str:
        """The column that holds this unit for itself and for every unit below it."""
        return {1: "province", 2: "district", 3: "id"}[self.level]

    def is_in_force_on(self, as_of: date) -> bool:
        return self.valid_from <= as_of and (self.valid_to is None or as_of <= self.valid_to)


class AgencyKind(models.TextChoices):
    PEOPLES_COMMITTEE_OFFICE = "office", _("Cơ quan chuyên môn")
    SOCIAL_AFFAIRS = "social_affairs", _("Lao động - xã hội / Văn hóa - xã hội")
    EDUCATION = "education", _("Giáo dục")
    HEALTH = "health", _("Y tế")
    CULTURE = "culture", _("Văn hóa, thông tin, thể thao")
    POLICE = "police", _("Công an")
    JUSTICE = "justice", _("Tư pháp")
    FINANCE = "finance", _("Tài chính - kế hoạch")
    MEDIA = "media", _("Phát thanh - truyền hình")
    FRONT = "front", _("Mặt trận Tổ quốc")
    UNION = "union", _("Đoàn thể")
    SCHOOL = "school", _("Trường học")
    OTHER = "other", _("Khác")


class Agency(TimeStampedModel):
    """An office or organisation under a people's committee that plans assign tasks to."""

    unit = models.ForeignKey(
        AdministrativeUnit,
        verbose_name=_("Đơn vị hành chính"),
        on_delete=models.PROTECT,
        related_name="agencies",
    )
    name = models.CharField(_("Tên"), max_length=200)
    name_folded = models.CharField(max_length=200, editable=False, db_index=True)
    abbreviation = models.CharField(_("Viết tắt"), max_length=40, blank=True)
    kind = models.CharField(_("Lĩnh vực"), max_length=20, choices=AgencyKind.choices)
    is_lead_for_children = models.BooleanField(_("Cơ quan chủ trì công tác trẻ em"), default=False)
    valid_from = models.DateField(_("Hiệu lực từ"))
    valid_to = models.DateField(_("Hiệu lực đến"), null=True, blank=True)

    class Meta:
        verbose_name = _("Cơ quan, tổ chức")
        verbose_name_plural = _("Cơ quan, tổ chức")
        ordering = ["unit", "-is_lead_for_children", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "name"],
                name="agency_unit_name_uniq",
                violation_error_message=_("Đơn vị đã có cơ quan, tổ chức mang tên này."),
            ),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="agency_validity_ordered",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        self.name = nfc(self.name)
        self.abbreviation = nfc(self.abbreviation)
        self.name_folded = fold(self.name)


class Succession(TimeStampedModel):
    """A unit of one era that became (wholly or in part) a unit of the next, on a date.

    A commune divided among several new ones has one link per part; exactly one of them is the
    default successor (the one an address of the old commune goes to when nothing else tells).
    """

    predecessor = models.ForeignKey(
        AdministrativeUnit,
        verbose_name=_("Đơn vị cũ"),
        on_delete=models.CASCADE,
        related_name="successions",
    )
    successor = models.ForeignKey(
        AdministrativeUnit,
        verbose_name=_("Đơn vị mới"),
        on_delete=models.CASCADE,
        related_name="formations",
    )
    date = models.DateField(_("Ngày hiệu lực"))
    is_default = models.BooleanField(_("Đơn vị kế thừa mặc định"), default=True)
    act = models.CharField(_("Văn bản"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("Kế thừa đơn vị hành chính")
        verbose_name_plural = _("Kế thừa đơn vị hành chính")
        ordering = ["predecessor", "-is_default", "successor"]
        constraints = [
            models.UniqueConstraint(
                fields=["predecessor", "successor"], name="succession_pair_uniq"
            ),
            models.UniqueConstraint(
                fields=["predecessor"],
                condition=Q(is_default=True),
                name="succession_one_default",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.predecessor} → {self.successor}"

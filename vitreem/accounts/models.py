import hashlib

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

from vitreem.core.models import TimeStampedModel


class User(AbstractUser):
    full_name = models.CharField(_("Họ và tên"), max_length=150, blank=True)
    position = models.CharField(_("Chức vụ"), max_length=150, blank=True)

    class Meta:
        verbose_name = _("Người dùng")
        verbose_name_plural = _("Người dùng")

    def __str__(self) -> str:
        return self.full_name or self.username


class Role(models.TextChoices):
    OFFICER = "officer", _("Cán bộ nhập liệu")
    LEADER = "leader", _("Lãnh đạo")
    VIEWER = "viewer", _("Người xem")


class Membership(TimeStampedModel):
    """A user's role in one administrative unit; it reaches the unit's whole subtree for reading."""

    user = models.ForeignKey(
        User, verbose_name=_("Người dùng"), on_delete=models.CASCADE, related_name="memberships"
    )
    unit = models.ForeignKey(
        "units.AdministrativeUnit",
        verbose_name=_("Đơn vị"),
        on_delete=models.PROTECT,
        related_name="memberships",
    )
    role = models.CharField(_("Vai trò"), max_length=16, choices=Role.choices)
    # Children's sensitive data (health, disability, HIV, abuse, drugs, crime, ethnicity) is shown
    # only to members granted it, in the unit and below (least access).
    sensitive_data = models.BooleanField(_("Được xem dữ liệu nhạy cảm của trẻ em"), default=False)

    class Meta:
        verbose_name = _("Thành viên đơn vị")
        verbose_name_plural = _("Thành viên đơn vị")
        constraints = [
            models.UniqueConstraint(fields=["user", "unit"], name="membership_user_unit_uniq"),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} — {self.unit}"


class AgencyMembership(TimeStampedModel):
    """A user's role in one agency of a unit (its police, a school, the health station, a
    department): it reaches the agency's own work only — the tasks given to it, its reports, its
    sector plans and the plans that reach it — never the unit's other data or children's records."""

    user = models.ForeignKey(
        User,
        verbose_name=_("Người dùng"),
        on_delete=models.CASCADE,
        related_name="agency_memberships",
    )
    agency = models.ForeignKey(
        "units.Agency",
        verbose_name=_("Cơ quan, tổ chức"),
        on_delete=models.PROTECT,
        related_name="memberships",
    )
    role = models.CharField(_("Vai trò"), max_length=16, choices=Role.choices)

    class Meta:
        verbose_name = _("Thành viên cơ quan")
        verbose_name_plural = _("Thành viên cơ quan")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "agency"],
                name="agency_membership_user_agency_uniq",
                violation_error_message=_("Người dùng đã là thành viên của cơ quan này."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} — {self.agency}"


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def password_fingerprint(user: User) -> str:
    """A keyed digest of the user's password hash, kept with each token: any change of password
    (page, admin, command, reset) changes it and so revokes every token, as Django's session
    auth hash does for sessions."""
    return salted_hmac(
        "vitreem.accounts.ApiToken.password_fingerprint", user.password, algorithm="sha256"
    ).hexdigest()


TOKEN_NAME_MAX_LENGTH = 100


class ApiToken(models.Model):
    """A bearer token for API clients; only its SHA-256 is stored."""

    user = models.ForeignKey(
        User, verbose_name=_("Người dùng"), on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("Tên"), max_length=TOKEN_NAME_MAX_LENGTH, blank=True)
    digest = models.CharField(max_length=64, unique=True)
    password_fingerprint = models.CharField(max_length=64)
    created_at = models.DateTimeField(_("Tạo lúc"), auto_now_add=True)
    expires_at = models.DateTimeField(_("Hết hạn lúc"))
    last_used_at = models.DateTimeField(_("Dùng lần cuối"), null=True, blank=True)

    class Meta:
        verbose_name = _("Mã truy cập API")
        verbose_name_plural = _("Mã truy cập API")
        indexes = [models.Index(fields=["user", "created_at"], name="apitoken_user_created_idx")]

    def __str__(self) -> str:
        return f"{self.user} — {self.label}"

    @property
    def label(self) -> str:
        """Its name, or when it was made for a token the client did not name."""
        return self.name or f"{timezone.localtime(self.created_at):%d/%m/%Y %H:%M}"

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from vitreem.units.models import AdministrativeUnit

from .access import Action, require
from .models import AgencyMembership, ApiToken, Membership, User, password_fingerprint


def unit_members(*, user: User, unit: AdministrativeUnit) -> QuerySet[Membership]:
    """The people who hold a role in the unit: the unit's own data, under the access rule."""
    require(user, Action.READ, unit)
    return (
        Membership.objects.filter(unit=unit)
        .select_related("user")
        .order_by("role", "user__username")
    )


def unit_agency_members(*, user: User, unit: AdministrativeUnit) -> QuerySet[AgencyMembership]:
    """The people who hold a role in the unit's agencies: read by the unit's readers."""
    require(user, Action.READ, unit)
    return (
        AgencyMembership.objects.filter(agency__unit=unit)
        .select_related("user", "agency__unit")
        .order_by("agency__name", "role", "user__username")
    )


def username_taken(username: str) -> bool:
    return User.objects.filter(username__iexact=username).exists()


def unit_membership_or_404(
    *, user: User, unit: AdministrativeUnit, membership_id: int
) -> Membership:
    """A membership of the unit, for its managers; another unit's is not found."""
    require(user, Action.MANAGE, unit)
    membership = (
        Membership.objects.filter(pk=membership_id, unit=unit).select_related("user").first()
    )
    if membership is None:
        raise Http404(_("Không tìm thấy người dùng của đơn vị."))
    return membership


def agency_membership_or_404(
    *, user: User, unit: AdministrativeUnit, membership_id: int
) -> AgencyMembership:
    """A membership of one of the unit's agencies, for the unit's managers."""
    require(user, Action.MANAGE, unit)
    membership = (
        AgencyMembership.objects.filter(pk=membership_id, agency__unit=unit)
        .select_related("user", "agency__unit")
        .first()
    )
    if membership is None:
        raise Http404(_("Không tìm thấy người dùng của cơ quan."))
    return membership


def my_memberships(user: User) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(user=user)
        .select_related("unit", "unit__parent")
        .order_by("unit__valid_from", "unit__level", "unit__name_folded")
    )


def my_tokens(user: User) -> QuerySet[ApiToken]:
    """The user's tokens that still open the API (unexpired, issued under the current password),
    newest first."""
    return user.api_tokens.filter(
        expires_at__gt=timezone.now(), password_fingerprint=password_fingerprint(user)
    ).order_by("-created_at", "-pk")


def my_token_or_404(user: User, token_id: int) -> ApiToken:
    """One of the user's own live tokens; someone else's looks absent."""
    token = my_tokens(user).filter(pk=token_id).select_related("user").first()
    if token is None:
        raise Http404(_("Không tìm thấy mã truy cập."))
    return token

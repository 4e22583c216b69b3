from django.db.models import QuerySet

from vitreem.units.models import AdministrativeUnit

from .access import Action, require
from .models import Membership, User


def unit_members(*, user: User, unit: AdministrativeUnit) -> QuerySet[Membership]:
    """The people who hold a role in the unit: the unit's own data, under the access rule."""
    require(user, Action.READ, unit)
    return (
        Membership.objects.filter(unit=unit)
        .select_related("user")
        .order_by("role", "user__username")
    )


def my_memberships(user: User) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(user=user)
        .select_related("unit", "unit__parent")
        .order_by("unit__valid_from", "unit__level", "unit__name_folded")
    )

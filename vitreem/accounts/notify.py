"""Telling a unit's leaders about changes they must see: an entry in their inbox, and a mail
as each of them chose (vitreem.notifications)."""

from django.utils import timezone

from vitreem.units.models import AdministrativeUnit

from .models import Membership, Role, User


def unit_leaders(unit: AdministrativeUnit) -> list[User]:
    return [
        m.user
        for m in Membership.objects.filter(unit=unit, role=Role.LEADER, user__is_active=True)
        .select_related("user")
        .order_by("user__username")
    ]


def notify_unit_leaders(
    *, unit: AdministrativeUnit, subject: str, body: str, link: str = ""
) -> list[str]:
    """Tell the unit's active leaders, inside the caller's transaction (the mails leave after
    its commit). Returns the usernames told, for the caller's audit event."""
    from vitreem.notifications.models import Event
    from vitreem.notifications.services import Notice, deliver

    leaders = unit_leaders(unit)
    key = f"{Event.ACCOUNT}:{unit.pk}:{timezone.now().timestamp():.6f}"
    text = body or subject
    deliver([Notice(leader.pk, Event.ACCOUNT, key, text, link) for leader in leaders])
    return [leader.username for leader in leaders]

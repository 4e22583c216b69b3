"""Telling a unit's leaders about changes they must see. E-mail for now; an in-app inbox will be
added here, so that every caller keeps one function to call."""

import logging

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction

from vitreem.units.models import AdministrativeUnit

from .models import Membership, Role, User

log = logging.getLogger(__name__)


def unit_leaders(unit: AdministrativeUnit) -> list[User]:
    return [
        m.user
        for m in Membership.objects.filter(unit=unit, role=Role.LEADER, user__is_active=True)
        .select_related("user")
        .order_by("user__username")
    ]


def notify_unit_leaders(*, unit: AdministrativeUnit, subject: str, body: str) -> list[str]:
    """Mail the unit's active leaders once the surrounding transaction commits; leaders without
    an address are skipped. Returns the usernames mailed, for the caller's audit event."""
    recipients = [leader for leader in unit_leaders(unit) if leader.email]

    def send() -> None:
        messages = [
            EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [leader.email])
            for leader in recipients
        ]
        try:
            get_connection().send_messages(messages)
        except Exception:  # the change is committed; a mail outage must not turn it into a 500
            log.exception("Could not mail the leaders of unit %s", unit.code)

    if recipients:
        transaction.on_commit(send)
    return [leader.username for leader in recipients]

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, QuerySet
from django.db.models.functions import TruncDate

from vitreem.accounts.access import AnyUser
from vitreem.reporting.models import Round

from .models import Event, Notification, Preference


def unread_count(user: AnyUser) -> int:
    if not user.is_authenticated:
        return 0
    return Notification.objects.filter(user_id=user.pk, read_at__isnull=True).count()


def inbox(user: AnyUser, *, unread_only: bool = False) -> QuerySet[Notification]:
    """The user's own notifications, newest first (nobody reads another's inbox)."""
    if not user.is_authenticated:
        return Notification.objects.none()
    found = Notification.objects.filter(user_id=user.pk)
    return found.filter(read_at__isnull=True) if unread_only else found


def preference(user: AnyUser) -> Preference | None:
    """The user's saved way of being told, None when they never chose (the default applies)."""
    if not user.is_authenticated:
        return None
    return Preference.objects.filter(user_id=user.pk).first()


@dataclass(frozen=True)
class RoundReminders:
    day: date
    event: str
    label: str
    people: int
    reporters: int


def round_reminders(round_: Round) -> list[RoundReminders]:
    """What the round's reminders told, by day and kind: shown on the round."""
    labels = dict(Event.choices)
    rows = (
        Notification.objects.filter(round=round_)
        .annotate(day=TruncDate("created_at"))
        .values("day", "event")
        .annotate(people=Count("user", distinct=True), reporters=Count("key", distinct=True))
        .order_by("-day", "event")
    )
    return [
        RoundReminders(
            r["day"],
            r["event"],
            str(labels.get(r["event"], r["event"])),
            r["people"],
            r["reporters"],
        )
        for r in rows
    ]

import secrets
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from vitreem.core.audit import audit_record

from .access import Action, require
from .models import ApiToken, Membership, User, hash_token

# Refresh last_used_at at most this often, so that reads do not write on every request.
_LAST_USED_GRANULARITY = timedelta(minutes=5)


def token_issue(*, user: User) -> str:
    """A new bearer token for the user; the raw value is returned once and never stored."""
    raw = secrets.token_urlsafe(32)
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=user,
            digest=hash_token(raw),
            expires_at=timezone.now() + settings.API_TOKEN_TTL,
        )
        audit_record(actor=user, action="token.issue", target=token)
    return raw


def token_authenticate(raw: str) -> User | None:
    """The active user a valid, unexpired token belongs to, or None."""
    token = (
        ApiToken.objects.select_related("user")
        .filter(digest=hash_token(raw), expires_at__gt=timezone.now(), user__is_active=True)
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > _LAST_USED_GRANULARITY:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


def membership_set_sensitive(*, actor: User, membership: Membership, allowed: bool) -> Membership:
    """Grant or withdraw a member's right to see children's sensitive data in the unit and below:
    the unit's leaders decide, and the decision is recorded."""
    require(actor, Action.MANAGE, membership.unit)
    with transaction.atomic():
        membership.sensitive_data = allowed
        membership.save(update_fields=["sensitive_data", "updated_at"])
        audit_record(
            actor=actor,
            action="membership.sensitive_data",
            target=membership,
            unit=membership.unit,
            data={"user": membership.user.username, "allowed": allowed},
        )
    return membership

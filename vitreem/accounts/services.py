import secrets
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from vitreem.core.audit import audit_record

from .access import require_oversight
from .models import ApiToken, Membership, User, hash_token
from .notify import notify_unit_leaders

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
    """Grant or withdraw a member's right to see children's sensitive data in the unit and below.

    A second person decides: a leader of the unit or of a unit above, never the member for
    themselves (withdrawing one's own right is allowed: it only narrows access). The unit's
    leaders are told of every change, so a grant cannot pass unseen."""
    unit = membership.unit
    require_oversight(actor, unit)
    if allowed and membership.user_id == actor.pk:
        raise PermissionDenied(
            _(
                "Bạn không thể tự cho phép mình xem dữ liệu nhạy cảm của trẻ em; "
                "một lãnh đạo khác của đơn vị hoặc lãnh đạo cấp trên phải cho phép."
            )
        )
    if membership.sensitive_data == allowed:
        return membership
    with transaction.atomic():
        membership.sensitive_data = allowed
        membership.save(update_fields=["sensitive_data", "updated_at"])
        notified = notify_unit_leaders(
            unit=unit,
            subject=_("[vitreem] Thay đổi quyền xem dữ liệu nhạy cảm của trẻ em — %(unit)s")
            % {"unit": unit.name},
            body=(
                _(
                    "%(actor)s đã cho phép %(member)s xem dữ liệu nhạy cảm của trẻ em "
                    "của %(unit)s và các đơn vị trực thuộc."
                )
                if allowed
                else _(
                    "%(actor)s đã thu hồi quyền xem dữ liệu nhạy cảm của trẻ em "
                    "của %(member)s tại %(unit)s."
                )
            )
            % {"actor": actor, "member": membership.user, "unit": unit.name}
            + "\n\n"
            + _("Nếu thay đổi này không đúng, hãy báo ngay cho quản trị viên."),
        )
        audit_record(
            actor=actor,
            action="membership.sensitive_data",
            target=membership,
            unit=unit,
            data={"user": membership.user.username, "allowed": allowed, "notified": notified},
        )
    return membership

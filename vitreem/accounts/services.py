import secrets
import unicodedata
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext as _

from vitreem.core.audit import audit_record

from .access import require_oversight
from .models import ApiToken, Membership, User, hash_token, password_fingerprint
from .notify import notify_unit_leaders

# Refresh last_used_at at most this often, so that reads do not write on every request.
_LAST_USED_GRANULARITY = timedelta(minutes=1)


def token_issue(*, user: User, name: str = "") -> str:
    """A new bearer token for the user; the raw value is returned once and never stored.

    A user holds at most settings.API_TOKENS_PER_USER live tokens: issuing one more revokes the
    oldest. Issuing needs the password, so whoever asks is the owner; refusing instead would
    leave the owner without API access because of tokens forgotten in old scripts."""
    raw = secrets.token_urlsafe(32)
    now = timezone.now()
    fingerprint = password_fingerprint(user)
    with transaction.atomic():
        # One issuance at a time per user, so that two parallel logins cannot exceed the cap.
        User.objects.select_for_update().filter(pk=user.pk).first()
        # Expired tokens and those of an earlier password no longer open anything: drop them.
        user.api_tokens.filter(
            Q(expires_at__lte=now) | ~Q(password_fingerprint=fingerprint)
        ).delete()
        live = list(user.api_tokens.order_by("created_at", "pk"))
        for old in live[: max(0, len(live) - settings.API_TOKENS_PER_USER + 1)]:
            _token_delete(actor=user, token=old, reason="limit")
        token = ApiToken(
            user=user,
            name=unicodedata.normalize("NFC", name).strip(),
            digest=hash_token(raw),
            password_fingerprint=fingerprint,
            expires_at=now + settings.API_TOKEN_TTL,
        )
        token.full_clean()
        token.save()
        audit_record(actor=user, action="token.issue", target=token, data={"name": token.name})
    return raw


def token_authenticate(raw: str) -> ApiToken | None:
    """The live token of an active user for the raw value, or None. A token dies with the
    password it was issued under."""
    token = (
        ApiToken.objects.select_related("user")
        .filter(digest=hash_token(raw), expires_at__gt=timezone.now(), user__is_active=True)
        .first()
    )
    if token is None or not constant_time_compare(
        token.password_fingerprint, password_fingerprint(token.user)
    ):
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= _LAST_USED_GRANULARITY:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token


def _token_delete(*, actor: User, token: ApiToken, reason: str) -> None:
    audit_record(
        actor=actor,
        action="token.revoke",
        target=token,
        data={"user": token.user.username, "name": token.name, "reason": reason},
    )
    token.delete()


def token_revoke(*, actor: User, token: ApiToken, reason: str = "owner") -> None:
    """Revoke one token: by its owner (their list, or signing out of the API) or by an
    administrator."""
    if token.user_id != actor.pk and not actor.is_superuser:
        raise PermissionDenied(_("Bạn chỉ thu hồi được mã truy cập của chính mình."))
    with transaction.atomic():
        _token_delete(actor=actor, token=token, reason=reason)


def token_revoke_all(*, actor: User, user: User) -> int:
    """Revoke every token of the user; the number revoked."""
    if user.pk != actor.pk and not actor.is_superuser:
        raise PermissionDenied(_("Bạn chỉ thu hồi được mã truy cập của chính mình."))
    with transaction.atomic():
        count, _deleted = user.api_tokens.all().delete()
        audit_record(
            actor=actor,
            action="token.revoke_all",
            target=user,
            data={"user": user.username, "count": count},
        )
    return count


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


# One reset mail per address in this many seconds: asking again floods nobody's mailbox.
PASSWORD_RESET_INTERVAL = 15 * 60


def password_reset_request(*, email: str) -> int:
    """Queue a reset mail to each active account of this address (usually one). Nothing tells
    the asker whether an account exists; returns how many mails were queued, for tests."""
    from django.core.cache import cache

    from .tasks import send_password_reset

    address = unicodedata.normalize("NFC", email.strip()).casefold()
    users = [
        u
        for u in User.objects.filter(email__iexact=address, is_active=True)
        if u.has_usable_password()
    ]
    key = "password-reset:" + hash_token(address)
    if not users or not cache.add(key, 1, PASSWORD_RESET_INTERVAL):
        return 0
    for user in users:
        # Nothing is written here that the job must wait for: queue it at once.
        send_password_reset.enqueue(user.pk)
    return len(users)


def password_reset_done(*, user: User) -> None:
    """Record a password chosen through a reset link (the old API tokens die with it)."""
    audit_record(actor=user, action="account.password_reset", target=user)

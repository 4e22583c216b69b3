import secrets
import unicodedata
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext as _

from vitreem.core.audit import audit_record
from vitreem.core.text import nfc, text_problem
from vitreem.units.models import AdministrativeUnit, Agency

from .access import Action, require, require_oversight
from .models import (
    AgencyMembership,
    ApiToken,
    Membership,
    Role,
    User,
    hash_token,
    password_fingerprint,
)
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
    the asker whether an account exists; returns how many mails were queued, for tests.

    An account a leader made (member_add) whose owner never chose a password, the first link
    having expired, gets a new invitation."""
    from django.core.cache import cache

    from .tasks import send_password_reset

    address = unicodedata.normalize("NFC", email.strip()).casefold()
    users = [
        u
        for u in User.objects.filter(email__iexact=address, is_active=True)
        if u.has_usable_password() or _invited(u)
    ]
    key = "password-reset:" + hash_token(address)
    if not users or not cache.add(key, 1, PASSWORD_RESET_INTERVAL):
        return 0
    for user in users:
        # Nothing is written here that the job must wait for: queue it at once.
        send_password_reset.enqueue(user.pk, invited=_invited(user))
    return len(users)


def _invited(user: User) -> bool:
    """Made without a password by a leader and never signed in: the owner has yet to choose one."""
    return not user.has_usable_password() and user.last_login is None


def password_reset_done(*, user: User) -> None:
    """Record a password chosen through a reset link (the old API tokens die with it)."""
    audit_record(actor=user, action="account.password_reset", target=user)


# --- members of a unit and of its agencies ------------------------------------------------------

AnyMembership = Membership | AgencyMembership


def _clean_text(value: str, *, field: str, max_length: int) -> str:
    text = nfc(value)
    if problem := text_problem(text):
        raise ValidationError({field: problem})
    if len(text) > max_length:
        raise ValidationError(
            {field: _("Dài quá %(n)s ký tự.") % {"n": max_length}}, code="max_length"
        )
    return text


def clean_username(value: str) -> str:
    """A username as the accounts keep it: NFC, no spaces around, Django's own rule of letters,
    digits and @ . + - _ within 150 characters."""
    username = _clean_text(value, field="username", max_length=150)
    if not username:
        raise ValidationError({"username": _("Hãy nhập tên đăng nhập.")}, code="required")
    field = User._meta.get_field("username")
    try:
        for validator in field.validators:
            validator(username)
    except ValidationError:
        raise ValidationError(
            {
                "username": _(
                    "Tên đăng nhập chỉ gồm chữ, chữ số và các ký tự @ . + - _, "
                    "tối đa 150 ký tự, ví dụ congan.backan."
                )
            },
            code="invalid",
        ) from None
    return username


def clean_email(value: str) -> str:
    """An e-mail address: NFC, lower case as password reset looks it up, Django's validator."""
    email = _clean_text(value, field="email", max_length=254).casefold()
    try:
        validate_email(email)
    except ValidationError:
        raise ValidationError(
            {"email": _("Địa chỉ thư điện tử không hợp lệ, ví dụ: ten@ubnd.gov.vn.")},
            code="invalid",
        ) from None
    return email


def _place(unit: AdministrativeUnit, agency: Agency | None) -> str:
    from vitreem.units.names import agency_full_name

    return agency_full_name(agency) if agency is not None else unit.name


def _tell_members_change(*, unit: AdministrativeUnit, text: str, subject: str) -> list[str]:
    return notify_unit_leaders(
        unit=unit,
        subject=subject,
        body=text + "\n\n" + _("Nếu thay đổi này không đúng, hãy báo ngay cho quản trị viên."),
    )


def member_add(
    *,
    actor: User,
    unit: AdministrativeUnit,
    agency: Agency | None = None,
    username: str,
    full_name: str = "",
    email: str = "",
    role: str,
) -> AnyMembership:
    """Give a person a role in the unit, or in one of the unit's agencies; a leader of the unit
    decides. A username not yet known becomes a new account without a password, whose owner is
    mailed a link to choose one; a known one keeps its name, address and password.

    Nobody changes their own roles, and a new member never sees children's sensitive data by
    being added: that takes a second person (membership_set_sensitive). The unit's leaders are
    told of every addition."""
    require(actor, Action.MANAGE, unit)
    if agency is not None and agency.unit_id != unit.pk:
        raise ValidationError({"agency": _("Cơ quan này không thuộc đơn vị.")})
    if role not in Role.values:
        raise ValidationError({"role": _("Vai trò không hợp lệ.")})
    username = clean_username(username)
    full_name = _clean_text(full_name, field="full_name", max_length=150)
    try:
        with transaction.atomic():
            user = User.objects.select_for_update().filter(username__iexact=username).first()
            created = user is None
            if user is None:
                if not email.strip():
                    raise ValidationError(
                        {"email": _("Tài khoản mới cần địa chỉ thư điện tử để đặt mật khẩu.")}
                    )
                address = clean_email(email)
                if not full_name:
                    raise ValidationError(
                        {"full_name": _("Hãy nhập họ và tên của người dùng mới.")}
                    )
                if User.objects.filter(email__iexact=address).exists():
                    raise ValidationError(
                        {
                            "email": _(
                                "Địa chỉ thư điện tử này đã dùng cho một tài khoản khác; "
                                "hãy nhập tên đăng nhập của tài khoản đó."
                            )
                        }
                    )
                user = User(username=username, full_name=full_name, email=address)
                user.set_unusable_password()
                user.full_clean()
                user.save()
            elif user.pk == actor.pk:
                raise PermissionDenied(_("Bạn không thể tự thay đổi vai trò của chính mình."))
            membership: AnyMembership
            if agency is None:
                if Membership.objects.filter(user=user, unit=unit).exists():
                    raise ValidationError(
                        _("%(user)s đã là thành viên của %(place)s.")
                        % {"user": user.username, "place": unit.name}
                    )
                membership = Membership.objects.create(
                    user=user, unit=unit, role=role, sensitive_data=False
                )
            else:
                if AgencyMembership.objects.filter(user=user, agency=agency).exists():
                    raise ValidationError(
                        _("%(user)s đã là thành viên của %(place)s.")
                        % {"user": user.username, "place": _place(unit, agency)}
                    )
                membership = AgencyMembership.objects.create(user=user, agency=agency, role=role)
            place = _place(unit, agency)
            notified = _tell_members_change(
                unit=unit,
                subject=_("[vitreem] Thêm người dùng — %(place)s") % {"place": place},
                text=_("%(actor)s đã thêm %(member)s (%(username)s) làm %(role)s của %(place)s.")
                % {
                    "actor": actor,
                    "member": user,
                    "username": user.username,
                    "role": Role(role).label.lower(),
                    "place": place,
                },
            )
            audit_record(
                actor=actor,
                action="membership.add",
                target=membership,
                unit=unit,
                data={
                    "user": user.username,
                    "role": role,
                    "agency": place if agency is not None else None,
                    "created": created,
                    "notified": notified,
                },
            )
            if created:
                from .tasks import send_password_reset

                user_id = user.pk
                # The link is made once the account is saved, by the job's worker.
                transaction.on_commit(lambda: send_password_reset.enqueue(user_id, invited=True))
    except IntegrityError as error:
        # Another leader added the same person, or made the same account, at the same moment.
        raise ValidationError(
            _("%(user)s vừa được người khác thêm hoặc tạo; hãy tải lại trang và kiểm tra.")
            % {"user": username}
        ) from error
    return membership


def member_remove(*, actor: User, membership: AnyMembership) -> None:
    """Take a person's role in the unit or in one of its agencies away; a leader of the unit
    decides, never about their own role. The account stays (it may hold other roles); the unit's
    leaders are told."""
    agency = membership.agency if isinstance(membership, AgencyMembership) else None
    unit = agency.unit if agency is not None else membership.unit  # type: ignore[union-attr]
    require(actor, Action.MANAGE, unit)
    if membership.user_id == actor.pk:
        raise PermissionDenied(_("Bạn không thể tự thay đổi vai trò của chính mình."))
    user = membership.user
    place = _place(unit, agency)
    with transaction.atomic():
        notified = _tell_members_change(
            unit=unit,
            subject=_("[vitreem] Gỡ người dùng — %(place)s") % {"place": place},
            text=_("%(actor)s đã gỡ %(member)s (%(username)s) khỏi %(place)s.")
            % {"actor": actor, "member": user, "username": user.username, "place": place},
        )
        audit_record(
            actor=actor,
            action="membership.remove",
            target=membership,
            unit=unit,
            data={
                "user": user.username,
                "role": membership.role,
                "agency": place if agency is not None else None,
                "notified": notified,
            },
        )
        membership.delete()

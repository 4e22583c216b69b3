from django.contrib.auth import authenticate
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status

from vitreem.accounts.access import memberships
from vitreem.accounts.models import User

from .services import token_issue

router = Router(tags=["Tài khoản"])


class TokenIn(Schema):
    username: str
    password: str


class TokenOut(Schema):
    token: str


class Message(Schema):
    detail: str


@router.post(
    "/auth/token",
    auth=None,
    response={200: TokenOut, 401: Message, 429: Message},
    summary="Lấy mã truy cập",
)
def issue_token(request: HttpRequest, payload: TokenIn) -> Status[dict[str, str]]:
    # A locked-out user gets None here; django-axes' middleware then answers 429
    # (vitreem.accounts.lockout).
    user = authenticate(request, username=payload.username, password=payload.password)
    if not isinstance(user, User) or not user.is_active:
        return Status(401, {"detail": _("Tên đăng nhập hoặc mật khẩu không đúng.")})
    return Status(200, {"token": token_issue(user=user)})


class MembershipOut(Schema):
    unit_code: str
    unit_name: str
    unit_valid_from: str
    role: str
    role_label: str


class MeOut(Schema):
    username: str
    full_name: str
    is_superuser: bool
    memberships: list[MembershipOut]


@router.get("/me", response=MeOut, summary="Người dùng hiện tại và vai trò")
def me(request: HttpRequest) -> dict[str, object]:
    user = request.user
    assert isinstance(user, User)
    return {
        "username": user.username,
        "full_name": user.full_name,
        "is_superuser": user.is_superuser,
        "memberships": [
            {
                "unit_code": m.unit.code,
                "unit_name": m.unit.name,
                "unit_valid_from": m.unit.valid_from.isoformat(),
                "role": m.role,
                "role_label": str(m.get_role_display()),
            }
            for m in memberships(user)
        ],
    }

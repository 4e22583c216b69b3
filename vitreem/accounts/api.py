from datetime import datetime

from django.contrib.auth import authenticate
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from vitreem.accounts.access import agency_memberships, memberships
from vitreem.accounts.models import TOKEN_NAME_MAX_LENGTH, ApiToken, User, hash_token
from vitreem.core.api import ErrorOut

from .selectors import my_token_or_404, my_tokens
from .services import token_issue, token_revoke, token_revoke_all

router = Router(tags=["Tài khoản"])


class TokenIn(Schema):
    username: str = Field(max_length=150)
    password: str = Field(max_length=4096)
    name: str = Field(
        "",
        max_length=TOKEN_NAME_MAX_LENGTH,
        description="Tên gợi nhớ của mã (ví dụ tên máy hay chương trình dùng nó), tùy chọn.",
    )


class TokenOut(Schema):
    token: str
    id: int
    expires_at: datetime


class TokenInfoOut(Schema):
    id: int
    name: str
    created_at: datetime
    last_used_at: datetime | None
    expires_at: datetime
    current: bool = Field(description="Mã đang dùng cho chính yêu cầu này.")


class RevokedOut(Schema):
    revoked: int


def _me(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def _calling_token(request: HttpRequest) -> ApiToken | None:
    token = getattr(request, "api_token", None)
    return token if isinstance(token, ApiToken) else None


@router.post(
    "/auth/token",
    auth=None,
    response={200: TokenOut, 401: ErrorOut, 429: ErrorOut},
    summary="Lấy mã truy cập",
)
def issue_token(request: HttpRequest, payload: TokenIn) -> Status[dict[str, object]]:
    # A locked-out or slowed-down user gets None here; django-axes' middleware then answers 429
    # (vitreem.accounts.lockout).
    user = authenticate(request, username=payload.username, password=payload.password)
    if not isinstance(user, User) or not user.is_active:
        return Status(401, {"detail": _("Tên đăng nhập hoặc mật khẩu không đúng.")})
    raw = token_issue(user=user, name=payload.name)
    token = my_tokens(user).get(digest=hash_token(raw))
    return Status(200, {"token": raw, "id": token.pk, "expires_at": token.expires_at})


@router.get("/auth/tokens", response=list[TokenInfoOut], summary="Các mã truy cập của tôi")
def list_tokens(request: HttpRequest) -> list[dict[str, object]]:
    calling = _calling_token(request)
    return [
        {
            "id": t.pk,
            "name": t.name,
            "created_at": t.created_at,
            "last_used_at": t.last_used_at,
            "expires_at": t.expires_at,
            "current": calling is not None and t.pk == calling.pk,
        }
        for t in my_tokens(_me(request))
    ]


@router.delete(
    "/auth/tokens/{token_id}",
    response={204: None, 404: ErrorOut},
    summary="Thu hồi một mã truy cập của tôi",
)
def revoke_token(request: HttpRequest, token_id: int) -> Status[None]:
    user = _me(request)
    token_revoke(actor=user, token=my_token_or_404(user, token_id))
    return Status(204, None)


@router.delete("/auth/tokens", response=RevokedOut, summary="Thu hồi mọi mã truy cập của tôi")
def revoke_all_tokens(request: HttpRequest) -> dict[str, int]:
    user = _me(request)
    return {"revoked": token_revoke_all(actor=user, user=user)}


@router.post(
    "/auth/logout",
    response={204: None, 400: ErrorOut},
    summary="Đăng xuất: thu hồi mã truy cập đang dùng",
)
def logout(request: HttpRequest) -> Status[dict[str, str] | None]:
    token = _calling_token(request)
    if token is None:
        return Status(
            400,
            {
                "detail": _(
                    "Yêu cầu này không dùng mã truy cập nên không có mã nào để thu hồi; "
                    "trình duyệt đăng xuất ở trang Đăng xuất."
                )
            },
        )
    token_revoke(actor=_me(request), token=token, reason="logout")
    return Status(204, None)


class MembershipOut(Schema):
    unit_code: str
    unit_name: str
    unit_valid_from: str
    role: str
    role_label: str


class AgencyMembershipOut(Schema):
    agency_id: int
    agency_name: str
    unit_code: str
    unit_name: str
    role: str
    role_label: str


class MeOut(Schema):
    username: str
    full_name: str
    is_superuser: bool
    memberships: list[MembershipOut]
    agency_memberships: list[AgencyMembershipOut]


@router.get("/me", response=MeOut, summary="Người dùng hiện tại và vai trò")
def me(request: HttpRequest) -> dict[str, object]:
    user = _me(request)
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
        "agency_memberships": [
            {
                "agency_id": am.agency_id,
                "agency_name": am.agency.name,
                "unit_code": am.agency.unit.code,
                "unit_name": am.agency.unit.name,
                "role": am.role,
                "role_label": str(am.get_role_display()),
            }
            for am in agency_memberships(user)
        ],
    }

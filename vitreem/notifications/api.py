from datetime import datetime

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from pydantic import StrictBool

from vitreem.accounts.access import get_round_for_user
from vitreem.accounts.models import User
from vitreem.core.api import Pagination, paginate
from vitreem.core.bounds import RecordId

from . import selectors, services

router = Router(tags=["Thông báo"])


class NotificationItem(Schema):
    id: int
    event: str
    text: str
    link: str
    created: datetime
    read: datetime | None


class InboxOut(Schema):
    unread: int
    count: int
    items: list[NotificationItem]


class InboxFilters(Pagination):
    unread_only: bool = Field(False, description="Chỉ thông báo chưa đọc")


class ReadIn(Schema):
    ids: list[RecordId] = Field(default_factory=list, max_length=500)
    all: StrictBool = Field(False, description="Đánh dấu mọi thông báo đã đọc")


class ReadOut(Schema):
    marked: int
    unread: int


class RemindOut(Schema):
    reporters: int = Field(..., description="Số đơn vị báo cáo được nhắc (có người nhận)")
    told: int = Field(..., description="Số thông báo mới gửi (0 nếu hôm nay đã nhắc)")
    without_staff: list[str] = Field(..., description="Đơn vị chưa nộp nhưng chưa có tài khoản")


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


@router.get("/notifications", response=InboxOut, summary="Hộp thông báo của bạn")
def inbox(request: HttpRequest, filters: Query[InboxFilters]) -> dict[str, object]:
    user = _user(request)
    found = selectors.inbox(user, unread_only=filters.unread_only)
    return {
        "unread": selectors.unread_count(user),
        "count": found.count(),
        "items": [
            {
                "id": n.pk,
                "event": n.event,
                "text": n.text,
                "link": n.link,
                "created": n.created_at,
                "read": n.read_at,
            }
            for n in paginate(found, filters)
        ],
    }


@router.post("/notifications/read", response=ReadOut, summary="Đánh dấu thông báo đã đọc")
def read(request: HttpRequest, payload: ReadIn) -> dict[str, int]:
    user = _user(request)
    marked = services.mark_read(user=user, ids=None if payload.all else payload.ids)
    return {"marked": marked, "unread": selectors.unread_count(user)}


@router.post(
    "/rounds/{round_id}/remind",
    response=RemindOut,
    summary="Nhắc nộp: nhắc mọi đơn vị chưa nộp báo cáo của đợt (mỗi ngày một lần)",
)
def remind(request: HttpRequest, round_id: int) -> dict[str, object]:
    user = _user(request)
    round_ = get_round_for_user(user, round_id)
    done = services.round_remind(actor=user, round_=round_)
    return {"reporters": done.reporters, "told": done.told, "without_staff": done.without_staff}

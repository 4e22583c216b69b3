from datetime import datetime

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from pydantic import StrictBool, StrictInt

from vitreem.accounts.access import get_round_for_user
from vitreem.accounts.models import User
from vitreem.core.api import Pagination, paginate
from vitreem.core.bounds import RecordId

from . import selectors, services
from .models import Event, MailMode

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


class EventChoice(Schema):
    event: str
    label: str


class PreferenceOut(Schema):
    mail: str = Field(
        ...,
        description="each: một thư cho mỗi thông báo; digest: một thư tổng hợp mỗi ngày; "
        "none: không gửi thư, chỉ báo trong hệ thống",
    )
    muted: list[str] = Field(..., description="Các sự kiện không báo")
    events: list[EventChoice] = Field(..., description="Mọi sự kiện có thể báo")


class PreferenceIn(Schema):
    mail: MailMode
    muted: list[Event] = Field(default_factory=list, description="Các sự kiện không báo")


class ReminderSettingsIn(Schema):
    remind_days: list[StrictInt] = Field(
        ...,
        description=f"Nhắc trước hạn nộp bao nhiêu ngày: tối đa 5 số, 0–{services.REMIND_DAYS_MAX}",
    )
    escalate_after: StrictInt = Field(
        ...,
        description=f"Báo lãnh đạo cấp trên sau bao nhiêu ngày quá hạn: 1–"
        f"{services.ESCALATE_AFTER_MAX}",
    )


class ReminderSettingsOut(Schema):
    remind_days: list[int]
    escalate_after: int


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


def _preference_out(user: User) -> dict[str, object]:
    saved = selectors.preference(user)
    return {
        "mail": saved.mail if saved else MailMode.EACH,
        "muted": saved.muted if saved else [],
        "events": [{"event": value, "label": str(label)} for value, label in Event.choices],
    }


@router.get(
    "/notifications/preferences",
    response=PreferenceOut,
    summary="Cách nhận thông báo của bạn: sự kiện nào, thư từng thông báo, thư tổng hợp hay không",
)
def get_preference(request: HttpRequest) -> dict[str, object]:
    return _preference_out(_user(request))


@router.put("/notifications/preferences", response=PreferenceOut, summary="Đổi cách nhận thông báo")
def put_preference(request: HttpRequest, payload: PreferenceIn) -> dict[str, object]:
    user = _user(request)
    services.preference_save(
        user=user, mail=payload.mail, muted=[str(event) for event in payload.muted]
    )
    return _preference_out(user)


@router.put(
    "/rounds/{round_id}/reminders",
    response=ReminderSettingsOut,
    summary="Lịch nhắc hạn của đợt báo cáo (đơn vị nhận báo cáo)",
)
def put_reminder_settings(
    request: HttpRequest, round_id: int, payload: ReminderSettingsIn
) -> dict[str, object]:
    user = _user(request)
    round_ = services.round_reminder_settings(
        actor=user,
        round_=get_round_for_user(user, round_id),
        days=payload.remind_days,
        escalate_after=payload.escalate_after,
    )
    return {"remind_days": round_.remind_days, "escalate_after": round_.escalate_after}


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

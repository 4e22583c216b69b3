"""The demo's agency members — the ward's police and health station, each carrying tasks of
the ward's 2026 plan — and the inboxes of the personas added with them, dated as the events
they tell of."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.urls import reverse

from vitreem.accounts.models import AgencyMembership, User
from vitreem.notifications.models import Event, Notification
from vitreem.notifications.services import tell
from vitreem.plans.models import Plan, Task
from vitreem.units.models import AdministrativeUnit, Agency
from vitreem.units.names import agency_full_name, committee, unit_phrase
from vitreem.units.selectors import unit_by_code
from vitreem.units.services import agency_create

from .personas import AGENCY_PERSONAS, CITY_PLAN_KEY, DEMO_PASSWORD, PRE_REFORM_DAY, WARD_PLAN_KEY

VN = ZoneInfo("Asia/Ho_Chi_Minh")


def _d(day: date) -> str:
    return day.strftime("%d/%m/%Y")


def _unit(code: str, as_of: date) -> AdministrativeUnit:
    unit = unit_by_code(code, as_of)
    assert unit is not None, f"demo unit {code} missing"
    return unit


def demo_agency_members(admin: User) -> int:
    """The agency personas with their password and role; an agency the standard list did not
    make is created as a leader would. Running it again changes nothing."""
    for persona in AGENCY_PERSONAS:
        unit = _unit(persona.unit_code, persona.as_of)
        agency = Agency.objects.filter(unit=unit, name=persona.agency_name).first()
        if agency is None:
            agency = agency_create(
                actor=admin, unit=unit, name=persona.agency_name, kind=persona.agency_kind
            )
        user, _ = User.objects.update_or_create(
            username=persona.username,
            defaults={"full_name": persona.full_name, "position": persona.position},
        )
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
        AgencyMembership.objects.update_or_create(
            user=user, agency=agency, defaults={"role": persona.role}
        )
    return len(AGENCY_PERSONAS)


@dataclass(frozen=True)
class _Entry:
    when: datetime
    event: str
    text: str
    link: str = ""


def _put(user: User, entries: list[_Entry]) -> int:
    """The entries in the user's inbox, each once (its key names the persona and its place in
    the list), dated when it happened."""
    told = 0
    for index, entry in enumerate(entries):
        key = f"demo:{user.username}:{index}"
        told += tell([user], event=entry.event, key=key, text=entry.text, link=entry.link)
        Notification.objects.filter(user=user, key=key).update(created_at=entry.when)
    return told


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), VN)


def _short(text: str, words: int = 14) -> str:
    parts = text.rstrip(".").split()
    return " ".join(parts[:words]) + ("…" if len(parts) > words else "")


def _agency_entries(user: User, agency: Agency, added_by: User, added_on: date) -> list[_Entry]:
    """Added to the agency; the ward's plan gives it tasks; one task comes due, another is late."""
    name = agency_full_name(agency)
    entries = [
        _Entry(
            _at(added_on, 9, 30),
            Event.ACCOUNT,
            f"{added_by} ({added_by.position}) đã thêm bạn làm cán bộ nhập liệu của {name} "
            f"ngày {_d(added_on)}: bạn thấy và cập nhật các nhiệm vụ, báo cáo, kế hoạch của "
            f"{name}.",
            reverse("plans:my_tasks"),
        )
    ]
    plan = Plan.objects.filter(key=WARD_PLAN_KEY, status="issued").first()
    if plan is None or plan.issued_on is None:
        return entries
    tasks = list(
        Task.objects.filter(assignment__plan=plan, assignment__assignee_agency=agency).order_by(
            "due_on", "assignment__order", "order"
        )
    )
    if not tasks:
        return entries
    entries.append(
        _Entry(
            _at(plan.issued_on, 15),
            Event.TASK_ASSIGNED,
            f"{committee(plan.issuer_unit)} giao {name} {len(tasks)} nhiệm vụ tại Kế hoạch số "
            f"{plan.number_text} ngày {_d(plan.issued_on)} “{plan.title}”.",
            reverse("plans:my_tasks"),
        )
    )
    dated = [t for t in tasks if t.due_on is not None]
    if dated:
        first = dated[0]
        assert first.due_on is not None
        entries.append(
            _Entry(
                _at(first.due_on - timedelta(days=3), 7),
                Event.TASK_DUE,
                f"Còn 3 ngày đến hạn {_d(first.due_on)}: “{_short(first.text)}”.",
                reverse("plans:progress", args=[first.pk]),
            )
        )
    if len(dated) > 1:
        late = dated[1]
        assert late.due_on is not None
        entries.append(
            _Entry(
                _at(late.due_on + timedelta(days=1), 7),
                Event.TASK_OVERDUE,
                f"Nhiệm vụ “{_short(late.text)}” đã quá hạn 1 ngày (hạn {_d(late.due_on)}) mà "
                f"chưa có báo cáo tiến độ.",
                reverse("plans:progress", args=[late.pk]),
            )
        )
    return entries


def _song_cau_leader_entries(leader: User) -> list[_Entry]:
    """Sông Cầu's leader in 2021: the city's plan to implement, the ward's draft to sign."""
    ward = _unit("01837", PRE_REFORM_DAY)
    entries = [
        _Entry(
            _at(date(2021, 5, 4), 8),
            Event.ACCOUNT,
            f"Quản trị hệ thống đã giao bạn vai trò lãnh đạo của {unit_phrase(ward)} ngày "
            "04/05/2021: bạn duyệt báo cáo, ký ban hành kế hoạch và quản lý người dùng của phường.",
            reverse("units:members", args=[ward.code]) + "?as_of=01/06/2021",
        )
    ]
    city_plan = Plan.objects.filter(key=CITY_PLAN_KEY).first()
    if city_plan is None:
        return entries
    # The city plan's number and date are not known (its file leaves them empty): the notice
    # names what is, dated a week before the ward's plan was drafted.
    told_on = city_plan.issued_on or date(2021, 5, 14)
    number = (
        f" số {city_plan.number_text} ngày {_d(city_plan.issued_on)}"
        if city_plan.number and city_plan.issued_on
        else ""
    )
    entries.append(
        _Entry(
            _at(told_on, 16),
            Event.PLAN_TO_DERIVE,
            f"{committee(city_plan.issuer_unit)} đã ban hành Kế hoạch{number} “{city_plan.title}” "
            f"(nhận ngày {_d(told_on)}): {unit_phrase(ward)} xây dựng kế hoạch của phường để "
            "triển khai.",
            reverse("plans:detail", args=[city_plan.pk]),
        )
    )
    derived = Plan.objects.filter(parent=city_plan, issuer_unit=ward).first()
    if derived is not None:
        entries.append(
            _Entry(
                _at(date(2021, 5, 21), 10, 15),
                Event.PLAN_TO_DERIVE,
                f"Công chức Văn hóa - Xã hội đã soạn xong dự thảo “{derived.title}” ngày "
                "21/05/2021; đề nghị lãnh đạo phường xem xét, ký ban hành trước ngày 25/05/2021.",
                reverse("plans:detail", args=[derived.pk]),
            )
        )
    return entries


def demo_inboxes() -> int:
    """The inboxes of the agency personas and of Sông Cầu's leader; the new entries' count."""
    told = 0
    for persona in AGENCY_PERSONAS:
        user = User.objects.get(username=persona.username)
        unit = _unit(persona.unit_code, persona.as_of)
        agency = Agency.objects.get(unit=unit, name=persona.agency_name)
        added_by = User.objects.get(username=persona.added_by)
        told += _put(user, _agency_entries(user, agency, added_by, persona.added_on))
    leader = User.objects.filter(username="lanhdao.songcau").first()
    if leader is not None:
        told += _put(leader, _song_cau_leader_entries(leader))
    return told

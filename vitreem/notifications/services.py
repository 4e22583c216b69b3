"""Telling people: the inbox entries, their mails, the reminders of deadlines and "nhắc nộp".

Every notification is written with the key of its cause (see models); a second scan, a worker
restarted mid-run, or a second press of "Nhắc nộp" the same day tells nobody twice.
"""

import logging
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from vitreem.accounts.access import Action, require
from vitreem.accounts.models import AgencyMembership, Membership, Role, User
from vitreem.core.audit import audit_record
from vitreem.reporting.models import Round, Submission, SubmissionStatus

from .models import Event, MailMode, Notification, Preference

if TYPE_CHECKING:
    from vitreem.plans.models import Plan, Task, TaskProgress

log = logging.getLogger(__name__)

BATCH = 2000


REMIND_DAYS_MAX = 60
ESCALATE_AFTER_MAX = 30
OUTSTANDING = (SubmissionStatus.DRAFT, SubmissionStatus.RETURNED)


def _d(day: date) -> str:
    return day.strftime("%d/%m/%Y")


def _muted(user_ids: Iterable[int], event: str) -> set[int]:
    """The users among these who chose not to be told of the event."""
    return {
        user_id
        for user_id, muted in Preference.objects.filter(user_id__in=list(user_ids)).values_list(
            "user_id", "muted"
        )
        if event in (muted or [])
    }


@dataclass(frozen=True)
class Notice:
    """One notification to write: to whom, of what cause, saying what."""

    user_id: int
    event: str
    key: str
    text: str
    link: str = ""
    round_id: int | None = None


def deliver(notices: Sequence[Notice]) -> int:
    """Write the notices (each once per user and key; muted events left out) and, after the
    commit, mail those who want a mail each. Returns how many were new."""
    if not notices:
        return 0
    muted: set[tuple[int, str]] = set()
    for event in {n.event for n in notices}:
        muted |= {(u, event) for u in _muted({n.user_id for n in notices}, event)}
    wanted = [n for n in notices if (n.user_id, n.event) not in muted]
    present: set[tuple[int, str]] = set()
    for start in range(0, len(wanted), BATCH):
        chunk = wanted[start : start + BATCH]
        present |= set(
            Notification.objects.filter(key__in={n.key[:120] for n in chunk}).values_list(
                "user_id", "key"
            )
        )
    fresh = [n for n in wanted if (n.user_id, n.key[:120]) not in present]
    seen: set[tuple[int, str]] = set()
    rows = []
    for n in fresh:
        if (n.user_id, n.key) in seen:
            continue
        seen.add((n.user_id, n.key))
        rows.append(
            Notification(
                user_id=n.user_id,
                event=n.event,
                key=n.key[:120],
                text=n.text,
                link=n.link,
                round_id=n.round_id,
            )
        )
    # A concurrent run may have written some meanwhile: the unique key keeps one of each.
    Notification.objects.bulk_create(rows, batch_size=BATCH, ignore_conflicts=True)
    if rows:
        transaction.on_commit(_enqueue_mails)
    return len(rows)


def _enqueue_mails() -> None:
    from .tasks import send_mails

    try:
        send_mails.enqueue()
    except Exception:  # the notices are saved; their mails go with the next run
        log.exception("Could not queue the notification mails")


def tell(
    users: Iterable[User],
    *,
    event: str,
    key: str,
    text: str,
    link: str = "",
    round_: Round | None = None,
) -> int:
    return deliver(
        [
            Notice(u.pk, event, key, text, link, round_.pk if round_ else None)
            for u in users
            if u.is_active
        ]
    )


# --- who is told -----------------------------------------------------------------------------


def _members(
    agencies: bool, ids: Iterable[int], roles: Sequence[str]
) -> dict[str, dict[int, list[int]]]:
    """Per role, per unit (or agency), the user ids of its active members, read in batches."""
    found: dict[str, dict[int, list[int]]] = {role: defaultdict(list) for role in roles}
    model: type[Membership] | type[AgencyMembership] = AgencyMembership if agencies else Membership
    field = "agency_id" if agencies else "unit_id"
    wanted = list(set(ids))
    for start in range(0, len(wanted), BATCH):
        for owner_id, user_id, role in model.objects.filter(
            **{f"{field}__in": wanted[start : start + BATCH]},
            role__in=roles,
            user__is_active=True,
        ).values_list(field, "user_id", "role"):
            found[role][owner_id].append(user_id)
    return found


def _officers_else_leaders(agencies: bool, ids: Iterable[int]) -> dict[int, list[int]]:
    wanted = set(ids)
    found = _members(agencies, wanted, (Role.OFFICER, Role.LEADER))
    officers, leaders = found[Role.OFFICER], found[Role.LEADER]
    return {i: officers.get(i) or leaders.get(i, []) for i in wanted}


def _staff(unit_ids: Iterable[int]) -> dict[int, list[int]]:
    """Per unit, the users who enter its reports: its officers, or its leaders where it has no
    officer."""
    return _officers_else_leaders(False, unit_ids)


def _agency_staff(agency_ids: Iterable[int]) -> dict[int, list[int]]:
    """Per agency, its officers, or its leaders where it has no officer."""
    return _officers_else_leaders(True, agency_ids)


def _reporters_staff(
    pairs: Sequence[tuple[int, int | None]],
) -> dict[tuple[int, int | None], list[int]]:
    """Per (unit, agency) reporter, the users who enter its report or act on its task: the
    agency's own members when it has any, else the unit's staff."""
    units = _staff(unit_id for unit_id, _agency in pairs)
    agencies = _agency_staff(agency for _unit, agency in pairs if agency is not None)
    return {
        (unit_id, agency): (agencies.get(agency) if agency is not None else None)
        or units.get(unit_id, [])
        for unit_id, agency in pairs
    }


def _leaders(unit_ids: Iterable[int]) -> dict[int, list[int]]:
    return _members(False, unit_ids, (Role.LEADER,))[Role.LEADER]


def _reporter(submission: Submission) -> str:
    return submission.reporter_name


def _links(viewname: str) -> Callable[[int], str]:
    """The link to an object by its id, resolved once for a scan's many notices."""
    sample = 987654321
    template = reverse(viewname, args=[sample])
    return lambda pk: template.replace(str(sample), str(pk))


def _submission_link(submission: Submission) -> str:
    return reverse("reporting:submission", args=[submission.pk])


# --- reports ---------------------------------------------------------------------------------


def report_decided(submission: Submission, event: str) -> int:
    """Tell the reporter's staff that their report was approved, returned (with the reason) or
    reopened; called inside the decision's transaction."""
    title = submission.round.title
    if event == Event.REPORT_APPROVED:
        text = _("Báo cáo “%(round)s” của %(reporter)s đã được duyệt.")
    elif event == Event.REPORT_REOPENED:
        text = _("Báo cáo “%(round)s” của %(reporter)s được mở lại để sửa. Lý do: %(reason)s")
    else:
        text = _("Báo cáo “%(round)s” của %(reporter)s bị trả lại. Lý do: %(reason)s")
    text = text % {
        "round": title,
        "reporter": _reporter(submission),
        "reason": submission.return_reason,
    }
    reporter = (submission.unit_id, submission.agency_id)
    staff = _reporters_staff([reporter])[reporter]
    stamp = int(timezone.now().timestamp())
    return deliver(
        [
            Notice(
                user_id,
                event,
                f"{event}:{submission.pk}:{stamp}",
                text,
                _submission_link(submission),
                submission.round_id,
            )
            for user_id in staff
        ]
    )


def _reminder_text(submission: Submission, today: date) -> str:
    deadline = submission.deadline
    if deadline is None or deadline >= today:
        return _(
            "Nhắc nộp: báo cáo “%(round)s” của %(reporter)s chưa được gửi; hạn nộp %(deadline)s."
        ) % {
            "round": submission.round.title,
            "reporter": _reporter(submission),
            "deadline": _d(deadline) if deadline else _("chưa định"),
        }
    return _(
        "Nhắc nộp: báo cáo “%(round)s” của %(reporter)s đã quá hạn %(days)s ngày (hạn "
        "%(deadline)s); hãy gửi ngay."
    ) % {
        "round": submission.round.title,
        "reporter": _reporter(submission),
        "days": (today - deadline).days,
        "deadline": _d(deadline),
    }


def round_outstanding(round_: Round) -> list[Submission]:
    """The reports of the round not yet sent (missing, late, or returned and not sent again)."""
    return list(
        round_.submissions.filter(status__in=OUTSTANDING)
        .select_related("round", "unit", "agency")
        .order_by("unit__name_folded", "agency_id")
    )


@dataclass
class Reminded:
    reporters: int  # reporters with someone to tell
    told: int  # notifications written now (none for those already reminded today)
    without_staff: list[str]  # reporters with no account to tell


def round_remind(*, actor: User, round_: Round, today: date | None = None) -> Reminded:
    """ "Nhắc nộp": one reminder to the staff of every reporter that has not sent its report,
    once a day; recorded on the round and in the audit trail."""
    require(actor, Action.ENTER, round_.receiving_unit)
    today = today or timezone.localdate()
    with transaction.atomic():
        outstanding = round_outstanding(round_)
        staff = _reporters_staff([(s.unit_id, s.agency_id) for s in outstanding])
        notices = []
        reached = 0
        without: list[str] = []
        for submission in outstanding:
            people = staff[(submission.unit_id, submission.agency_id)]
            if not people:
                without.append(_reporter(submission))
                continue
            reached += 1
            text = _reminder_text(submission, today)
            key = f"{Event.REPORT_REMINDER}:{submission.pk}:{today.isoformat()}"
            notices += [
                Notice(
                    u,
                    Event.REPORT_REMINDER,
                    key,
                    text,
                    _submission_link(submission),
                    round_.pk,
                )
                for u in people
            ]
        told = deliver(notices)
        audit_record(
            actor=actor,
            action="round.remind",
            target=round_,
            unit=round_.receiving_unit,
            data={"reporters": reached, "told": told, "without_staff": len(without)},
        )
    return Reminded(reached, told, without)


def round_reminder_settings(
    *, actor: User, round_: Round, days: Sequence[int], escalate_after: int
) -> Round:
    """The days before the deadline on which the round's reporters are reminded, and after how
    many days of lateness the unit above is told."""
    require(actor, Action.ENTER, round_.receiving_unit)
    cleaned = sorted({int(d) for d in days}, reverse=True)
    errors: dict[str, str] = {}
    if len(cleaned) > 5 or any(d < 0 or d > REMIND_DAYS_MAX for d in cleaned):
        errors["remind_days"] = _(
            "Ngày nhắc là tối đa 5 số từ 0 đến %(max)s (số ngày trước hạn nộp)."
        ) % {"max": REMIND_DAYS_MAX}
    if not 1 <= escalate_after <= ESCALATE_AFTER_MAX:
        errors["escalate_after"] = _(
            "Số ngày quá hạn trước khi báo cấp trên phải từ 1 đến %(max)s."
        ) % {"max": ESCALATE_AFTER_MAX}
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        before = (round_.remind_days, round_.escalate_after)
        round_.remind_days = cleaned
        round_.escalate_after = escalate_after
        round_.save(update_fields=["remind_days", "escalate_after", "updated_at"])
        audit_record(
            actor=actor,
            action="round.reminders",
            target=round_,
            unit=round_.receiving_unit,
            data={"before": list(before), "after": [cleaned, escalate_after]},
        )
    return round_


@dataclass
class ScanResult:
    due: int = 0
    late: int = 0
    escalated: int = 0

    def as_dict(self) -> dict[str, int]:
        return {"due": self.due, "late": self.late, "escalated": self.escalated}


def scan_reports(today: date) -> ScanResult:
    """The reminders of report deadlines for the day: to each outstanding reporter's staff on
    the round's days before the deadline; on the first day late to them and the reporting
    unit's leaders; after the round's days of lateness to the leaders of the unit above."""
    result = ScanResult()
    window = Q(deadline__gte=today - timedelta(days=ESCALATE_AFTER_MAX + 1)) & Q(
        deadline__lte=today + timedelta(days=REMIND_DAYS_MAX)
    )
    outstanding = (
        Submission.objects.filter(window, status__in=OUTSTANDING)
        .select_related("round", "unit", "agency")
        .order_by("pk")
    )
    last = 0
    while True:
        batch = list(outstanding.filter(pk__gt=last)[:BATCH])
        if not batch:
            return result
        last = batch[-1].pk
        with transaction.atomic():
            _scan_batch(batch, today, result)


def _scan_batch(batch: list[Submission], today: date, result: ScanResult) -> None:
    staff = _reporters_staff([(s.unit_id, s.agency_id) for s in batch])
    leaders = _leaders(
        [s.unit_id for s in batch] + [s.unit.parent_id for s in batch if s.unit.parent_id]
    )
    due: list[Notice] = []
    late: list[Notice] = []
    escalated: list[Notice] = []
    link_to = _links("reporting:submission")
    for s in batch:
        deadline = s.deadline
        if deadline is None:
            continue
        offset = (deadline - today).days
        values = {
            "round": s.round.title,
            "reporter": _reporter(s),
            "deadline": _d(deadline),
            "days": abs(offset),
        }
        link = link_to(s.pk)
        if offset >= 0 and offset in (s.round.remind_days or []):
            text = (
                _("Hôm nay là hạn nộp báo cáo “%(round)s” của %(reporter)s.") % values
                if offset == 0
                else _(
                    "Còn %(days)s ngày đến hạn nộp báo cáo “%(round)s” của %(reporter)s "
                    "(hạn %(deadline)s)."
                )
                % values
            )
            key = f"{Event.REPORT_DUE}:{s.pk}:{offset}:{deadline.isoformat()}"
            due += [
                Notice(u, Event.REPORT_DUE, key, text, link, s.round_id)
                for u in staff[(s.unit_id, s.agency_id)]
            ]
        elif offset < 0:
            text = (
                _(
                    "Báo cáo “%(round)s” của %(reporter)s đã quá hạn %(days)s ngày "
                    "(hạn %(deadline)s)."
                )
                % values
            )
            key = f"{Event.REPORT_LATE}:{s.pk}:{deadline.isoformat()}"
            people = {*staff[(s.unit_id, s.agency_id)], *leaders.get(s.unit_id, [])}
            late += [Notice(u, Event.REPORT_LATE, key, text, link, s.round_id) for u in people]
            if -offset > s.round.escalate_after and s.unit.parent_id:
                text = (
                    _(
                        "Báo cáo “%(round)s” của %(reporter)s (thuộc quyền quản lý của đơn vị) đã "
                        "quá hạn %(days)s ngày (hạn %(deadline)s)."
                    )
                    % values
                )
                key = f"report_escalated:{s.pk}:{deadline.isoformat()}"
                escalated += [
                    Notice(u, Event.REPORT_LATE, key, text, link, s.round_id)
                    for u in leaders.get(s.unit.parent_id, [])
                ]
    result.due += deliver(due)
    result.late += deliver(late)
    result.escalated += deliver(escalated)


# --- tasks -----------------------------------------------------------------------------------

TASK_REMIND_DAYS = (7, 3, 1)
TASK_LATE_WINDOW = 30  # a scan missed for days still tells of a task that fell overdue


def scan_tasks(today: date) -> ScanResult:
    """The reminders of the day for the open tasks of issued plans given to a unit or an
    agency: to those who act on the task 7, 3 and 1 days before it is due; once it is overdue,
    to them and the leaders of the unit."""
    from vitreem.plans.models import PlanStatus, Task, TaskStatus

    result = ScanResult()
    open_tasks = (
        Task.objects.filter(
            assignment__plan__status=PlanStatus.ISSUED,
            due_on__gte=today - timedelta(days=TASK_LATE_WINDOW),
            due_on__lte=today + timedelta(days=max(TASK_REMIND_DAYS)),
        )
        .exclude(status__in=(TaskStatus.DONE, TaskStatus.CANNOT_DO))
        .filter(
            Q(assignment__assignee_unit__isnull=False)
            | Q(assignment__assignee_agency__isnull=False)
        )
        .select_related("assignment__plan", "assignment__assignee_agency")
        .only(
            "text",
            "due_on",
            "assignment__assignee_label",
            "assignment__assignee_unit_id",
            "assignment__assignee_agency__unit_id",
            "assignment__plan__number",
            "assignment__plan__symbol",
        )
        .order_by("pk")
    )
    last = 0
    while True:
        batch = list(open_tasks.filter(pk__gt=last)[:BATCH])
        if not batch:
            return result
        last = batch[-1].pk
        with transaction.atomic():
            _scan_task_batch(batch, today, result)


def _task_actor(task: "Task") -> tuple[int, int | None]:
    assignment = task.assignment
    if assignment.assignee_agency_id:
        return assignment.assignee_agency.unit_id, assignment.assignee_agency_id  # type: ignore[union-attr]
    return assignment.assignee_unit_id, None  # type: ignore[return-value]


def _scan_task_batch(batch: list["Task"], today: date, result: ScanResult) -> None:
    actors = [_task_actor(t) for t in batch]
    staff = _reporters_staff(actors)
    leaders = _leaders(unit_id for unit_id, _agency in actors)
    due: list[Notice] = []
    late: list[Notice] = []
    link_to = _links("plans:progress")
    due_text = _(
        "Còn %(days)s ngày đến hạn nhiệm vụ của %(assignee)s theo Kế hoạch số %(plan)s "
        "(hạn %(due)s): %(task)s"
    )
    late_text = _(
        "Nhiệm vụ của %(assignee)s theo Kế hoạch số %(plan)s đã quá hạn %(days)s ngày "
        "(hạn %(due)s): %(task)s"
    )
    for task, actor in zip(batch, actors, strict=True):
        assert task.due_on is not None
        offset = (task.due_on - today).days
        plan = task.assignment.plan
        values = {
            "task": task.text if len(task.text) <= 160 else task.text[:159] + "…",
            "assignee": task.assignment.assignee_label,
            "plan": plan.number_text,
            "due": _d(task.due_on),
            "days": abs(offset),
        }
        link = link_to(task.pk)
        if offset in TASK_REMIND_DAYS:
            text = due_text % values
            key = f"{Event.TASK_DUE}:{task.pk}:{offset}:{task.due_on.isoformat()}"
            due += [Notice(u, Event.TASK_DUE, key, text, link) for u in staff[actor]]
        elif offset < 0:
            text = late_text % values
            key = f"{Event.TASK_OVERDUE}:{task.pk}:{task.due_on.isoformat()}"
            people = {*staff[actor], *leaders.get(actor[0], [])}
            late += [Notice(u, Event.TASK_OVERDUE, key, text, link) for u in people]
    result.due += deliver(due)
    result.late += deliver(late)


# --- the inbox -------------------------------------------------------------------------------


def mark_read(*, user: User, ids: Iterable[int] | None = None) -> int:
    """Mark the user's notifications read (these, or all); another user's ids change nothing."""
    unread = Notification.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        unread = unread.filter(pk__in=list(ids))
    return unread.update(read_at=timezone.now())


def preference_save(*, user: User, mail: str, muted: Iterable[str]) -> Preference:
    """The user's own choice of how to be told (recorded in the audit trail)."""
    if mail not in MailMode.values:
        raise ValidationError({"mail": _("Cách nhận thư không hợp lệ.")})
    chosen = sorted(set(muted))
    unknown = [e for e in chosen if e not in Event.values]
    if unknown:
        raise ValidationError({"muted": _("Sự kiện không có trong danh sách.")})
    with transaction.atomic():
        preference, _created = Preference.objects.update_or_create(
            user=user, defaults={"mail": mail, "muted": chosen}
        )
        audit_record(
            actor=user,
            action="notifications.preference",
            target=preference,
            data={"mail": mail, "muted": chosen},
        )
    return preference


# --- mail ------------------------------------------------------------------------------------


def _mail_text(user: User, notifications: Sequence[Notification]) -> str:
    site = settings.SITE_URL.rstrip("/")
    lines = [_("Kính gửi %(name)s,") % {"name": user.get_full_name() or user.username}, ""]
    for n in notifications:
        stamp = timezone.localtime(n.created_at).strftime("%d/%m/%Y %H:%M")
        lines.append(f"- {stamp}: {n.text}")
        if n.link:
            lines.append(f"  {site}{n.link}")
    lines += ["", _("Hộp thư thông báo: %(url)s") % {"url": site + reverse("notifications:inbox")}]
    lines += [
        _("Đổi cách nhận thông báo: %(url)s") % {"url": site + reverse("notifications:settings")}
    ]
    return "\n".join(lines)


def send_pending_mails(*, since: timedelta = timedelta(days=2)) -> int:
    """Mail each notification not yet mailed to the users who want a mail each; rows are taken
    under a lock that other workers skip, and marked in the transaction that sends them."""
    sent = 0
    each = Q(user__notification_preference__isnull=True) | Q(
        user__notification_preference__mail=MailMode.EACH
    )
    while True:
        with transaction.atomic():
            batch = list(
                Notification.objects.filter(
                    each, mailed_at__isnull=True, created_at__gte=timezone.now() - since
                )
                .exclude(user__email="")
                .select_related("user")
                .select_for_update(skip_locked=True, of=("self",))
                .order_by("pk")[:200]
            )
            if not batch:
                return sent
            messages = [
                EmailMessage(
                    _("[vitreem] %(text)s") % {"text": n.text[:90]},
                    _mail_text(n.user, [n]),
                    settings.DEFAULT_FROM_EMAIL,
                    [n.user.email],
                )
                for n in batch
            ]
            get_connection().send_messages(messages)  # a failure rolls back: sent next run
            Notification.objects.filter(pk__in=[n.pk for n in batch]).update(
                mailed_at=timezone.now()
            )
            sent += len(batch)


def send_digests(today: date) -> int:
    """One mail a day to each user who asked for a digest: the notifications of the day before
    and since the last digest, still unread."""
    sent = 0
    for preference in (
        Preference.objects.filter(mail=MailMode.DIGEST)
        .filter(Q(digest_sent_on__isnull=True) | Q(digest_sent_on__lt=today))
        .exclude(user__email="")
        .select_related("user")
    ):
        with transaction.atomic():
            locked = (
                Preference.objects.select_for_update(skip_locked=True)
                .filter(pk=preference.pk)
                .filter(Q(digest_sent_on__isnull=True) | Q(digest_sent_on__lt=today))
                .first()
            )
            if locked is None:
                continue  # another worker sends it
            pending = list(
                Notification.objects.filter(
                    user_id=preference.user_id, mailed_at__isnull=True, read_at__isnull=True
                ).order_by("created_at")[:100]
            )
            if pending:
                get_connection().send_messages(
                    [
                        EmailMessage(
                            _("[vitreem] %(n)s thông báo mới") % {"n": len(pending)},
                            _mail_text(preference.user, pending),
                            settings.DEFAULT_FROM_EMAIL,
                            [preference.user.email],
                        )
                    ]
                )
                Notification.objects.filter(pk__in=[n.pk for n in pending]).update(
                    mailed_at=timezone.now()
                )
                sent += 1
            locked.digest_sent_on = today
            locked.save(update_fields=["digest_sent_on"])
    return sent


# --- plans -----------------------------------------------------------------------------------


def plan_issued(plan: "Plan") -> int:
    """An issued plan reaches the units right below its issuer: their staff are told that a plan
    from above waits to be implemented by a plan of their own."""
    from vitreem.plans.models import PlanStatus
    from vitreem.units.models import AdministrativeUnit, in_force_on
    from vitreem.units.names import agency_full_name, committee

    if plan.status != PlanStatus.ISSUED or plan.amends_id or plan.issued_on is None:
        return 0
    below = list(
        AdministrativeUnit.objects.filter(
            in_force_on(plan.issued_on), parent_id=plan.issuer_unit_id
        ).values_list("pk", flat=True)
    )
    if not below:
        return 0
    text = _(
        "%(issuer)s ban hành Kế hoạch số %(number)s ngày %(day)s “%(title)s”: hãy xây dựng kế "
        "hoạch của đơn vị để triển khai."
    ) % {
        "issuer": agency_full_name(plan.issuer_agency)
        if plan.issuer_agency
        else committee(plan.issuer_unit),
        "number": plan.number_text,
        "day": _d(plan.issued_on),
        "title": plan.title,
    }
    link = reverse("plans:detail", args=[plan.pk])
    staff = _staff(below)
    return deliver(
        [
            Notice(user_id, Event.PLAN_TO_DERIVE, f"{Event.PLAN_TO_DERIVE}:{plan.pk}", text, link)
            for unit_id in below
            for user_id in staff.get(unit_id, [])
        ]
    )


# --- tasks -----------------------------------------------------------------------------------


def _agency_people(agency_ids: Iterable[int]) -> dict[int, list[int]]:
    """Per agency, its officers and leaders (agency memberships)."""
    found = _members(True, agency_ids, (Role.OFFICER, Role.LEADER))
    people: dict[int, list[int]] = defaultdict(list)
    for by_agency in found.values():
        for agency_id, users in by_agency.items():
            people[agency_id] += users
    return people


def _unit_officers(unit_ids: Iterable[int]) -> dict[int, list[int]]:
    return _members(False, unit_ids, (Role.OFFICER,))[Role.OFFICER]


def _due_text(due: date | None) -> str:
    return _("hạn %(day)s") % {"day": _d(due)} if due else _("chưa định hạn")


def tasks_given(plan: "Plan") -> int:
    """An issued plan gives its tasks: each to the people who act on it are told — for a task
    given to an agency its officers and leaders and the officers of its unit, for one given to
    a unit that unit's staff, for one given to the agencies of the issuer as a group the
    officers and leaders of each of them. Called inside the issuing transaction."""
    from vitreem.plans.models import AssigneeGroup, PlanStatus, Task
    from vitreem.units.models import Agency
    from vitreem.units.names import agency_full_name, committee

    if plan.status != PlanStatus.ISSUED or plan.issued_on is None:
        return 0
    tasks = list(
        Task.objects.filter(assignment__plan=plan)
        .select_related("assignment__assignee_agency")
        .order_by("assignment__order", "order")
    )
    group_agencies = list(
        Agency.objects.filter(unit_id=plan.issuer_unit_id).values_list("pk", flat=True)
    )
    agency_ids = {
        t.assignment.assignee_agency_id for t in tasks if t.assignment.assignee_agency_id
    } | set(group_agencies)
    agency_people = _agency_people(agency_ids)
    agency_units = dict(Agency.objects.filter(pk__in=agency_ids).values_list("pk", "unit_id"))
    officers = _unit_officers(agency_units.values())
    staff = _staff(t.assignment.assignee_unit_id for t in tasks if t.assignment.assignee_unit_id)
    issuer = (
        agency_full_name(plan.issuer_agency) if plan.issuer_agency else committee(plan.issuer_unit)
    )
    notices = []
    for task in tasks:
        assignment = task.assignment
        if assignment.assignee_agency_id:
            agency_id = assignment.assignee_agency_id
            people = [*agency_people[agency_id], *officers[agency_units[agency_id]]]
        elif assignment.assignee_unit_id:
            people = staff.get(assignment.assignee_unit_id, [])
        elif assignment.assignee_group == AssigneeGroup.AGENCIES:
            people = [u for a in group_agencies for u in agency_people[a]]
        else:
            continue  # given to nobody (the issuer confirmed it): nobody to tell
        text = _(
            "%(issuer)s giao nhiệm vụ “%(task)s” cho %(assignee)s theo Kế hoạch số %(number)s "
            "ngày %(day)s (%(due)s)."
        ) % {
            "issuer": issuer,
            "task": task.text[:200],
            "assignee": assignment.assignee_label,
            "number": plan.number_text,
            "day": _d(plan.issued_on),
            "due": _due_text(task.due_on),
        }
        link = reverse("plans:progress", args=[task.pk])
        key = f"{Event.TASK_ASSIGNED}:{task.pk}"
        notices += [Notice(u, Event.TASK_ASSIGNED, key, text, link) for u in set(people)]
    return deliver(notices)


def task_part_reported(progress: "TaskProgress") -> int:
    """A cooperating agency reported its part of a task: the lead is told — the officers of the
    unit the task is given to, or, for a task given to the agencies of a unit as a group, the
    officers and leaders of its lead agency for children's work. Called inside the report's
    transaction."""
    from vitreem.accounts.access import task_unit
    from vitreem.units.models import Agency

    task = progress.task
    assignment = task.assignment
    unit = task_unit(task)
    if unit is not None:
        people = _staff([unit.pk])[unit.pk]
    else:
        leads = Agency.objects.filter(
            unit_id=assignment.plan.issuer_unit_id, is_lead_for_children=True
        ).values_list("pk", flat=True)
        found = _agency_people(leads)
        people = [u for a in leads for u in found[a]]
    people = [u for u in set(people) if u != progress.created_by_id]
    if not people:
        return 0
    text = _(
        "%(reporter)s báo cáo phần phối hợp nhiệm vụ “%(task)s” (Kế hoạch số %(number)s) ngày "
        "%(day)s: %(status)s.%(note)s"
    ) % {
        "reporter": progress.agency.name if progress.agency else str(progress.created_by),
        "task": task.text[:200],
        "number": assignment.plan.number_text,
        "day": _d(timezone.localdate(progress.created_at)),
        "status": progress.get_status_display(),
        "note": f" {progress.note[:300]}" if progress.note else "",
    }
    link = reverse("plans:progress", args=[task.pk])
    key = f"{Event.TASK_COMMENT}:{progress.pk}"
    return deliver([Notice(u, Event.TASK_COMMENT, key, text, link) for u in people])

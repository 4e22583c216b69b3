"""Demo reporting rounds: Bắc Kạn city 2021 (pre-reform) and Thái Nguyên 2026 (two-tier).

Values are made up but plausible, drawn from a seeded generator so every load gives the same
figures; a few reports are late, one is returned with a reason, one is missing.
"""

import random
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from vitreem.accounts.models import User
from vitreem.children.prefill import prefill_apply, proposals
from vitreem.notifications.models import Notification
from vitreem.notifications.services import scan_reports
from vitreem.reporting.models import ReportForm, Round, Submission
from vitreem.reporting.services import (
    round_create,
    submission_approve,
    submission_return,
    submission_save,
    submission_submit,
)
from vitreem.reporting.validation import Cells
from vitreem.units.selectors import unit_by_code

VN = ZoneInfo("Asia/Ho_Chi_Minh")
TABLE_2 = ("gifts_", "scholarships_", "medical_")  # the columns of table 2, support to children

# Typical sizes of one reporting unit's Action Month figures: (low, high) per column.
RANGES = {
    "works_new": (0, 1),
    "works_upgraded": (0, 2),
    "budget_state": (2_000_000, 30_000_000),
    "budget_mobilised": (1_000_000, 50_000_000),
    "gifts_children": (10, 120),
    "scholarships_children": (0, 15),
    "medical_children": (0, 40),
    "participation_activities": (1, 6),
    "participation_children": (30, 300),
    "forums": (0, 1),
    "forums_children": (20, 60),
    "camps": (0, 2),
    "camps_children": (30, 150),
    "recreation_activities": (1, 8),
    "recreation_children": (50, 400),
}
COST_PER_CHILD = {"gifts_cost": 150_000, "scholarships_cost": 1_000_000, "medical_cost": 500_000}
COUNT_OF = {
    "gifts_cost": "gifts_children",
    "scholarships_cost": "scholarships_children",
    "medical_cost": "medical_children",
}


def demo_values(rng: random.Random) -> Cells:
    cells: Cells = {}
    for code, (low, high) in RANGES.items():
        value = rng.randint(low, high)
        cells[(code, "", "")] = value - value % 1000 if code.startswith("budget") else value
    for cost, count in COUNT_OF.items():
        children = cells[(count, "", "")] or 0
        total = children * COST_PER_CHILD[cost]
        state = total * rng.randint(30, 70) // 100
        cells[(cost, "", "state")] = state - state % 1000
        cells[(cost, "", "mobilised")] = (total - state) - (total - state) % 1000
    if not cells[("forums", "", "")]:
        cells[("forums_children", "", "")] = 0
    if not cells[("camps", "", "")]:
        cells[("camps_children", "", "")] = 0
    return cells


def _file(admin: User, submission: Submission, when: datetime, rng: random.Random) -> None:
    cells = demo_values(rng)
    registry = proposals(submission)
    if registry:
        # A reporter the registry knows: table 2 is what its support records say.
        cells = {key: value for key, value in cells.items() if not key[0].startswith(TABLE_2)}
    submission_save(actor=admin, submission=submission, cells=cells, source="demo")
    if registry:
        prefill_apply(actor=admin, submission=submission, accepted={p.key for p in registry})
    submission_submit(actor=admin, submission=submission)
    Submission.objects.filter(pk=submission.pk).update(submitted_at=when)


def _round(
    admin: User, code: str, as_of: date, title: str, deadlines: dict[str, str]
) -> Round | None:
    if Round.objects.filter(title=title).exists():
        return None
    unit = unit_by_code(code, as_of)
    assert unit is not None
    return round_create(
        actor=admin,
        form=ReportForm.objects.get(code="action-month-result"),
        receiving_unit=unit,
        title=title,
        period_kind="campaign",
        period_start=date(as_of.year, 6, 1),
        period_end=date(as_of.year, 6, 30),
        deadlines=deadlines,
    )


# The mornings of July 2026 on which the daily scan told the Thái Nguyên round's reporters:
# 7, 3 and 1 days before the communes' deadline (20/07), the day after it, and the day the
# province's leaders were told of the communes still missing.
SCAN_DAYS = [date(2026, 7, d) for d in (13, 17, 19, 21, 24)]


def demo_reminders(round_: Round) -> int:
    """The inbox as the July scans left it, each notice dated its morning (only once)."""
    if Notification.objects.filter(round=round_).exists():
        return 0
    told = 0
    for day in SCAN_DAYS:
        before = set(Notification.objects.filter(round=round_).values_list("pk", flat=True))
        told += sum(scan_reports(day).as_dict().values())
        Notification.objects.filter(round=round_).exclude(pk__in=before).update(
            created_at=datetime.combine(day, time(7), VN)
        )
    return told


def demo_rounds(admin: User) -> int:
    made = 0
    rng = random.Random(2021)  # noqa: S311  (made-up demo figures, the same at every load)
    city = _round(
        admin,
        "058",
        date(2021, 6, 1),
        "Kết quả Tháng hành động vì trẻ em năm 2021 — thành phố Bắc Kạn",
        {"agency": "2021-07-03", "commune": "2021-07-03"},
    )
    if city is not None:
        made += 1
        subs = list(
            city.submissions.select_related("unit", "agency").order_by("agency_id", "unit__code")
        )
        for index, sub in enumerate(subs):
            if sub.unit.code == "01852":  # Xã Nông Thượng has not reported
                continue
            late = index % 7 == 3
            day = date(2021, 7, 5) if late else date(2021, 7, 1 + index % 3)
            _file(admin, sub, datetime.combine(day, time(9 + index % 6, 15), VN), rng)
            if sub.unit.code == "01846":  # Phường Huyền Tụng: returned for a correction
                submission_return(
                    actor=admin,
                    submission=sub,
                    reason="Bảng 2 thiếu kinh phí khám, chữa bệnh theo nguồn.",
                )
            elif index % 2 == 0:
                submission_approve(actor=admin, submission=sub)
    tn = _round(
        admin,
        "19",
        date(2026, 6, 1),
        "Kết quả Tháng hành động vì trẻ em năm 2026 — tỉnh Thái Nguyên",
        {"agency": "2026-07-15", "commune": "2026-07-20"},
    )
    if tn is not None:
        made += 1
        subs = list(tn.submissions.select_related("unit").order_by("agency_id", "unit__code"))
        for index, sub in enumerate(subs[: len(subs) * 2 // 3]):
            if sub.unit.code == "01843" and sub.agency_id is None:
                continue  # phường Bắc Kạn's own report waits for canbo.backan to enter it
            late = index % 9 == 4
            day = date(2026, 7, 22) if late else date(2026, 7, 10 + index % 8)
            _file(admin, sub, datetime.combine(day, time(8 + index % 8, 30), VN), rng)
        demo_reminders(tn)
    made += _half_year_round(admin, rng)
    return made


def half_year_values(rng: random.Random) -> Cells:
    """A commune's children in special circumstances over a half-year, and its indicators."""
    cells: Cells = {}
    for group, (low, high) in HALF_YEAR_GROUPS.items():
        start = rng.randint(low, high)
        new = rng.randint(0, max(1, high // 4))
        left = rng.randint(0, min(start, max(1, high // 5)))
        for column, value in zip(
            ("at_start", "new", "left", "at_end"),
            (start, new, left, start + new - left),
            strict=True,
        ):
            cells[(column, group, "")] = value
    under_six = rng.randint(300, 900)
    cells[("indicator_total", "insurance_under6", "")] = under_six
    cells[("indicator_achieved", "insurance_under6", "")] = under_six - rng.randint(0, 6)
    cells[("indicator_total", "child_friendly", "")] = 1
    cells[("indicator_achieved", "child_friendly", "")] = rng.randint(0, 1)
    return cells


# Typical numbers of a commune's children per group (points of Article 10): (low, high).
HALF_YEAR_GROUPS = {
    "a": (0, 3),
    "b": (0, 1),
    "c": (1, 8),
    "d": (5, 30),
    "dd": (0, 1),
    "e": (0, 2),
    "g": (0, 1),
    "h": (0, 4),
    "i": (0, 2),
    "k": (0, 1),
    "l": (0, 2),
    "m": (0, 1),
    "n": (1, 6),
    "o": (0, 1),
}


def _half_year_round(admin: User, rng: random.Random) -> int:
    """The 2026 half-year child-protection round of Thái Nguyên (Decree 09/2019 window,
    15/12/2025–14/06/2026), half of its communes filed; phường Bắc Kạn's waits for its officer,
    who fills it from the registry."""
    title = "Báo cáo 6 tháng đầu năm 2026 công tác bảo vệ, chăm sóc trẻ em — tỉnh Thái Nguyên"
    if Round.objects.filter(title=title).exists():
        return 0
    province = unit_by_code("19", date(2026, 6, 1))
    assert province is not None
    round_ = round_create(
        actor=admin,
        form=ReportForm.objects.get(code="special-circumstances"),
        receiving_unit=province,
        title=title,
        period_kind="half_year",
        period_start=date(2025, 12, 15),
        period_end=date(2026, 6, 14),
        deadlines={"agency": "2026-06-15", "commune": "2026-06-15"},
    )
    communes = list(
        round_.submissions.filter(agency=None).select_related("unit").order_by("unit__code")
    )
    for index, sub in enumerate(communes[::2]):
        if sub.unit.code == "01843":
            continue
        registry = proposals(sub)
        if any(p.value for p in registry):
            prefill_apply(actor=admin, submission=sub, accepted={p.key for p in registry})
        else:
            submission_save(actor=admin, submission=sub, cells=half_year_values(rng), source="demo")
        submission_submit(actor=admin, submission=sub)
        day = date(2026, 6, 10 + index % 7)
        Submission.objects.filter(pk=sub.pk).update(
            submitted_at=datetime.combine(day, time(8 + index % 8, 0), VN)
        )
    return 1

"""Demo registry and funds: synthetic children (never real people) in the demo communes of both
eras, their circumstances and the support they received in the 2021 and 2026 Action Months and at
Mid-Autumn, and two children's funds with donors, norms and payments.

Drawn from a seeded generator, so every load gives the same records; running it again adds
nothing. The demo's report values for these communes are then filled from these records.
"""

import random
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import yaml

from vitreem.accounts.models import User
from vitreem.children import catalogue
from vitreem.children.models import Child, DisabilityLevel
from vitreem.children.services import (
    ChildData,
    SupportData,
    age_on,
    birthday,
    child_register,
    circumstance_add,
    consent_record,
    last_day_as_child,
    support_record_add,
)
from vitreem.fund.models import Fund
from vitreem.fund.services import (
    DisbursementData,
    disbursement_record,
    donation_record,
    donor_add,
    fund_create,
    fund_support_child,
    norm_decision_add,
)
from vitreem.units.models import AdministrativeUnit, Agency
from vitreem.units.selectors import unit_by_code, unit_children

NAMES = yaml.safe_load(Path(__file__).with_name("data").joinpath("names.yaml").read_text("utf-8"))
DISABILITY = {
    "d1": DisabilityLevel.EXTREMELY_SEVERE,
    "d2": DisabilityLevel.SEVERE,
    "d3": DisabilityLevel.MILD,
}


# Who represents a child whose circumstances leave no parent to do it (Law on Children 2016
# Art. 10; Decree 56/2017 Art. 3–16; the Civil Code's guardianship): orphans of both parents,
# abandoned children, children with no one to rely on, migrant and refugee children without
# known parents or carer, those who left school with no carer and trafficked children in
# alternative care are represented by a guardian (the care facility's head, for one living
# there) or the relatives they live with, never by a parent. A trafficked child back with its
# parents is represented by a parent. Keyed by sub-group, then by group.
REPRESENTATIVES: dict[str, tuple[str, ...]] = {
    "a1": ("guardian",),
    "a2": ("guardian",),
    "a3": ("grandparent", "sibling", "relative"),
    "a4": ("guardian", "other"),
    "a": ("grandparent", "relative", "guardian"),
    "b1": ("guardian",),
    "b2": ("guardian", "other"),
    "b": ("guardian",),
    "c": ("grandparent", "relative", "guardian"),
    "o": ("guardian", "other"),
    "h1": ("guardian", "relative"),
    "m1": ("father", "mother"),
    "m2": ("guardian", "relative"),
}
# Everyone else: mostly a parent, sometimes a grandparent.
USUAL_REPRESENTATIVES = ("father", "mother", "mother", "grandparent")


def _representative(rng: random.Random, group: str, subgroup: str) -> str:
    """The relation of a child's legal representative that fits its circumstances. One draw
    whatever the group, so that the rest of the demo is drawn as before."""
    index = rng.randrange(len(USUAL_REPRESENTATIVES))
    drawn = USUAL_REPRESENTATIVES[index]
    fitting = REPRESENTATIVES.get(subgroup) or REPRESENTATIVES.get(group)
    if fitting is None or drawn in fitting:
        return drawn
    return fitting[index % len(fitting)]


@dataclass(frozen=True)
class Area:
    """A commune of the demo and how many children it registers, on which day."""

    unit: AdministrativeUnit
    children: int
    registered_on: date
    action_month: date  # 1 June of the Action Month whose support is recorded
    mid_autumn: date


def _pick(rng: random.Random, weights: dict[str, int]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _name(rng: random.Random, sex: str) -> str:
    return " ".join(
        (
            _pick(rng, NAMES["surnames"]),
            rng.choice(NAMES["middle"][sex]),
            rng.choice(NAMES["given"][sex]),
        )
    )


def _areas() -> list[Area]:
    old_day, new_day = date(2021, 6, 1), date(2026, 6, 1)
    areas = []
    city = unit_by_code("058", old_day)
    if city is not None:
        for commune in unit_children(city, old_day):
            size = 36 if commune.code == "01837" else 22
            areas.append(
                Area(commune, size, date(2021, 1, 15), date(2021, 6, 1), date(2021, 9, 21))
            )
    for code, size in (("01843", 60), ("05443", 30)):
        unit = unit_by_code(code, new_day)
        if unit is not None:
            areas.append(Area(unit, size, date(2025, 9, 1), date(2026, 6, 1), date(2025, 10, 6)))
    return areas


def _register(admin: User, area: Area, rng: random.Random) -> list[Child]:
    children = []
    for _ in range(area.children):
        sex = rng.choice(["male", "female"])
        born = area.registered_on - timedelta(days=rng.randint(200, 15 * 365))
        group = _pick(rng, NAMES["groups"]) if rng.random() < 0.8 else ""
        subgroup = ""
        if group and catalogue.groups()[group].subgroups:
            subgroup = rng.choice(catalogue.groups()[group].subgroups)[0]
        data = ChildData(
            full_name=_name(rng, sex),
            date_of_birth=born,
            sex=sex,
            ethnicity=_pick(rng, NAMES["ethnicities"]),
            address=f"Tổ {rng.randint(1, 18)}",
            representative_name=_name(rng, rng.choice(["male", "female"])),
            representative_relation=_representative(rng, group, subgroup),
            representative_phone=f"09{rng.randint(10_000_000, 99_999_999)}",
            disability_level=DISABILITY.get(subgroup, ""),
        )
        if age_on(born, area.registered_on) < 6:
            data.insurance_number = f"TE1{rng.randint(10, 99)}{rng.randint(10**9, 10**10 - 1)}"
            data.insurance_valid_to = birthday(born, 6) - timedelta(days=1)
        child = child_register(
            actor=admin, unit=area.unit, data=data, today=area.registered_on, allow_duplicate=True
        )
        children.append(child)
        if group:
            _circumstances(admin, child, group, subgroup, area, rng)
        if age_on(born, area.registered_on) >= 7 and rng.random() < 0.5:
            consent_record(
                actor=admin,
                child=child,
                purpose="registry",
                given_on=area.registered_on,
                representative_name=data.representative_name,
                child_agreed=True,
                today=area.registered_on,
            )
    return children


def _circumstances(
    admin: User, child: Child, group: str, subgroup: str, area: Area, rng: random.Random
) -> None:
    earliest = max(child.date_of_birth, date(2017, 6, 1))
    start = earliest + timedelta(days=rng.randint(0, max((area.registered_on - earliest).days, 0)))
    ended = None
    reason = ""
    if rng.random() < 0.12:
        ended = start + timedelta(days=rng.randint(60, 500))
        reason = rng.choice(
            ["Gia đình đã thoát nghèo", "Đã có người chăm sóc", "Chuyển nơi cư trú"]
        )
        if ended >= min(last_day_as_child(child.date_of_birth), area.registered_on):
            ended, reason = None, ""
    circumstance_add(
        actor=admin,
        child=child,
        group=group,
        subgroup=subgroup,
        started_on=start,
        ended_on=ended,
        end_reason=reason,
        today=area.registered_on,
    )


def _agencies(unit: AdministrativeUnit) -> dict[str, Agency]:
    ids = [i for i in (unit.pk, unit.district_id) if i]
    return {a.name: a for a in Agency.objects.filter(unit_id__in=ids)}


def _support(admin: User, area: Area, children: list[Child], rng: random.Random) -> None:
    agencies = _agencies(area.unit)
    clinic = next((a for n, a in agencies.items() if n.startswith("Trạm Y tế")), None)
    women = next((a for n, a in agencies.items() if n.startswith("Hội Liên hiệp Phụ nữ")), None)
    centre = next((a for n, a in agencies.items() if n.startswith("Trung tâm Y tế")), None)
    in_need = [
        c
        for c in children
        if c.circumstances.filter(started_on__lte=area.action_month).exists()
        and last_day_as_child(c.date_of_birth) >= area.action_month
    ]
    june = area.action_month
    for child in in_need:
        day = june + timedelta(days=rng.randint(0, 20))
        if rng.random() < 0.8:
            giver = women if rng.random() < 0.2 else None
            _give(admin, child, "gift", day, rng.randrange(150_000, 350_000, 50_000), rng, giver)
        if rng.random() < 0.1:
            _give(admin, child, "scholarship", day, rng.randrange(500_000, 1_500_000, 100_000), rng)
        groups = set(child.circumstances.values_list("group", flat=True))
        if groups & {"d", "n"} and rng.random() < 0.35:
            _give(
                admin,
                child,
                "medical",
                day,
                rng.randrange(200_000, 600_000, 50_000),
                rng,
                clinic,
                "state",
            )
        if groups & {"d", "n"} and rng.random() < 0.08:
            _give(
                admin,
                child,
                "surgery",
                day,
                rng.randrange(15_000_000, 30_000_000, 1_000_000),
                rng,
                centre,
                "state",
                rng.choice(["heart", "lips", "motor"]),
            )
        if rng.random() < 0.6 and last_day_as_child(child.date_of_birth) >= area.mid_autumn:
            _give(
                admin,
                child,
                "gift",
                area.mid_autumn,
                rng.randrange(100_000, 250_000, 50_000),
                rng,
                None,
                None,
                "",
                "mid_autumn",
            )


def _give(
    admin: User,
    child: Child,
    kind: str,
    day: date,
    value: int,
    rng: random.Random,
    agency: Agency | None = None,
    source: str | None = None,
    surgery: str = "",
    occasion: str = "action_month",
) -> None:
    support_record_add(
        actor=admin,
        child=child,
        data=SupportData(
            kind=kind,
            given_on=day,
            value=value,
            source=source or rng.choice(["state", "mobilised"]),
            occasion=occasion,
            surgery_kind=surgery,
            giver_agency=agency,
        ),
    )


def demo_registry(admin: User) -> dict[str, int]:
    """Children, circumstances and support for every demo area not yet registered."""
    rng = random.Random(2016)  # noqa: S311  (synthetic demo records, the same at every load)
    made = 0
    registered: dict[str, list[Child]] = {}
    for area in _areas():
        if Child.objects.filter(unit=area.unit).exists():
            rng.random()
            continue
        children = _register(admin, area, rng)
        _support(admin, area, children, rng)
        registered[area.unit.code] = children
        made += len(children)
    funds = demo_funds(admin, registered, rng)
    return {"children": made, "funds": funds}


def demo_funds(admin: User, registered: dict[str, list[Child]], rng: random.Random) -> int:
    made = 0
    ward = unit_by_code("01843", date(2026, 6, 1))
    if ward is not None and not Fund.objects.filter(unit=ward).exists():
        _ward_fund(admin, ward, registered.get(ward.code, []), rng)
        made += 1
    city = unit_by_code("058", date(2021, 6, 1))
    if city is not None and not Fund.objects.filter(unit=city).exists():
        _city_fund(admin, city)
        made += 1
    return made


def _donations(admin: User, fund: Fund, rows: list[tuple[Any, ...]]) -> None:
    donors: dict[str, Any] = {}
    for number, (name, kind, anonymous, day, amount, extra) in enumerate(rows, start=1):
        if name not in donors:
            donors[name] = donor_add(
                actor=admin, fund=fund, kind=kind, name=name, anonymous=anonymous
            )
        donation_record(
            actor=admin,
            fund=fund,
            donor=donors[name],
            received_on=day,
            amount=amount,
            receipt_number=f"{day.year}-{number:03d}",
            **extra,
        )


def _ward_fund(
    admin: User, ward: AdministrativeUnit, children: list[Child], rng: random.Random
) -> None:
    fund = fund_create(actor=admin, unit=ward, name="Quỹ Bảo trợ trẻ em phường Bắc Kạn")
    norm_decision_add(
        actor=admin,
        fund=fund,
        number="01/QĐ-HĐQ",
        signed_on=date(2025, 9, 10),
        valid_from=date(2025, 9, 15),
        items=[
            ("gift", "Quà Tết Trung thu, Tháng hành động vì trẻ em", 500_000),
            ("scholarship", "Học bổng cho trẻ em có hoàn cảnh đặc biệt", 2_000_000),
            ("medical", "Hỗ trợ khám, chữa bệnh", 5_000_000),
            ("surgery", "Hỗ trợ phẫu thuật, chỉnh hình", 30_000_000),
            ("emergency", "Hỗ trợ trẻ em gặp thiên tai, tai nạn, rủi ro", 3_000_000),
            ("activity", "Hoạt động vì trẻ em của phường", None),
            ("management", "Chi phí quản lý quỹ", None),
        ],
    )
    _donations(
        admin,
        fund,
        [
            (
                "Công ty TNHH Xây dựng Minh Phát",
                "organisation",
                False,
                date(2025, 9, 20),
                10_000_000,
                {},
            ),
            (
                "Hợp tác xã Nông nghiệp Nông Thượng",
                "organisation",
                False,
                date(2025, 9, 25),
                8_000_000,
                {},
            ),
            ("Ông Hoàng Văn Lâm", "person", False, date(2025, 12, 5), 2_000_000, {}),
            (
                "Công ty TNHH Xây dựng Minh Phát",
                "organisation",
                False,
                date(2026, 1, 20),
                30_000_000,
                {},
            ),
            ("Nhà hảo tâm Hoàng Thị Thu", "person", True, date(2026, 3, 8), 5_000_000, {}),
            (
                "Cửa hàng sách Ánh Dương",
                "organisation",
                False,
                date(2026, 5, 20),
                3_000_000,
                {
                    "kind": "in_kind",
                    "description": "200 bộ sách giáo khoa và vở viết, theo giá bán lẻ",
                },
            ),
            (
                "Hội Doanh nhân trẻ phường",
                "organisation",
                False,
                date(2026, 5, 22),
                10_000_000,
                {"earmark_purpose": "Sửa sân chơi cho trẻ em tổ 5"},
            ),
            (
                "Công ty TNHH Xây dựng Minh Phát",
                "organisation",
                False,
                date(2026, 5, 25),
                25_000_000,
                {},
            ),
        ],
    )
    in_need = [c for c in children if c.circumstances.exists()]
    for child in in_need[:10]:
        if last_day_as_child(child.date_of_birth) >= date(2025, 10, 6):
            fund_support_child(
                actor=admin,
                fund=fund,
                child=child,
                support=SupportData(
                    kind="gift",
                    given_on=date(2025, 10, 6),
                    value=200_000,
                    source="fund",
                    occasion="mid_autumn",
                ),
            )
    for child in in_need[10:25]:
        if last_day_as_child(child.date_of_birth) >= date(2026, 6, 1):
            fund_support_child(
                actor=admin,
                fund=fund,
                child=child,
                support=SupportData(
                    kind="gift",
                    given_on=date(2026, 6, 1),
                    value=rng.randrange(300_000, 500_001, 50_000),
                    source="fund",
                    occasion="action_month",
                ),
            )
    earmarked = fund.donations.get(earmark_purpose__startswith="Sửa sân chơi")
    disbursement_record(
        actor=admin,
        fund=fund,
        data=DisbursementData(
            paid_on=date(2026, 6, 10),
            category="activity",
            purpose="Sửa sân chơi cho trẻ em tổ 5",
            amount=9_500_000,
            voucher_number="PC-2026-018",
            earmark_donation=earmarked,
        ),
    )
    disbursement_record(
        actor=admin,
        fund=fund,
        data=DisbursementData(
            paid_on=date(2026, 6, 15),
            category="activity",
            purpose="Tổ chức Diễn đàn trẻ em phường năm 2026",
            amount=4_000_000,
            beneficiaries=60,
            voucher_number="PC-2026-019",
        ),
    )
    disbursement_record(
        actor=admin,
        fund=fund,
        data=DisbursementData(
            paid_on=date(2026, 6, 30),
            category="management",
            purpose="Văn phòng phẩm, in biên lai",
            amount=600_000,
            voucher_number="PC-2026-020",
        ),
    )


def _city_fund(admin: User, city: AdministrativeUnit) -> None:
    fund = fund_create(actor=admin, unit=city, name="Quỹ Bảo trợ trẻ em thành phố Bắc Kạn")
    norm_decision_add(
        actor=admin,
        fund=fund,
        number="02/QĐ-HĐQ",
        signed_on=date(2020, 1, 6),
        valid_from=date(2020, 1, 6),
        items=[
            ("gift", "Quà cho trẻ em", 500_000),
            ("activity", "Hoạt động vì trẻ em", None),
            ("management", "Chi phí quản lý quỹ", None),
        ],
    )
    _donations(
        admin,
        fund,
        [
            (
                "Công ty TNHH Thương mại Tân Phú",
                "organisation",
                False,
                date(2020, 5, 28),
                50_000_000,
                {},
            ),
            (
                "Doanh nghiệp tư nhân Hưng Thịnh",
                "organisation",
                False,
                date(2020, 5, 30),
                20_000_000,
                {},
            ),
            ("Bà Ma Thị Hiền", "person", False, date(2021, 5, 27), 3_000_000, {}),
            (
                "Công ty TNHH Thương mại Tân Phú",
                "organisation",
                False,
                date(2021, 5, 28),
                30_000_000,
                {},
            ),
        ],
    )
    disbursement_record(
        actor=admin,
        fund=fund,
        data=DisbursementData(
            paid_on=date(2021, 6, 1),
            category="gift",
            purpose="Tặng quà trẻ em có hoàn cảnh đặc biệt nhân ngày 1/6/2021",
            amount=24_000_000,
            beneficiaries=80,
            voucher_number="PC-2021-011",
        ),
    )

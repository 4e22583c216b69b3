"""A plan's targets followed: planned vs achieved from the rows of table 2 of the child-protection
report that measure them, per unit and summed up the tree; the targets "every commune has …"
with the communes that do and do not; a target naming a row of another form refused."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from conftest import unit
from vitreem.accounts.tests.factories import MembershipFactory, UserFactory
from vitreem.plans.models import Target, Task
from vitreem.plans.services import plan_create, plan_derive, plan_issue, plan_targets_replace
from vitreem.reporting.models import DataValue, ReportForm, Submission
from vitreem.reporting.selectors import plan_targets
from vitreem.reporting.services import round_create, submission_save, submission_submit

pytestmark = pytest.mark.django_db
DAY = datetime(2026, 9, 1, 3, 0, tzinfo=UTC)

TARGETS = [
    {
        "text": "100% trẻ em dưới 6 tuổi được cấp thẻ bảo hiểm y tế",
        "indicator": "Tỷ lệ trẻ em dưới 6 tuổi có thẻ BHYT",
        "value": Decimal("100"),
        "unit": "%",
        "data_element_code": "insurance_under6",
    },
    {
        "text": "Giảm tỷ lệ trẻ em dưới 5 tuổi suy dinh dưỡng thể nhẹ cân xuống 20%",
        "indicator": "Tỷ lệ suy dinh dưỡng thể nhẹ cân",
        "value": Decimal("20"),
        "baseline": Decimal("25"),
        "unit": "%",
        "data_element_code": "underweight_under5",
    },
    {
        "text": "100% xã, phường có Quỹ Bảo trợ trẻ em",
        "indicator": "Xã, phường có Quỹ Bảo trợ trẻ em",
        "value": Decimal("100"),
        "unit": "%",
        "data_element_code": "communes_with_fund",
    },
    {
        "text": "Tổ chức diễn đàn trẻ em",
        "indicator": "Diễn đàn",
        "value": Decimal("1"),
        "unit": "count",
    },
]


def province_plan(personas, kind: str, title: str, targets: list, issued_on: date | None = None):
    """Tỉnh Thái Nguyên's 2026 plan of the kind with the targets, issued on the day if given."""
    plan = plan_create(
        actor=personas.supervisor,
        issuer_unit=personas.province,
        kind=kind,
        year=2026,
        title=title,
    )
    plan_targets_replace(actor=personas.supervisor, plan=plan, targets=targets)
    if issued_on is not None:
        plan = plan_issue(actor=personas.supervisor, plan=plan, issued_on=issued_on)
    return plan


def commune_file(actor, round_, commune, cells) -> None:
    report = Submission.objects.get(round=round_, unit=commune, agency=None)
    submission_save(actor=actor, submission=report, cells=cells)
    submission_submit(actor=actor, submission=Submission.objects.get(pk=report.pk))


def indicators(total6, got6, total5, under5, fund) -> dict:
    return {
        ("indicator_total", "insurance_under6", ""): total6,
        ("indicator_achieved", "insurance_under6", ""): got6,
        ("indicator_total", "underweight_under5", ""): total5,
        ("indicator_achieved", "underweight_under5", ""): under5,
        ("indicator_total", "communes_with_fund", ""): 1,
        ("indicator_achieved", "communes_with_fund", ""): fund,
    }


@pytest.fixture
def followed(personas):
    """Thái Nguyên's 2026 child-protection plan with four targets, and its half-year round in
    which phường Bắc Kạn (a fund) and phường Phan Đình Phùng (no fund) filed."""
    plan = province_plan(
        personas,
        "child_protection",
        "Kế hoạch bảo vệ, chăm sóc trẻ em năm 2026",
        TARGETS,
        issued_on=date(2026, 1, 10),
    )
    round_ = round_create(
        actor=personas.supervisor,
        form=ReportForm.objects.get(code="special-circumstances"),
        receiving_unit=personas.province,
        title="Báo cáo 6 tháng 2026",
        period_kind="half_year",
        period_start=date(2025, 12, 15),
        period_end=date(2026, 6, 14),
    )
    commune_file(personas.admin, round_, personas.unit_a, indicators(400, 396, 300, 66, 1))
    commune_file(personas.admin, round_, personas.unit_b, indicators(600, 590, 500, 90, 0))
    return plan, round_


def test_achieved_values_are_the_sums_of_the_report_rows(personas, followed):
    plan, round_ = followed
    found = plan_targets(plan, personas.province)
    assert found.round == round_
    by_row = {t.row: t for t in found.targets}
    for row in ("insurance_under6", "underweight_under5", "communes_with_fund"):
        values = DataValue.objects.filter(
            submission__round=round_, submission__status="submitted", row=row
        )
        total = sum(values.filter(element__code="indicator_total").values_list("value", flat=True))
        got = sum(values.filter(element__code="indicator_achieved").values_list("value", flat=True))
        assert (by_row[row].total, by_row[row].count) == (total, got), row
    insurance = by_row["insurance_under6"]
    assert (insurance.total, insurance.count) == (1000, 986)
    assert insurance.achieved == Decimal("98.60")
    assert insurance.progress == 98
    assert not insurance.reached
    # Malnutrition to bring down from 25% to 20%: 156/800 = 19.5%, reached.
    assert by_row["underweight_under5"].achieved == Decimal("19.50")
    assert by_row["underweight_under5"].reached
    assert by_row["underweight_under5"].progress == 100
    # Per unit: each ward its own figures.
    parts = {p.name: (p.total, p.achieved) for p in insurance.parts}
    assert parts[personas.unit_a.name] == (400, 396)
    assert parts[personas.unit_b.name] == (600, 590)
    # A ward reads its own only.
    ward = {t.row: t for t in plan_targets(plan, personas.unit_a).targets}
    assert (ward["insurance_under6"].total, ward["insurance_under6"].count) == (400, 396)
    assert by_row[""].achieved is None  # the forum is not measured by a report


def test_every_commune_targets_list_who_has_it_who_lacks_it_and_who_has_not_reported(
    personas, followed
):
    plan, round_ = followed
    fund = next(t for t in plan_targets(plan, personas.province).targets if t.every_commune)
    assert fund.having == [personas.unit_a]
    assert fund.lacking == [personas.unit_b]
    communes = Submission.objects.filter(round=round_, agency=None).count()
    assert len(fund.unreported) == communes - 2
    assert unit("01840") in fund.unreported  # phường Đức Xuân has not filed


def test_the_plan_page_and_the_dashboard_show_planned_vs_achieved(client, personas, followed):
    plan, _round = followed
    client.force_login(personas.supervisor)
    page = client.get(f"/plans/{plan.pk}/").content.decode()
    assert "Chỉ tiêu: kế hoạch và thực hiện" in page
    assert '98,60% <span class="era">(986/1.000)</span>' in page
    assert '<progress max="100" value="98">' in page
    assert "không theo dõi qua báo cáo" in page  # the forum
    with time_machine.travel(DAY, tick=False):
        dashboard = client.get("/dashboard/?unit=19").content.decode()
    assert "Kế hoạch đang thực hiện" in dashboard
    assert plan.title in dashboard
    assert "(986/1.000)" in dashboard
    assert f'<ul class="units-having"><li>{personas.unit_a.name}</li></ul>' in dashboard
    assert f'<ul class="units-lacking"><li>{personas.unit_b.name}</li></ul>' in dashboard


def test_the_dashboard_counts_the_plans_tasks_by_agency(client, personas, followed):
    plan, _round = followed
    from vitreem.plans.models import Assignment

    assignment = Assignment.objects.create(plan=plan, order=0, assignee_label="Sở Y tế")
    Task.objects.create(assignment=assignment, order=0, text="A", role="lead", status="done")
    Task.objects.create(
        assignment=assignment, order=1, text="B", role="lead", due_on=date(2026, 8, 1)
    )
    Task.objects.create(
        assignment=assignment, order=2, text="C", role="lead", due_on=date(2026, 10, 1)
    )
    client.force_login(personas.supervisor)
    with time_machine.travel(DAY, tick=False):
        page = client.get("/dashboard/?unit=19").content.decode()
    cells = "".join(f'<td class="num">{n}</td>' for n in (3, 1, 1, 1))
    assert f'<th scope="row">Sở Y tế</th>{cells}' in page


def test_the_dashboards_queries_do_not_grow_with_the_communes_that_file(client, personas, followed):
    _plan, round_ = followed
    client.force_login(personas.supervisor)

    def count() -> int:
        with time_machine.travel(DAY, tick=False), CaptureQueriesContext(connection) as seen:
            assert client.get("/dashboard/?unit=19").status_code == 200
        return len(seen)

    before = count()
    others = list(Submission.objects.filter(round=round_, agency=None, status="draft")[:3])
    assert len(others) == 3
    for report in others:
        commune_file(personas.admin, round_, report.unit, indicators(10, 9, 10, 1, 1))
    assert count() == before


def test_a_target_naming_a_row_of_another_form_is_refused_and_nothing_changes(personas):
    plan = province_plan(personas, "child_protection", "Kế hoạch năm 2026", TARGETS[:1])
    wrong = {**TARGETS[1], "data_element_code": "gifts_children"}  # Action Month form
    with pytest.raises(ValidationError) as refused:
        plan_targets_replace(actor=personas.supervisor, plan=plan, targets=[TARGETS[2], wrong])
    assert refused.value.messages == [
        "Chỉ tiêu 2: “gifts_children” không phải một dòng của bảng 2 (Kết quả thực hiện các chỉ "
        "tiêu) của biểu Báo cáo công tác bảo vệ, chăm sóc trẻ em."
    ]
    assert list(Target.objects.filter(plan=plan).values_list("data_element_code", flat=True)) == [
        "insurance_under6"
    ]


def test_another_province_is_refused_the_dashboard_and_sees_no_target(client, personas, followed):
    plan, _round = followed
    ha_noi = MembershipFactory(
        user=UserFactory(username="lanhdao.hanoi"), unit=unit("01"), role="leader"
    ).user
    client.force_login(ha_noi)
    with time_machine.travel(DAY, tick=False):
        refused = client.get("/dashboard/?unit=19")
    assert refused.status_code == 404
    assert "986/1.000" not in refused.content.decode()
    assert client.get(f"/plans/{plan.pk}/").status_code in (403, 404)


def test_the_editor_links_a_target_to_its_report_row_and_refuses_another(client, personas):
    plan = plan_create(
        actor=personas.supervisor,
        issuer_unit=personas.province,
        kind="child_protection",
        year=2026,
        title="Kế hoạch năm 2026",
    )
    client.force_login(personas.supervisor)

    def post(code: str):
        return client.post(
            f"/plans/{plan.pk}/edit/",
            {
                "part": "targets",
                "targets-TOTAL_FORMS": "1",
                "targets-INITIAL_FORMS": "0",
                "targets-MIN_NUM_FORMS": "0",
                "targets-MAX_NUM_FORMS": "1000",
                "targets-0-text": "100% trẻ em dưới 6 tuổi có thẻ BHYT",
                "targets-0-value": "100",
                "targets-0-unit": "%",
                "targets-0-data_element_code": code,
            },
        )

    post("insurance_under6")
    assert list(plan.targets.values_list("data_element_code", flat=True)) == ["insurance_under6"]
    editor = client.get(f"/plans/{plan.pk}/edit/?step=targets").content.decode()
    assert '<option value="insurance_under6" selected>' in editor
    refused = post("gifts_children")  # a row of the Action Month form
    assert refused.status_code == 200
    assert list(plan.targets.values_list("data_element_code", flat=True)) == ["insurance_under6"]


def test_the_communes_that_have_and_have_not_issued_a_plan_implementing_it(
    client, personas, followed
):
    plan, _round = followed
    ward_plan = plan_derive(actor=personas.leader_a, parent=plan, issuer_unit=personas.unit_a)
    plan_issue(actor=personas.leader_a, plan=ward_plan, issued_on=date(2026, 2, 1))
    found = plan_targets(plan, personas.province)
    assert personas.unit_a in found.issued_below
    assert personas.unit_b in found.not_issued_below
    assert personas.unit_a not in found.not_issued_below
    client.force_login(personas.supervisor)
    page = client.get(f"/plans/{plan.pk}/").content.decode()
    total = len(found.issued_below) + len(found.not_issued_below)
    assert f"Đơn vị trực thuộc đã ban hành kế hoạch thực hiện: 1/{total}" in page
    assert f'<ul class="units-issued"><li>{personas.unit_a.name}</li></ul>' in page


PLAN_TARGET = {
    "text": "100% xã, phường ban hành kế hoạch bảo vệ, chăm sóc trẻ em năm 2026",
    "indicator": "Xã, phường ban hành kế hoạch",
    "value": Decimal("100"),
    "unit": "%",
    "data_element_code": "communes_with_plan",
}


def test_every_commune_has_issued_a_plan_is_measured_from_the_plans(client, personas):
    from vitreem.units.models import AdministrativeUnit, in_force_on

    plan = province_plan(
        personas,
        "child_protection",
        "Kế hoạch bảo vệ, chăm sóc trẻ em năm 2026",
        [PLAN_TARGET],
        issued_on=date(2026, 1, 10),
    )
    # Phường Bắc Kạn issues its own plan of the year; Phan Đình Phùng only an Action Month plan.
    own = plan_create(
        actor=personas.leader_a,
        issuer_unit=personas.unit_a,
        kind="child_protection",
        year=2026,
        title="Kế hoạch bảo vệ, chăm sóc trẻ em năm 2026 của phường",
    )
    plan_issue(actor=personas.leader_a, plan=own, issued_on=date(2026, 2, 1))
    leader_b = MembershipFactory(
        user=UserFactory(username="lanhdao.b"), unit=personas.unit_b, role="leader"
    ).user
    other_kind = plan_create(
        actor=leader_b,
        issuer_unit=personas.unit_b,
        kind="action_month",
        year=2026,
        title="Kế hoạch Tháng hành động vì trẻ em năm 2026",
    )
    plan_issue(actor=leader_b, plan=other_kind, issued_on=date(2026, 5, 1))

    found = plan_targets(plan, personas.province)
    assert found.round is None  # no report measures it
    target = found.targets[0]
    assert target.every_commune
    assert target.from_plans
    communes = AdministrativeUnit.objects.filter(
        in_force_on(plan.period_end), level=3, province=personas.province
    ).count()
    assert (target.total, target.count) == (communes, 1)
    assert target.having == [personas.unit_a]
    assert personas.unit_b in target.lacking
    assert len(target.lacking) == communes - 1
    assert target.unreported == []
    assert target.achieved == (Decimal(100) / communes).quantize(Decimal("0.01"))
    # A commune reads its own: 1 of 1.
    mine = plan_targets(plan, personas.unit_a).targets[0]
    assert (mine.total, mine.count, mine.having) == (1, 1, [personas.unit_a])

    client.force_login(personas.supervisor)
    page = client.get(f"/plans/{plan.pk}/").content.decode()
    assert "Chưa có đợt báo cáo công tác bảo vệ" not in page
    assert "Đã ban hành kế hoạch (1)" in page
    assert f"Chưa ban hành kế hoạch ({communes - 1})" in page
    assert f'<ul class="units-having"><li>{personas.unit_a.name}</li></ul>' in page
    with time_machine.travel(DAY, tick=False):
        dashboard = client.get("/dashboard/?unit=19").content.decode()
    assert f'<ul class="units-having"><li>{personas.unit_a.name}</li></ul>' in dashboard
    assert (
        personas.unit_b.name in dashboard.split('<ul class="units-lacking">')[1].split("</ul>")[0]
    )


def test_the_plan_measure_is_offered_and_a_row_of_another_form_still_refused(personas):
    plan = province_plan(personas, "child_protection", "Kế hoạch năm 2026", [PLAN_TARGET])
    assert list(plan.targets.values_list("data_element_code", flat=True)) == ["communes_with_plan"]
    wrong = {**PLAN_TARGET, "data_element_code": "criterion_7"}  # the self-assessment form
    with pytest.raises(ValidationError, match="“criterion_7” không phải một dòng của bảng 2"):
        plan_targets_replace(actor=personas.supervisor, plan=plan, targets=[wrong])
    assert list(plan.targets.values_list("data_element_code", flat=True)) == ["communes_with_plan"]


WORKS_TARGET = {
    "text": "Mỗi xã, phường vận động nguồn lực để có 01 công trình dành cho trẻ em được xây dựng "
    "hoặc nâng cấp, sửa chữa",
    "indicator": "Công trình dành cho trẻ em xây dựng hoặc nâng cấp ở mỗi xã, phường",
    "value": Decimal("1"),
    "unit": "count",
    "data_element_code": "communes_with_child_work",
}


def test_every_commune_has_a_work_for_children_is_measured_from_the_action_month_reports(
    client, personas
):
    """Hải Phòng's target, here for Thái Nguyên: each commune one work built or upgraded, from
    table 1 of the Action Month result report."""
    province_round = round_create(
        actor=personas.supervisor,
        form=ReportForm.objects.get(code="action-month-result"),
        receiving_unit=personas.province,
        title="Tháng hành động 2026",
        period_kind="campaign",
        period_start=date(2026, 6, 1),
        period_end=date(2026, 6, 30),
    )

    plan = province_plan(
        personas,
        "action_month",
        "Kế hoạch tổ chức Tháng hành động vì trẻ em năm 2026",
        [WORKS_TARGET],
        issued_on=date(2026, 5, 8),
    )
    # Phường Bắc Kạn upgraded a playground; Phan Đình Phùng filed with no work.
    commune_file(personas.admin, province_round, personas.unit_a, {("works_upgraded", "", ""): 1})
    commune_file(personas.admin, province_round, personas.unit_b, {("works_new", "", ""): 0})
    target = plan_targets(plan, personas.province).targets[0]
    assert (target.every_commune, target.from_works, target.per_commune) == (True, True, True)
    assert target.works_round == province_round
    expected = set(
        Submission.objects.filter(round=province_round, agency=None, unit__level=3).values_list(
            "unit_id", flat=True
        )
    )
    having = {u.pk for u in target.having}
    assert personas.unit_a.pk in having
    assert unit("01840") in target.unreported  # phường Đức Xuân has not filed
    assert personas.unit_b in target.lacking
    assert {u.pk for u in target.having + target.lacking + target.unreported} == expected
    assert target.total == len(target.having) + len(target.lacking)
    assert target.count == len(target.having)
    assert target.achieved == (Decimal(100) * target.count / target.total).quantize(Decimal("0.01"))
    assert not target.reached
    assert target.progress == int(target.achieved)

    client.force_login(personas.supervisor)
    page = client.get(f"/plans/{plan.pk}/").content.decode()
    assert "Theo số công trình dành cho trẻ em xây mới và nâng cấp" in page
    assert personas.unit_b.name in page.split('<ul class="units-lacking">')[1].split("</ul>")[0]
    # A ward reads its own: it has one, the target is reached for it.
    mine = plan_targets(plan, personas.unit_a).targets[0]
    assert (mine.total, mine.count, mine.reached, mine.progress) == (1, 1, True, 100)


def test_a_works_target_without_an_action_month_round_says_so(client, personas):
    plan = province_plan(
        personas,
        "action_month",
        "Kế hoạch tổ chức Tháng hành động vì trẻ em năm 2026",
        [WORKS_TARGET],
    )
    target = plan_targets(plan, personas.province).targets[0]
    assert (target.works_round, target.achieved, target.having) == (None, None, [])
    client.force_login(personas.supervisor)
    page = client.get(f"/plans/{plan.pk}/").content.decode()
    assert "Chưa có đợt báo cáo kết quả Tháng hành động trong thời gian của kế hoạch." in page

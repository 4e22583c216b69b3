from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from conftest import PRE_REFORM_DAY, unit
from vitreem.accounts.tests.factories import MembershipFactory, UserFactory
from vitreem.core.text import fold
from vitreem.plans.loaders import DATA_DIR, read_plan_file
from vitreem.reporting.definitions import FormDefinition
from vitreem.reporting.models import ReportForm, Submission, ValueChange
from vitreem.reporting.selectors import completeness, consolidate, unit_in_round
from vitreem.reporting.services import (
    round_create,
    submission_approve,
    submission_return,
    submission_save,
    submission_submit,
)
from vitreem.reporting.validation import parse_cells
from vitreem.units.services import agencies_create_standard

pytestmark = pytest.mark.django_db
VN = ZoneInfo("Asia/Ho_Chi_Minh")


def member(username, unit_, role="officer"):
    return MembershipFactory(user=UserFactory(username=username), unit=unit_, role=role).user


@pytest.fixture
def city_round():
    city = unit("058", PRE_REFORM_DAY)
    agencies_create_standard(actor=None, unit=city)
    supervisor = member("lanhdao.thanhpho", city, "leader")
    form = ReportForm.objects.get(code="action-month-result")
    round_ = round_create(
        actor=supervisor,
        form=form,
        receiving_unit=city,
        title="Báo cáo kết quả Tháng hành động vì trẻ em năm 2021",
        period_kind="campaign",
        period_start=date(2021, 6, 1),
        period_end=date(2021, 6, 30),
        deadlines={"agency": "2021-07-03", "commune": "2021-07-03"},
    )
    return round_, city, supervisor


def test_action_month_columns_equal_the_seed_appendix_column_for_column():
    plan = read_plan_file(DATA_DIR / "bac-kan-city-2021-action-month.yaml")
    seed_tables = [b for a in plan["appendices"] for b in a["blocks"] if b["type"] == "table"]
    definition = FormDefinition.parse(ReportForm.objects.get(code="action-month-result").definition)
    assert len(seed_tables) == len(definition.tables) == 3
    for seed, table in zip(seed_tables, definition.tables, strict=True):
        # Header row 1: "Các cấp", then the groups with their spans; row 2: the leaf labels.
        groups = [fold(g["text"]) for g in seed["header_rows"][0][1:] for _ in range(g["colspan"])]
        leaves = [fold(label) for label in seed["header_rows"][1]]
        assert [fold(c.group) for c in table.columns] == groups, table.code
        assert [fold(c.label) for c in table.columns] == leaves, table.code
        assert fold(table.row_header) == fold(seed["header_rows"][0][0]["text"])


def test_a_city_round_expects_the_citys_agencies_and_its_wards(city_round):
    round_, city, _ = city_round
    subs = Submission.objects.filter(round=round_)
    assert subs.filter(agency__isnull=True).count() == 8  # the wards and communes of Bắc Kạn city
    assert subs.filter(agency__unit=city).count() == city.agencies.count()
    assert {s.deadline for s in subs} == {date(2021, 7, 3)}


def test_values_are_parsed_cell_by_cell_with_vietnamese_messages():
    definition = FormDefinition.parse(ReportForm.objects.get(code="action-month-result").definition)
    cells, errors = parse_cells(
        definition,
        {
            ("gifts_children", "", ""): "1.234",
            ("gifts_cost", "", "state"): "2.500",
            ("works_new", "", ""): "-1",
            ("camps", "", ""): "2,5",
            ("forums", "", ""): "",
            ("camps_children", "", ""): "100001",
        },
    )
    assert cells[("gifts_children", "", "")] == 1234
    assert cells[("gifts_cost", "", "state")] == 2_500_000  # thousands of đồng
    assert cells[("forums", "", "")] is None
    messages = sorted(e.describe(definition) for e in errors)
    assert messages == [
        "Bảng 1, cột “Công trình dành cho trẻ em – Số công trình xây mới”: không được là số âm",
        "Bảng 3, cột “Cắm trại – Số lượng (lần cắm trại)”: "
        "“2,5” không phải số nguyên (ví dụ: 1.234)",
        "Bảng 3, cột “Cắm trại – Số lượng TE tham gia”: vượt mức hợp lý (tối đa 100.000)",
    ]


def test_submit_checks_the_forms_rules_and_changes_nothing_when_refused(city_round):
    round_, _city, _ = city_round
    ward = unit("01837", PRE_REFORM_DAY)
    officer = member("canbo.songcau", ward)
    sub = Submission.objects.get(round=round_, unit=ward, agency=None)
    submission_save(
        actor=officer, submission=sub, cells={("gifts_cost", "", "mobilised"): 3_000_000}
    )
    with pytest.raises(ValidationError) as error:
        submission_submit(actor=officer, submission=sub)
    assert "Có kinh phí tặng quà thì phải có số trẻ em được tặng quà." in str(error.value)
    sub.refresh_from_db()
    assert sub.status == "draft"


def test_the_workflow_from_draft_to_approved_with_a_return(city_round):
    round_, _city, supervisor = city_round
    ward = unit("01837", PRE_REFORM_DAY)
    officer = member("canbo.songcau", ward)
    sub = Submission.objects.get(round=round_, unit=ward, agency=None)
    submission_save(
        actor=officer,
        submission=sub,
        cells={
            ("gifts_children", "", ""): 40,
            ("gifts_cost", "", "state"): 4_000_000,
        },
    )
    submission_submit(actor=officer, submission=sub)
    with pytest.raises(ValidationError):
        submission_save(actor=officer, submission=sub, cells={("gifts_children", "", ""): 41})
    with pytest.raises(ValidationError):
        submission_return(actor=supervisor, submission=sub, reason="  ")
    submission_return(actor=supervisor, submission=sub, reason="Thiếu số trẻ em được học bổng")
    submission_save(actor=officer, submission=sub, cells={("scholarships_children", "", ""): 5})
    submission_submit(actor=officer, submission=sub)
    approved = submission_approve(actor=supervisor, submission=sub)
    assert approved.status == "approved"
    assert ValueChange.objects.filter(submission=sub).count() == 3
    change = ValueChange.objects.get(submission=sub, element__code="gifts_cost")
    assert (change.old_value, change.new_value, change.changed_by) == (None, 4_000_000, officer)


def test_only_the_receiving_unit_decides_and_only_the_reporter_enters(city_round):
    round_, _city, supervisor = city_round
    ward = unit("01837", PRE_REFORM_DAY)
    sibling = member("canbo.ducxuan", unit("01840", PRE_REFORM_DAY))
    officer = member("canbo.songcau", ward)
    sub = Submission.objects.get(round=round_, unit=ward, agency=None)
    with pytest.raises(Http404):
        submission_save(actor=sibling, submission=sub, cells={("forums", "", ""): 1})
    submission_save(actor=officer, submission=sub, cells={("forums", "", ""): 1})
    submission_submit(actor=officer, submission=sub)
    with pytest.raises(Http404):  # the city's decisions are not the ward's to see
        submission_approve(actor=officer, submission=sub)
    city_officer = member("canbo.thanhpho", unit("058", PRE_REFORM_DAY))
    with pytest.raises(PermissionDenied):  # the city's officer reads, its leader decides
        submission_approve(actor=city_officer, submission=sub)
    submission_approve(actor=supervisor, submission=sub)


def test_a_stale_edit_is_refused_rather_than_lost(city_round):
    round_, _city, _ = city_round
    ward = unit("01837", PRE_REFORM_DAY)
    first, second = member("canbo.a1", ward), member("canbo.a2", ward)
    sub = Submission.objects.get(round=round_, unit=ward, agency=None)
    version = sub.version
    submission_save(
        actor=first, submission=sub, cells={("camps", "", ""): 2}, expected_version=version
    )
    with pytest.raises(ValidationError) as error:
        submission_save(
            actor=second, submission=sub, cells={("camps", "", ""): 3}, expected_version=version
        )
    assert "vừa được người khác sửa" in str(error.value)
    assert Submission.objects.get(pk=sub.pk).values.get().value == 2


def test_consolidation_sums_filed_reports_by_row_and_counts_completeness(city_round):
    round_, city, _ = city_round
    wards = ["01837", "01840", "01843"]
    with time_machine.travel(datetime(2021, 7, 2, 9, tzinfo=VN)):
        for i, code in enumerate(wards[:2]):
            ward = unit(code, PRE_REFORM_DAY)
            officer = member(f"canbo.{code}", ward)
            sub = Submission.objects.get(round=round_, unit=ward, agency=None)
            submission_save(
                actor=officer,
                submission=sub,
                cells={
                    ("gifts_children", "", ""): 10 * (i + 1),
                    ("gifts_cost", "", "state"): 1_000_000 * (i + 1),
                    ("gifts_cost", "", "mobilised"): 500_000,
                },
            )
            submission_submit(actor=officer, submission=sub)
    late_ward = unit(wards[2], PRE_REFORM_DAY)
    late_officer = member("canbo.tre", late_ward)
    late = Submission.objects.get(round=round_, unit=late_ward, agency=None)
    with time_machine.travel(datetime(2021, 7, 6, 9, tzinfo=VN)):
        submission_save(actor=late_officer, submission=late, cells={("gifts_children", "", ""): 5})
        submission_submit(actor=late_officer, submission=late)
    table2 = next(t for t in consolidate(round_, city) if t.table.code == "2")
    assert table2.total["gifts_children"] == 35
    assert table2.total["gifts_cost"] == 3_000_000 + 1_000_000
    assert table2.total_by_category[("gifts_cost", "state")] == 3_000_000
    rows = {r.unit_name: r.values for r in table2.rows if r.values}
    assert rows["Phường Sông Cầu"] == {"gifts_children": 10, "gifts_cost": 1_500_000}
    ward_table = next(
        t for t in consolidate(round_, unit("01837", PRE_REFORM_DAY)) if t.table.code == "2"
    )
    assert ward_table.rows == []  # a ward's table lists its agencies: none report in this round
    with pytest.raises(Http404):  # the province is above the round: not one of its tables
        unit_in_round(round_, "06")
    stats = completeness(round_, city, date(2021, 7, 10))
    assert (stats.submitted, stats.on_time, stats.late) == (3, 2, 1)
    assert stats.missing == stats.expected - 3


def test_a_round_of_a_plan_expects_the_plans_assignees():
    from vitreem.plans.loaders import load_plan_files

    city = unit("058", PRE_REFORM_DAY)
    agencies_create_standard(actor=None, unit=city)
    plan = next(p for p in load_plan_files(["bac-kan-city-2021-action-month"]))
    leader = member("lanhdao.tp", city, "leader")
    round_ = round_create(
        actor=leader,
        form=ReportForm.objects.get(code="action-month-result"),
        receiving_unit=city,
        title="Theo kế hoạch",
        period_kind="campaign",
        period_start=date(2021, 6, 1),
        period_end=date(2021, 6, 30),
        plan=plan,
    )
    reporters = {
        s.reporter_name
        for s in Submission.objects.filter(round=round_).select_related("unit", "agency")
    }
    assert "Phòng Lao động - Thương binh và Xã hội" in reporters  # named in the plan
    assert "Phường Sông Cầu" in reporters  # "UBND các xã, phường"
    assert len([r for r in reporters if r.startswith(("Phường", "Xã"))]) == 8


def test_the_child_protection_report_holds_the_plans_target_indicators():
    definition = FormDefinition.parse(
        ReportForm.objects.get(code="special-circumstances").definition
    )
    indicators = next(t for t in definition.tables if t.code == "2")
    plan = read_plan_file(DATA_DIR / "tam-duong-2021-child-protection.yaml")
    # Every target of the Tam Đường plan names a row of the report that measures it.
    assert [t["report_row"] for t in plan["targets"]] == [r.code for r in indicators.rows]
    from vitreem.reporting.validation import check_report

    errors = check_report(
        definition,
        {
            ("indicator_total", "insurance_under6", ""): 120,
            ("indicator_achieved", "insurance_under6", ""): 121,
            ("indicator_total", "child_friendly", ""): 1,
            ("indicator_achieved", "child_friendly", ""): 1,
        },
        stage="save",
    ).errors
    assert [e.describe(definition) for e in errors] == [
        "Bảng 2, dòng “Trẻ em dưới 6 tuổi được cấp thẻ bảo hiểm y tế”, cột “Số đạt”: "
        "Số đạt không được lớn hơn tổng số."
    ]

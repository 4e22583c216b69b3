"""Report tables filled from the registry: proposals equal the records, the choice is recorded."""

from collections import defaultdict
from datetime import date

import pytest
from django.db.models import Sum

from vitreem.children import prefill
from vitreem.children.models import PrefillChoice, SupportRecord
from vitreem.children.services import SupportData, circumstance_add, support_record_add
from vitreem.fund import selectors as fund_selectors
from vitreem.fund.models import Disbursement, Donation
from vitreem.fund.services import (
    donation_record,
    donor_add,
    fund_create,
    fund_support_child,
    norm_decision_add,
)
from vitreem.reporting.models import ReportForm, Submission, ValueChange
from vitreem.reporting.services import round_create, submission_cells, submission_save
from vitreem.units.models import Agency
from vitreem.units.services import agencies_create_standard

from .factories import register

pytestmark = pytest.mark.django_db
TODAY = date(2026, 7, 5)


def action_month_round(personas):
    agencies_create_standard(actor=None, unit=personas.province)
    agencies_create_standard(actor=None, unit=personas.unit_a)
    return round_create(
        actor=personas.admin,
        form=ReportForm.objects.get(code="action-month-result"),
        receiving_unit=personas.province,
        title="Tháng hành động 2026",
        period_kind="campaign",
        period_start=date(2026, 6, 1),
        period_end=date(2026, 6, 30),
    )


def give(personas, child, kind, value, source, on=date(2026, 6, 1), agency=None, **kw):
    return support_record_add(
        actor=personas.officer_a,
        child=child,
        data=SupportData(
            kind=kind,
            given_on=on,
            value=value,
            source=source,
            occasion="action_month",
            giver_agency=agency,
            **kw,
        ),
        today=TODAY,
    )


@pytest.fixture
def supported(personas):
    round_ = action_month_round(personas)
    children = [register(personas.officer_a, personas.unit_a) for _ in range(4)]
    clinic = Agency.objects.get(unit=personas.unit_a, name__startswith="Trạm Y tế")
    health_department = Agency.objects.get(unit=personas.province, name="Sở Y tế")
    give(personas, children[0], "gift", 300_000, "state")
    give(personas, children[0], "gift", 200_000, "mobilised", agency=clinic)  # same child, twice
    give(personas, children[1], "gift", 250_000, "mobilised")
    give(personas, children[2], "scholarship", 1_000_000, "state")
    give(
        personas,
        children[3],
        "surgery",
        25_000_000,
        "state",
        agency=health_department,
        surgery_kind="heart",
    )
    give(personas, children[3], "medical", 400_000, "mobilised", agency=clinic)
    give(
        personas, children[1], "gift", 150_000, "state", on=date(2025, 10, 3)
    )  # Mid-Autumn: not June
    fund = fund_create(
        actor=personas.leader_a, unit=personas.unit_a, name="Quỹ Bảo trợ trẻ em phường"
    )
    norm_decision_add(
        actor=personas.leader_a,
        fund=fund,
        number="01/QĐ-HĐQ",
        signed_on=date(2026, 1, 2),
        valid_from=date(2026, 1, 2),
        items=[("gift", "Quà", 500_000)],
    )
    donor = donor_add(
        actor=personas.officer_a, fund=fund, kind="organisation", name="Công ty TNHH Minh Phát"
    )
    donation_record(
        actor=personas.officer_a,
        fund=fund,
        donor=donor,
        received_on=date(2026, 3, 1),
        amount=60_000_000,
        today=TODAY,
    )
    fund_support_child(
        actor=personas.officer_a,
        fund=fund,
        child=children[2],
        support=SupportData(
            kind="gift",
            given_on=date(2026, 6, 2),
            value=400_000,
            source="fund",
            occasion="action_month",
        ),
        today=TODAY,
    )
    return round_, children, fund


def expected_table2(records) -> dict:
    """The official table 2 computed by hand from the records: distinct children and costs."""
    column = {
        "gift": "gifts",
        "scholarship": "scholarships",
        "medical": "medical",
        "surgery": "medical",
    }
    category = {"state": "state", "mobilised": "mobilised", "fund": "mobilised"}
    children: dict[str, set[int]] = defaultdict(set)
    cost: dict[tuple[str, str], int] = defaultdict(int)
    for r in records:
        children[column[r.kind]].add(r.child_id)
        cost[(column[r.kind], category[r.source])] += r.value
    cells = {(f"{c}_children", "", ""): len(ids) for c, ids in children.items()}
    cells.update({(f"{c}_cost", "", cat): v for (c, cat), v in cost.items()})
    return cells


def test_table_2_of_the_commune_equals_the_sums_of_its_support_records(personas, supported):
    round_, _children, fund = supported
    report = Submission.objects.get(round=round_, unit=personas.unit_a, agency=None)
    proposed = {p.key: p.value for p in prefill.proposals(report)}
    june = SupportRecord.objects.filter(giver_unit=personas.unit_a, given_on__month=6)
    expected = expected_table2(june)
    assert {k: v for k, v in proposed.items() if v} == expected
    assert proposed[("gifts_children", "", "")] == 3  # the child given two gifts counts once
    assert (
        proposed[("gifts_cost", "", "mobilised")] == 200_000 + 250_000 + 400_000
    )  # fund: mobilised
    # The surgery paid by the province's Department of Health is in its own report, not A's.
    department = Submission.objects.get(round=round_, agency__name="Sở Y tế")
    assert {p.key: p.value for p in prefill.proposals(department)}[
        ("medical_cost", "", "state")
    ] == 25_000_000
    # The same figures for every reporter of the province at once.
    province = prefill.support_by_reporter(personas.province, date(2026, 6, 1), date(2026, 6, 30))
    assert province[f"u{personas.unit_a.pk}"] == expected
    # The fund: balance is donations less payments; the honour roll holds the one big donor.
    assert fund_selectors.balance(fund, TODAY) == (
        Donation.objects.aggregate(s=Sum("amount"))["s"]
        - Disbursement.objects.aggregate(s=Sum("amount"))["s"]
    )
    assert [e.donor.name for e in fund_selectors.honour_roll(fund, 2026)] == [
        "Công ty TNHH Minh Phát"
    ]


def test_accepting_some_proposals_fills_them_and_records_every_choice(personas, supported):
    round_, _children, _fund = supported
    report = Submission.objects.get(round=round_, unit=personas.unit_a, agency=None)
    submission_save(
        actor=personas.officer_a, submission=report, cells={("gifts_children", "", ""): 7}
    )
    offered = prefill.proposals(report)
    accept = {("gifts_cost", "", "state"), ("scholarships_children", "", "")}
    prefill.prefill_apply(actor=personas.officer_a, submission=report, accepted=accept)
    cells = submission_cells(report)
    assert cells[("gifts_children", "", "")] == 7  # the officer's own figure is kept
    assert cells[("gifts_cost", "", "state")] == 300_000
    assert cells[("scholarships_children", "", "")] == 1
    choices = {
        c.element_code + "/" + c.category: c
        for c in PrefillChoice.objects.filter(submission=report)
    }
    assert len(choices) == len(offered)
    assert choices["gifts_children/"].accepted is False
    assert (choices["gifts_children/"].previous, choices["gifts_children/"].proposed) == (7, 3)
    assert choices["gifts_cost/state"].accepted is True
    assert set(
        ValueChange.objects.filter(submission=report, source="registry").values_list(
            "element__code", flat=True
        )
    ) == {
        "gifts_cost",
        "scholarships_children",
    }


def test_the_half_year_report_is_filled_from_circumstances_over_the_period(personas):
    officer = personas.officer_a
    a, b, c = (register(officer, personas.unit_a) for _ in range(3))
    circumstance_add(actor=officer, child=a, group="c", started_on=date(2025, 9, 1), today=TODAY)
    circumstance_add(actor=officer, child=b, group="c", started_on=date(2026, 2, 1), today=TODAY)
    circumstance_add(
        actor=officer,
        child=c,
        group="d",
        started_on=date(2025, 1, 1),
        ended_on=date(2026, 3, 1),
        today=TODAY,
    )
    round_ = round_create(
        actor=personas.admin,
        form=ReportForm.objects.get(code="special-circumstances"),
        receiving_unit=personas.province,
        title="Báo cáo 6 tháng đầu năm 2026",
        period_kind="half_year",
        period_start=date(2025, 12, 15),
        period_end=date(2026, 6, 14),
    )
    report = Submission.objects.get(round=round_, unit=personas.unit_a, agency=None)
    proposed = {p.key: p.value for p in prefill.proposals(report)}
    assert [proposed[(col, "c", "")] for col in ("at_start", "new", "left", "at_end")] == [
        1,
        1,
        0,
        2,
    ]
    assert [proposed[(col, "d", "")] for col in ("at_start", "new", "left", "at_end")] == [
        1,
        0,
        1,
        0,
    ]
    assert proposed[("at_end", "l", "")] == 0
    prefill.prefill_apply(actor=officer, submission=report, accepted=set(proposed))
    from vitreem.reporting.services import submission_submit

    submission_submit(actor=officer, submission=report)  # the balance rule holds for every group

"""A fund of unit A with its norms, and gifts and payments recorded through the services."""

from datetime import date

from vitreem.children.tests.factories import TODAY
from vitreem.fund.services import (
    DisbursementData,
    disbursement_record,
    donation_record,
    donor_add,
    fund_create,
    norm_decision_add,
)

FUND_NAME = "Quỹ Bảo trợ trẻ em phường Bắc Kạn"


def make_fund(personas, name: str = FUND_NAME):
    """Unit A's fund, with the council's norms from 05/01/2026 (leader A)."""
    fund = fund_create(actor=personas.leader_a, unit=personas.unit_a, name=name)
    norm_decision_add(
        actor=personas.leader_a,
        fund=fund,
        number="01/QĐ-HĐQ",
        signed_on=date(2026, 1, 5),
        valid_from=date(2026, 1, 5),
        items=[
            ("gift", "Quà Tháng hành động, Trung thu", 500_000),
            ("surgery", "Hỗ trợ phẫu thuật", 20_000_000),
            ("activity", "Hoạt động vì trẻ em", None),
            ("management", "Chi phí quản lý", None),
        ],
    )
    return fund


def give(personas, fund, name, amount, on=date(2026, 3, 1), **kw):
    donor = donor_add(
        actor=personas.officer_a,
        fund=fund,
        kind=kw.pop("kind", "organisation"),
        name=name,
        anonymous=kw.pop("anonymous", False),
    )
    return donation_record(
        actor=personas.officer_a,
        fund=fund,
        donor=donor,
        received_on=on,
        amount=amount,
        today=TODAY,
        **kw,
    )


def pay(personas, fund, amount, category="activity", on=date(2026, 5, 30), **kw):
    return disbursement_record(
        actor=personas.officer_a,
        fund=fund,
        data=DisbursementData(
            paid_on=on,
            category=category,
            purpose=kw.pop("purpose", "Tổ chức Diễn đàn trẻ em"),
            amount=amount,
            **kw,
        ),
        today=TODAY,
    )

"""The fund keeps its past across the 2025 reform: phường Bắc Kạn's fund carries what the fund of
phường Sông Cầu (one of the wards it was formed from) recorded before 1/7/2025, read where it was
recorded; Sông Cầu's own page keeps its ledger; a divided commune's past goes to its default
successor only."""

from datetime import date

import pytest

from conftest import PRE_REFORM_DAY, unit
from vitreem.fund import selectors
from vitreem.fund.services import (
    DisbursementData,
    disbursement_record,
    donation_record,
    donor_add,
    fund_create,
    norm_decision_add,
)
from vitreem.fund.tests.factories import give, make_fund, pay

pytestmark = pytest.mark.django_db

OLD_NAME = "Quỹ Bảo trợ trẻ em phường Sông Cầu"


def old_gift(admin, fund, amount: int, on: date):
    donor = donor_add(
        actor=admin, fund=fund, kind="organisation", name="Công ty C", anonymous=False
    )
    return donation_record(
        actor=admin, fund=fund, donor=donor, received_on=on, amount=amount, today=on
    )


def old_payment(admin, fund, amount: int, on: date):
    return disbursement_record(
        actor=admin,
        fund=fund,
        data=DisbursementData(
            paid_on=on, category="gift", purpose="Quà Trung thu cho trẻ em", amount=amount
        ),
        today=on,
    )


@pytest.fixture
def old_fund(personas):
    """Sông Cầu's fund: 4,000,000 in on 1/6/2024, 1,000,000 out on 1/3/2025, and a late gift of
    500,000 dated 15/7/2025, after the reform (it stays the old ward's only)."""
    fund = fund_create(actor=personas.admin, unit=unit("01837", PRE_REFORM_DAY), name=OLD_NAME)
    norm_decision_add(
        actor=personas.admin,
        fund=fund,
        number="01/QĐ-HĐQ",
        signed_on=date(2024, 1, 5),
        valid_from=date(2024, 1, 5),
        items=[("gift", "Quà Tháng hành động, Trung thu", None)],
    )
    old_gift(personas.admin, fund, 4_000_000, date(2024, 6, 1))
    old_payment(personas.admin, fund, 1_000_000, date(2025, 3, 1))
    old_gift(personas.admin, fund, 500_000, date(2025, 7, 15))
    return fund


@pytest.fixture
def fund(personas, old_fund):
    """Phường Bắc Kạn's fund: 2,000,000 in on 1/3/2026."""
    fund = make_fund(personas)
    give(personas, fund, "Công ty Sữa", 2_000_000, on=date(2026, 3, 1))
    return fund


def test_the_successors_balance_has_the_predecessors_past_and_its_own_later_entries(
    personas, old_fund, fund
):
    assert selectors.balance(fund, date(2024, 12, 31)) == 4_000_000
    assert selectors.balance(fund, date(2025, 6, 30)) == 3_000_000
    assert selectors.balance(fund, date(2025, 12, 31)) == 3_000_000  # not the late gift
    assert selectors.balance(fund, date(2026, 6, 30)) == 5_000_000
    # The ledger is not rewritten: the old entries stay in the old fund.
    assert old_fund.donations.count() == 2
    assert fund.donations.count() == 1
    # The inherited money may be spent by the successor.
    pay(personas, fund, 4_500_000, on=date(2026, 6, 1))
    assert selectors.balance(fund, date(2026, 6, 30)) == 500_000


def test_the_api_gives_the_balance_with_the_units_it_inherited(api_client, personas, fund):
    api_client.login(personas.leader_a)
    body = api_client.get(f"/api/v1/funds/{fund.pk}/balance?as_of=2026-06-30").json()
    assert body["balance"] == 5_000_000
    assert {"unit_code": "01837", "unit_name": "Phường Sông Cầu", "until": "2025-07-01"} in body[
        "inherited"
    ]
    year = api_client.get(f"/api/v1/funds/{fund.pk}/disclosure?year=2024").json()
    assert (year["received"], year["closing"]) == (4_000_000, 4_000_000)
    assert [g["unit"] for g in year["gifts"]] == ["Phường Sông Cầu"]


def test_the_successors_page_shows_the_old_entries_with_the_unit_that_recorded_them(
    client, personas, old_fund, fund
):
    client.force_login(personas.officer_a)
    page = client.get(f"/funds/{fund.pk}/?year=2024").content.decode()
    assert "Đơn vị ghi sổ" in page
    assert "Phường Sông Cầu" in page
    assert "Công ty C" in page
    old = old_fund.donations.order_by("pk").first()
    assert f"/funds/{fund.pk}/donations/{old.pk}/" not in page  # no reversal from here
    year_2025 = client.get(f"/funds/{fund.pk}/?year=2025").content.decode()
    assert "Quà Trung thu cho trẻ em" in year_2025
    assert "01/03/2025" in year_2025
    assert "15/07/2025" not in year_2025  # the late gift is not its


def test_a_user_of_another_unit_is_refused(api_client, client, personas, fund):
    api_client.login(personas.officer_b)
    refused = api_client.get(f"/api/v1/funds/{fund.pk}/balance")
    assert refused.status_code == 404
    assert "5000000" not in refused.content.decode()
    client.force_login(personas.officer_b)
    assert client.get(f"/funds/{fund.pk}/?year=2024").status_code == 404


def test_the_old_wards_page_still_shows_its_own_ledger(client, personas, old_fund, fund):
    assert selectors.balance(old_fund, date(2026, 6, 30)) == 3_500_000
    client.force_login(personas.admin)
    page = client.get(f"/funds/{old_fund.pk}/?year=2025").content.decode()
    assert "Quà Trung thu cho trẻ em" in page
    assert "Đơn vị ghi sổ" not in page
    assert "Công ty Sữa" not in client.get(f"/funds/{old_fund.pk}/?year=2026").content.decode()


def test_the_old_wards_page_says_which_unit_carries_its_ledger_on(client, personas, old_fund, fund):
    client.force_login(personas.admin)
    page = client.get(f"/funds/{old_fund.pk}/?year=2025").content.decode()
    note = page.split('<p class="era carried-on">')[1].split("</p>")[0]
    assert "Từ ngày 01/07/2025, Phường Bắc Kạn là đơn vị kế thừa" in note
    assert f'href="/funds/{fund.pk}/"' in note
    # The successor's own page has no such note.
    assert "carried-on" not in client.get(f"/funds/{fund.pk}/").content.decode()


def test_the_note_links_the_successors_fund_only_for_those_who_read_it(personas, old_fund, fund):
    from vitreem.accounts.tests.factories import MembershipFactory, UserFactory

    old_reader = MembershipFactory(
        user=UserFactory(username="canbo.songcau.cu"), unit=old_fund.unit, role="officer"
    ).user
    for_admin = selectors.carried_on(old_fund, personas.admin)
    assert for_admin is not None
    assert (for_admin.successor, for_admin.day, for_admin.fund) == (
        personas.unit_a,
        date(2025, 7, 1),
        fund,
    )
    for_old = selectors.carried_on(old_fund, old_reader)
    assert for_old is not None
    assert (for_old.successor, for_old.fund) == (personas.unit_a, None)
    assert selectors.carried_on(fund, personas.admin) is None


def test_a_second_fund_of_the_successor_does_not_carry_the_past_again(personas, fund):
    second = make_fund(personas, name="Quỹ thứ hai")
    assert selectors.balance(second, date(2026, 6, 30)) == 0
    assert selectors.fund_ledger(second).inherited == ()


def test_a_divided_communes_fund_goes_to_its_default_successor_only(personas):
    old_gia_sang = fund_create(
        actor=personas.admin, unit=unit("05461", PRE_REFORM_DAY), name="Quỹ Gia Sàng"
    )
    old_gift(personas.admin, old_gia_sang, 7_000_000, date(2025, 1, 10))
    default = fund_create(actor=personas.admin, unit=unit("05443"), name="Quỹ Phan Đình Phùng")
    other = fund_create(actor=personas.admin, unit=unit("05467"), name="Quỹ Gia Sàng mới")
    assert selectors.balance(default, date(2026, 1, 1)) == 7_000_000
    assert selectors.balance(other, date(2026, 1, 1)) == 0


def test_the_dashboard_counts_the_predecessors_past_only_up_to_the_reform(
    client, personas, old_fund
):
    ledger = selectors.unit_ledger(personas.unit_a)
    years = selectors.fund_years(ledger, [2024, 2025, 2026])
    assert [(y.year, y.received, y.paid, y.balance) for y in years] == [
        (2024, 4_000_000, 0, 4_000_000),
        (2025, 0, 1_000_000, 3_000_000),
        (2026, 0, 0, 3_000_000),
    ]


def test_a_write_locks_the_funds_whose_balances_read_each_other(personas, old_fund, fund):
    """A payment of the successor reads the old fund's past, and a reversal in that past lowers
    the successor's balance: each locks the other's row too, in one order."""
    assert selectors.ledger_family(fund) == sorted([old_fund.pk, fund.pk])
    assert selectors.ledger_family(old_fund) == sorted([old_fund.pk, fund.pk])
    second = make_fund(personas, name="Quỹ thứ hai")
    assert selectors.ledger_family(second) == [second.pk]

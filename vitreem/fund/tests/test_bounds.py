"""The fund's money and dates stay within the domain's bounds on every path (API, pages,
services), so no accepted donation can make a sum over the ledger overflow."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError

from vitreem.core.bounds import MONEY_MAX
from vitreem.fund.models import Disbursement, Donation
from vitreem.fund.services import (
    DisbursementData,
    disbursement_record,
    donation_record,
    donation_reverse,
    fund_create,
    norm_decision_add,
)

from .factories import give, make_fund

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 6, 20, 9, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
TOO_MUCH = "Số tiền vượt quá mức cho phép (tối đa 10.000.000.000.000 đồng)."


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def fund(personas):
    return make_fund(personas)


@pytest.fixture
def donor(personas, fund):
    return give(personas, fund, "Công ty Sữa", 1_000_000).donor


def _post(api_client, fund, donor, **changes):
    body = {"donor": donor.pk, "received_on": "2026-06-01", "amount": 100_000, **changes}
    return api_client.post(f"/api/v1/funds/{fund.pk}/donations", body)


def _every_reading_of(api_client, fund) -> list[int]:
    return [
        api_client.get(f"/api/v1/funds/{fund.pk}/balance").status_code,
        api_client.get(f"/api/v1/funds/{fund.pk}/honour-roll?year=2026").status_code,
        api_client.get(f"/api/v1/funds/{fund.pk}/disclosure?year=2026").status_code,
    ]


@pytest.mark.parametrize("amount", [2**63 - 1, 2**63, 2**64, 10**15, MONEY_MAX + 1])
def test_an_implausible_donation_is_refused_naming_the_amount_and_the_fund_still_reads(
    api_client, personas, fund, donor, amount
):
    api_client.login(personas.officer_a)
    before = Donation.objects.count()
    response = _post(api_client, fund, donor, amount=amount)
    assert response.status_code == 422
    assert response.json()["errors"] == [{"field": "amount", "message": TOO_MUCH}]
    assert TOO_MUCH in response.json()["detail"]
    assert Donation.objects.count() == before
    assert _every_reading_of(api_client, fund) == [200, 200, 200]


def test_donations_at_the_ceiling_still_sum_and_reverse(api_client, personas, fund, donor):
    api_client.login(personas.officer_a)
    for _ in range(3):
        assert _post(api_client, fund, donor, amount=MONEY_MAX).status_code == 201
    assert _every_reading_of(api_client, fund) == [200, 200, 200]
    balance = api_client.get(f"/api/v1/funds/{fund.pk}/balance").json()["balance"]
    assert balance == 3 * MONEY_MAX + 1_000_000
    honour = api_client.get(f"/api/v1/funds/{fund.pk}/honour-roll?year=2026").json()
    assert honour["items"] == [{"donor": "Công ty Sữa", "total": 3 * MONEY_MAX + 1_000_000}]
    last = Donation.objects.filter(amount=MONEY_MAX).latest("id")
    reversal = donation_reverse(actor=personas.officer_a, donation=last, reason="Nhầm")
    assert reversal.amount == -MONEY_MAX
    page = api_client.get(f"/api/v1/funds/{fund.pk}/balance").json()
    assert page["balance"] == 2 * MONEY_MAX + 1_000_000


@pytest.mark.parametrize("day", ["0001-01-01", "1989-12-31"])
def test_a_donation_dated_before_1990_is_refused(api_client, personas, fund, donor, day):
    api_client.login(personas.officer_a)
    before = Donation.objects.count()
    response = _post(api_client, fund, donor, received_on=day)
    assert response.status_code == 422
    (error,) = response.json()["errors"]
    assert error["field"] == "received_on"
    assert "01/01/1990" in error["message"]
    assert Donation.objects.count() == before


def test_the_first_plausible_day_is_accepted(api_client, personas, fund, donor):
    api_client.login(personas.officer_a)
    assert _post(api_client, fund, donor, received_on="1990-01-01").status_code == 201


@pytest.mark.parametrize("as_of", ["0001-01-01", "01/01/0001", "9999-12-31", "1989-12-31"])
def test_a_balance_at_an_implausible_day_is_refused(api_client, personas, fund, as_of):
    api_client.login(personas.officer_a)
    response = api_client.get(f"/api/v1/funds/{fund.pk}/balance?as_of={as_of}")
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "as_of"


def test_the_services_guard_the_bounds_for_commands_and_tests_too(personas, fund, donor):
    before = (Donation.objects.count(), Disbursement.objects.count())
    with pytest.raises(ValidationError) as refused:
        donation_record(
            actor=personas.officer_a,
            fund=fund,
            donor=donor,
            received_on=date(2026, 6, 1),
            amount=2**63 - 1,
        )
    assert refused.value.message_dict == {"amount": [TOO_MUCH]}
    with pytest.raises(ValidationError) as refused:
        donation_record(
            actor=personas.officer_a,
            fund=fund,
            donor=donor,
            received_on=date(1, 1, 1),
            amount=100_000,
        )
    assert list(refused.value.message_dict) == ["received_on"]
    for data in (
        DisbursementData(paid_on=date(2026, 6, 1), category="activity", purpose="x", amount=2**63),
        DisbursementData(paid_on=date(1, 1, 1), category="activity", purpose="x", amount=1),
        DisbursementData(
            paid_on=date(2026, 6, 1),
            category="activity",
            purpose="x",
            amount=1,
            beneficiaries=2**63,
        ),
    ):
        with pytest.raises(ValidationError):
            disbursement_record(actor=personas.officer_a, fund=fund, data=data)
    with pytest.raises(ValidationError) as refused:
        fund_create(
            actor=personas.leader_a, unit=personas.unit_a, name="Quỹ X", honour_threshold=2**63
        )
    assert list(refused.value.message_dict) == ["honour_threshold"]
    with pytest.raises(ValidationError) as refused:
        norm_decision_add(
            actor=personas.leader_a,
            fund=fund,
            number="02/QĐ",
            signed_on=date(1, 1, 1),
            valid_from=date(2026, 7, 1),
            items=[("gift", "Quà", 2**63)],
        )
    assert set(refused.value.message_dict) == {"signed_on", "items"}
    assert (Donation.objects.count(), Disbursement.objects.count()) == before


@pytest.mark.parametrize(
    ("changes", "words"),
    [
        ({"amount": "9.223.372.036.854.775.807"}, TOO_MUCH),
        ({"amount": "10000000000001"}, TOO_MUCH),
        ({"received_on": "01/01/0001"}, "01/01/1990"),
    ],
)
def test_the_donation_page_refuses_implausible_values(
    client, personas, fund, donor, changes, words
):
    client.force_login(personas.officer_a)
    before = Donation.objects.count()
    response = client.post(
        f"/funds/{fund.pk}/donations/new/",
        {"donor": donor.pk, "received_on": "10/06/2026", "kind": "money", "amount": "500.000"}
        | changes,
    )
    assert response.status_code == 200
    assert words in response.content.decode()
    assert Donation.objects.count() == before

"""The fund's API: shapes, balance as a sum over the ledger, the honour roll, donations."""

from datetime import date

import pytest
from django.db.models import Sum

from vitreem.children.tests.factories import register
from vitreem.fund.models import Disbursement, Donation

from .factories import give, make_fund, pay

pytestmark = pytest.mark.django_db


@pytest.fixture
def fund(personas):
    return make_fund(personas)


def test_the_list_of_funds_is_scoped_and_paged(api_client, personas, fund):
    make_fund(personas, name="Quỹ thứ hai")
    api_client.login(personas.supervisor)
    body = api_client.get("/api/v1/funds?limit=1").json()
    assert body["count"] == 2
    assert len(body["items"]) == 1
    assert set(body["items"][0]) == {
        "id",
        "unit_code",
        "unit_name",
        "name",
        "managing_agency",
        "bank_account",
        "honour_threshold",
        "management_cap_percent",
    }
    assert body["items"][0]["unit_code"] == "01843"
    assert body["items"][0]["honour_threshold"] == 50_000_000
    api_client.login(personas.officer_b)
    assert api_client.get("/api/v1/funds").json() == {"count": 0, "items": []}
    assert api_client.get("/api/v1/funds?limit=0").status_code == 422


def test_the_balance_is_the_donations_less_the_payments_at_every_date(api_client, personas, fund):
    give(personas, fund, "Công ty Sữa", 30_000_000, on=date(2026, 2, 1))
    give(personas, fund, "Bà Lan", 2_500_000, on=date(2026, 4, 1), kind="person")
    wrong = give(personas, fund, "Ông Hậu", 1_000_000, on=date(2026, 4, 2), kind="person")
    pay(personas, fund, 4_000_000, on=date(2026, 5, 30))
    from vitreem.children.tests.factories import TODAY
    from vitreem.fund.services import donation_reverse

    donation_reverse(actor=personas.officer_a, donation=wrong, reason="Nhầm", today=TODAY)
    api_client.login(personas.viewer)
    for day in ("2026-01-31", "2026-02-01", "2026-04-01", "2026-05-30", "2026-06-15"):
        body = api_client.get(f"/api/v1/funds/{fund.pk}/balance?as_of={day}").json()
        as_of = date.fromisoformat(day)
        donations = Donation.objects.filter(fund=fund, received_on__lte=as_of)
        payments = Disbursement.objects.filter(fund=fund, paid_on__lte=as_of)
        expected = (donations.aggregate(s=Sum("amount"))["s"] or 0) - (
            payments.aggregate(s=Sum("amount"))["s"] or 0
        )
        assert (body["balance"], body["as_of"]) == (expected, day)
    assert api_client.get(f"/api/v1/funds/{fund.pk}/balance?as_of=2026-06-15").json()[
        "balance"
    ] == (30_000_000 + 2_500_000 - 4_000_000)
    assert "as_of" in api_client.get(f"/api/v1/funds/{fund.pk}/balance").json()
    bad = api_client.get(f"/api/v1/funds/{fund.pk}/balance?as_of=15/06/2026")
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["field"] == "as_of"


def test_the_honour_roll_lists_exactly_the_donors_at_or_over_the_threshold(
    api_client, personas, fund
):
    give(personas, fund, "Tập đoàn Thép", 50_000_000)
    give(personas, fund, "Bà Trịnh Thị Kín", 70_000_000, kind="person", anonymous=True)
    give(personas, fund, "Cửa hàng Hoa Mai", 49_999_999)
    give(personas, fund, "Công ty Xi măng", 60_000_000, on=date(2025, 12, 31))
    api_client.login(personas.officer_a)
    body = api_client.get(f"/api/v1/funds/{fund.pk}/honour-roll?year=2026").json()
    assert body == {
        "year": 2026,
        "threshold": 50_000_000,
        "items": [
            {"donor": "Nhà hảo tâm (không công khai tên)", "total": 70_000_000},
            {"donor": "Tập đoàn Thép", "total": 50_000_000},
        ],
    }
    last_year = api_client.get(f"/api/v1/funds/{fund.pk}/honour-roll?year=2025").json()
    assert [i["donor"] for i in last_year["items"]] == ["Công ty Xi măng"]
    bad = api_client.get(f"/api/v1/funds/{fund.pk}/honour-roll?year=hai")
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["field"] == "year"


def test_an_integrator_records_a_donation(api_client, personas, fund):
    donor = give(personas, fund, "Công ty Sữa", 1_000_000).donor
    child = register(personas.officer_a, personas.unit_a)
    api_client.login(personas.officer_a)
    donors = api_client.get(f"/api/v1/funds/{fund.pk}/donors").json()
    assert donors == [
        {
            "id": donor.pk,
            "kind": "organisation",
            "name": "Công ty Sữa",
            "public_name": "Công ty Sữa",
            "anonymous": False,
        }
    ]
    response = api_client.post(
        f"/api/v1/funds/{fund.pk}/donations",
        {
            "donor": donor.pk,
            "received_on": "2026-06-01",
            "amount": 2_000_000,
            "receipt_number": "BL-9",
            "earmark_child": child.public_id,
        },
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["amount"] == 2_000_000
    assert body["kind"] == "money"
    assert body["earmark_child"] == child.public_id
    assert Donation.objects.get(pk=body["id"]).earmark_child == child


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"amount": -5_000}, "amount"),
        ({"amount": 0}, "amount"),
        ({"amount": "500000"}, "amount"),
        ({"amount": 1.5}, "amount"),
        ({"received_on": "01/06/2026"}, "received_on"),
        ({"received_on": "2099-01-01"}, "received_on"),
        ({"kind": "gold"}, "kind"),
        ({"kind": "in_kind"}, "description"),
        ({"donor": 987654}, "donor"),
        ({"earmark_child": "0123456789abcdef"}, "earmark_child"),
        ({"receipt_number": "BL-1"}, "receipt_number"),
    ],
)
def test_a_bad_donation_is_refused_naming_the_field_and_nothing_changes(
    api_client, personas, fund, changes, field
):
    donor = give(personas, fund, "Công ty Sữa", 1_000_000, receipt_number="BL-1").donor
    api_client.login(personas.officer_a)
    before = Donation.objects.count()
    response = api_client.post(
        f"/api/v1/funds/{fund.pk}/donations",
        {"donor": donor.pk, "received_on": "2026-06-01", "amount": 100_000, **changes},
    )
    assert response.status_code == 422
    assert field in [e["field"] for e in response.json()["errors"]], response.json()
    assert response.json()["detail"]
    assert Donation.objects.count() == before


def test_a_donor_of_another_fund_is_refused(api_client, personas, fund):
    other = make_fund(personas, name="Quỹ khác")
    stranger = give(personas, other, "Công ty Khác", 1_000_000).donor
    api_client.login(personas.officer_a)
    response = api_client.post(
        f"/api/v1/funds/{fund.pk}/donations",
        {"donor": stranger.pk, "received_on": "2026-06-01", "amount": 100_000},
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "donor"


def test_readers_only_read_and_other_units_see_nothing(api_client, personas, fund):
    donor = give(personas, fund, "Công ty Sữa", 1_000_000).donor
    body = {"donor": donor.pk, "received_on": "2026-06-01", "amount": 100_000}
    api_client.login(personas.viewer)
    assert api_client.post(f"/api/v1/funds/{fund.pk}/donations", body).status_code == 403
    api_client.login(personas.officer_b)
    for path in ("balance", "honour-roll", "donors"):
        assert api_client.get(f"/api/v1/funds/{fund.pk}/{path}").status_code == 404
    assert api_client.post(f"/api/v1/funds/{fund.pk}/donations", body).status_code == 404
    assert api_client.get("/api/v1/funds/987654/balance").status_code == 404
    assert Donation.objects.count() == 1

"""The public disclosure page and its JSON: open to all, and without any child's personal data."""

from datetime import date

import pytest

from vitreem.children.services import SupportData
from vitreem.children.tests.factories import TODAY, register
from vitreem.fund.services import fund_support_child

from .factories import give, make_fund, pay

pytestmark = pytest.mark.django_db

NAME = "Hoàng Thị Bích Ngọc Xuyến"  # distinctive: found nowhere else
BORN = date(2017, 9, 23)


@pytest.fixture
def published(personas):
    """A fund with a named donor, an anonymous one, a gift for the child, a group payment and
    the child's surgery paid by the fund."""
    fund = make_fund(personas)
    child = register(personas.officer_a, personas.unit_a, name=NAME, born=BORN)
    give(personas, fund, "Công ty Cổ phần Sữa", 30_000_000, on=date(2026, 2, 1))
    give(personas, fund, "Bà Trịnh Thị Kín", 20_000_000, anonymous=True, kind="person")
    give(
        personas,
        fund,
        "Ông Đặng Văn Tâm",
        1_000_000,
        kind="person",
        earmark_child=child,
        earmark_purpose=f"Cho cháu {NAME} mua sách",
    )
    pay(personas, fund, 6_000_000, category="gift", beneficiaries=12, on=date(2026, 5, 31))
    fund_support_child(
        actor=personas.officer_a,
        fund=fund,
        child=child,
        support=SupportData(
            kind="surgery",
            surgery_kind="heart",
            given_on=date(2026, 6, 3),
            value=15_000_000,
            source="fund",
            occasion="other",
            description=f"Mổ tim cho {NAME}",
        ),
        voucher_number="PC-7",
        today=TODAY,
    )
    return fund, child


def assert_no_child_data(text: str, child) -> None:
    for secret in (
        NAME,
        "Xuyến",
        child.public_id,
        "23/09/2017",
        "2017-09-23",
        "heart",
        "Mổ tim",
        "Tim",
    ):
        assert secret not in text, secret


def test_the_public_page_needs_no_login_and_shows_gifts_and_payments(client, published):
    fund, child = published
    response = client.get(f"/funds/{fund.pk}/cong-khai/?year=2026")
    page = response.content.decode()
    assert response.status_code == 200
    assert "Công ty Cổ phần Sữa" in page
    assert "30.000.000" in page
    assert "Nhà hảo tâm (không công khai tên)" in page
    assert "Kín" not in page
    assert "Tài trợ có địa chỉ cho trẻ em" in page
    assert "Phẫu thuật, chỉnh hình — Dịp khác" in page
    assert "15.000.000" in page
    assert "30.000.000" in page
    assert "51.000.000" in page
    assert "< 5" in page  # one child operated on
    assert ("Tặng quà", 6_000_000, "12") in response.context["d"].by_category  # twelve: shown
    assert_no_child_data(page, child)


def test_the_public_page_is_not_indexed(client, published):
    fund, _child = published
    response = client.get(f"/funds/{fund.pk}/cong-khai/")
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert '<meta name="robots" content="noindex, nofollow">' in response.content.decode()


def test_a_quarter_has_its_opening_and_closing_balance(client, published):
    fund, _child = published
    d = client.get(f"/funds/{fund.pk}/cong-khai/?year=2026&quarter=2").context["d"]
    assert (d.start, d.end) == (date(2026, 4, 1), date(2026, 6, 30))
    assert (d.opening, d.received, d.paid, d.closing) == (
        51_000_000,
        0,
        21_000_000,
        30_000_000,
    )
    assert d.gifts == []
    # A bad quarter or year shows the default (the whole current year), never an error.
    response = client.get(f"/funds/{fund.pk}/cong-khai/?year=abc&quarter=7")
    assert response.status_code == 200
    assert response.context["d"].start.month == 1


def test_an_unknown_fund_has_no_public_page(client):
    assert client.get("/funds/987654/cong-khai/").status_code == 404


def test_the_public_json_needs_no_token_and_carries_no_child_data(client, published):
    fund, child = published
    response = client.get(f"/api/v1/funds/{fund.pk}/disclosure?year=2026")
    assert response.status_code == 200
    body = response.json()
    assert_no_child_data(response.content.decode(), child)
    assert body["opening"] == 0
    assert body["closing"] == 51_000_000 - 21_000_000
    assert [g["donor"] for g in body["gifts"]] == [
        "Công ty Cổ phần Sữa",
        "Nhà hảo tâm (không công khai tên)",
        "Ông Đặng Văn Tâm",
    ]
    assert {c["category"]: c["children"] for c in body["by_category"]} == {
        "Phẫu thuật, chỉnh hình": "< 5",
        "Tặng quà": "12",
    }
    assert set(body["payments"][0]) == {"paid_on", "category", "purpose", "amount", "unit"}
    quarter = client.get(f"/api/v1/funds/{fund.pk}/disclosure?year=2026&quarter=1").json()
    assert (quarter["start"], quarter["end"]) == ("2026-01-01", "2026-03-31")
    bad = client.get(f"/api/v1/funds/{fund.pk}/disclosure?year=2026&quarter=5")
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["field"] == "quarter"
    assert client.get("/api/v1/funds/987654/disclosure?year=2026").status_code == 404

"""The fund's ledger: balances, norms, caps, earmarks, honour roll, disclosure, support."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Sum
from django.http import Http404

from vitreem.children.models import SupportRecord
from vitreem.children.services import SupportData
from vitreem.children.tests.factories import TODAY, register
from vitreem.fund import selectors
from vitreem.fund.models import Disbursement, Donation
from vitreem.fund.services import (
    donation_record,
    donation_reverse,
    donor_add,
    fund_support_child,
    norm_decision_add,
)

from .factories import give, make_fund, pay

pytestmark = pytest.mark.django_db


@pytest.fixture
def fund(personas):
    return make_fund(personas)


def test_balance_is_donations_minus_disbursements_at_any_date(personas, fund):
    give(personas, fund, "Công ty Cổ phần Sữa", 30_000_000, on=date(2026, 2, 1))
    give(personas, fund, "Bà Nguyễn Thị Lan", 2_500_000, on=date(2026, 4, 1), kind="person")
    pay(personas, fund, 4_000_000, on=date(2026, 5, 30))
    assert selectors.balance(fund, date(2026, 1, 31)) == 0
    assert selectors.balance(fund, date(2026, 3, 1)) == 30_000_000
    assert selectors.balance(fund, TODAY) == 30_000_000 + 2_500_000 - 4_000_000
    donations = Donation.objects.filter(fund=fund).aggregate(s=Sum("amount"))["s"]
    payments = Disbursement.objects.filter(fund=fund).aggregate(s=Sum("amount"))["s"]
    assert selectors.balance(fund, TODAY) == donations - payments


def test_a_payment_beyond_the_balance_is_refused_and_nothing_changes(personas, fund):
    give(personas, fund, "Hội Chữ thập đỏ", 1_000_000)
    with pytest.raises(ValidationError) as refused:
        pay(personas, fund, 1_000_001)
    assert "không đủ" in str(refused.value)
    # Dated before the money came in: the balance that day was nothing.
    with pytest.raises(ValidationError):
        pay(personas, fund, 500_000, on=date(2026, 2, 1))
    assert not Disbursement.objects.exists()


@pytest.mark.parametrize("amount", [0, -5_000, "100000", 1.5, True])
def test_amounts_must_be_positive_whole_dong(personas, fund, amount):
    donor = donor_add(actor=personas.officer_a, fund=fund, kind="person", name="Ông Hà Văn Sơn")
    with pytest.raises(ValidationError) as refused:
        donation_record(
            actor=personas.officer_a,
            fund=fund,
            donor=donor,
            received_on=date(2026, 3, 1),
            amount=amount,
            today=TODAY,
        )
    assert "Số tiền" in str(refused.value)
    assert not Donation.objects.exists()


def test_payments_follow_the_norm_in_force(personas, fund):
    give(personas, fund, "Ngân hàng Nông nghiệp", 40_000_000)
    with pytest.raises(ValidationError) as refused:
        pay(personas, fund, 1_000_000, category="scholarship", beneficiaries=2)
    assert "Chưa có định mức" in str(refused.value)
    with pytest.raises(ValidationError) as refused:
        pay(personas, fund, 1_200_000, category="gift", beneficiaries=2)
    assert "Vượt định mức" in str(refused.value)
    pay(personas, fund, 1_000_000, category="gift", beneficiaries=2)
    # A later decision replaces the norms from its date.
    norm_decision_add(
        actor=personas.leader_a,
        fund=fund,
        number="02/QĐ-HĐQ",
        signed_on=date(2026, 5, 1),
        valid_from=date(2026, 5, 1),
        items=[("gift", "Quà", 700_000)],
    )
    pay(personas, fund, 1_400_000, category="gift", beneficiaries=2, on=date(2026, 5, 2))
    with pytest.raises(ValidationError):
        pay(personas, fund, 1_000_000, category="activity", on=date(2026, 5, 2))


def test_management_costs_stay_under_the_cap_of_receipts(personas, fund):
    give(personas, fund, "Công ty Điện lực", 100_000_000)
    give(personas, fund, "Trường Tiểu học", 50_000_000, earmark_purpose="Xây sân chơi")
    share = selectors.management_share(fund, 2026)
    assert (share.basis, share.cap) == (100_000_000, 5_000_000)  # earmarked gifts excluded
    pay(personas, fund, 4_000_000, category="management", purpose="Văn phòng phẩm")
    with pytest.raises(ValidationError) as refused:
        pay(personas, fund, 1_000_001, category="management", purpose="In ấn")
    assert "vượt trần 5%" in str(refused.value)


def test_earmarked_gifts_are_spent_only_on_their_purpose_amount(personas, fund):
    gift = give(
        personas, fund, "Doanh nghiệp Hoàng Long", 3_000_000, earmark_purpose="Sân chơi tổ 5"
    )
    give(personas, fund, "Ông Lưu Văn Bình", 10_000_000, kind="person")
    pay(personas, fund, 2_000_000, earmark_donation=gift)
    with pytest.raises(ValidationError) as refused:
        pay(personas, fund, 1_500_000, earmark_donation=gift)
    assert "chỉ còn 1.000.000 đồng" in str(refused.value)


def test_honour_roll_lists_exactly_the_donors_at_or_over_the_threshold(personas, fund):
    give(personas, fund, "Tập đoàn Thép", 50_000_000)
    big = give(personas, fund, "Công ty May", 30_000_000)
    donation_record(
        actor=personas.officer_a,
        fund=fund,
        donor=big.donor,
        received_on=date(2026, 5, 1),
        amount=25_000_000,
        today=TODAY,
    )
    give(personas, fund, "Cửa hàng Hoa Mai", 49_999_999)
    give(personas, fund, "Công ty Xi măng", 60_000_000, on=date(2025, 12, 31))  # last year
    roll = selectors.honour_roll(fund, 2026)
    assert [(e.donor.name, e.total) for e in roll] == [
        ("Công ty May", 55_000_000),
        ("Tập đoàn Thép", 50_000_000),
    ]


def test_a_reversed_donation_leaves_the_ledger_and_the_balance_straight(personas, fund):
    wrong = give(personas, fund, "Ông Trần Văn Hậu", 5_000_000)
    donation_reverse(actor=personas.officer_a, donation=wrong, reason="Ghi nhầm quỹ", today=TODAY)
    assert Donation.objects.filter(fund=fund).count() == 2  # nothing is deleted
    assert selectors.balance(fund, TODAY) == 0
    with pytest.raises(ValidationError):
        donation_reverse(actor=personas.officer_a, donation=wrong, reason="Lần nữa", today=TODAY)


def test_supporting_a_child_from_the_fund_writes_the_record_and_the_payment_together(
    personas, fund
):
    give(personas, fund, "Công ty Sữa", 10_000_000)
    child = register(personas.officer_a, personas.unit_a)
    payment = fund_support_child(
        actor=personas.officer_a,
        fund=fund,
        child=child,
        support=SupportData(
            kind="gift",
            given_on=date(2026, 6, 1),
            value=400_000,
            source="fund",
            occasion="action_month",
        ),
        today=TODAY,
    )
    record = payment.support_record
    assert (record.child, record.source, record.value) == (child, "fund", 400_000)
    assert child.full_name not in payment.purpose
    assert selectors.balance(fund, TODAY) == 9_600_000
    # Over the norm: neither the record nor the payment is written.
    with pytest.raises(ValidationError):
        fund_support_child(
            actor=personas.officer_a,
            fund=fund,
            child=child,
            support=SupportData(
                kind="gift",
                given_on=date(2026, 6, 2),
                value=600_000,
                source="fund",
                occasion="action_month",
            ),
            today=TODAY,
        )
    assert SupportRecord.objects.count() == 1
    assert Disbursement.objects.count() == 1


def test_other_units_cannot_touch_the_fund(personas, fund):
    donor = donor_add(actor=personas.officer_a, fund=fund, kind="person", name="Bà Lê Thị Hoa")
    with pytest.raises(Http404):
        donation_record(
            actor=personas.officer_b,
            fund=fund,
            donor=donor,
            received_on=date(2026, 3, 1),
            amount=1,
            today=TODAY,
        )
    with pytest.raises(PermissionDenied):
        donation_record(
            actor=personas.viewer,
            fund=fund,
            donor=donor,
            received_on=date(2026, 3, 1),
            amount=1,
            today=TODAY,
        )
    assert not Donation.objects.exists()


def test_disclosure_shows_gifts_and_purposes_without_children_and_hides_small_counts(
    personas, fund
):
    give(personas, fund, "Người giấu tên", 20_000_000, anonymous=True, kind="person")
    child = register(personas.officer_a, personas.unit_a, name="Bùi Thị Ngọc")
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
        ),
        today=TODAY,
    )
    quarter = selectors.disclosure(fund, 2026, 2)
    assert [g.donor for g in quarter.gifts] == []  # the gift came in the first quarter
    assert quarter.opening == 20_000_000
    assert quarter.closing == 5_000_000
    year = selectors.disclosure(fund, 2026)
    assert year.gifts[0].donor == "Nhà hảo tâm (không công khai tên)"
    assert "Bùi" not in str(year)
    assert "heart" not in str(year)
    assert year.by_category == [("Phẫu thuật, chỉnh hình", 15_000_000, "< 5")]


def test_money_given_for_a_purpose_is_not_spent_on_anything_else(personas, fund):
    gift = give(personas, fund, "Công ty Hoàng Long", 3_000_000, earmark_purpose="Sân chơi tổ 5")
    give(personas, fund, "Ông Lưu Văn Bình", 1_000_000, kind="person")
    with pytest.raises(ValidationError) as refused:
        pay(personas, fund, 1_500_000)  # the balance is 4 million, 1 million of it free
    assert "tài trợ có địa chỉ" in str(refused.value)
    pay(personas, fund, 1_000_000)
    pay(personas, fund, 3_000_000, earmark_donation=gift, purpose="Làm sân chơi tổ 5")
    assert selectors.balance(fund, TODAY) == 0
    # A general gift whose money is now only earmarked money cannot be reversed either.
    other = give(personas, fund, "Bà Đỗ Thị Hạnh", 2_000_000, kind="person")
    give(personas, fund, "Hợp tác xã", 5_000_000, earmark_purpose="Tủ sách")
    pay(personas, fund, 2_000_000)
    with pytest.raises(ValidationError):
        donation_reverse(actor=personas.officer_a, donation=other, reason="Nhầm", today=TODAY)
    assert Disbursement.objects.count() == 3
    assert not Donation.objects.filter(reverses__isnull=False).exists()


def test_an_earmarked_gift_is_not_spent_before_it_came_in(personas, fund):
    give(personas, fund, "Ông Lưu Văn Bình", 10_000_000, kind="person", on=date(2026, 1, 10))
    gift = give(personas, fund, "Công ty Hoàng Long", 3_000_000, earmark_purpose="Sân chơi")
    with pytest.raises(ValidationError) as refused:
        pay(personas, fund, 1_000_000, on=date(2026, 2, 1), earmark_donation=gift)
    assert "paid_on" in refused.value.message_dict
    assert not Disbursement.objects.exists()


def test_a_reversed_gift_leaves_the_honour_roll_of_its_year(personas, fund):
    wrong = give(personas, fund, "Tập đoàn Thép", 60_000_000, on=date(2025, 12, 20))
    donation_record(
        actor=personas.officer_a,
        fund=fund,
        donor=wrong.donor,
        received_on=date(2026, 2, 1),
        amount=50_000_000,
        today=TODAY,
    )
    assert [e.total for e in selectors.honour_roll(fund, 2025)] == [60_000_000]
    # Reversed in 2026: off the 2025 roll, and the donor's 2026 gifts are still whole.
    donation_reverse(actor=personas.officer_a, donation=wrong, reason="Ghi nhầm", today=TODAY)
    assert selectors.honour_roll(fund, 2025) == []
    assert [(e.donor.name, e.total) for e in selectors.honour_roll(fund, 2026)] == [
        ("Tập đoàn Thép", 50_000_000)
    ]


def test_a_gift_for_a_named_child_is_published_without_what_was_typed_about_it(personas, fund):
    child = register(personas.officer_a, personas.unit_a, name="Hà Thị Mơ")
    give(
        personas,
        fund,
        "Bà Vũ Thị Lan",
        2_000_000,
        kind="person",
        earmark_child=child,
        earmark_purpose="Cho cháu Hà Thị Mơ đi học",
    )
    year = selectors.disclosure(fund, 2026)
    assert [g.purpose for g in year.gifts] == ["Tài trợ có địa chỉ cho trẻ em"]
    assert "Mơ" not in str(year)


def test_the_public_purpose_of_support_is_vietnamese_whatever_the_screen_language(personas, fund):
    from django.utils import translation

    give(personas, fund, "Công ty Sữa", 10_000_000)
    child = register(personas.officer_a, personas.unit_a)
    with translation.override("en"):
        payment = fund_support_child(
            actor=personas.officer_a,
            fund=fund,
            child=child,
            support=SupportData(
                kind="gift",
                given_on=date(2026, 6, 1),
                value=400_000,
                source="fund",
                occasion="mid_autumn",
            ),
            today=TODAY,
        )
    assert payment.purpose == "Tặng quà — Tết Trung thu"


def test_a_payment_with_a_negative_count_of_children_is_refused(personas, fund):
    give(personas, fund, "Công ty Sữa", 10_000_000)
    with pytest.raises(ValidationError):
        pay(personas, fund, 1_000_000, beneficiaries=-1)
    with pytest.raises(ValidationError):
        pay(personas, fund, 1_000_000, purpose="x" * 256)
    assert not Disbursement.objects.exists()

"""The fund's pages: each form's happy path, and bad input that is refused and changes nothing."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from vitreem.accounts.tests.factories import MembershipFactory, UserFactory
from vitreem.children.models import SupportRecord
from vitreem.children.tests.factories import register
from vitreem.core.models import AuditEvent
from vitreem.fund.models import Disbursement, Donation, Donor, Fund, NormDecision

from .factories import give, make_fund, pay

pytestmark = pytest.mark.django_db

# The pages take "today" from the clock: 20/06/2026, 9:00 in Việt Nam.
NOW = datetime(2026, 6, 20, 9, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def fund(personas):
    return make_fund(personas)


def errors_of(response) -> str:
    """The refusals shown on a re-rendered form."""
    assert response.status_code == 200, response.status_code
    return " ".join(
        str(e) for form in [response.context["form"]] for e in form.errors.values() for e in e
    )


def unchanged(before: dict) -> bool:
    return snapshot() == before


def snapshot() -> dict:
    return {
        "funds": Fund.objects.count(),
        "donors": Donor.objects.count(),
        "donations": Donation.objects.count(),
        "payments": Disbursement.objects.count(),
        "norms": NormDecision.objects.count(),
        "support": SupportRecord.objects.count(),
        "audit": AuditEvent.objects.filter(action__startswith="fund.").count(),
    }


# --- list and creation ------------------------------------------------------------------


def test_the_list_shows_the_funds_each_user_may_read(client, personas, fund):
    for user, sees in [
        (personas.officer_a, True),
        (personas.supervisor, True),
        (personas.viewer, True),
        (personas.officer_b, False),
    ]:
        client.force_login(user)
        page = client.get("/funds/").content.decode()
        assert (fund.name in page) is sees, user
    client.force_login(personas.leader_a)
    assert "/funds/new/" in client.get("/funds/").content.decode()
    client.force_login(personas.officer_a)
    assert "/funds/new/" not in client.get("/funds/").content.decode()


def test_a_leader_sets_up_the_units_fund(client, personas):
    client.force_login(personas.leader_a)
    response = client.post(
        "/funds/new/",
        {
            "unit": personas.unit_a.pk,
            "name": "Quỹ  Bảo trợ trẻ em phường Bắc Kạn",
            "bank_account": "8888 Agribank Bắc Kạn",
            "honour_threshold": "30.000.000",
            "management_cap_percent": "10",
        },
    )
    fund = Fund.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/funds/{fund.pk}/"
    assert (fund.name, fund.honour_threshold, fund.management_cap_percent) == (
        "Quỹ Bảo trợ trẻ em phường Bắc Kạn",
        30_000_000,
        10,
    )


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("honour_threshold", "ba mươi triệu", "số đồng nguyên"),
        ("honour_threshold", "-1", "lớn hơn 0"),
        ("management_cap_percent", "15", "15"),
        ("name", "", "bắt buộc"),
    ],
)
def test_a_fund_with_bad_input_is_not_set_up(client, personas, field, value, message):
    client.force_login(personas.leader_a)
    data = {
        "unit": personas.unit_a.pk,
        "name": "Quỹ phường",
        "honour_threshold": "50.000.000",
        "management_cap_percent": "5",
    }
    before = snapshot()
    response = client.post("/funds/new/", {**data, field: value})
    assert message in errors_of(response)
    assert unchanged(before)


def test_only_leaders_set_up_a_fund_and_only_for_their_own_unit(client, personas):
    client.force_login(personas.officer_a)
    assert "lãnh đạo" in client.get("/funds/new/").content.decode()
    before = snapshot()
    response = client.post("/funds/new/", {"unit": personas.unit_a.pk, "name": "Quỹ"})
    assert "unit" in response.context["form"].errors
    client.force_login(personas.supervisor)  # a leader, but of the province
    response = client.post("/funds/new/", {"unit": personas.unit_a.pk, "name": "Quỹ"})
    assert "unit" in response.context["form"].errors
    assert unchanged(before)


def test_the_same_name_twice_is_refused_on_the_form(client, personas, fund):
    client.force_login(personas.leader_a)
    before = snapshot()
    response = client.post(
        "/funds/new/",
        {
            "unit": personas.unit_a.pk,
            "name": fund.name,
            "honour_threshold": "50.000.000",
            "management_cap_percent": "5",
        },
    )
    assert errors_of(response)
    assert unchanged(before)


# --- the fund's page ---------------------------------------------------------------------


def test_the_fund_page_shows_balance_entries_share_norms_and_honour_roll(client, personas, fund):
    give(personas, fund, "Tập đoàn Thép", 60_000_000, on=date(2026, 2, 1))
    give(personas, fund, "Người giấu tên", 1_000_000, anonymous=True, kind="person")
    give(personas, fund, "Công ty Cũ", 7_000_000, on=date(2025, 12, 1))
    pay(personas, fund, 2_000_000, category="management", purpose="Văn phòng phẩm")
    client.force_login(personas.viewer)
    response = client.get(f"/funds/{fund.pk}/?year=2026&as_of=15/02/2026")
    page = response.content.decode()
    assert response.status_code == 200
    assert "66.000.000" in page  # today: 60 + 1 + 7 − 2 million
    assert "67.000.000" in page  # on 15/02/2026
    assert "61.000.000" in page  # receipts of 2026
    assert "Công ty Cũ" in page  # a donor, though its gift was in 2025
    assert "3.050.000" in page  # the management cap: 5% of 61 million
    assert "01/QĐ-HĐQ" in page
    assert "Quà Tháng hành động, Trung thu" in page
    honour = response.context["o"].honour
    assert [(e.donor.name, e.total) for e in honour] == [("Tập đoàn Thép", 60_000_000)]
    assert "Ghi nhận đóng góp" not in page  # a viewer reads only
    client.force_login(personas.officer_a)
    page = client.get(f"/funds/{fund.pk}/?year=2026").content.decode()
    assert "Ghi nhận đóng góp" in page
    assert "Quyết định định mức chi" not in page


def test_a_bad_year_or_date_falls_back_to_today(client, personas, fund):
    client.force_login(personas.officer_a)
    response = client.get(f"/funds/{fund.pk}/?year=abc&as_of=31/02/2026")
    assert response.status_code == 200
    assert response.context["o"].year == 2026


def test_the_fund_page_costs_the_same_queries_whatever_the_number_of_entries(
    client, personas, fund, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(personas.officer_a)
    give(personas, fund, "Công ty A", 10_000_000)
    pay(personas, fund, 100_000)
    with CaptureQueriesContext(connection) as few:
        assert client.get(f"/funds/{fund.pk}/?year=2026").status_code == 200
    for n in range(12):
        gift = give(personas, fund, f"Nhà tài trợ {n}", 1_000_000 + n, earmark_purpose="Sân chơi")
        pay(personas, fund, 50_000, earmark_donation=gift)
    child = register(personas.officer_a, personas.unit_a)
    give(personas, fund, "Bà Lan", 500_000, kind="person", earmark_child=child)
    with django_assert_num_queries(len(few.captured_queries)):
        assert client.get(f"/funds/{fund.pk}/?year=2026").status_code == 200


# --- donors and donations ----------------------------------------------------------------


def test_adding_a_donor_then_recording_a_gift_typed_with_dots(client, personas, fund):
    client.force_login(personas.officer_a)
    response = client.post(
        f"/funds/{fund.pk}/donors/new/",
        {"kind": "organisation", "name": "Công ty Cổ phần Sữa", "tax_code": "0101234567"},
    )
    donor = Donor.objects.get()
    assert response["Location"] == f"/funds/{fund.pk}/donations/new/?donor={donor.pk}"
    response = client.post(
        f"/funds/{fund.pk}/donations/new/",
        {
            "donor": donor.pk,
            "received_on": "01/06/2026",
            "kind": "money",
            "amount": "1.500.000",
            "receipt_number": "BL-0001",
            "bank_reference": "FT26152000001",
        },
    )
    assert response.status_code == 302
    gift = Donation.objects.get()
    assert (gift.amount, gift.received_on, gift.receipt_number) == (
        1_500_000,
        date(2026, 6, 1),
        "BL-0001",
    )


def test_a_donor_without_a_name_is_refused(client, personas, fund):
    client.force_login(personas.officer_a)
    before = snapshot()
    response = client.post(f"/funds/{fund.pk}/donors/new/", {"kind": "person", "name": "  "})
    assert errors_of(response)
    assert unchanged(before)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"amount": "-5.000"}, "Số tiền phải lớn hơn 0."),
        ({"amount": "0"}, "Số tiền phải lớn hơn 0."),
        ({"amount": "năm trăm nghìn"}, "Số tiền phải là số đồng nguyên"),
        ({"amount": "1,5"}, "Số tiền phải là số đồng nguyên"),
        ({"received_on": "01/07/2026"}, "Ngày nhận ở trong tương lai."),
        ({"received_on": "2026-13-01"}, "dd/mm/yyyy"),
        ({"kind": "in_kind"}, "hiện vật"),
        ({"receipt_number": "BL-0001"}, "Số biên lai này đã được ghi"),
        ({"earmark_child": "0123456789abcdef"}, "Không tìm thấy hồ sơ trẻ em"),
    ],
)
def test_a_bad_gift_is_refused_with_its_reason_and_nothing_changes(
    client, personas, fund, changes, message
):
    first = give(personas, fund, "Công ty Sữa", 1_000_000, receipt_number="BL-0001")
    client.force_login(personas.officer_a)
    before = snapshot()
    response = client.post(
        f"/funds/{fund.pk}/donations/new/",
        {
            "donor": first.donor_id,
            "received_on": "10/06/2026",
            "kind": "money",
            "amount": "500.000",
            **changes,
        },
    )
    assert message in errors_of(response)
    assert unchanged(before)


def test_a_gift_for_a_child_is_recorded_by_the_childs_public_id(client, personas, fund):
    child = register(personas.officer_a, personas.unit_a)
    other = register(personas.officer_b, personas.unit_b)  # not A's to see
    donor = give(personas, fund, "Bà Vũ Thị Lan", 1_000_000, kind="person").donor
    client.force_login(personas.officer_a)
    data = {"donor": donor.pk, "received_on": "10/06/2026", "kind": "money", "amount": "2000000"}
    before = snapshot()
    response = client.post(
        f"/funds/{fund.pk}/donations/new/", {**data, "earmark_child": other.public_id}
    )
    assert "Không tìm thấy hồ sơ trẻ em" in errors_of(response)
    assert unchanged(before)
    client.post(f"/funds/{fund.pk}/donations/new/", {**data, "earmark_child": child.public_id})
    assert Donation.objects.get(amount=2_000_000).earmark_child == child
    # Opened from the child's record, the form already names the child.
    form = client.get(f"/funds/{fund.pk}/donations/new/?child={child.public_id}").context["form"]
    assert form["earmark_child"].value() == child.public_id


def test_reversing_a_gift_adds_a_reversing_entry_with_its_reason(client, personas, fund):
    wrong = give(personas, fund, "Ông Trần Văn Hậu", 5_000_000)
    client.force_login(personas.officer_a)
    before = snapshot()
    response = client.post(f"/funds/{fund.pk}/donations/{wrong.pk}/reverse/", {"reason": " "})
    assert "bắt buộc" in errors_of(response)
    assert unchanged(before)
    response = client.post(
        f"/funds/{fund.pk}/donations/{wrong.pk}/reverse/", {"reason": "Ghi nhầm quỹ"}
    )
    assert response.status_code == 302
    reversal = Donation.objects.get(reverses=wrong)
    assert (reversal.amount, reversal.reason, reversal.received_on) == (
        -5_000_000,
        "Ghi nhầm quỹ",
        date(2026, 6, 20),
    )
    # Twice: refused on the form.
    before = snapshot()
    response = client.post(f"/funds/{fund.pk}/donations/{wrong.pk}/reverse/", {"reason": "Lại"})
    assert "đã được hủy" in errors_of(response)
    assert unchanged(before)


def test_a_gift_already_spent_cannot_be_reversed(client, personas, fund):
    gift = give(personas, fund, "Ông Trần Văn Hậu", 5_000_000)
    pay(personas, fund, 4_000_000)
    client.force_login(personas.officer_a)
    before = snapshot()
    response = client.post(f"/funds/{fund.pk}/donations/{gift.pk}/reverse/", {"reason": "Nhầm"})
    assert "đã được chi" in errors_of(response)
    assert unchanged(before)


def test_a_gift_of_another_fund_is_not_found(client, personas, fund):
    other = make_fund(personas, name="Quỹ khác")
    gift = give(personas, other, "Ông Trần Văn Hậu", 5_000_000)
    client.force_login(personas.officer_a)
    response = client.post(f"/funds/{fund.pk}/donations/{gift.pk}/reverse/", {"reason": "x"})
    assert response.status_code == 404


# --- payments and norms ------------------------------------------------------------------


def payment(**changes):
    return {
        "paid_on": "01/06/2026",
        "category": "gift",
        "purpose": "Quà 1/6 cho trẻ em tổ 3",
        "amount": "1.000.000",
        "beneficiaries": "2",
        **changes,
    }


def test_recording_a_payment_under_the_norm(client, personas, fund):
    give(personas, fund, "Công ty Sữa", 10_000_000)
    client.force_login(personas.officer_a)
    assert "01/QĐ-HĐQ" in client.get(f"/funds/{fund.pk}/disbursements/new/").content.decode()
    response = client.post(f"/funds/{fund.pk}/disbursements/new/", payment())
    assert response.status_code == 302
    paid = Disbursement.objects.get()
    assert (paid.amount, paid.beneficiaries, paid.norm_item.decision.number) == (
        1_000_000,
        2,
        "01/QĐ-HĐQ",
    )


def test_an_earmarked_payment_is_drawn_on_its_gift(client, personas, fund):
    gift = give(personas, fund, "Hợp tác xã", 3_000_000, earmark_purpose="Sân chơi tổ 5")
    client.force_login(personas.officer_a)
    data = payment(category="activity", purpose="Làm sân chơi tổ 5", amount="2.500.000")
    response = client.post(f"/funds/{fund.pk}/disbursements/new/", data)
    assert "tài trợ có địa chỉ" in errors_of(response)
    response = client.post(
        f"/funds/{fund.pk}/disbursements/new/", {**data, "earmark_donation": gift.pk}
    )
    assert response.status_code == 302
    assert Disbursement.objects.get().earmark_donation == gift


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"amount": "20.000.000", "beneficiaries": "100"}, "không đủ để chi"),
        ({"amount": "1.200.000"}, "Vượt định mức"),
        ({"amount": "-1.000.000"}, "Số tiền phải lớn hơn 0."),
        ({"amount": "1tr"}, "Số tiền phải là số đồng nguyên"),
        ({"category": "scholarship"}, "Chưa có định mức"),
        ({"beneficiaries": "-2"}, "Số trẻ em không được âm."),
        ({"purpose": ""}, "bắt buộc"),
        ({"paid_on": "01/01/2027"}, "tương lai"),
    ],
)
def test_a_bad_payment_is_refused_and_nothing_changes(client, personas, fund, changes, message):
    give(personas, fund, "Công ty Sữa", 10_000_000)
    client.force_login(personas.officer_a)
    before = snapshot()
    response = client.post(f"/funds/{fund.pk}/disbursements/new/", payment(**changes))
    assert message in errors_of(response)
    assert unchanged(before)


def norms(**changes):
    data = {
        "number": "02/QĐ-HĐQ",
        "signed_on": "01/06/2026",
        "valid_from": "01/06/2026",
        "items-TOTAL_FORMS": "3",
        "items-INITIAL_FORMS": "0",
        "items-0-category": "gift",
        "items-0-label": "Quà Trung thu",
        "items-0-max_per_beneficiary": "700.000",
        "items-1-category": "scholarship",
        "items-1-label": "Học bổng",
        "items-1-max_per_beneficiary": "2.000.000",
        "items-2-category": "",
    }
    return {**data, **changes}


def test_a_leader_records_the_councils_norms(client, personas, fund):
    client.force_login(personas.leader_a)
    response = client.post(f"/funds/{fund.pk}/norms/new/", norms())
    assert response.status_code == 302
    decision = NormDecision.objects.get(number="02/QĐ-HĐQ")
    assert sorted(decision.items.values_list("category", "max_per_beneficiary")) == [
        ("gift", 700_000),
        ("scholarship", 2_000_000),
    ]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"valid_from": "31/05/2026"}, "không được trước ngày ký"),
        ({"number": "01/QĐ-HĐQ"}, "đã có quyết định số này"),
        ({"valid_from": "05/01/2026", "signed_on": "05/01/2026"}, "áp dụng từ ngày 05/01/2026"),
        ({"items-1-category": "gift"}, "chỉ ghi một lần"),
        (
            {
                "items-TOTAL_FORMS": "1",
                "items-0-category": "",
                "items-0-label": "",
                "items-0-max_per_beneficiary": "",
            },
            "ít nhất một nội dung chi",
        ),
        ({"items-0-max_per_beneficiary": "-1"}, "lớn hơn 0"),
        ({"items-2-label": "Không có nội dung"}, "Hãy chọn nội dung chi."),
    ],
)
def test_bad_norms_are_refused_and_nothing_changes(client, personas, fund, changes, message):
    client.force_login(personas.leader_a)
    before = snapshot()
    response = client.post(f"/funds/{fund.pk}/norms/new/", norms(**changes))
    assert response.status_code == 200
    shown = errors_of(response) + " ".join(
        str(e) for row in response.context["items"].errors for errs in row.values() for e in errs
    )
    assert message in shown
    assert unchanged(before)


def test_officers_do_not_set_norms_and_viewers_do_not_write(client, personas, fund):
    client.force_login(personas.officer_a)
    assert client.get(f"/funds/{fund.pk}/norms/new/").status_code == 403
    client.force_login(personas.viewer)
    for path in ("donors/new/", "donations/new/", "disbursements/new/", "norms/new/"):
        assert client.get(f"/funds/{fund.pk}/{path}").status_code == 403
    client.force_login(personas.officer_b)
    for path in ("", "donors/new/", "donations/new/", "disbursements/new/"):
        assert client.get(f"/funds/{fund.pk}/{path}").status_code == 404


# --- supporting a child ------------------------------------------------------------------


def support(**changes):
    return {
        "kind": "gift",
        "given_on": "01/06/2026",
        "value": "400.000",
        "occasion": "childrens_day",
        "description": "Quà 1/6",
        "voucher_number": "PC-12",
        **changes,
    }


def test_supporting_a_child_from_the_fund(client, personas, fund):
    give(personas, fund, "Công ty Sữa", 10_000_000)
    child = register(personas.officer_a, personas.unit_a, name="Lò Thị Hoa")
    client.force_login(personas.officer_a)
    path = f"/funds/{fund.pk}/support/?child={child.public_id}"
    page = client.get(path).content.decode()
    assert "Lò Thị Hoa" in page
    response = client.post(path, support())
    assert response.status_code == 302
    assert response["Location"] == f"/children/{child.public_id}/"
    payment = Disbursement.objects.get()
    assert (payment.support_record.child, payment.amount, payment.voucher_number) == (
        child,
        400_000,
        "PC-12",
    )
    assert "Hoa" not in payment.purpose


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"value": "600.000"}, "value", "Vượt định mức"),
        ({"value": "-1"}, "value", "không được âm"),
        ({"value": "ba trăm"}, "value", "Số tiền phải là số đồng nguyên"),
        ({"given_on": "01/01/2017"}, "given_on", "trước ngày sinh"),
        ({"kind": "surgery"}, "surgery_kind", "Hãy chọn loại phẫu thuật"),
        ({"kind": "scholarship"}, "kind", "Chưa có định mức"),
    ],
)
def test_bad_support_is_refused_on_its_field_and_nothing_changes(
    client, personas, fund, changes, field, message
):
    give(personas, fund, "Công ty Sữa", 10_000_000)
    child = register(personas.officer_a, personas.unit_a)
    client.force_login(personas.officer_a)
    before = snapshot()
    response = client.post(f"/funds/{fund.pk}/support/?child={child.public_id}", support(**changes))
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors.get(field, [])), response.context[
        "form"
    ].errors
    assert unchanged(before)


def test_support_needs_a_child_the_user_may_read(client, personas, fund):
    theirs = register(personas.officer_b, personas.unit_b)
    client.force_login(personas.officer_a)
    assert client.get(f"/funds/{fund.pk}/support/").status_code == 404
    assert client.get(f"/funds/{fund.pk}/support/?child=0000000000000000").status_code == 404
    before = snapshot()
    response = client.post(f"/funds/{fund.pk}/support/?child={theirs.public_id}", support())
    assert response.status_code == 404
    assert unchanged(before)


def test_health_support_is_offered_only_to_users_who_see_sensitive_data(client, personas, fund):
    give(personas, fund, "Công ty Sữa", 50_000_000)
    child = register(personas.officer_a, personas.unit_a)
    plain = MembershipFactory(
        user=UserFactory(username="canbo.a2"), unit=personas.unit_a, role="officer"
    ).user
    client.force_login(plain)
    path = f"/funds/{fund.pk}/support/?child={child.public_id}"
    kinds = dict(client.get(path).context["form"].fields["kind"].choices)
    assert "surgery" not in kinds
    assert "medical" not in kinds
    assert "gift" in kinds
    before = snapshot()
    response = client.post(path, support(kind="surgery", surgery_kind="heart", value="1.000.000"))
    assert "kind" in response.context["form"].errors
    assert unchanged(before)


def test_from_a_child_the_only_fund_that_may_support_it_opens_directly(client, personas, fund):
    child = register(personas.officer_a, personas.unit_a)
    client.force_login(personas.officer_a)
    response = client.get(f"/funds/support/?child={child.public_id}")
    assert response["Location"] == f"/funds/{fund.pk}/support/?child={child.public_id}"
    client.force_login(personas.viewer)  # reads the child, records no payment
    page = client.get(f"/funds/support/?child={child.public_id}")
    assert page.status_code == 200
    assert page.context["funds"] == []
    assert client.get("/funds/support/").status_code == 404


def test_pages_that_name_a_child_log_the_read(client, personas, fund):
    from vitreem.children.models import ChildRead

    child = register(personas.officer_a, personas.unit_a)
    client.force_login(personas.officer_a)
    client.get(f"/funds/{fund.pk}/support/?child={child.public_id}")
    client.force_login(personas.viewer)
    client.get(f"/funds/support/?child={child.public_id}")
    assert sorted(ChildRead.objects.filter(child=child).values_list("user__username", "via")) == [
        ("canbo.a", "page"),
        ("xem.tinh", "page"),
    ]

"""The domain's bounds (core/bounds.py) and their use by every path: the API's schemas, query
parameters and lists, the forms; generated values around and beyond the bounds never give a
500 and change nothing when refused."""

import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vitreem.children.models import SupportRecord
from vitreem.children.tests.factories import register
from vitreem.core import bounds
from vitreem.core.forms import MoneyField, count_field, date_field
from vitreem.fund.models import Donation, Fund
from vitreem.fund.tests.factories import give, make_fund

LISTS = [
    "/api/v1/funds",
    "/api/v1/children?unit=01843",
    "/api/v1/plans",
    "/api/v1/rounds",
    "/api/v1/units",
]
HUGE = [2**63, 2**63 - 1, 2**64, 10**15, -1, -(2**63) - 1]


def test_the_bounds_at_their_edges():
    assert bounds.money_problem(bounds.MONEY_MAX) is None
    assert bounds.money_problem(bounds.MONEY_MAX + 1) == (
        "Số tiền vượt quá mức cho phép (tối đa 10.000.000.000.000 đồng)."
    )
    assert bounds.money_problem(0) is None
    assert bounds.money_problem(0, minimum=1) == "Số tiền phải lớn hơn 0."
    assert bounds.count_problem(bounds.COUNT_MAX) is None
    assert bounds.count_problem(bounds.COUNT_MAX + 1)
    assert bounds.count_problem(-1)
    today = date(2026, 6, 20)
    assert bounds.day_problem(date(1990, 1, 1), today=today) is None
    assert bounds.day_problem(date(2027, 12, 31), today=today) is None
    assert bounds.day_problem(date(2028, 1, 1), today=today) == (
        "Ngày 01/01/2028 nằm ngoài khoảng cho phép (từ 01/01/1990 đến 31/12/2027)."
    )
    assert bounds.day_problem(date(1, 1, 1), today=today)
    assert bounds.day_problem(date(2042, 12, 31), later=True, today=today) is None
    assert bounds.day_problem(date(2043, 1, 1), later=True, today=today)
    assert bounds.offset_problem(bounds.OFFSET_MAX) is None
    assert bounds.offset_problem(bounds.OFFSET_MAX + 1)
    assert bounds.limit_problem(bounds.LIMIT_MAX) is None
    assert bounds.limit_problem(0)


def test_900_000_entries_at_the_ceiling_still_fit_a_64_bit_sum():
    # So no ledger of accepted entries overflows a BigIntegerField's SUM.
    assert 900_000 * bounds.MONEY_MAX < 2**63


@given(st.integers(min_value=-(2**70), max_value=2**70))
def test_money_is_accepted_exactly_within_its_range(value):
    assert (bounds.money_problem(value) is None) == (0 <= value <= bounds.MONEY_MAX)


@given(st.dates())
def test_a_day_is_accepted_exactly_within_its_range(day):
    latest = date(timezone.localdate().year + 1, 12, 31)
    assert (bounds.day_problem(day) is None) == (date(1990, 1, 1) <= day <= latest)


@pytest.mark.parametrize(
    ("text", "ok"),
    [
        ("10.000.000.000.000", True),
        ("10.000.000.000.001", False),
        ("9223372036854775807", False),
        ("-9223372036854775809", False),
    ],
)
def test_the_money_field_refuses_amounts_beyond_the_ceiling(text, ok):
    field = MoneyField(min_value=1)
    if ok:
        assert field.clean(text) == bounds.MONEY_MAX
    else:
        with pytest.raises(Exception, match=r"vượt quá mức cho phép|phải lớn hơn 0"):
            field.clean(text)


@pytest.mark.parametrize(
    ("text", "ok"), [("01/01/1990", True), ("31/12/1989", False), ("01/01/0001", False)]
)
def test_the_date_field_keeps_to_the_range_but_leaves_birth_dates_to_the_registry(text, ok):
    field = date_field("Ngày")
    if ok:
        assert field.clean(text) == date(1990, 1, 1)
    else:
        with pytest.raises(Exception, match="nằm ngoài khoảng cho phép"):
            field.clean(text)
    assert date_field("Ngày sinh", birth=True).clean("01/01/0001") == date(1, 1, 1)


def test_the_count_field_refuses_more_than_the_bound():
    with pytest.raises(Exception, match="Số lượng vượt quá mức cho phép"):
        count_field("Số trẻ em").clean(str(2**63))


def test_every_list_takes_the_shared_pagination():
    # One schema for limit/offset: no api.py declares its own.
    for path in Path(__file__).resolve().parents[2].glob("*/api.py"):
        if path.parent.name == "core":  # where the shared schema lives
            continue
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"\b(limit|offset)\s*:", text), path
        if "[filters.offset" in text:
            pytest.fail(f"{path} slices a page by hand")


@pytest.mark.django_db
@pytest.mark.parametrize("path", LISTS)
@pytest.mark.parametrize(
    ("query", "field"),
    [
        (f"offset={2**63}", "offset"),
        (f"offset={bounds.OFFSET_MAX + 1}", "offset"),
        ("offset=-1", "offset"),
        ("limit=0", "limit"),
        ("limit=501", "limit"),
        (f"limit={2**64}", "limit"),
        ("offset=" + "9" * 5000, "offset"),
    ],
)
def test_every_list_refuses_a_page_beyond_the_bounds(api_client, personas, path, query, field):
    api_client.login(personas.supervisor)
    joined = f"{path}{'&' if '?' in path else '?'}{query}"
    response = api_client.get(joined)
    assert response.status_code == 422, joined
    assert field in [e["field"] for e in response.json()["errors"]]


@pytest.mark.django_db
@pytest.mark.parametrize("path", LISTS)
def test_every_list_answers_the_last_page_allowed(api_client, personas, path):
    api_client.login(personas.supervisor)
    joined = f"{path}{'&' if '?' in path else '?'}offset={bounds.OFFSET_MAX}&limit=500"
    response = api_client.get(joined)
    assert response.status_code == 200
    assert response.json()["items"] == []


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path",
    ["/api/v1/children?unit=01843&as_of={}", "/api/v1/units?as_of={}", "/api/v1/units/19?as_of={}"],
)
@pytest.mark.parametrize("day", ["0001-01-01", "01/01/0001", "9999-12-31", "1989-12-31"])
def test_a_list_as_of_an_implausible_day_is_refused(api_client, personas, path, day):
    api_client.login(personas.supervisor)
    response = api_client.get(path.format(day))
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "as_of"


SUPPORT = {"kind": "gift", "given_on": "2026-06-01", "source": "state", "occasion": "other"}


@pytest.mark.django_db
@pytest.mark.parametrize("value", HUGE)
def test_an_implausible_support_value_is_refused_naming_it(api_client, personas, value):
    child = register(personas.officer_a, personas.unit_a, name="Hà Văn Khánh")
    api_client.login(personas.officer_a)
    response = api_client.post(
        f"/api/v1/children/{child.public_id}/support", {**SUPPORT, "value": value}
    )
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["value"]
    assert not SupportRecord.objects.exists()
    assert api_client.get(f"/api/v1/children/{child.public_id}/support").status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("day", ["0001-01-01", "1989-12-31", "9999-12-31"])
def test_support_dated_out_of_range_is_refused(api_client, personas, day):
    child = register(personas.officer_a, personas.unit_a, name="Hà Văn Khánh")
    api_client.login(personas.officer_a)
    response = api_client.post(
        f"/api/v1/children/{child.public_id}/support", {**SUPPORT, "value": 1, "given_on": day}
    )
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["given_on"]
    assert not SupportRecord.objects.exists()


# Around and beyond every bound: the edges, ±1, 2^63 and its neighbours, and anything between.
def _around(*edges: int) -> st.SearchStrategy[int]:
    near = [e + d for e in (*edges, 0, 2**63, 2**64, 10**15) for d in (-1, 0, 1)]
    return st.one_of(st.sampled_from(near), st.integers(min_value=-(2**65), max_value=2**65))


DAYS = st.one_of(
    st.sampled_from([date(1, 1, 1), date(1989, 12, 31), date(1990, 1, 1), date(9999, 12, 31)]),
    st.dates(),
)
FUZZ = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.mark.django_db
@FUZZ
@given(amount=_around(bounds.MONEY_MAX), day=DAYS)
def test_no_generated_donation_gives_a_500_and_a_refusal_changes_nothing(
    api_client, personas, amount, day
):
    # Examples share the test's database: one fund for all of them.
    fund = Fund.objects.filter(name="Quỹ thử").first() or make_fund(personas, name="Quỹ thử")
    donor = give(personas, fund, "Công ty Sữa", 1_000_000, on=date(2026, 3, 1)).donor
    api_client.login(personas.officer_a)
    before = Donation.objects.count()
    response = api_client.post(
        f"/api/v1/funds/{fund.pk}/donations",
        {"donor": donor.pk, "received_on": day.isoformat(), "amount": amount},
    )
    today = timezone.localdate()
    plausible = 0 < amount <= bounds.MONEY_MAX and date(1990, 1, 1) <= day <= today
    assert response.status_code == (201 if plausible else 422), response.json()
    assert Donation.objects.count() == before + (1 if plausible else 0)
    assert api_client.get(f"/api/v1/funds/{fund.pk}/balance").status_code == 200


@pytest.mark.django_db
@FUZZ
@given(value=_around(bounds.MONEY_MAX), day=DAYS)
def test_no_generated_support_record_gives_a_500_and_a_refusal_changes_nothing(
    api_client, personas, value, day
):
    child = register(personas.officer_a, personas.unit_a, born=date(2018, 3, 4))
    api_client.login(personas.officer_a)
    before = SupportRecord.objects.count()
    response = api_client.post(
        f"/api/v1/children/{child.public_id}/support",
        {**SUPPORT, "value": value, "given_on": day.isoformat()},
    )
    today = timezone.localdate()
    plausible = 0 <= value <= bounds.MONEY_MAX and date(2018, 3, 4) <= day <= today
    assert response.status_code == (201 if plausible else 422), response.json()
    assert SupportRecord.objects.count() == before + (1 if plausible else 0)


@pytest.mark.django_db
@FUZZ
@given(
    path=st.sampled_from(LISTS),
    offset=_around(bounds.OFFSET_MAX),
    limit=_around(bounds.LIMIT_MAX, 1),
)
def test_no_generated_page_gives_a_500(api_client, personas, path, offset, limit):
    api_client.login(personas.supervisor)
    response = api_client.get(f"{path}{'&' if '?' in path else '?'}offset={offset}&limit={limit}")
    plausible = 0 <= offset <= bounds.OFFSET_MAX and 1 <= limit <= bounds.LIMIT_MAX
    assert response.status_code == (200 if plausible else 422)
    if plausible:
        assert len(response.json()["items"]) <= limit


def test_a_day_within_the_range_ends_next_year():
    today = timezone.localdate()
    assert bounds.last_day() == date(today.year + 1, 12, 31)
    assert bounds.last_day() - today < timedelta(days=731)


@pytest.mark.parametrize(
    ("form", "data", "field", "words"),
    [
        ("ReportingForm", {"due": "01/01/0001"}, "due", "nằm ngoài khoảng cho phép"),
        ("LaunchForm", {"date": "31/12/2030"}, None, None),
        ("BudgetForm", {"amount": "-1"}, "amount", "Số tiền không được âm."),
        ("BudgetForm", {"amount": str(2**63)}, "amount", "vượt quá mức cho phép"),
        ("AwardForm", {"threshold": "10.000.000.000.001"}, "threshold", "vượt quá mức cho phép"),
        ("TargetForm", {"denominator": str(2**63)}, "denominator", "Số lượng vượt quá"),
        ("IssueForm", {"issued_on": "01/01/0001"}, "issued_on", "nằm ngoài khoảng cho phép"),
    ],
)
def test_the_plan_forms_keep_to_the_bounds(form, data, field, words):
    from vitreem.plans import forms as plan_forms

    errors = getattr(plan_forms, form)(data).errors
    if field is None:
        assert not any(name in errors for name in data)
    else:
        assert words in " ".join(errors[field])

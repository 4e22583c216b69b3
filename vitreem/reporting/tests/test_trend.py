"""A unit's figures year over year across the 2025 reform: phường Bắc Kạn (Thái Nguyên, since
1/7/2025) has, for 2021–2024, the figures of the wards of the former Bắc Kạn city it was formed
from; a divided commune (phường Gia Sàng of the former Thái Nguyên city) counts whole for its
default successor (phường Phan Đình Phùng) and not for the other (phường Gia Sàng)."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from conftest import PRE_REFORM_DAY, unit
from vitreem.accounts.tests.factories import MembershipFactory, UserFactory
from vitreem.reporting.models import ReportForm, Submission
from vitreem.reporting.selectors import unit_trend
from vitreem.reporting.services import round_create, submission_save, submission_submit
from vitreem.reporting.validation import Cells

pytestmark = pytest.mark.django_db

FORM = "action-month-result"
# The wards and the commune of the former Bắc Kạn city that formed phường Bắc Kạn (01843), and
# one that did not (Đức Xuân went into phường Đức Xuân).
PREDECESSORS = ("01837", "01843", "01852", "01855")
OTHER_WARD = "01840"


def form() -> ReportForm:
    return ReportForm.objects.filter(code=FORM).order_by("-year")[0]


def open_round(actor, receiving, year: int):
    return round_create(
        actor=actor,
        form=form(),
        receiving_unit=receiving,
        title=f"Tháng hành động {year} — {receiving.name}",
        period_kind="campaign",
        period_start=date(year, 6, 1),
        period_end=date(year, 6, 30),
    )


def file(actor, round_, reporter, gifts: int, budget: int = 0) -> None:
    report = Submission.objects.get(round=round_, unit=reporter, agency=None)
    cells: Cells = {("gifts_children", "", ""): gifts}
    if budget:
        cells[("budget_state", "", "")] = budget
    submission_save(actor=actor, submission=report, cells=cells)
    submission_submit(actor=actor, submission=Submission.objects.get(pk=report.pk))


def gifts(old_code: str, year: int) -> int:
    """A different number for every ward and year, so that a wrong sum shows."""
    return int(old_code[-2:]) + (year - 2020) * 100


@pytest.fixture
def bac_kan_years(personas):
    """Rounds 2021–2024 of the former Bắc Kạn city, each filed by its wards; and the 2026 round of
    tỉnh Thái Nguyên, in which phường Bắc Kạn itself files."""
    city = unit("058", PRE_REFORM_DAY)
    for year in range(2021, 2025):
        round_ = open_round(personas.admin, city, year)
        for code in (*PREDECESSORS, OTHER_WARD):
            file(personas.admin, round_, unit(code, PRE_REFORM_DAY), gifts(code, year), 1_000_000)
    current = open_round(personas.admin, personas.province, 2026)
    file(personas.admin, current, personas.unit_a, 777, 5_000_000)
    return current


def test_phuong_bac_kan_has_the_sums_of_the_wards_it_was_formed_from(personas, bac_kan_years):
    trend = unit_trend(personas.unit_a, form(), date(2026, 7, 31))
    assert [y.year for y in trend.years] == [2021, 2022, 2023, 2024, 2026]
    for year in trend.years[:4]:
        assert year.values["gifts_children"] == sum(gifts(c, year.year) for c in PREDECESSORS)
        assert year.values["budget_state"] == 4_000_000  # four wards, not Đức Xuân
        assert sorted(u.code for u in year.from_units) == sorted(PREDECESSORS)
        assert {u.parent.name for u in year.from_units} == {"Thành phố Bắc Kạn"}
        assert year.note == ""
    now = trend.years[-1]
    assert (now.round_ids, now.values["gifts_children"], now.values["budget_state"]) == (
        [bac_kan_years.pk],
        777,
        5_000_000,
    )
    assert [u.code for u in now.from_units] == ["01843"]
    assert now.from_units[0].valid_to is None  # the ward of today, not the old one of that code


def test_a_unit_that_took_in_no_ward_of_bac_kan_city_has_none_of_their_figures(
    personas, bac_kan_years
):
    duc_xuan = unit(OTHER_WARD)
    trend = unit_trend(duc_xuan, form(), date(2026, 7, 31))
    first = trend.years[0]
    # Đức Xuân was formed from Nguyễn Thị Minh Khai, Đức Xuân and Huyền Tụng: only Đức Xuân filed.
    assert first.values["gifts_children"] == gifts(OTHER_WARD, 2021)
    assert [u.code for u in first.from_units] == [OTHER_WARD]


def test_the_trend_takes_the_same_few_queries_for_one_ward_or_four_and_one_year_or_five(personas):
    city = unit("058", PRE_REFORM_DAY)
    first = open_round(personas.admin, city, 2021)
    file(personas.admin, first, unit("01837", PRE_REFORM_DAY), 10)

    action_month = form()

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            trend = unit_trend(personas.unit_a, action_month, date(2026, 7, 31))
            assert trend.years
        return len(captured.captured_queries)

    small = queries()
    for code in PREDECESSORS[1:]:
        file(personas.admin, first, unit(code, PRE_REFORM_DAY), 10)
    for year in range(2022, 2025):
        round_ = open_round(personas.admin, city, year)
        for code in PREDECESSORS:
            file(personas.admin, round_, unit(code, PRE_REFORM_DAY), 10)
    large = queries()
    assert small == large <= 3
    assert unit_trend(personas.unit_a, form(), date(2026, 7, 31)).years[-1].values == {
        "gifts_children": 40
    }


@pytest.fixture
def thai_nguyen_city_2024(personas):
    """The 2024 round of the former Thái Nguyên city: phường Gia Sàng (divided: most of it went
    into phường Phan Đình Phùng, its default successor, part into the new phường Gia Sàng) and
    phường Cam Giá (which went into the new phường Gia Sàng) file."""
    city = unit("164", PRE_REFORM_DAY)
    round_ = open_round(personas.admin, city, 2024)
    file(personas.admin, round_, unit("05461", PRE_REFORM_DAY), 30)
    file(personas.admin, round_, unit("05467", PRE_REFORM_DAY), 12)
    return round_


def test_a_divided_commune_counts_whole_for_its_default_successor_only(
    personas, thai_nguyen_city_2024
):
    old_gia_sang = unit("05461", PRE_REFORM_DAY)
    phan_dinh_phung = unit("05443")
    new_gia_sang = unit("05467")
    assert old_gia_sang.name == "Phường Gia Sàng"
    assert phan_dinh_phung.name == "Phường Phan Đình Phùng"

    default = unit_trend(phan_dinh_phung, form(), date(2026, 7, 31)).years
    assert [(y.year, y.values) for y in default] == [(2024, {"gifts_children": 30})]
    assert [u.code for u in default[0].from_units] == ["05461"]
    assert "Gồm toàn bộ số liệu của Phường Gia Sàng" in default[0].note
    assert new_gia_sang.name in default[0].note

    other = unit_trend(new_gia_sang, form(), date(2026, 7, 31)).years
    assert [(y.year, y.values) for y in other] == [(2024, {"gifts_children": 12})]
    assert [u.code for u in other[0].from_units] == ["05467"]
    assert (
        "Không gồm số liệu của Phường Gia Sàng (một phần đã nhập vào đơn vị này): số liệu cũ "
        "tính cho Phường Phan Đình Phùng, đơn vị kế thừa mặc định." in other[0].note
    )


def test_the_province_has_the_sums_of_the_two_provinces_it_was_formed_from(
    personas, bac_kan_years, thai_nguyen_city_2024
):
    years = unit_trend(personas.province, form(), date(2026, 7, 31)).years
    assert [y.year for y in years] == [2021, 2022, 2023, 2024, 2026]
    by_year = {y.year: y for y in years}
    bac_kan_2024 = sum(gifts(c, 2024) for c in (*PREDECESSORS, OTHER_WARD))
    # 2024: the rounds of the former Bắc Kạn city and of the former Thái Nguyên city, one year.
    both = by_year[2024]
    assert both.values["gifts_children"] == bac_kan_2024 + 42
    assert [u.code for u in both.from_units] == ["06", "19"]
    assert len(both.round_ids) == 2
    assert thai_nguyen_city_2024.pk in both.round_ids
    assert by_year[2026].values["gifts_children"] == 777
    assert by_year[2026].round_ids == [bac_kan_years.pk]


def test_a_merged_province_shows_one_year_for_the_rounds_of_both_former_provinces(personas):
    """2022: the former provinces Bắc Kạn and Thái Nguyên each received their own round."""
    bac_kan = open_round(personas.admin, unit("06", PRE_REFORM_DAY), 2022)
    thai_nguyen = open_round(personas.admin, unit("19", PRE_REFORM_DAY), 2022)
    file(personas.admin, bac_kan, unit("01837", PRE_REFORM_DAY), 11, 2_000_000)
    file(personas.admin, bac_kan, unit("01852", PRE_REFORM_DAY), 13)
    file(personas.admin, thai_nguyen, unit("05461", PRE_REFORM_DAY), 30, 3_000_000)

    action_month = form()
    with CaptureQueriesContext(connection) as captured:
        years = unit_trend(personas.province, action_month, date(2026, 7, 31)).years
    assert len(captured.captured_queries) <= 3
    assert [y.year for y in years] == [2022]
    (year,) = years
    assert year.values == {"gifts_children": 54, "budget_state": 5_000_000}
    assert [u.code for u in year.from_units] == ["06", "19"]
    assert year.round_ids == sorted([bac_kan.pk, thai_nguyen.pk])
    assert (year.period_start, year.period_end) == (date(2022, 6, 1), date(2022, 6, 30))


def test_phuong_bac_kan_sums_its_wards_whichever_round_of_the_year_they_filed_in(personas):
    """2021: the three wards filed in the round of the former Bắc Kạn city, xã Nông Thượng in
    the round of the former province; every one of them is a reporter of the province's round
    too, and Sông Cầu filed there as well (the same report, counted once)."""
    city = open_round(personas.admin, unit("058", PRE_REFORM_DAY), 2021)
    province = open_round(personas.admin, unit("06", PRE_REFORM_DAY), 2021)
    wards = [c for c in PREDECESSORS if c != "01852"]
    for code in wards:
        file(personas.admin, city, unit(code, PRE_REFORM_DAY), gifts(code, 2021), 1_000_000)
    file(personas.admin, province, unit("01852", PRE_REFORM_DAY), gifts("01852", 2021))
    file(personas.admin, province, unit("01837", PRE_REFORM_DAY), gifts("01837", 2021), 1_000_000)
    file(personas.admin, city, unit(OTHER_WARD, PRE_REFORM_DAY), 500)

    years = unit_trend(personas.unit_a, form(), date(2026, 7, 31)).years
    assert [y.year for y in years] == [2021]
    (year,) = years
    assert year.values == {
        "gifts_children": sum(gifts(c, 2021) for c in PREDECESSORS),
        "budget_state": 3_000_000,
    }
    assert sorted(u.code for u in year.from_units) == sorted(PREDECESSORS)
    assert year.round_ids == sorted([city.pk, province.pk])
    assert year.note == ""


def test_a_divided_commune_counts_whole_for_its_default_successor_in_one_year(
    personas, thai_nguyen_city_2024
):
    """2024: besides the city's round, the former province Thái Nguyên's round, in which phường
    Gia Sàng filed the same report again and phường Trưng Vương (now in Phan Đình Phùng) filed."""
    province = open_round(personas.admin, unit("19", PRE_REFORM_DAY), 2024)
    file(personas.admin, province, unit("05461", PRE_REFORM_DAY), 30)
    file(personas.admin, province, unit("05443", PRE_REFORM_DAY), 5)

    default = unit_trend(unit("05443"), form(), date(2026, 7, 31)).years
    assert [(y.year, y.values) for y in default] == [(2024, {"gifts_children": 35})]
    assert sorted(u.code for u in default[0].from_units) == ["05443", "05461"]
    assert "Gồm toàn bộ số liệu của Phường Gia Sàng" in default[0].note

    other = unit_trend(unit("05467"), form(), date(2026, 7, 31)).years
    assert [(y.year, y.values) for y in other] == [(2024, {"gifts_children": 12})]
    assert [u.code for u in other[0].from_units] == ["05467"]
    assert other[0].round_ids == [thai_nguyen_city_2024.pk]
    assert "Không gồm số liệu của Phường Gia Sàng" in other[0].note


# The API: GET /api/v1/units/{code}/trend?form=...


def test_the_api_gives_the_years_with_the_units_summed(api_client, personas, bac_kan_years):
    api_client.login(personas.leader_a)
    response = api_client.get(f"/api/v1/units/01843/trend?form={FORM}&as_of=2026-07-31")
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["unit"] == {"code": "01843", "name": personas.unit_a.name}
    assert body["form"]["code"] == FORM
    assert {"key": "gifts_children", "table": "2", "type": "count"}.items() <= next(
        f for f in body["figures"] if f["key"] == "gifts_children"
    ).items()
    first = body["years"][0]
    assert (first["year"], first["values"]["gifts_children"], first["values"]["budget_state"]) == (
        2021,
        sum(gifts(c, 2021) for c in PREDECESSORS),
        4_000_000,  # money in đồng
    )
    assert sorted(first["from_units"]) == sorted(PREDECESSORS)
    assert first["note"] == ""
    assert body["years"][-1]["rounds"] == [{"id": bac_kan_years.pk, "title": bac_kan_years.title}]
    fewer = api_client.get(f"/api/v1/units/01843/trend?form={FORM}&as_of=2026-07-31&rounds=2")
    assert [y["year"] for y in fewer.json()["years"]] == [2024, 2026]


def test_the_api_refuses_another_ward_another_province_the_old_city_and_anonymous(
    api_client, client, personas, bac_kan_years
):
    path = f"/api/v1/units/01843/trend?form={FORM}&as_of=2026-07-31"
    ha_noi = MembershipFactory(user=UserFactory(username="canbo.hanoi"), unit=unit("01")).user
    for user in (personas.officer_b, ha_noi, personas.old_officer):
        api_client.login(user)
        refused = api_client.get(path)
        assert refused.status_code == 404, user.username
        assert "gifts_children" not in refused.content.decode()
    api_client.login(personas.supervisor)
    assert api_client.get(path).status_code == 200
    assert client.get(path).status_code == 401


def test_the_api_refuses_an_unknown_form_and_out_of_range_parameters(api_client, personas):
    api_client.login(personas.leader_a)
    unknown = api_client.get("/api/v1/units/01843/trend?form=khong-co&as_of=2026-07-31")
    assert unknown.status_code == 422
    assert unknown.json()["errors"] == [
        {"field": "form", "message": "Không có biểu báo cáo mã “khong-co”."}
    ]
    missing = api_client.get("/api/v1/units/01843/trend?as_of=2026-07-31")
    assert missing.status_code == 422
    assert "form: thiếu giá trị bắt buộc" in missing.json()["detail"]
    for query in ("rounds=0", "rounds=21", "as_of=1900-01-01", f"form={'x' * 61}"):
        bad = api_client.get(f"/api/v1/units/01843/trend?form={FORM}&{query}")
        assert bad.status_code == 422, query
    # On 30/06/2021 the code is the old phường Phùng Chí Kiên, which is not A's to read.
    old = api_client.get(f"/api/v1/units/01843/trend?form={FORM}&as_of=2021-06-30")
    assert old.status_code == 404
    assert (
        api_client.get(f"/api/v1/units/99999/trend?form={FORM}&as_of=2026-07-31").status_code == 404
    )


# The consolidated page of a round shows the table.


def test_the_consolidated_page_compares_this_year_with_the_wards_of_earlier_years(
    client, personas, bac_kan_years
):
    client.force_login(personas.leader_a)
    page = client.get(f"/reports/{bac_kan_years.pk}/consolidated/?unit=01843").content.decode()
    assert "Năm nay so với các năm trước" in page
    assert "2026 (đợt này)" in page
    assert f'<td class="num">{sum(gifts(c, 2021) for c in PREDECESSORS)}</td>' in page
    assert "Phường Sông Cầu (đến 30/06/2025)" in page
    assert '<td class="num">4.000</td>' in page  # 4,000,000 đồng in thousands
    assert '<td class="num">777</td>' in page


def test_the_consolidated_page_says_when_a_divided_commune_counts_elsewhere(
    client, personas, thai_nguyen_city_2024
):
    current = open_round(personas.admin, personas.province, 2026)
    client.force_login(personas.supervisor)
    page = client.get(f"/reports/{current.pk}/consolidated/?unit=05467").content.decode()
    assert "Không gồm số liệu của Phường Gia Sàng" in page
    assert "Phường Cam Giá (đến 30/06/2025)" in page


def test_the_dashboard_download_holds_the_trend_as_the_page_draws_it(client, personas):
    """The province's workbook: a sheet of the Action Month's figures over the years, 2022 the
    sum of both former provinces' rounds, each year naming the units it sums."""
    from io import BytesIO

    import time_machine
    from openpyxl import load_workbook

    bac_kan = open_round(personas.admin, unit("06", PRE_REFORM_DAY), 2022)
    thai_nguyen = open_round(personas.admin, unit("19", PRE_REFORM_DAY), 2022)
    file(personas.admin, bac_kan, unit("01837", PRE_REFORM_DAY), 11, 2_000_000)
    file(personas.admin, thai_nguyen, unit("05461", PRE_REFORM_DAY), 30, 3_000_000)
    client.force_login(personas.supervisor)
    with time_machine.travel(date(2026, 9, 1), tick=False):
        response = client.get("/dashboard/xlsx/?unit=19")
    assert response.status_code == 200
    book = load_workbook(BytesIO(response.content))
    sheet = book[f"trend-{FORM}"]
    rows = [list(r) for r in sheet.iter_rows(min_row=4, values_only=True)]
    assert rows[0][:2] == ["Chỉ tiêu", "2022"]
    by_label = {r[0]: r[1] for r in rows[1:] if r and r[0]}
    gifts_label = next(label for label in by_label if "Tặng quà" in label and "trẻ em" in label)
    assert by_label[gifts_label] == 41
    budget_label = next(label for label in by_label if label.endswith("Ngân sách Nhà nước"))
    assert by_label[budget_label] == 5_000_000
    note = " ".join(str(c) for r in rows for c in r if c)
    assert "Tỉnh Bắc Kạn" in note
    assert "Tỉnh Thái Nguyên" in note

import pytest
from django.urls import reverse

from vitreem.units.models import Agency

pytestmark = pytest.mark.django_db


def test_pages_need_a_login(client):
    for path in ["/", "/units/", "/units/19/"]:
        response = client.get(path)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")


def test_login_page_is_vietnamese_and_signs_in(client, personas):
    page = client.get("/accounts/login/").content.decode()
    assert "Đăng nhập" in page
    assert "Mật khẩu" in page
    from vitreem.accounts.tests.factories import PASSWORD

    response = client.post("/accounts/login/", {"username": "canbo.a", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == "/"


def test_home_lists_my_units_and_roles(client, personas):
    client.force_login(personas.officer_a)
    page = client.get("/").content.decode()
    assert "Phường Bắc Kạn" in page
    assert "Tỉnh Thái Nguyên" in page
    assert "Cán bộ nhập liệu" in page
    assert "01/07/2025" in page


def test_browse_shows_the_provinces_of_the_chosen_era(client, personas):
    client.force_login(personas.officer_a)
    old = client.get("/units/?as_of=01/06/2021").content.decode()
    assert "63 tỉnh, 696 huyện, 10.051 xã" in old
    assert "Tỉnh Bắc Kạn" in old
    new = client.get("/units/?as_of=01/06/2026").content.decode()
    assert "34 tỉnh, 3.321 xã" in new
    assert "Tỉnh Bắc Kạn" not in new


def test_browse_search_without_accents(client, personas):
    client.force_login(personas.officer_a)
    page = client.get("/units/?as_of=01/06/2021&q=bac+kan").content.decode()
    assert "Tỉnh Bắc Kạn" in page
    assert "Thành phố Bắc Kạn" in page


def test_bad_date_gets_a_vietnamese_message_and_today(client, personas):
    client.force_login(personas.officer_a)
    response = client.get("/units/?as_of=31/02/2021")
    assert response.status_code == 200
    assert "Ngày không hợp lệ" in response.content.decode()


def test_unit_page_drills_down_from_province_to_commune(client, personas):
    client.force_login(personas.officer_a)
    province = client.get("/units/06/?as_of=01/06/2021").content.decode()
    assert "Thành phố Bắc Kạn" in province
    assert "8 đơn vị trực thuộc" in province
    city = client.get("/units/058/?as_of=01/06/2021").content.decode()
    assert "Phường Sông Cầu" in city
    assert "Xã Nông Thượng" in city
    ward = client.get("/units/01837/?as_of=01/06/2021").content.decode()
    assert "Tỉnh Bắc Kạn" in ward
    assert "Thành phố Bắc Kạn" in ward
    assert "30/06/2025" in ward


def test_unknown_unit_page_is_404(client, personas):
    client.force_login(personas.officer_a)
    assert client.get("/units/99999/").status_code == 404


def test_leader_adds_the_standard_agencies_once(client, personas):
    client.force_login(personas.leader_a)
    url = reverse("units:agencies_standard", args=["01843"]) + "?as_of=01/06/2026"
    client.post(url)
    count = Agency.objects.filter(unit=personas.unit_a).count()
    assert count >= 10
    client.post(url)
    assert Agency.objects.filter(unit=personas.unit_a).count() == count
    page = client.get("/units/01843/?as_of=01/06/2026").content.decode()
    assert "Phòng Văn hóa - Xã hội" in page
    assert "chủ trì công tác trẻ em" in page


def test_agency_form_rejects_a_duplicate_in_vietnamese(client, personas):
    client.force_login(personas.leader_a)
    url = "/units/01843/agencies/new/?as_of=01/06/2026"
    client.post(url, {"name": "Trạm Y tế phường", "kind": "health"})
    response = client.post(url, {"name": "Trạm  Y tế phường ", "kind": "health"})
    assert response.status_code == 200
    assert "Đơn vị đã có cơ quan, tổ chức mang tên này." in response.content.decode()
    assert Agency.objects.filter(unit=personas.unit_a).count() == 1


def test_language_switches_to_english(client, personas):
    client.force_login(personas.officer_a)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    page = client.get("/units/?as_of=01/06/2021").content.decode()
    assert "Administrative units" in page
    assert "63 provinces, 696 districts, 10,051 communes" in page
    assert "01/06/2021" in page


def test_unit_page_queries_do_not_grow_with_children(
    client, personas, django_assert_max_num_queries
):
    client.force_login(personas.officer_a)
    with django_assert_max_num_queries(12):
        page = client.get("/units/19/?as_of=01/06/2026").content.decode()
    assert "92 đơn vị trực thuộc" in page


def test_vietnamese_even_when_the_browser_asks_for_english(client, personas):
    client.force_login(personas.officer_a)
    page = client.get("/units/", headers={"Accept-Language": "en-US,en;q=0.9"}).content.decode()
    assert "Đơn vị hành chính" in page
    assert "Administrative units" not in page


def test_home_lists_the_reports_my_unit_still_owes(client, personas):
    from datetime import date

    from vitreem.reporting.models import ReportForm
    from vitreem.reporting.services import round_create

    round_create(
        actor=personas.supervisor,
        form=ReportForm.objects.get(code="action-month-result"),
        receiving_unit=personas.province,
        title="Tháng hành động 2026",
        period_kind="campaign",
        period_start=date(2026, 6, 1),
        period_end=date(2026, 6, 30),
    )
    client.force_login(personas.officer_a)
    page = client.get("/").content.decode()
    assert "Báo cáo đơn vị tôi cần nộp" in page
    assert "Tháng hành động 2026" in page
    assert "20/07/2026" in page

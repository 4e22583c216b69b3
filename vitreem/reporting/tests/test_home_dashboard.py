"""The home page leads a leader to the dashboard and shows everyone how the reports of their own
units stand in the open rounds."""

import pytest

pytestmark = pytest.mark.django_db


def test_a_leaders_home_leads_to_the_dashboard_of_the_unit(client, personas, province_round):
    client.force_login(personas.leader_a)
    page = client.get("/").content.decode()
    assert 'href="/dashboard/?unit=01843">Mở bảng điều hành — Phường Bắc Kạn</a>' in page


def test_an_officers_home_shows_the_units_completeness_and_not_anothers(
    client, personas, province_round
):
    client.force_login(personas.officer_a)
    page = client.get("/").content.decode()
    assert "Mở bảng điều hành" not in page  # an officer, not a leader
    assert "Tiến độ nộp báo cáo — Phường Bắc Kạn" in page
    cells = "".join(f'<td class="num">{n}</td>' for n in (1, 0, 0, 1))
    assert f"{province_round.title}</a></th>{cells}" in page
    client.force_login(personas.officer_b)
    other = client.get("/").content.decode()
    assert "Tiến độ nộp báo cáo — Phường Phan Đình Phùng" in other
    assert "Tiến độ nộp báo cáo — Phường Bắc Kạn" not in other

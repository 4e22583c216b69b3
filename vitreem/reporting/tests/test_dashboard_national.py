"""The national dashboard: every province's open rounds with their reports on time, late or
missing, the nation's registry, support and funds; the ministry's (superusers) only."""

from datetime import date
from io import BytesIO

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from vitreem.reporting.models import Submission

from .test_dashboard import file

pytestmark = pytest.mark.django_db


def test_the_ministry_sees_each_provinces_open_round(client, personas, province_round):
    file(personas.admin, province_round, personas.unit_b, 25, date(2026, 7, 10))  # on time
    client.force_login(personas.admin)
    assert client.get("/dashboard/").url == "/dashboard/national/"
    page = client.get("/dashboard/national/").content.decode()
    expected = Submission.objects.filter(round=province_round).count()
    cells = "".join(f'<td class="num">{n}</td>' for n in (expected, 1, 0, expected - 1))
    assert (
        f'<a href="/dashboard/?unit=19">Tỉnh Thái Nguyên</a> '
        f'<span class="era">{province_round.title}</span></th>{cells}'
    ) in page
    assert "Trẻ em có hoàn cảnh đặc biệt theo nhóm" in page
    assert "d) Trẻ em khuyết tật" not in page  # no sensitive group nationally
    book = load_workbook(BytesIO(client.get("/dashboard/national/xlsx/").content))
    assert book["rounds"]["A1"].value == "Toàn quốc"
    assert book["rounds"]["B5"].value == expected


def test_the_national_queries_do_not_grow_with_the_provinces_rounds(
    client, personas, province_round
):
    client.force_login(personas.admin)

    def count() -> int:
        with CaptureQueriesContext(connection) as seen:
            assert client.get("/dashboard/national/").status_code == 200
        return len(seen)

    before = count()
    from conftest import unit
    from vitreem.reporting.models import ReportForm
    from vitreem.reporting.services import round_create

    round_create(
        actor=personas.admin,
        form=ReportForm.objects.get(code="action-month-result"),
        receiving_unit=unit("01"),
        title="Tháng hành động 2026 — Hà Nội",
        period_kind="campaign",
        period_start=province_round.period_start,
        period_end=province_round.period_end,
    )
    assert "Hà Nội" in client.get("/dashboard/national/").content.decode()
    assert count() == before


def test_a_province_leader_is_refused_the_national_dashboard(client, personas, province_round):
    for user in (personas.supervisor, personas.officer_a):
        client.force_login(user)
        for path in ("/dashboard/national/", "/dashboard/national/xlsx/"):
            refused = client.get(path)
            assert refused.status_code == 404, (user.username, path)
            assert province_round.title not in refused.content.decode()

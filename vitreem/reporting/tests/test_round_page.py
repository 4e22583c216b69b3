"""The round page as a province supervisor reads it: late rows marked (the day in Vietnam),
filters by name without accents, status, level and lateness; and submitting asks to confirm
and says when the report is late."""

import re
from datetime import UTC, date, datetime

import pytest

from vitreem.core.tests.pages import table_rows
from vitreem.reporting.models import Submission

pytestmark = pytest.mark.django_db


@pytest.fixture
def province_agencies(personas):
    """The province's departments, made before the round so that they report in it too."""
    from vitreem.units.services import agencies_create_standard

    return agencies_create_standard(actor=None, unit=personas.province)


@pytest.fixture
def marked(province_agencies, province_round, personas):
    """unit_a filed 01:00 on 06/06 in Vietnam (18:00 UTC on 05/06) against a deadline of 05/06;
    unit_b filed on time; every other report is due 10/06 and not filed."""
    reports = Submission.objects.filter(round=province_round)
    reports.update(deadline=date(2026, 6, 10))
    reports.filter(unit=personas.unit_a, agency=None).update(
        status="submitted",
        deadline=date(2026, 6, 5),
        submitted_at=datetime(2026, 6, 5, 18, 0, tzinfo=UTC),
    )
    reports.filter(unit=personas.unit_b, agency=None).update(
        status="submitted", submitted_at=datetime(2026, 6, 4, 2, 0, tzinfo=UTC)
    )
    return province_round


def _page(client, round_, query: str = "") -> str:
    response = client.get(f"/reports/{round_.pk}/?{query}")
    assert response.status_code == 200
    return response.content.decode()


def test_a_report_filed_after_its_day_in_vietnam_is_marked_late(client, personas, marked):
    client.force_login(personas.supervisor)
    rows = table_rows(_page(client, marked, "q=bac+kan"))
    late = [r for r in rows if r.startswith("Phường Bắc Kạn ") or r.startswith("Bắc Kạn ")]
    assert late
    assert all("nộp trễ hạn" in r for r in late if "06/06/2026" in r)
    on_time = [
        r for r in table_rows(_page(client, marked, "q=phan+dinh+phung")) if "04/06/2026" in r
    ]
    assert on_time
    assert not any("trễ hạn" in r for r in on_time)


def test_filters_by_name_without_accents_status_level_and_lateness(client, personas, marked):
    client.force_login(personas.supervisor)
    everyone = table_rows(_page(client, marked))
    assert len(everyone) > 90  # the province's communes and its agencies
    found = table_rows(_page(client, marked, "q=PHAN+DINH+PHUNG"))
    assert found
    assert all("Phan Đình Phùng" in r for r in found)
    filed = table_rows(_page(client, marked, "status=submitted"))
    assert len(filed) == 2
    assert all("Đã gửi" in r for r in filed)
    late = table_rows(_page(client, marked, "late=on&status=submitted"))
    assert len(late) == 1
    assert "06/06/2026" in late[0]
    agencies = table_rows(_page(client, marked, "level=agency"))
    communes = table_rows(_page(client, marked, "level=3"))
    assert agencies
    assert communes
    assert len(agencies) + len(communes) == len(everyone)
    assert not set(agencies) & set(communes)
    # A report not filed by its day is overdue (the tests run after June 2026).
    assert all("quá hạn" in r for r in table_rows(_page(client, marked, "late=on&status=draft")))


@pytest.mark.parametrize(
    "query", ["status=nope", "level=7", "level=%00", "q=" + "x" * 500, "status=submitted&level=9"]
)
def test_a_bad_filter_is_named_and_the_list_shown_whole(client, personas, marked, query):
    client.force_login(personas.supervisor)
    page = _page(client, marked, query)
    assert len(table_rows(page)) == len(table_rows(_page(client, marked)))
    assert 'class="error"' in page


def test_a_user_of_another_unit_is_refused_the_round_page(client, personas, marked):
    client.force_login(personas.old_officer)
    assert client.get(f"/reports/{marked.pk}/?q=bac").status_code in (403, 404)


def test_submitting_asks_to_confirm_and_says_the_report_is_late(client, personas, marked):
    report = Submission.objects.get(round=marked, unit=personas.unit_a, agency=None)
    Submission.objects.filter(pk=report.pk).update(
        status="draft", submitted_at=None, deadline=date(2026, 6, 5)
    )
    client.force_login(personas.officer_a)
    url = f"/reports/submissions/{report.pk}/"
    page = client.get(url).content.decode()
    assert "Báo cáo nộp muộn so với hạn 05/06/2026." in page
    assert re.search(r'<input type="checkbox" name="send" value="1" required>', page)
    refused = client.post(url, {"version": "0", "action": "submit"})
    assert "Hãy đánh dấu ô xác nhận gửi báo cáo" in refused.content.decode()
    report.refresh_from_db()
    assert (report.status, report.submitted_at) == ("draft", None)

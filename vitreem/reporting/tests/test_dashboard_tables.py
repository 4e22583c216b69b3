"""The dashboard's registry, support and fund tables: the registry's children by the 14 groups
over the years (sensitive groups only for those allowed), support given by kind and source, the
fund's receipts, payments and balance over the years; the same tables in the download."""

import re
from datetime import UTC, date, datetime
from io import BytesIO

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from vitreem.children.services import SupportData, circumstance_add, support_record_add
from vitreem.children.tests.factories import register
from vitreem.fund.tests.factories import give, make_fund, pay

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 9, 1, 3, 0, tzinfo=UTC)


def row(label: str, *numbers: int | str) -> str:
    cells = "".join(f'<td class="num">{n}</td>' for n in numbers)
    return f'<tr><th scope="row">{label}</th>{cells}</tr>'


@pytest.fixture
def registry(personas):
    """Phường Bắc Kạn: two children without a carer since 2024 (one left at the end of 2025), a
    disabled child since 2025 (a sensitive group); a gift and a surgery; a fund with gifts of
    2025 and 2026 and a payment of 2026."""
    officer = personas.officer_a
    first = register(officer, personas.unit_a)
    second = register(officer, personas.unit_a)
    circumstance_add(actor=officer, child=first, group="c", started_on=date(2024, 3, 1))
    circumstance_add(
        actor=officer,
        child=second,
        group="c",
        started_on=date(2024, 5, 1),
        ended_on=date(2025, 12, 1),
    )
    circumstance_add(actor=officer, child=second, group="d", started_on=date(2025, 2, 1))
    for kind, value, source in (("gift", 300_000, "mobilised"), ("surgery", 5_000_000, "state")):
        support_record_add(
            actor=officer,
            child=first,
            data=SupportData(
                kind=kind,
                given_on=date(2026, 6, 1),
                value=value,
                source=source,
                occasion="action_month",
                surgery_kind="heart" if kind == "surgery" else "",
            ),
        )
    fund = make_fund(personas)
    give(personas, fund, "Công ty A", 2_000_000, on=date(2025, 6, 1))
    give(personas, fund, "Công ty B", 3_000_000, on=date(2026, 3, 1))
    pay(personas, fund, 1_500_000, on=date(2026, 5, 30))
    return fund


def page(client, user, code="01843") -> str:
    client.force_login(user)
    with time_machine.travel(NOW, tick=False):
        response = client.get(f"/dashboard/?unit={code}")
    assert response.status_code == 200
    return response.content.decode()


def test_the_registry_by_group_over_the_years_and_the_sensitive_groups_only_when_allowed(
    client, personas, registry
):
    allowed = page(client, personas.leader_a)
    assert "Trẻ em có hoàn cảnh đặc biệt theo nhóm (Điều 10 Luật Trẻ em)" in allowed
    # 31/12/2022, 2023, 2024, 2025 and today (01/09/2026)
    assert '<th scope="col" class="num">31/12/2024</th>' in allowed
    assert row("c) Trẻ em không nơi nương tựa", 0, 0, 2, 1, 1) in allowed
    assert row("d) Trẻ em khuyết tật", 0, 0, 0, 1, 1) in allowed
    # The province's supervisor is not granted sensitive data: no disabled children shown.
    province = page(client, personas.supervisor, "19")
    assert row("c) Trẻ em không nơi nương tựa", 0, 0, 2, 1, 1) in province
    assert "d) Trẻ em khuyết tật" not in province
    assert "nhóm có thông tin nhạy cảm: bạn chưa được giao quyền xem" in province


def test_support_by_kind_and_source_hides_surgery_from_those_not_allowed(
    client, personas, registry
):
    allowed = page(client, personas.leader_a)
    assert row("Tặng quà", 1, 0, "300.000", 0) in allowed
    assert row("Phẫu thuật", 1, "5.000.000", 0, 0) in allowed
    province = page(client, personas.supervisor, "19")
    assert row("Tặng quà", 1, 0, "300.000", 0) in province
    assert "Phẫu thuật</th>" not in province


def test_the_funds_receipts_payments_and_balance_over_the_years(client, personas, registry):
    html = page(client, personas.supervisor, "19")
    assert row("Thu trong năm", 0, 0, 0, "2.000.000", "3.000.000") in html
    assert row("Chi trong năm", 0, 0, 0, 0, "1.500.000") in html
    assert row("Số dư cuối năm", 0, 0, 0, "2.000.000", "3.500.000") in html


def test_the_download_holds_the_same_tables_and_a_formula_stays_text(client, personas, registry):
    client.force_login(personas.leader_a)
    with time_machine.travel(NOW, tick=False):
        response = client.get("/dashboard/xlsx/?unit=01843")
    assert response.status_code == 200
    assert 'filename="bang-dieu-hanh-01843-20260901.xlsx"' in response["Content-Disposition"]
    book = load_workbook(BytesIO(response.content))
    assert book.sheetnames == ["rounds", "registry", "support", "fund"]
    fund = [list(r) for r in book["fund"].iter_rows(min_row=4, max_row=7, values_only=True)]
    assert fund[0] == ["Năm", "2022", "2023", "2024", "2025", "2026"]
    assert fund[3] == ["Số dư cuối năm", 0, 0, 0, 2_000_000, 3_500_000]
    registry_rows = {r[0]: r[1:] for r in book["registry"].iter_rows(min_row=5, values_only=True)}
    assert registry_rows["c) Trẻ em không nơi nương tựa"] == (0, 0, 2, 1, 1)


def test_the_queries_of_the_tables_do_not_grow_with_the_children(client, personas, registry):
    client.force_login(personas.leader_a)

    def count() -> int:
        with time_machine.travel(NOW, tick=False), CaptureQueriesContext(connection) as seen:
            assert client.get("/dashboard/?unit=01843").status_code == 200
        return len(seen)

    before = count()
    for _n in range(3):
        child = register(personas.officer_a, personas.unit_a)
        circumstance_add(
            actor=personas.officer_a, child=child, group="a", started_on=date(2025, 1, 1)
        )
    assert count() == before


def test_another_ward_is_refused_the_dashboard_and_its_download(client, personas, registry):
    client.force_login(personas.officer_b)
    for path in ("/dashboard/?unit=01843", "/dashboard/xlsx/?unit=01843"):
        refused = client.get(path)
        assert refused.status_code == 404, path
        assert "3.500.000" not in refused.content.decode()
    client.logout()
    assert client.get("/dashboard/xlsx/?unit=01843").status_code == 302


def test_a_ward_formed_in_the_reform_has_the_past_of_its_predecessors_fund(client, personas):
    from conftest import PRE_REFORM_DAY, unit
    from vitreem.fund.services import donation_record, donor_add, fund_create

    old_ward = unit("01837", PRE_REFORM_DAY)  # one of the wards that formed phường Bắc Kạn
    old_fund = fund_create(actor=personas.admin, unit=old_ward, name="Quỹ Bảo trợ trẻ em cũ")
    donor = donor_add(
        actor=personas.admin, fund=old_fund, kind="organisation", name="Công ty C", anonymous=False
    )
    donation_record(
        actor=personas.admin,
        fund=old_fund,
        donor=donor,
        received_on=date(2024, 6, 1),
        amount=4_000_000,
        today=date(2024, 6, 2),
    )
    html = page(client, personas.leader_a)
    assert row("Thu trong năm", 0, 0, "4.000.000", 0, 0) in html
    assert row("Số dư cuối năm", 0, 0, "4.000.000", "4.000.000", "4.000.000") in html
    note = re.search(r"Trước ngày 01/7/2025: sổ quỹ của ([^<]*)\.</p>", html)
    assert note is not None
    assert old_ward.name in note.group(1).split(", ")
    # Another ward formed from other wards does not get it.
    assert row("Thu trong năm", 0, 0, 0, 0, 0) in page(client, personas.officer_b, "05443")

"""Registry pages: least access, every read logged, no name in a URL, refusals change nothing."""

import io
import re
from datetime import date

import pytest
from openpyxl import load_workbook

from vitreem.children.models import Child, ChildRead, Circumstance, SupportRecord
from vitreem.children.services import SupportData, circumstance_add, support_record_add
from vitreem.core.models import AuditEvent

from .factories import register

pytestmark = pytest.mark.django_db


@pytest.fixture
def child(personas):
    child = register(
        personas.officer_a,
        personas.unit_a,
        name="Triệu Thị Bích Ngọc",
        born=date(2015, 4, 9),
        ethnicity="09",
        disability_level="severe",
        personal_id="008215000123",
    )
    circumstance_add(
        actor=personas.officer_a, child=child, group="d", subgroup="d2", started_on=date(2024, 2, 1)
    )
    circumstance_add(actor=personas.officer_a, child=child, group="a", started_on=date(2025, 8, 1))
    support_record_add(
        actor=personas.officer_a,
        child=child,
        data=SupportData(
            kind="surgery",
            surgery_kind="heart",
            given_on=date(2026, 5, 2),
            value=18_000_000,
            source="state",
            occasion="other",
        ),
    )
    support_record_add(
        actor=personas.officer_a,
        child=child,
        data=SupportData(
            kind="gift",
            given_on=date(2026, 6, 1),
            value=300_000,
            source="mobilised",
            occasion="action_month",
        ),
    )
    return child


def test_the_communes_officer_sees_the_whole_record_and_the_read_is_logged(client, personas, child):
    client.force_login(personas.officer_a)
    page = client.get(f"/children/{child.public_id}/").content.decode()
    assert "Triệu Thị Bích Ngọc" in page
    assert "Dao" in page  # ethnicity 09
    assert "Khuyết tật nặng" in page
    assert "Phẫu thuật" in page
    read = ChildRead.objects.get()
    assert (read.child, read.user, read.via, read.sensitive) == (
        child,
        personas.officer_a,
        "page",
        True,
    )


def test_a_province_viewer_without_the_sensitive_right_sees_no_sensitive_field(
    client, personas, child
):
    client.force_login(personas.viewer)
    page = client.get(f"/children/{child.public_id}/").content.decode()
    assert "Triệu Thị Bích Ngọc" in page  # the record itself is the province's to read
    for sensitive in ("Dao", "Khuyết tật nặng", "Phẫu thuật", "Tim", "khuyết tật"):
        assert sensitive not in page
    assert "mồ côi" in page  # a group that is not sensitive
    read = ChildRead.objects.get()
    assert (read.user, read.sensitive) == (personas.viewer, False)


def test_another_communes_officer_is_refused_everywhere(client, personas, child):
    client.force_login(personas.officer_b)
    for path in (
        f"/children/{child.public_id}/",
        f"/children/{child.public_id}/edit/",
        f"/children/{child.public_id}/support/new/",
        f"/children/?unit={personas.unit_a.code}",
        f"/children/export.xlsx?unit={personas.unit_a.code}",
        f"/children/reads/?unit={personas.unit_a.code}",
    ):
        assert client.get(path).status_code == 404, path
    before = AuditEvent.objects.count()
    response = client.post(
        f"/children/{child.public_id}/edit/",
        {"full_name": "Đổi tên", "date_of_birth": "09/04/2015", "sex": "female"},
    )
    assert response.status_code == 404
    assert Child.objects.get().full_name == "Triệu Thị Bích Ngọc"
    assert AuditEvent.objects.count() == before
    assert not ChildRead.objects.exists()


def test_the_list_logs_each_child_shown_and_searches_by_post(client, personas, child):
    register(personas.officer_a, personas.unit_a, name="Lục Văn Hải")
    client.force_login(personas.officer_a)
    url = f"/children/?unit={personas.unit_a.code}"
    response = client.post(url, {"q": "trieu thi bich"})
    assert response.status_code == 302
    assert "trieu" not in response["Location"]
    page = client.get(response["Location"]).content.decode()
    assert "Triệu Thị Bích Ngọc" in page
    assert "Lục Văn Hải" not in page
    assert list(ChildRead.objects.values_list("child", "via")) == [(child.pk, "list")]


def test_registering_a_child_through_the_page(client, personas):
    client.force_login(personas.officer_a)
    form = {
        "full_name": "Nông Thị Hoa",
        "date_of_birth": "12/03/2019",
        "sex": "female",
        "ethnicity": "02",
    }
    response = client.post(f"/children/new/?unit={personas.unit_a.code}", form)
    child = Child.objects.get()
    assert response["Location"] == f"/children/{child.public_id}/"
    assert (child.full_name, child.ethnicity, child.unit) == ("Nông Thị Hoa", "02", personas.unit_a)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"date_of_birth": "01/01/2009"}, "dưới 16 tuổi"),
        ({"date_of_birth": "01/01/2099"}, "tương lai"),
        ({"date_of_birth": "31/02/2019"}, "dd/mm/yyyy"),
        ({"personal_id": "12ab"}, "12 chữ số"),
    ],
)
def test_bad_input_on_the_page_gets_a_message_and_saves_nothing(client, personas, fields, message):
    client.force_login(personas.officer_a)
    form = {"full_name": "Nông Thị Hoa", "date_of_birth": "12/03/2019", "sex": "female", **fields}
    response = client.post(f"/children/new/?unit={personas.unit_a.code}", form)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Child.objects.exists()


def test_a_possible_duplicate_asks_before_registering(client, personas, child):
    client.force_login(personas.officer_a)
    form = {"full_name": "TRIEU THI BICH NGOC", "date_of_birth": "09/04/2015", "sex": "female"}
    response = client.post(f"/children/new/?unit={personas.unit_a.code}", form)
    assert "cùng họ tên và ngày sinh" in response.content.decode()
    assert Child.objects.count() == 1
    client.post(f"/children/new/?unit={personas.unit_a.code}", {**form, "allow_duplicate": "on"})
    assert Child.objects.count() == 2
    twin = Child.objects.exclude(pk=child.pk).get()
    assert "Có thể trùng với hồ sơ" in client.get(f"/children/{twin.public_id}/").content.decode()
    listing = client.get(f"/children/?unit={personas.unit_a.code}").content.decode()
    assert "Hồ sơ có thể trùng, chờ kiểm tra" in listing
    client.post(f"/children/{twin.public_id}/duplicates/{twin.duplicates.get().pk}/resolve/")
    listing = client.get(f"/children/?unit={personas.unit_a.code}").content.decode()
    assert "Hồ sơ có thể trùng, chờ kiểm tra" not in listing


def test_officers_record_support_and_bad_amounts_change_nothing(client, personas, child):
    client.force_login(personas.officer_a)
    url = f"/children/{child.public_id}/support/new/"
    base = {
        "kind": "gift",
        "given_on": "01/06/2026",
        "source": "state",
        "occasion": "childrens_day",
    }
    for value, message in (("-5000", "không được âm"), ("năm trăm", "số đồng nguyên")):
        response = client.post(url, {**base, "value": value})
        assert message in response.content.decode()
    assert SupportRecord.objects.count() == 2
    client.post(url, {**base, "value": "1.500.000"})
    assert SupportRecord.objects.latest("id").value == 1_500_000


def test_only_leaders_export_and_the_file_says_who_exported_it(client, personas, child):
    client.force_login(personas.officer_a)
    assert client.get(f"/children/export.xlsx?unit={personas.unit_a.code}").status_code == 403
    client.force_login(personas.viewer)
    assert client.get(f"/children/export.xlsx?unit={personas.province.code}").status_code == 403
    client.force_login(personas.leader_a)
    response = client.get(f"/children/export.xlsx?unit={personas.unit_a.code}")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert "lanhdao.a" in sheet["A2"].value
    assert sheet["B5"].value == "Triệu Thị Bích Ngọc"
    assert ChildRead.objects.filter(via="export", user=personas.leader_a).count() == 1
    assert AuditEvent.objects.filter(action="children.export").get().data == {"count": 1}
    # The province's supervisor has no sensitive right: no ethnicity or disability column.
    client.force_login(personas.supervisor)
    sheet = load_workbook(
        io.BytesIO(client.get(f"/children/export.xlsx?unit={personas.province.code}").content)
    ).active
    assert "Dân tộc" not in [c.value for c in sheet[4]]


def test_leaders_read_the_read_log(client, personas, child):
    client.force_login(personas.viewer)
    client.get(f"/children/{child.public_id}/")
    client.force_login(personas.officer_a)
    assert client.get(f"/children/reads/?unit={personas.unit_a.code}").status_code == 403
    client.force_login(personas.supervisor)
    page = client.get(
        f"/children/reads/?unit={personas.unit_a.code}&child={child.public_id}"
    ).content.decode()
    assert "xem.tinh" in page
    # The province's leader reads the log of every commune below.
    province = client.get(f"/children/reads/?unit={personas.province.code}").content.decode()
    assert "xem.tinh" in province
    other = client.get(f"/children/reads/?unit={personas.unit_b.code}").content.decode()
    assert "xem.tinh" not in other


def test_a_sensitive_group_cannot_be_filtered_or_ended_without_the_right(client, personas, child):
    client.force_login(personas.viewer)
    page = client.get(f"/children/?unit={personas.province.code}&group=d").content.decode()
    assert "Trẻ em khuyết tật" not in page  # neither a filter choice nor a row of the counts
    assert "Nhóm này không có trong danh sách bạn được xem." in page
    spell = Circumstance.objects.get(group="d")
    client.force_login(personas.supervisor)
    assert (
        client.get(f"/children/{child.public_id}/circumstances/{spell.pk}/end/").status_code == 403
    )


def test_the_province_sees_its_communes_with_their_children_in_need(client, personas, child):
    client.force_login(personas.supervisor)
    page = client.get(f"/children/?unit={personas.province.code}").content.decode()
    assert personas.unit_a.name in page
    assert "Đơn vị trực thuộc" in page


def _queries(client, path) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    return len(captured.captured_queries)


def test_list_and_record_pages_take_a_fixed_number_of_queries(client, personas, child):
    client.force_login(personas.supervisor)
    paths = (f"/children/?unit={personas.unit_a.code}", f"/children/?unit={personas.province.code}")
    few = [_queries(client, path) for path in paths]
    record = _queries(client, f"/children/{child.public_id}/")
    for n in range(12):
        officer, unit = (
            (personas.officer_a, personas.unit_a)
            if n % 2
            else (personas.officer_b, personas.unit_b)
        )
        extra = register(officer, unit)
        circumstance_add(actor=officer, child=extra, group="c", started_on=date(2025, 1, 1))
    support_record_add(
        actor=personas.officer_a,
        child=child,
        data=SupportData(
            kind="scholarship",
            given_on=date(2026, 6, 3),
            value=1_000_000,
            source="state",
            occasion="action_month",
        ),
    )
    assert [_queries(client, path) for path in paths] == few
    assert _queries(client, f"/children/{child.public_id}/") == record


def test_the_record_has_a_print_button_and_names_its_commune_on_paper(client, personas, child):
    client.force_login(personas.officer_a)
    page = client.get(f"/children/{child.public_id}/").content.decode()
    assert 'class="print-button" data-print' in page
    head = page.split('class="print-only print-head"', 1)[1].split("</div>", 1)[0]
    assert "Phường Bắc Kạn" in head


def _row_of(page: str, name: str) -> str:
    """The table row of the list that shows the child's name."""
    found = re.search(rf"<tr>(?:(?!</tr>).)*{re.escape(name)}(?:(?!</tr>).)*</tr>", page, re.S)
    assert found, name
    return found.group(0)


def test_the_list_names_each_childs_groups_and_sub_groups_as_the_law_does(client, personas, child):
    client.force_login(personas.officer_a)
    row = _row_of(
        client.get(f"/children/?unit={personas.unit_a.code}").content.decode(),
        "Triệu Thị Bích Ngọc",
    )
    assert "a) Trẻ em mồ côi cả cha và mẹ" in row
    assert "d) Trẻ em khuyết tật — Khuyết tật nặng" in row
    # The province's viewer sees the group that is not sensitive, by its name, and no other.
    client.force_login(personas.viewer)
    row = _row_of(
        client.get(f"/children/?unit={personas.province.code}").content.decode(),
        "Triệu Thị Bích Ngọc",
    )
    assert "a) Trẻ em mồ côi cả cha và mẹ" in row
    assert "khuyết tật" not in row


def test_the_export_has_each_childs_groups_with_their_codes_names_and_sub_groups(
    client, personas, child
):
    client.force_login(personas.leader_a)
    sheet = load_workbook(
        io.BytesIO(client.get(f"/children/export.xlsx?unit={personas.unit_a.code}").content)
    ).active
    columns = {cell.value: cell.column_letter for cell in sheet[4]}
    assert sheet[f"{columns['Mã nhóm']}5"].value == "a\nd"
    assert sheet[f"{columns['Nhóm hoàn cảnh đặc biệt']}5"].value == (
        "Trẻ em mồ côi cả cha và mẹ\nTrẻ em khuyết tật"
    )
    assert sheet[f"{columns['Nhóm chi tiết']}5"].value == "d) Khuyết tật nặng"
    # Without the sensitive right, the sensitive group stays out of the file.
    client.force_login(personas.supervisor)
    sheet = load_workbook(
        io.BytesIO(client.get(f"/children/export.xlsx?unit={personas.province.code}").content)
    ).active
    columns = {cell.value: cell.column_letter for cell in sheet[4]}
    assert sheet[f"{columns['Mã nhóm']}5"].value == "a"
    assert sheet[f"{columns['Nhóm chi tiết']}5"].value is None


@pytest.mark.parametrize(
    ("written", "shown"),
    [
        ("Tổ 3", "Tổ 3, phường Bắc Kạn"),
        ("Tổ 3, phường Bắc Kạn", "Tổ 3, phường Bắc Kạn"),
        ("Tổ 3, phường Bắc Kạn, Phường Bắc Kạn", "Tổ 3, phường Bắc Kạn"),
    ],
)
def test_the_residence_names_the_ward_once_in_lower_case(client, personas, child, written, shown):
    Child.objects.filter(pk=child.pk).update(address=written)
    client.force_login(personas.officer_a)
    page = client.get(f"/children/{child.public_id}/").content.decode()
    assert f"<dd>{shown}</dd>" in page

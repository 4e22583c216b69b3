"""Import of children and support records from the .xlsx templates: all or nothing per file."""

import io
import zipfile
from datetime import date

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from vitreem.children import imports
from vitreem.children.models import Child, Circumstance, PossibleDuplicate, SupportRecord
from vitreem.core.models import AuditEvent
from vitreem.documents.tests import hostile
from vitreem.units.models import Agency

from .factories import TODAY, register

pytestmark = pytest.mark.django_db

CHILD = {
    "number": 1,
    "full_name": "Hoàng Thị Mai",
    "date_of_birth": "02/09/2016",
    "sex": "Nữ",
    "ethnicity": "Tày",
    "personal_id": "019316000123",
    "address": "Tổ 5, phường Bắc Kạn",
    "representative_name": "Hoàng Văn Nam",
    "representative_relation": "Cha",
    "representative_phone": "0912 345 678",
    "disability_level": "Nặng",
    "insurance_number": "TE1191234567890",
    "insurance_valid_to": "31/12/2026",
    "groups": "d, đ",
    "started_on": "15/01/2024",
}
SUPPORT = {
    "number": 1,
    "personal_id": "019316000123",
    "full_name": "",
    "date_of_birth": "",
    "kind": "Tặng quà",
    "surgery_kind": "",
    "given_on": "01/06/2026",
    "value": 500000,
    "source": "Ngân sách",
    "occasion": "Tháng hành động vì trẻ em",
    "description": "Quà 1/6",
    "giver_agency": "",
}


def row(which: str, /, **values) -> list:
    base = CHILD if which == imports.CHILDREN else SUPPORT
    merged = {**base, **values}
    return [merged[c.key] for c in imports.COLUMNS[which]]


def filled(kind: str, unit, rows: list[list], template: bytes | None = None) -> bytes:
    book = load_workbook(io.BytesIO(template or imports.template_workbook(kind, unit)))
    sheet = book[imports.SHEETS[kind]]
    for offset, values in enumerate(rows):
        for column, value in enumerate(values, start=1):
            sheet.cell(row=imports.FIRST_ROW + offset, column=column, value=value)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def children_file(unit, *rows: dict) -> bytes:
    return filled(imports.CHILDREN, unit, [row(imports.CHILDREN, **r) for r in rows])


def import_children(personas, data: bytes) -> imports.ImportResult:
    return imports.children_import(
        actor=personas.officer_a, unit=personas.unit_a, data=data, today=TODAY
    )


def import_on_page(client, capture, unit_code: str, kind: str, data: bytes):
    """Upload a file on the import page: accepted, it is imported by a job whose page is
    returned (the job runs when the request commits, as a worker would run it)."""
    with capture(execute=True):
        sent = client.post(
            reverse("children:import"), {"unit": unit_code, "kind": kind, "file": io.BytesIO(data)}
        )
    if sent.status_code != 302:
        return sent
    assert "/jobs/" in sent["Location"]
    return client.get(sent["Location"])


def snapshot() -> tuple[int, ...]:
    return (
        Child.objects.count(),
        Circumstance.objects.count(),
        SupportRecord.objects.count(),
        PossibleDuplicate.objects.count(),
        AuditEvent.objects.count(),
    )


@time_machine.travel(date(2026, 6, 15))
def test_template_downloaded_filled_and_imported_gives_back_the_same_values(
    personas, client, django_capture_on_commit_callbacks
):
    client.force_login(personas.officer_a)
    template = client.get(reverse("children:import_template", args=["children"]), {"unit": "01843"})
    assert template.status_code == 200
    assert template["Content-Type"].startswith("application/vnd.openxmlformats")
    data = filled(
        imports.CHILDREN,
        personas.unit_a,
        [
            row(imports.CHILDREN),
            row(
                imports.CHILDREN,
                number=2,
                full_name="Lý Văn Bình",
                date_of_birth=date(2019, 2, 28),  # a real date cell works as well as the text
                sex="Nam",
                ethnicity="07",
                personal_id=19319000456,  # typed as a number: the leading zero comes back
                representative_relation="Ông, bà",
                representative_phone=987654321,
                disability_level="",
                insurance_number="",
                insurance_valid_to="",
                groups="",
                started_on="",
            ),
        ],
        template.content,
    )
    page = import_on_page(client, django_capture_on_commit_callbacks, "01843", "children", data)
    assert page.status_code == 200
    assert "Hoàn thành" in page.content.decode()
    result = page.context["view"]["result"]
    assert result["ok"], result["errors"]
    assert (result["created"], result["present"], result["circumstances"]) == (2, 0, 2)
    mai = Child.objects.get(personal_id="019316000123")
    assert (mai.full_name, mai.name_folded, mai.date_of_birth) == (
        "Hoàng Thị Mai",
        "hoang thi mai",
        date(2016, 9, 2),
    )
    assert (mai.sex, mai.ethnicity, mai.address) == ("female", "02", "Tổ 5, phường Bắc Kạn")
    assert (mai.representative_name, mai.representative_relation) == ("Hoàng Văn Nam", "father")
    assert mai.representative_phone == "0912345678"
    assert (mai.disability_level, mai.insurance_number) == ("severe", "TE1191234567890")
    assert mai.insurance_valid_to == date(2026, 12, 31)
    assert (mai.unit_id, mai.province_id) == (personas.unit_a.pk, personas.province.pk)
    assert mai.registered_by == personas.officer_a
    spells = sorted(Circumstance.objects.filter(child=mai).values_list("group", "started_on"))
    assert spells == [("d", date(2024, 1, 15)), ("dd", date(2024, 1, 15))]
    for spell in Circumstance.objects.filter(child=mai):
        assert spell.ended_on == date(2032, 9, 1)  # the day before turning 16
        assert (spell.unit_id, spell.province_id) == (personas.unit_a.pk, personas.province.pk)
    binh = Child.objects.get(full_name="Lý Văn Bình")
    assert (binh.personal_id, binh.date_of_birth, binh.ethnicity) == (
        "019319000456",
        date(2019, 2, 28),
        "07",
    )
    assert (binh.representative_relation, binh.representative_phone) == (
        "grandparent",
        "0987654321",
    )
    assert binh.insurance_valid_to is None
    assert binh.disability_level == ""
    events = AuditEvent.objects.filter(action="children.import")
    assert events.count() == 1
    assert "Mai" not in str(events[0].data)
    assert "019316000123" not in str(events[0].data)
    assert events[0].data["created"] == 2

    # Then their support, identified by personal id or by name and date of birth.
    support = filled(
        imports.SUPPORT,
        personas.unit_a,
        [
            row(imports.SUPPORT),
            row(
                imports.SUPPORT,
                number=2,
                personal_id="",
                full_name="lý văn bình",
                date_of_birth="28/02/2019",
                kind="Phẫu thuật",
                surgery_kind="Tim",
                given_on="20/05/2026",
                value="12.500.000",
                source="Vận động",
                occasion="Dịp khác",
                description="",
            ),
        ],
        client.get(
            reverse("children:import_template", args=["support"]), {"unit": "01843"}
        ).content,
    )
    page = import_on_page(client, django_capture_on_commit_callbacks, "01843", "support", support)
    result = page.context["view"]["result"]
    assert result["ok"], result["errors"]
    assert result["created"] == 2
    gift = SupportRecord.objects.get(child=mai)
    assert (gift.kind, gift.given_on, gift.value, gift.source, gift.occasion) == (
        "gift",
        date(2026, 6, 1),
        500000,
        "state",
        "action_month",
    )
    assert (gift.description, gift.giver_unit_id, gift.giver_agency_id) == (
        "Quà 1/6",
        personas.unit_a.pk,
        None,
    )
    assert (gift.unit_id, gift.province_id) == (personas.unit_a.pk, personas.province.pk)
    surgery = SupportRecord.objects.get(child=binh)
    assert (surgery.kind, surgery.surgery_kind, surgery.value, surgery.source) == (
        "surgery",
        "heart",
        12_500_000,
        "mobilised",
    )
    assert AuditEvent.objects.filter(action="children.support.import").count() == 1


@pytest.mark.parametrize(
    ("bad", "column", "words"),
    [
        ({"date_of_birth": "15/06/2010"}, "Ngày sinh", "dưới 16 tuổi"),
        ({"date_of_birth": "01/01/2008"}, "Ngày sinh", "dưới 16 tuổi"),
        ({"date_of_birth": "01/07/2026"}, "Ngày sinh", "tương lai"),
        ({"date_of_birth": "31/02/2020"}, "Ngày sinh", "có thật"),
        ({"date_of_birth": "2020/31/12"}, "Ngày sinh", "dd/mm/yyyy"),
        ({"sex": "X"}, "Giới tính", "không có trong danh mục"),
        ({"groups": "a, z"}, "Nhóm hoàn cảnh", "“z”"),
        ({"groups": "a", "started_on": ""}, "Từ ngày", "ngày trẻ em bắt đầu"),
        ({"started_on": "01/01/2016"}, "Từ ngày", "01/06/2017"),
        ({"personal_id": "12345"}, "Số định danh cá nhân", "12 chữ số"),
        ({"ethnicity": "Không rõ"}, "Dân tộc", "không có trong danh mục"),
        ({"full_name": ""}, "Họ và tên", "họ và tên"),
    ],
)
def test_one_bad_row_saves_nothing_and_names_its_row_and_column(personas, bad, column, words):
    data = children_file(
        personas.unit_a,
        {"personal_id": "019316000001"},
        {"personal_id": "019316000002", "full_name": "Trần Văn Hùng", **bad},
        {"personal_id": "019316000003", "full_name": "Lê Thị Hoa"},
    )
    before = snapshot()
    result = import_children(personas, data)
    assert not result.ok
    assert snapshot() == before
    assert [(e.row, e.column) for e in result.errors] == [(6, column)]
    assert words in result.errors[0].message
    assert str(result.errors[0]).startswith(f"Dòng 6, cột “{column}”: ")


def test_a_personal_id_used_by_another_record_or_twice_in_the_file_is_an_error(personas):
    other = register(personas.officer_b, personas.unit_b, personal_id="019316000777")
    data = children_file(
        personas.unit_a,
        {"personal_id": other.personal_id},
        {"personal_id": "019316000001", "full_name": "Trần Văn Hùng"},
        {"personal_id": "019316000001", "full_name": "Lê Thị Hoa"},
    )
    before = snapshot()
    result = import_children(personas, data)
    assert snapshot() == before
    assert [(e.row, e.column) for e in result.errors] == [
        (5, "Số định danh cá nhân"),
        (7, "Số định danh cá nhân"),
    ]
    assert "hồ sơ khác" in result.errors[0].message
    assert "dòng 6" in result.errors[1].message


def test_every_error_of_the_file_is_listed(personas):
    data = children_file(
        personas.unit_a,
        {"date_of_birth": "01/01/2000", "sex": "?"},
        {"personal_id": "019316000002"},
        {"personal_id": "019316000003", "groups": "x"},
    )
    result = import_children(personas, data)
    assert [(e.row, e.column) for e in result.errors] == [
        (5, "Ngày sinh"),
        (5, "Giới tính"),
        (7, "Nhóm hoàn cảnh"),
    ]
    assert not Child.objects.exists()


def test_reimporting_the_same_files_changes_nothing(personas):
    data = children_file(
        personas.unit_a,
        {},
        {"personal_id": "", "full_name": "Trần Văn Hùng", "groups": "", "started_on": ""},
    )
    first = import_children(personas, data)
    assert (first.created, first.present) == (2, 0)
    support = filled(imports.SUPPORT, personas.unit_a, [row(imports.SUPPORT)] * 2)
    imports.support_import(
        actor=personas.officer_a, unit=personas.unit_a, data=support, today=TODAY
    )
    assert SupportRecord.objects.count() == 2  # two identical gifts are two gifts
    before = snapshot()
    again = import_children(personas, data)
    assert again.ok
    assert (again.created, again.present, again.flagged) == (0, 2, [])
    support_again = imports.support_import(
        actor=personas.officer_a, unit=personas.unit_a, data=support, today=TODAY
    )
    assert support_again.ok
    assert (support_again.created, support_again.present) == (0, 2)
    assert snapshot() == before


def test_a_near_duplicate_is_imported_and_flagged_never_merged(personas):
    existing = register(
        personas.officer_a,
        personas.unit_a,
        name="Hoàng Thị Mai",
        born=date(2016, 9, 2),
        sex="female",
    )
    data = children_file(personas.unit_a, {"personal_id": "", "full_name": "HOANG THI MAI"})
    result = import_children(personas, data)
    assert result.ok
    assert result.created == 1
    assert [(f.row, f.others) for f in result.flagged] == [(5, 1)]
    new = Child.objects.get(public_id=result.flagged[0].public_id)
    assert new.pk != existing.pk
    assert PossibleDuplicate.objects.filter(child=new, other=existing).exists()
    assert Child.objects.count() == 2


def test_a_new_group_for_a_child_already_present_is_left_to_the_childs_page(personas):
    import_children(personas, children_file(personas.unit_a, {"groups": "a"}))
    before = snapshot()
    result = import_children(personas, children_file(personas.unit_a, {"groups": "a, b"}))
    assert [(e.row, e.column) for e in result.errors] == [(5, "Nhóm hoàn cảnh")]
    assert snapshot() == before


@pytest.mark.parametrize(
    ("bad", "column", "words"),
    [
        ({"value": -5000}, "Giá trị", "không được âm"),
        ({"value": "năm trăm"}, "Giá trị", "không phải số đồng nguyên"),
        ({"value": 1500.5}, "Giá trị", "số đồng nguyên"),
        ({"source": "Quỹ Bảo trợ trẻ em"}, "Nguồn kinh phí", "trang của quỹ"),
        ({"kind": "Cho vay"}, "Hình thức hỗ trợ", "không có trong danh mục"),
        ({"kind": "Phẫu thuật"}, "Loại phẫu thuật", "loại phẫu thuật"),
        ({"given_on": "01/07/2026"}, "Ngày hỗ trợ", "tương lai"),
        ({"personal_id": "019316999999"}, "Số định danh cá nhân", "Không có trẻ em"),
        ({"giver_agency": "Hội không có"}, "Cơ quan hỗ trợ", "Không có cơ quan"),
    ],
)
def test_one_bad_support_row_saves_nothing(personas, bad, column, words):
    import_children(personas, children_file(personas.unit_a, {}))
    data = filled(
        imports.SUPPORT,
        personas.unit_a,
        [row(imports.SUPPORT), row(imports.SUPPORT, number=2, **bad)],
    )
    before = snapshot()
    result = imports.support_import(
        actor=personas.officer_a, unit=personas.unit_a, data=data, today=TODAY
    )
    assert snapshot() == before
    assert [(e.row, e.column) for e in result.errors] == [(6, column)]
    assert words in result.errors[0].message


def test_support_names_an_agency_of_the_commune_or_above(personas):
    import_children(personas, children_file(personas.unit_a, {}))
    agency = Agency.objects.create(
        unit=personas.province,
        name="Sở Y tế",
        name_folded="so y te",
        kind="health",
        valid_from=personas.province.valid_from,
    )
    data = filled(imports.SUPPORT, personas.unit_a, [row(imports.SUPPORT, giver_agency="sở y tế")])
    result = imports.support_import(
        actor=personas.officer_a, unit=personas.unit_a, data=data, today=TODAY
    )
    assert result.ok, result.errors
    record = SupportRecord.objects.get()
    assert (record.giver_agency_id, record.giver_unit_id) == (agency.pk, personas.province.pk)


def _zip(parts: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def _other_layout() -> bytes:
    book = Workbook()
    sheet = book.create_sheet("Trẻ em")
    book.remove(book.worksheets[0])
    sheet.title = "Trẻ em"
    sheet.append(["Danh sách"])
    sheet.append([])
    sheet.append([])
    sheet.append(["STT", "Tên", "Ngày sinh"])
    sheet.append([1, "Hoàng Thị Mai", "02/09/2016"])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _with_macro(personas) -> bytes:
    template = imports.template_workbook(imports.CHILDREN, personas.unit_a)
    with zipfile.ZipFile(io.BytesIO(template)) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    return _zip({**parts, "xl/vbaProject.bin": b"\0" * 100})


@pytest.mark.parametrize(
    ("make", "words"),
    [
        (lambda p: b"%PDF-1.4 not a workbook", "không phải bảng tính"),
        (lambda p: b"A" * (6 * 2**20), "quá lớn"),
        (
            lambda p: _zip({"[Content_Types].xml": b"x", "xl/workbook.xml": b"\0" * 40_000_000}),
            "nén bất thường",
        ),
        (_with_macro, "macro"),
        (lambda p: _other_layout(), "không đúng mẫu"),
        (
            lambda p: filled(imports.SUPPORT, p.unit_a, [row(imports.SUPPORT)]),
            "không phải mẫu “Trẻ em”",
        ),
        (
            lambda p: filled(imports.CHILDREN, p.unit_b, [row(imports.CHILDREN)]),
            "mẫu của đơn vị mã 05443",
        ),
    ],
)
def test_a_hostile_or_foreign_file_is_refused(personas, make, words):
    before = snapshot()
    with pytest.raises(ValidationError) as refused:
        import_children(personas, make(personas))
    assert words in " ".join(refused.value.messages)
    assert snapshot() == before


@time_machine.travel(date(2026, 6, 15))
def test_the_page_shows_a_refused_file_and_a_file_with_errors(
    personas, client, django_capture_on_commit_callbacks
):
    from vitreem.jobs.models import Job

    client.force_login(personas.officer_a)
    page = import_on_page(
        client, django_capture_on_commit_callbacks, "01843", "children", b"not a workbook"
    )
    assert page.status_code == 200  # refused at the upload: no job
    assert "không phải bảng tính Excel" in page.content.decode()
    assert not Job.objects.exists()
    data = children_file(personas.unit_a, {"date_of_birth": "01/01/2005"})
    page = import_on_page(client, django_capture_on_commit_callbacks, "01843", "children", data)
    body = page.content.decode()
    assert "Không thành công" in body
    assert "Tệp có 1 lỗi" in body
    assert "dưới 16 tuổi" in body
    assert "Ngày sinh" in body  # the error names its column (and its row)
    assert not Child.objects.exists()
    assert not Job.objects.get().input_file  # the uploaded file is not kept


@time_machine.travel(date(2026, 6, 15))
def test_the_page_offers_the_officers_communes(personas, client):
    client.force_login(personas.officer_a)
    page = client.get(reverse("children:import"))
    assert page.status_code == 200
    assert page.context["unit"] == personas.unit_a  # the only one: chosen already
    assert [u.code for u in page.context["units"]] == ["01843"]
    client.force_login(personas.viewer)
    page = client.get(reverse("children:import"))
    assert page.context["units"] == []
    assert page.context["unit"] is None


@time_machine.travel(date(2026, 6, 15))
@pytest.mark.parametrize(("who", "status"), [("officer_b", 404), ("viewer", 403)])
def test_another_communes_officer_and_a_province_viewer_are_refused(personas, client, who, status):
    client.force_login(getattr(personas, who))
    data = children_file(personas.unit_a, {})
    before = snapshot()
    for kind in ("children", "support"):
        template = client.get(reverse("children:import_template", args=[kind]), {"unit": "01843"})
        assert template.status_code == status
    page = client.get(reverse("children:import"), {"unit": "01843"})
    assert page.status_code == status
    page = client.post(
        reverse("children:import"),
        {"unit": "01843", "kind": "children", "file": io.BytesIO(data)},
    )
    assert page.status_code == status
    assert snapshot() == before
    with pytest.raises(Http404 if status == 404 else PermissionDenied):
        imports.children_import(
            actor=getattr(personas, who), unit=personas.unit_a, data=data, today=TODAY
        )
    assert snapshot() == before


def test_the_page_needs_a_sign_in(client):
    page = client.get(reverse("children:import"))
    assert page.status_code == 302


@pytest.mark.parametrize("kind", [imports.CHILDREN, imports.SUPPORT])
@pytest.mark.parametrize(
    ("hostile", "words"),
    [
        (hostile.far_cell, "XFD1048576"),
        (lambda data: hostile.with_dimension(data, "A1:XFD1048576"), "quá lớn"),
        (hostile.with_doctype, "DOCTYPE"),
        (lambda data: hostile.with_doctype(data, "docProps/app.xml"), "DOCTYPE"),
    ],
)
def test_a_far_cell_a_lying_dimension_or_a_dtd_refuses_the_file_and_saves_nothing(
    personas, kind, hostile, words
):
    data = hostile(filled(kind, personas.unit_a, [row(kind)]))
    before = snapshot()
    with pytest.raises(ValidationError) as refused:
        imports.registry_import(
            actor=personas.officer_a, unit=personas.unit_a, kind=kind, data=data, today=TODAY
        )
    assert words in " ".join(refused.value.messages)
    assert snapshot() == before


def test_a_row_number_written_as_a_formula_gives_its_saved_result(personas):
    data = children_file(personas.unit_a, {})
    # As Excel saves =ROW()-4: the formula and its result.
    data = hostile.in_part(
        data,
        "xl/worksheets/sheet1.xml",
        lambda text: text.replace(
            '<c r="A5" t="n"><v>1</v></c>', '<c r="A5"><f>ROW()-4</f><v>1</v></c>'
        ),
    )
    assert "ROW()-4" in zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml").decode()
    result = import_children(personas, data)
    assert result.ok, result.errors
    assert result.created == 1


def test_texts_with_a_backslash_and_the_file_twins_are_stored_as_written(personas):
    data = children_file(
        personas.unit_a,
        {"full_name": "Lê Văn \\ Tí", "address": "Tổ 1\\2", "personal_id": "019316000001"},
        {"personal_id": "019316000002", "groups": "", "started_on": ""},
        {"personal_id": "019316000003", "groups": "a", "insurance_valid_to": ""},
    )
    result = import_children(personas, data)
    assert result.ok, result.errors
    assert (result.created, result.circumstances) == (3, 3)
    odd = Child.objects.get(personal_id="019316000001")
    assert (odd.full_name, odd.address) == ("Lê Văn \\ Tí", "Tổ 1\\2")
    # Rows 2 and 3 share a name and birthday: the later is flagged against the earlier.
    assert [(f.row, f.others) for f in result.flagged] == [(7, 1)]
    assert PossibleDuplicate.objects.count() == 1
    assert Circumstance.objects.filter(child__personal_id="019316000003").count() == 1
    assert Child.objects.get(personal_id="019316000003").insurance_valid_to is None


def test_public_ids_made_at_once_look_like_those_made_one_by_one():
    import re

    from vitreem.children.models import new_public_id, new_public_ids

    ids = new_public_ids(500)
    assert len(set(ids)) == 500
    assert all(re.fullmatch(r"[0-9a-f]{16}", i) for i in [*ids, new_public_id()])


def test_a_personal_id_taken_while_the_file_is_checked_refuses_it_and_saves_nothing(
    personas, monkeypatch
):
    register(personas.officer_b, personas.unit_b, personal_id="019316000778")
    monkeypatch.setattr(imports, "_used_personal_ids", lambda pids: [])  # taken after the lookup
    data = children_file(
        personas.unit_a,
        {"personal_id": "019316000777", "full_name": "Lê Văn An"},
        {"personal_id": "019316000778"},
    )
    before = snapshot()
    with pytest.raises(ValidationError) as refused:
        import_children(personas, data)
    assert "vừa được dùng" in " ".join(refused.value.messages)
    assert snapshot() == before

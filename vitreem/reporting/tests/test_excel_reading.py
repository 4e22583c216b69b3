"""Reading uploaded forms straight from their XML: files as Excel saves them, hostile parts, and
the bulk upload saving a whole .zip at once, each file still on its own."""

import io
import re
import zipfile
from datetime import date
from html import escape, unescape

import pytest
from django.db import DatabaseError

from vitreem.documents.tests.hostile import far_cell, with_dimension, with_doctype
from vitreem.reporting.models import Submission, ValueChange
from vitreem.reporting.services import round_create, submission_submit
from vitreem.reporting.workbooks import (
    round_import_zip,
    submission_import,
    submission_workbook,
)

from .test_excel import fill, zipped

pytestmark = pytest.mark.django_db

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
STRINGS_TYPE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"


@pytest.fixture
def report(personas, province_round):
    return Submission.objects.get(round=province_round, unit=personas.unit_a, agency=None)


def repack(data: bytes, change) -> bytes:
    """The same package with ``change(name, text)`` applied to each XML part."""
    buffer = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            content = source.read(info)
            if info.filename.endswith((".xml", ".rels")):
                content = change(info.filename, content.decode()).encode()
            target.writestr(info.filename, content)
    return buffer.getvalue()


def as_excel_saves(data: bytes, *, rich: str = "", drop_refs: bool = False) -> bytes:
    """The file as Excel writes it back: text in a shared-string table instead of inline; the
    string ``rich`` as rich text in runs; with ``drop_refs``, rows and cells without their
    addresses (as some generators write them)."""
    strings: list[str] = []

    def shared(match: re.Match[str]) -> str:
        strings.append(match.group(2))
        return f'<c {match.group(1)}t="s"><v>{len(strings) - 1}</v></c>'

    def change(name: str, text: str) -> str:
        if name.startswith("xl/worksheets/"):
            text = re.sub(r'<c ([^>]*?)t="inlineStr"><is><t[^>]*>(.*?)</t></is></c>', shared, text)
            if drop_refs:
                text = re.sub(r' r="[A-Z]*\d+"', "", text)
        return text

    data = repack(data, change)

    def item(text: str) -> str:
        plain = unescape(text)
        if plain != rich:
            return f"<si><t>{text}</t></si>"
        head, tail = escape(plain[:4]), escape(plain[4:])
        return f"<si><r><t>{head}</t></r><r><rPr><b/></rPr><t>{tail}</t></r></si>"

    items = "".join(item(text) for text in strings)
    sst = f'<sst xmlns="{MAIN}" count="{len(strings)}" uniqueCount="{len(strings)}">{items}</sst>'

    def register(name: str, text: str) -> str:
        if name == "xl/_rels/workbook.xml.rels":
            link = f'<Relationship Id="rIdS" Type="{STRINGS_TYPE}" Target="sharedStrings.xml"/>'
            return text.replace("</Relationships>", link + "</Relationships>")
        if name == "[Content_Types].xml":
            kind = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
            part = f'<Override PartName="/xl/sharedStrings.xml" ContentType="{kind}"/>'
            return text.replace("</Types>", part + "</Types>")
        return text

    data = repack(data, register)
    buffer = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            target.writestr(info.filename, source.read(info))
        target.writestr("xl/sharedStrings.xml", sst)
    return buffer.getvalue()


def in_sheet(data: bytes, sheet: int, old: str, new: str) -> bytes:
    def change(name: str, text: str) -> str:
        if name == f"xl/worksheets/sheet{sheet}.xml":
            assert old in text, old
            return text.replace(old, new)
        return text

    return repack(data, change)


def values_of(report) -> dict[tuple[str, str], int]:
    return {(v.element.code, v.category): v.value for v in report.values.select_related("element")}


def refused_message(personas, report, data: bytes) -> str:
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as error:
        submission_import(actor=personas.officer_a, submission=report, data=data)
    assert not report.values.exists()
    return " ".join(error.value.messages)


def test_a_form_saved_by_excel_with_shared_strings_and_rich_text_reads_the_same(personas, report):
    filled = fill(submission_workbook(report), {("Bảng 2", "B8"): 40, ("Bảng 2", "C8"): 4000})
    excel = as_excel_saves(filled, rich="Số lượng trẻ em")
    with zipfile.ZipFile(io.BytesIO(excel)) as archive:
        assert "<r><rPr><b/></rPr>" in archive.read("xl/sharedStrings.xml").decode()
        assert "inlineStr" not in archive.read("xl/worksheets/sheet2.xml").decode()
    submission_import(actor=personas.officer_a, submission=report, data=excel)
    assert values_of(report) == {("gifts_children", ""): 40, ("gifts_cost", "state"): 4_000_000}


def test_rows_and_cells_without_addresses_are_read_in_order(personas, report):
    filled = fill(submission_workbook(report), {("Bảng 3", "B7"): 2, ("Bảng 3", "C7"): 30})
    submission_import(
        actor=personas.officer_a, submission=report, data=as_excel_saves(filled, drop_refs=True)
    )
    assert values_of(report) == {
        ("participation_activities", ""): 2,
        ("participation_children", ""): 30,
    }


def test_a_formula_with_its_cached_result_is_refused(personas, report):
    filled = as_excel_saves(fill(submission_workbook(report), {("Bảng 2", "B8"): 40}))
    data = in_sheet(filled, 2, "<v>40</v></c>", "<f>SUM(C8:D8)</f><v>40</v></c>")
    assert "Trang “Bảng 2”, ô B8: có công thức; hãy nhập số." in refused_message(
        personas, report, data
    )


def test_a_shared_formula_is_refused(personas, report):
    filled = as_excel_saves(fill(submission_workbook(report), {("Bảng 3", "C7"): 5}))
    data = in_sheet(filled, 3, "<v>5</v></c>", '<f t="shared" si="0"/><v>5</v></c>')
    assert "ô C7: có công thức" in refused_message(personas, report, data)


def test_text_in_a_number_cell_is_refused(personas, report):
    filled = fill(submission_workbook(report), {("Bảng 2", "B8"): "40 trẻ"})
    message = refused_message(personas, report, as_excel_saves(filled))
    assert "ô B8 (Số lượng trẻ em): “40 trẻ” không phải số nguyên không âm" in message


def test_a_number_typed_as_text_with_thousands_dots_is_read(personas, report):
    filled = fill(submission_workbook(report), {("Bảng 2", "C8"): "1.500"})
    submission_import(actor=personas.officer_a, submission=report, data=as_excel_saves(filled))
    assert values_of(report) == {("gifts_cost", "state"): 1_500_000}


def test_an_edited_header_in_shared_strings_is_refused(personas, report):
    filled = fill(submission_workbook(report), {("Bảng 3", "D6"): "Số diễn đàn"})
    message = refused_message(personas, report, as_excel_saves(filled))
    assert "Trang “Bảng 3”, ô D6: tiêu đề “Số diễn đàn” không đúng mẫu" in message


def test_a_missing_sheet_is_refused(personas, report):
    def drop(name: str, text: str) -> str:
        return (
            re.sub(r'<sheet [^>]*name="Bảng 3"[^>]*/>', "", text)
            if name.endswith("workbook.xml")
            else text
        )

    data = repack(submission_workbook(report), drop)
    assert "Thiếu trang “Bảng 3”" in refused_message(personas, report, data)


def test_a_part_with_a_dtd_is_refused(personas, report):
    bomb = '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">]>'
    data = in_sheet(submission_workbook(report), 1, "<worksheet", bomb + "<worksheet")
    assert "không an toàn" in refused_message(personas, report, data)


def test_damaged_xml_is_refused(personas, report):
    data = in_sheet(submission_workbook(report), 2, "</sheetData>", "<row></sheetData>")
    assert "tệp bị hỏng" in refused_message(personas, report, data)


def test_a_shared_string_that_is_not_there_is_refused(personas, report):
    def beyond(name: str, text: str) -> str:
        if name == "xl/worksheets/sheet1.xml":
            return re.sub(r'(<c r="A7" [^>]*t="s"><v>)', r"\g<1>9", text)
        return text

    data = repack(as_excel_saves(submission_workbook(report)), beyond)
    assert "tệp bị hỏng" in refused_message(personas, report, data)


def test_a_workbook_with_macros_is_refused(personas, report):
    buffer = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(submission_workbook(report))) as source,
        zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            target.writestr(info.filename, source.read(info))
        target.writestr("xl/vbaProject.bin", b"\x00" * 64)
    assert "có macro" in refused_message(personas, report, buffer.getvalue())


def forms_of(round_, count: int):
    return list(
        Submission.objects.filter(round=round_, agency=None)
        .select_related("unit", "agency", "round__form")
        .order_by("pk")[:count]
    )


def test_a_zip_is_saved_at_once_and_again_changes_nothing(personas, report):
    reports = [report, *[r for r in forms_of(report.round, 3) if r.pk != report.pk][:2]]
    data = zipped(
        {
            f"{number}.xlsx": fill(submission_workbook(r), {("Bảng 3", "D7"): number + 1})
            for number, r in enumerate(reports)
        }
    )
    first = round_import_zip(actor=personas.admin, round_=report.round, data=data)
    assert [(r.ok, r.message) for r in first] == [(True, "Đã nhập.")] * 3
    changes = ValueChange.objects.filter(submission__in=reports)
    assert sorted(changes.values_list("submission_id", "new_value")) == sorted(
        (r.pk, n + 1) for n, r in enumerate(reports)
    )
    versions = [Submission.objects.get(pk=r.pk).version for r in reports]
    assert versions == [1, 1, 1]
    again = round_import_zip(actor=personas.admin, round_=report.round, data=data)
    assert [(r.ok, r.message) for r in again] == [(True, "Không có gì thay đổi.")] * 3
    assert changes.count() == 3
    assert [Submission.objects.get(pk=r.pk).version for r in reports] == versions


def test_two_files_of_one_report_in_a_zip_apply_in_order(personas, report):
    blank = submission_workbook(report)
    data = zipped(
        {
            "a.xlsx": fill(blank, {("Bảng 3", "D7"): 2}),
            "b.xlsx": fill(blank, {("Bảng 3", "D7"): 7}),
        }
    )
    results = round_import_zip(actor=personas.officer_a, round_=report.round, data=data)
    assert [r.message for r in results] == ["Đã nhập.", "Đã nhập."]
    assert report.values.get(element__code="forums").value == 7
    history = ValueChange.objects.filter(submission=report).order_by("id")
    assert list(history.values_list("old_value", "new_value")) == [(None, 2), (2, 7)]
    assert Submission.objects.get(pk=report.pk).version == 2


def test_a_filed_report_or_another_rounds_form_refuses_only_its_file(personas, report):
    filed, other = [r for r in forms_of(report.round, 3) if r.pk != report.pk][:2]
    submission_submit(actor=personas.admin, submission=filed)
    elsewhere = round_create(
        actor=personas.supervisor,
        form=report.round.form,
        receiving_unit=personas.province,
        title="Đợt khác",
        period_kind="ad_hoc",
        period_start=date(2026, 9, 1),
        period_end=date(2026, 9, 30),
    )
    foreign = Submission.objects.get(round=elsewhere, unit=personas.unit_a, agency=None)
    data = zipped(
        {
            "filed.xlsx": fill(submission_workbook(filed), {("Bảng 3", "D7"): 1}),
            "other.xlsx": fill(submission_workbook(other), {("Bảng 3", "D7"): 2}),
            "round.xlsx": fill(submission_workbook(foreign), {("Bảng 3", "D7"): 3}),
            "mine.xlsx": fill(submission_workbook(report), {("Bảng 3", "D7"): 4}),
        }
    )
    results = {
        r.name: r for r in round_import_zip(actor=personas.admin, round_=report.round, data=data)
    }
    assert "đã gửi hoặc đã duyệt" in results["filed.xlsx"].message
    assert results["round.xlsx"].message == "Tệp không thuộc đợt báo cáo này."
    assert results["other.xlsx"].ok
    assert results["mine.xlsx"].ok
    assert not filed.values.exists()
    assert not foreign.values.exists()
    assert other.values.get(element__code="forums").value == 2
    assert report.values.get(element__code="forums").value == 4


def test_a_damaged_entry_of_the_zip_refuses_only_itself(personas, report):
    good = fill(submission_workbook(report), {("Bảng 3", "D7"): 3})
    data = bytearray(zipped({"hong.xlsx": good, "tot.xlsx": good}))
    start = data.index(b"hong.xlsx") + len("hong.xlsx") + 40
    data[start : start + 200] = b"\x00" * 200  # the first entry's compressed bytes
    results = round_import_zip(actor=personas.officer_a, round_=report.round, data=bytes(data))
    assert [(r.name, r.ok) for r in results] == [("hong.xlsx", False), ("tot.xlsx", True)]
    assert "hỏng" in results[0].message


def test_a_database_failure_in_the_batch_saves_each_file_on_its_own(personas, report, monkeypatch):
    from vitreem.reporting import services

    calls = {"n": 0}
    original = services._write_values

    def fail_once(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 1:
            raise DatabaseError("simulated")
        return original(*args, **kwargs)

    monkeypatch.setattr(services, "_write_values", fail_once)
    other = next(r for r in forms_of(report.round, 3) if r.pk != report.pk)
    data = zipped(
        {
            "mine.xlsx": fill(submission_workbook(report), {("Bảng 3", "D7"): 4}),
            "other.xlsx": fill(submission_workbook(other), {("Bảng 3", "D7"): 5}),
        }
    )
    results = round_import_zip(actor=personas.officer_a, round_=report.round, data=data)
    assert [(r.name, r.ok) for r in results] == [("mine.xlsx", True), ("other.xlsx", False)]
    assert "không có quyền" in results[1].message
    assert report.values.get(element__code="forums").value == 4
    assert ValueChange.objects.filter(submission=report).count() == 1
    assert not other.values.exists()


def test_a_bulk_upload_costs_the_same_queries_for_more_files(
    personas, report, django_assert_max_num_queries
):
    reports = forms_of(report.round, 8)

    def upload(chosen, value):
        files = {
            f"{r.pk}.xlsx": fill(submission_workbook(r), {("Bảng 3", "D7"): value}) for r in chosen
        }
        return zipped(files)

    few, many = upload(reports[:2], 1), upload(reports[2:8], 2)
    with django_assert_max_num_queries(12):
        round_import_zip(actor=personas.admin, round_=report.round, data=few)
    with django_assert_max_num_queries(12):
        results = round_import_zip(actor=personas.admin, round_=report.round, data=many)
    assert all(r.ok for r in results)


@pytest.mark.parametrize(
    ("hostile", "words"),
    [
        (lambda data: far_cell(data, "xl/worksheets/sheet2.xml"), "XFD1048576"),
        (lambda data: with_dimension(data, "A1:XFD1048576", "xl/worksheets/sheet1.xml"), "quá lớn"),
        (lambda data: with_doctype(data, "xl/worksheets/sheet3.xml"), "DOCTYPE"),
    ],
)
def test_a_far_cell_a_lying_dimension_or_a_dtd_refuses_an_uploaded_form(
    personas, report, hostile, words
):
    data = hostile(fill(submission_workbook(report), {("Bảng 2", "B8"): 40}))
    assert words in refused_message(personas, report, data)
    results = round_import_zip(
        actor=personas.officer_a, round_=report.round, data=zipped({"a.xlsx": data})
    )
    assert [(r.ok, words in r.message) for r in results] == [(False, True)]
    assert not report.values.exists()


def test_a_count_typed_as_a_date_is_refused_with_its_cell_named(personas, report):
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(submission_workbook(report)))
    book["Bảng 2"]["B8"] = date(2026, 1, 1)  # Excel shows 01/01/2026, stores 46023
    buffer = io.BytesIO()
    book.save(buffer)
    message = refused_message(personas, report, buffer.getvalue())
    assert "Trang “Bảng 2”, ô B8" in message
    assert "ngày" in message

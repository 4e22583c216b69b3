"""Files that are not readable plans are refused with a Vietnamese reason, and nothing is saved."""

import io
import zipfile

import pytest
from pypdf import PdfWriter

from vitreem.documents.plans import render_plan_docx
from vitreem.plans.importing.reading import MAX_BYTES, ImportRefusedError, read_lines
from vitreem.plans.models import Plan

from .seeds import data_file


def _blank_pdf(password: str | None = None) -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    if password:
        writer.encrypt(password)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _zip_bomb() -> bytes:
    """A .docx whose document unpacks a thousand times larger than it is."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", " " * (12 * 1024 * 1024))
    return out.getvalue()


def _refusal(name: str, data: bytes) -> str:
    with pytest.raises(ImportRefusedError) as caught:
        read_lines(name, data)
    return str(caught.value)


def test_an_encrypted_pdf_is_refused():
    assert "mã hóa" in _refusal("ke-hoach.pdf", _blank_pdf("matkhau"))


def test_a_pdf_without_a_text_layer_needs_one():
    assert "lớp chữ" in _refusal("ban-quet.pdf", _blank_pdf())


def test_a_zip_bomb_disguised_as_docx_is_refused():
    assert "nén bất thường" in _refusal("ke-hoach.docx", _zip_bomb())


def test_a_file_over_20_mb_is_refused():
    assert "20 MB" in _refusal("ke-hoach.txt", b"a" * (MAX_BYTES + 1))


def test_a_damaged_docx_is_refused():
    docx = render_plan_docx(data_file("hai-phong-2024-action-month"))
    assert "không phải là tệp DOCX" in _refusal("ke-hoach.docx", docx[: len(docx) // 2])


def test_a_program_renamed_pdf_is_refused():
    assert "không phải là tệp PDF" in _refusal("ke-hoach.pdf", b"MZ\x90\x00" + b"\x00" * 200)


def test_a_text_not_in_utf8_is_refused():
    text = "Kế hoạch triển khai Tháng hành động vì trẻ em năm 2024".encode("cp1258", "replace")
    assert "UTF-8" in _refusal("ke-hoach.txt", text * 5)


def test_other_kinds_of_file_are_refused():
    assert ".docx, .pdf hoặc .txt" in _refusal("ke-hoach.xlsx", b"PK\x03\x04" + b"\x00" * 100)


@pytest.mark.django_db
def test_text_that_is_not_a_plan_is_refused_and_nothing_saved(api_client, personas):
    api_client.login(personas.officer_a)
    poem = "Trăm năm trong cõi người ta,\nChữ tài chữ mệnh khéo là ghét nhau.\n" * 5
    response = _upload(api_client, personas.unit_a.code, "tho.txt", poem.encode())
    assert response.status_code == 422
    assert "không phải là một kế hoạch" in response.json()["detail"]
    assert Plan.objects.count() == 0


@pytest.mark.django_db
def test_the_api_refuses_a_zip_bomb_and_saves_nothing(api_client, personas):
    api_client.login(personas.officer_a)
    response = _upload(api_client, personas.unit_a.code, "ke-hoach.docx", _zip_bomb())
    assert response.status_code == 422
    assert "nén bất thường" in response.json()["detail"]
    assert Plan.objects.count() == 0


def _upload(api_client, code: str, name: str, data: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import Client

    client = Client()
    return client.post(
        "/api/v1/plans/import",
        {"unit": code, "file": SimpleUploadedFile(name, data)},
        headers=api_client.headers,
    )


def test_a_text_longer_than_any_plan_is_refused():
    line = "tăng cường tuyên truyền vận động chăm sóc giáo dục bảo vệ trẻ em gia đình\n"
    assert "quá dài" in _refusal("ke-hoach.txt", (line * 15_000).encode())


def test_a_docx_declaring_entities_is_refused():
    bomb = (
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
        '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        "<w:body><w:p><w:r><w:t>&lol2;</w:t></w:r></w:p></w:body></w:document>"
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", bomb)
    assert "DOCTYPE" in _refusal("ke-hoach.docx", out.getvalue())

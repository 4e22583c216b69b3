"""Hostile workbooks built part by part (zipfile + XML), for every upload path's tests."""

import io
import re
import zipfile
from collections.abc import Callable

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
DOCTYPE = '<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>'
FAR_ROW = '<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>'


def repack(data: bytes, change: Callable[[str, bytes], bytes]) -> bytes:
    """The same package with ``change(name, content)`` applied to each part."""
    buffer = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            target.writestr(info.filename, change(info.filename, source.read(info)))
    return buffer.getvalue()


def in_part(data: bytes, part: str, edit: Callable[[str], str]) -> bytes:
    def change(name: str, content: bytes) -> bytes:
        return edit(content.decode()).encode() if name == part else content

    return repack(data, change)


def far_cell(data: bytes, part: str = "xl/worksheets/sheet1.xml") -> bytes:
    """A cell at XFD1048576 beside the real ones, the dimension left as it was (a lie)."""
    return in_part(data, part, lambda text: text.replace("</sheetData>", FAR_ROW + "</sheetData>"))


def with_dimension(data: bytes, ref: str, part: str = "xl/worksheets/sheet1.xml") -> bytes:
    def edit(text: str) -> str:
        text = re.sub(r"<dimension [^>]*/>", "", text)
        return re.sub(r"(<worksheet[^>]*>)", rf'\1<dimension ref="{ref}"/>', text, count=1)

    return in_part(data, part, edit)


def with_doctype(data: bytes, part: str = "xl/worksheets/sheet1.xml") -> bytes:
    """A DTD declaring entities (the start of a billion laughs) in one part."""

    def edit(text: str) -> str:
        declaration, sep, rest = text.partition("?>")
        return f"{declaration}{sep}{DOCTYPE}{rest}" if sep else DOCTYPE + text

    return in_part(data, part, edit)


def minimal(cells: str, *, dimension: str = "", strings: str = "", styles: str = "") -> bytes:
    """A one-sheet package from scratch: ``cells`` is the sheetData's inner XML."""
    parts = {
        "[Content_Types].xml": (
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org'
            '/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/>'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
            'relationships+xml"/></Types>'
        ),
        "_rels/.rels": (
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="r1" Type="{REL}/officeDocument" Target="xl/workbook.xml"/>'
            "</Relationships>"
        ),
        "xl/workbook.xml": (
            f'<workbook xmlns="{MAIN}" xmlns:r="{REL}"><sheets>'
            '<sheet name="Trang" sheetId="1" r:id="rS"/></sheets></workbook>'
        ),
        "xl/_rels/workbook.xml.rels": (
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rS" Type="{REL}/worksheet" Target="worksheets/sheet1.xml"/>'
            + (f'<Relationship Id="rT" Type="{REL}/sharedStrings" Target="sharedStrings.xml"/>')
            + (f'<Relationship Id="rY" Type="{REL}/styles" Target="styles.xml"/>')
            + "</Relationships>"
        ),
        "xl/worksheets/sheet1.xml": (
            f'<worksheet xmlns="{MAIN}">'
            + (f'<dimension ref="{dimension}"/>' if dimension else "")
            + f"<sheetData>{cells}</sheetData></worksheet>"
        ),
    }
    if strings:
        parts["xl/sharedStrings.xml"] = f'<sst xmlns="{MAIN}">{strings}</sst>'
    if styles:
        parts["xl/styles.xml"] = f'<styleSheet xmlns="{MAIN}">{styles}</styleSheet>'
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    return buffer.getvalue()

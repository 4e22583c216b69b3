"""The text of an uploaded plan document: Word (.docx), PDF with a text layer, or plain text.

Every file is hostile until read: its size, what its content really is (the shared check of
``documents.attachments``), the compression of a Word package (the shared zip-bomb check), a
PDF's encryption and the presence of a text layer are checked before any text is taken. The
result is a list of lines in reading order, not yet repaired (``repair.py`` does that).
"""

import io
import re
import zipfile
from pathlib import PurePosixPath

from django.utils.translation import gettext as _

from vitreem.documents import attachments
from vitreem.documents.workbooks import UNSAFE_XML, WorkbookRefusedError, check_xml_part

MAX_BYTES = 20 * 1024 * 1024
MAX_UNPACKED = 60 * 1024 * 1024  # a long plan with pictures unpacks to a few megabytes
MAX_RATIO = 100
MAX_PAGES = 300
MIN_TEXT = 40  # characters: less than this in a PDF means it has no text layer
MAX_TEXT = 1_000_000  # characters: a 300-page plan holds about 900,000
SUFFIXES = (".docx", ".pdf", ".txt")


class ImportRefusedError(ValueError):
    """A file that cannot be imported; the message says why, in Vietnamese."""


def _refuse(message: str) -> ImportRefusedError:
    return ImportRefusedError(message)


def read_lines(name: str, data: bytes) -> list[str]:
    """The lines of the document's text, in reading order; ImportRefusedError when the file is
    too large, not what its name says, damaged, encrypted or without text."""
    if len(data) > MAX_BYTES:
        raise _refuse(
            _("Tệp quá lớn: tối đa %(mb)s MB; không có gì được lưu.") % {"mb": MAX_BYTES // 2**20}
        )
    suffix = attachments.suffix_of(name)
    if suffix not in SUFFIXES:
        raise _refuse(_("Chỉ nhận tệp kế hoạch dạng .docx, .pdf hoặc .txt."))
    if not data.strip():
        raise _refuse(_("Tệp rỗng: không có nội dung để nhận dạng."))
    if suffix == ".txt":
        lines = _text_lines(data)
    else:
        stream = io.BytesIO(data)
        if attachments.attachment_kind(name, stream) is None:
            raise _refuse(
                _(
                    "Nội dung tệp “%(name)s” không phải là tệp %(kind)s như tên tệp ghi, "
                    "hoặc tệp bị hỏng."
                )
                % {
                    "name": PurePosixPath(name.replace("\\", "/")).name[:80],
                    "kind": suffix[1:].upper(),
                }
            )
        lines = _docx_lines(data) if suffix == ".docx" else _pdf_lines(data)
    size = sum(len(line) for line in lines)
    if size > MAX_TEXT:
        raise _refuse(
            _("Văn bản quá dài cho một kế hoạch: tối đa %(n)s ký tự.")
            % {"n": f"{MAX_TEXT:,}".replace(",", ".")}
        )
    if sum(len(line.strip()) for line in lines) < MIN_TEXT:
        if suffix == ".pdf":
            raise _refuse(
                _(
                    "Tệp PDF không có lớp chữ (bản quét ảnh): hãy dùng bản PDF có lớp chữ, "
                    "bản Word, hoặc nhận dạng chữ (OCR) trước khi nhập."
                )
            )
        raise _refuse(_("Tệp gần như không có chữ: không nhận dạng được kế hoạch."))
    return lines


def _text_lines(data: bytes) -> list[str]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("utf-16") if data[:2] in (b"\xff\xfe", b"\xfe\xff") else ""
        except UnicodeDecodeError:
            text = ""
        if not text:
            raise _refuse(_("Tệp văn bản phải ở dạng mã UTF-8.")) from None
    if "\x00" in text:
        raise _refuse(_("Tệp văn bản bị hỏng (có ký tự rỗng)."))
    return text.splitlines()


def _docx_lines(data: bytes) -> list[str]:
    """Paragraphs and table cells in document order; a table's cells row by row, left first
    (the header and the signature block of a plan are tables of two columns)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
            if attachments.compression_suspicious(infos, MAX_UNPACKED, MAX_RATIO):
                raise _refuse(_("Tệp có nội dung nén bất thường nên bị từ chối."))
            if any(info.filename.startswith("word/vbaProject") for info in infos):
                raise _refuse(_("Tệp có macro nên bị từ chối; hãy lưu dạng .docx thường."))
            for info in infos:  # the shared XML check: no DTD, so no entity to expand
                if info.filename.endswith((".xml", ".rels")):
                    check_xml_part(archive.read(info))
    except WorkbookRefusedError as error:
        if str(error) == UNSAFE_XML:
            raise _refuse(
                _("Tệp có nội dung XML không an toàn (khai báo DOCTYPE) nên bị từ chối.")
            ) from error
        raise _refuse(_("Tệp Word bị hỏng, không đọc được.")) from error
    except zipfile.BadZipFile as error:
        raise _refuse(_("Tệp Word bị hỏng, không đọc được.")) from error
    import docx  # a heavy import, only when a Word file comes
    from docx.document import Document
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        document: Document = docx.Document(io.BytesIO(data))
        lines: list[str] = []
        for block in document.iter_inner_content():
            if isinstance(block, Paragraph):
                lines.extend(block.text.split("\n"))
            elif isinstance(block, Table):
                lines.extend(_table_lines(block))
    except ImportRefusedError:
        raise
    except Exception as error:  # a damaged package: a missing part, bad XML
        raise _refuse(_("Tệp Word bị hỏng, không đọc được.")) from error
    return lines


def _table_lines(table: object) -> list[str]:
    from docx.table import Table

    assert isinstance(table, Table)
    lines: list[str] = []
    for row in table.rows:
        seen: set[int] = set()
        for cell in row.cells:
            if id(cell._tc) in seen:  # a merged cell appears once per column it spans
                continue
            seen.add(id(cell._tc))
            for paragraph in cell.paragraphs:
                lines.extend(paragraph.text.split("\n"))
    return lines


# "2", "- 2 -", "Trang 2", "2/7": a page's number, printed above or below its text (Decree 30
# numbers the pages from the second, at the top)
_PAGE_NUMBER = re.compile(r"^[-–]?\s*(?:Trang\s+)?(?P<n>\d{1,3})\s*(?:[-–]|/\s*\d{1,3})?$")


def _without_page_number(lines: list[str], number: int) -> list[str]:
    """A page's lines without its number, the first or the last line that is only the page's
    own number (it would end up inside the paragraph that runs on to the next page)."""
    for at in (0, -1):
        if not lines:
            break
        match = _PAGE_NUMBER.match(lines[at].strip())
        if match is not None and int(match.group("n")) == number:
            del lines[at]
    return lines


def _pdf_lines(data: bytes) -> list[str]:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise _refuse(_("Tệp PDF được mã hóa (đặt mật khẩu): hãy gỡ mật khẩu rồi gửi lại."))
        if len(reader.pages) > MAX_PAGES:
            raise _refuse(_("Tệp PDF quá dài: tối đa %(pages)s trang.") % {"pages": MAX_PAGES})
        lines: list[str] = []
        for number, page in enumerate(reader.pages, start=1):
            lines.extend(_without_page_number(page.extract_text().splitlines(), number))
    except ImportRefusedError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, OSError, RecursionError) as error:
        raise _refuse(_("Tệp PDF bị hỏng, không đọc được.")) from error
    return lines

"""What an uploaded attachment really is, judged by its content, not by its name alone.

Framework-free. The attachments of the system (a task's evidence: a signed report, a photo, a
list in a workbook) are stored and handed back, never opened on the server; what is checked is
that the bytes are of the kind the name claims — a PDF starts as a PDF does, a .docx is a zip
holding a Word document — so that a program renamed "bao-cao.pdf" is refused. A zip is judged
by its directory only; no member is decompressed except the few bytes of an OpenDocument's
"mimetype".
"""

import zipfile
from typing import BinaryIO

PDF = "pdf"
WORD = "word"
EXCEL = "excel"
IMAGE = "image"

# Each accepted name ending → the kind of document it must hold.
KINDS = {
    ".pdf": PDF,
    ".doc": WORD,
    ".docx": WORD,
    ".odt": WORD,
    ".xls": EXCEL,
    ".xlsx": EXCEL,
    ".jpg": IMAGE,
    ".jpeg": IMAGE,
    ".png": IMAGE,
}

CONTENT_TYPES = {
    ".pdf": "application/pdf",
    ".doc": "application/msword",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".odt": "application/vnd.oasis.opendocument.text",
    ".xls": "application/vnd.ms-excel",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
}

_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the compound file of Word 97-2003 and Excel 97-2003
_ZIP = b"PK\x03\x04"
_ODT = b"application/vnd.oasis.opendocument.text"
_MAX_MEMBERS = 10_000


def suffix_of(name: str) -> str:
    """The name's ending in lower case (".pdf"), "" when it has none."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    return "." + base.rsplit(".", 1)[-1].lower() if "." in base.strip(".") else ""


def compression_suspicious(infos: list[zipfile.ZipInfo], max_unpacked: int, max_ratio: int) -> bool:
    """Whether a package's members unpack to more than ``max_unpacked`` bytes or compress better
    than ``max_ratio`` to one: what a zip bomb does and no honest Office file does."""
    unpacked = sum(info.file_size for info in infos)
    packed = max(sum(info.compress_size for info in infos), 1)
    return unpacked > max_unpacked or unpacked / packed > max_ratio


def _zip_holds(stream: BinaryIO, suffix: str) -> bool:
    try:
        with zipfile.ZipFile(stream) as archive:
            infos = archive.infolist()
            if len(infos) > _MAX_MEMBERS:
                return False
            names = {info.filename for info in infos}
            if suffix == ".docx":
                return "[Content_Types].xml" in names and "word/document.xml" in names
            if suffix == ".xlsx":
                return "[Content_Types].xml" in names and "xl/workbook.xml" in names
            # .odt: a "mimetype" member, stored first, names the document's type.
            mimetype = archive.getinfo("mimetype") if "mimetype" in names else None
            if mimetype is None or mimetype.file_size > 100:
                return False
            return archive.read(mimetype).strip() == _ODT
    except (zipfile.BadZipFile, zipfile.LargeZipFile, KeyError, OSError, ValueError):
        return False


def _content_matches(stream: BinaryIO, suffix: str) -> bool:
    head = stream.read(16)
    if suffix == ".pdf":
        return head.startswith(b"%PDF-")
    if suffix in {".jpg", ".jpeg"}:
        return head.startswith(b"\xff\xd8\xff")
    if suffix == ".png":
        return head.startswith(b"\x89PNG\r\n\x1a\n")
    if suffix in {".doc", ".xls"}:
        return head.startswith(_OLE2)
    if suffix in {".docx", ".xlsx", ".odt"}:
        if not head.startswith(_ZIP):
            return False
        stream.seek(0)
        return _zip_holds(stream, suffix)
    return False


def attachment_kind(name: str, stream: BinaryIO) -> str | None:
    """The kind of document (PDF, WORD, EXCEL, IMAGE) the file is, or None when its name is
    not of an accepted kind or its content is not what the name says. The stream is read from
    its start and left at its start."""
    suffix = suffix_of(name)
    kind = KINDS.get(suffix)
    if kind is None:
        return None
    stream.seek(0)
    try:
        matches = _content_matches(stream, suffix)
    finally:
        stream.seek(0)
    return kind if matches else None

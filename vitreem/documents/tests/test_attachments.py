"""The content check of attachments: a file is what its name says, or it is refused."""

import io
import zipfile

from hypothesis import given
from hypothesis import strategies as st

from vitreem.documents.attachments import EXCEL, IMAGE, PDF, WORD, attachment_kind, suffix_of

NAMES = st.sampled_from(
    [
        "a.pdf",
        "a.PDF",
        "a.doc",
        "a.docx",
        "a.odt",
        "a.xls",
        "a.xlsx",
        "a.jpg",
        "a.png",
        "a.exe",
        "a",
    ]
)


def zipped(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return out.getvalue()


@given(name=NAMES, data=st.binary(max_size=2048))
def test_any_bytes_give_a_kind_or_none_and_leave_the_stream_at_its_start(name, data):
    stream = io.BytesIO(data)
    assert attachment_kind(name, stream) in {None, PDF, WORD, EXCEL, IMAGE}
    assert stream.tell() == 0


def test_each_kind_is_recognised_by_its_content():
    ooxml = {"[Content_Types].xml": b"<Types/>"}
    cases = {
        ("bao-cao.pdf", b"%PDF-1.7\n"): PDF,
        ("anh.jpg", b"\xff\xd8\xff\xe0" + b"0" * 12): IMAGE,
        ("anh.png", b"\x89PNG\r\n\x1a\n" + b"0" * 8): IMAGE,
        ("cu.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"0" * 8): WORD,
        ("cu.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"0" * 8): EXCEL,
        ("moi.docx", zipped({**ooxml, "word/document.xml": b"<w/>"})): WORD,
        ("moi.xlsx", zipped({**ooxml, "xl/workbook.xml": b"<x/>"})): EXCEL,
        ("moi.odt", zipped({"mimetype": b"application/vnd.oasis.opendocument.text"})): WORD,
    }
    for (name, data), kind in cases.items():
        assert attachment_kind(name, io.BytesIO(data)) == kind, name


def test_a_file_that_is_not_what_its_name_says_is_refused():
    word = zipped({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w/>"})
    for name, data in [
        ("bao-cao.pdf", b"MZ\x90\x00"),  # a program
        ("anh.png", b"%PDF-1.7\n"),
        ("moi.xlsx", word),  # a Word document named as a workbook
        ("moi.docx", b"PK\x03\x04broken"),
        ("moi.odt", zipped({"mimetype": b"application/zip"})),
        ("tep.exe", b"%PDF-1.7\n"),  # a name of no accepted kind
    ]:
        assert attachment_kind(name, io.BytesIO(data)) is None, name


def test_the_suffix_is_the_names_last_ending():
    assert suffix_of("tasks/1/Bao.Cao.PDF") == ".pdf"
    assert suffix_of("khong-duoi") == ""
    assert suffix_of(".pdf") == ""

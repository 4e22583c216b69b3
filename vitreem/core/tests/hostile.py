"""Hostile values for every input path: hypothesis strategies the API and page suites draw from.

Each family is a class of bug seen in systems like this one: integers past 64 bits and the
domain's bounds, floats and bools where integers are due, NaN, dates of the years 1 and 9999,
text with NUL, lone surrogates, bidirectional overrides, formula prefixes, non-NFC Vietnamese,
markup, or simply 100,000 characters. Files are in ``hostile_files`` (built on the workbooks of
vitreem/documents/tests/hostile.py).
"""

import io
import json
import zipfile

from hypothesis import strategies as st

from vitreem.documents.tests import hostile as workbooks

INTEGERS = [0, -1, 1, 2**31, 2**63 - 1, 2**63, -(2**63) - 1, 2**64, 10**13 + 1, 10**7 + 1, 10**100]
FLOATS = [0.5, -0.0, 1e308, float("nan"), float("inf"), float("-inf")]
NUMERIC_TEXTS = ["1e309", "0x10", "1_000", " 7 ", "٣", "1.5", "-0", "9" * 400, "NaN", "Infinity"]
DATES = ["0001-01-01", "9999-12-31", "01/01/0001", "31/12/9999", "2026-02-30", "1989-12-31", ""]
FORMULAS = ["=1+1", '=HYPERLINK("http://x","y")', "+84912", "-1", "@SUM(A1)", "\t=1", "\r=1"]
TEXTS = [
    "\x00",
    "Lê\x00Văn",
    "\ud800",
    "a\udfffb",
    "\u202eنص\u202c",
    "Nguye\u0302\u0303n Thi\u0323",  # Nguyễn Thị, decomposed: not NFC
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "{x}%(y)s{{z}}",
    "\x1b[31m\x7f",
    " ",
    "x" * 100_000,
    *FORMULAS,
]

integers = st.sampled_from(INTEGERS) | st.integers()
numbers = st.sampled_from(FLOATS) | st.floats()
texts = st.sampled_from(TEXTS) | st.text(max_size=40)
hostile = st.one_of(
    integers,
    numbers,
    st.booleans(),
    st.none(),
    st.sampled_from(NUMERIC_TEXTS),
    st.sampled_from(DATES),
    texts,
    st.just([]),
    st.just({"a": 1}),
)
# What a form field can carry: text only (a browser sends strings).
form_texts = st.one_of(
    st.sampled_from([str(i) for i in INTEGERS] + ["nan", "inf", "1e309", "True"]),
    st.sampled_from(NUMERIC_TEXTS),
    st.sampled_from(DATES),
    texts,
)


def json_body(value: object) -> str:
    """JSON as a careless client writes it: NaN and Infinity as bare words, surrogates kept."""
    return json.dumps(value, allow_nan=True, ensure_ascii=True)


def _zip(parts: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def hostile_files() -> dict[str, bytes]:
    """File name → content: each one a file no upload path may read as data."""
    sheet = workbooks.minimal('<row r="1"><c r="A1" t="inlineStr"><is><t>x</t></is></c></row>')
    return {
        "bomb.xlsx": _zip({"xl/worksheets/sheet1.xml": b"<a>" + b" " * 60_000_000 + b"</a>"}),
        "wrong-type.xlsx": b"%PDF-1.4\n1 0 obj<<>>endobj\n",
        "damaged.xlsx": sheet[: len(sheet) // 2],
        "dtd.xlsx": workbooks.with_doctype(sheet),
        "far-cell.xlsx": workbooks.far_cell(sheet),
        "dimension.xlsx": workbooks.with_dimension(sheet, "A1:XFD1048576"),
        "macros.xlsm": _zip({"[Content_Types].xml": b"<Types/>", "xl/vbaProject.bin": b"\xd0\xcf"}),
        "empty.xlsx": b"",
        "nested.zip": _zip({"inner.zip": _zip({"a.xlsx": sheet}), "../escape.xlsx": sheet}),
        "\x00name.xlsx": sheet,
    }

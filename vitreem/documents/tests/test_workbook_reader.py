"""The one reader of uploaded workbooks refuses hostile files before reading a cell."""

from datetime import date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vitreem.documents import workbooks
from vitreem.documents.workbooks import WorkbookRefusedError, open_workbook

from .hostile import DOCTYPE, FAR_ROW, far_cell, minimal, with_dimension, with_doctype

A1 = '<row r="1"><c r="A1" t="inlineStr"><is><t>Họ và tên</t></is></c></row>'


def refused(data: bytes) -> str:
    with pytest.raises(WorkbookRefusedError) as error:
        open_workbook(data)
    return str(error.value)


def test_a_small_file_with_a_cell_at_a1_and_at_xfd1048576_is_refused_before_any_read():
    data = minimal(A1 + FAR_ROW)
    assert len(data) < 7_000
    message = refused(data)
    assert "quá lớn" in message
    assert "XFD1048576" in message


def test_the_cells_are_checked_when_the_dimension_lies_or_is_absent():
    far = '<row r="500000"><c r="B500000"><v>1</v></c></row>'
    assert "B500000" in refused(minimal(A1 + far, dimension="A1"))
    assert "B500000" in refused(minimal(A1 + far))
    # Rows and cells without their references are counted in order.
    many = "<row>" + "<c><v>1</v></c>" * (workbooks.MAX_SHEET_COLUMNS + 1) + "</row>"
    assert "quá lớn" in refused(minimal(many))


def test_a_dimension_claiming_the_whole_sheet_is_refused():
    assert "XFD1048576" in refused(minimal(A1, dimension="A1:XFD1048576"))
    assert "quá lớn" in refused(with_dimension(minimal(A1), "A1:C200000"))
    assert open_workbook(minimal(A1, dimension="A1:O100")).sheetnames == ["Trang"]


def test_too_many_cells_or_strings_are_refused(monkeypatch):
    row = '<row r="1">' + "".join(f'<c r="{c}1"><v>1</v></c>' for c in "ABCDE") + "</row>"
    monkeypatch.setattr(workbooks, "MAX_CELLS", 4)
    assert "quá nhiều ô" in refused(minimal(row))
    monkeypatch.setattr(workbooks, "MAX_STRINGS", 2)
    assert "chuỗi" in refused(minimal(A1, strings="<si><t>a</t></si>" * 3))
    monkeypatch.setattr(workbooks, "MAX_STRINGS_BYTES", 100)
    assert "chuỗi" in refused(minimal(A1, strings="<si><t>abcdefghij</t></si>" * 20))


@pytest.mark.parametrize(
    "part", ["xl/worksheets/sheet1.xml", "xl/workbook.xml", "_rels/.rels", "[Content_Types].xml"]
)
def test_a_dtd_in_any_part_is_refused(part):
    assert "DOCTYPE" in refused(with_doctype(minimal(A1), part))


def test_a_dtd_hidden_in_utf16_is_refused():
    text = f'<?xml version="1.0" encoding="UTF-16"?>{DOCTYPE}<sst xmlns="{workbooks.__name__}"/>'
    data = minimal(A1)
    from .hostile import repack

    def change(name: str, content: bytes) -> bytes:
        return text.encode("utf-16") if name == "xl/worksheets/sheet1.xml" else content

    assert "DOCTYPE" in refused(repack(data, change))


def test_a_far_cell_added_to_a_real_workbook_is_refused():
    import io

    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["a", 1])
    buffer = io.BytesIO()
    book.save(buffer)
    assert "XFD1048576" in refused(far_cell(buffer.getvalue()))


def test_numbers_in_a_date_format_are_read_as_dates():
    styles = (
        '<numFmts count="1"><numFmt numFmtId="164" formatCode="dd/mm/yyyy;@"/></numFmts>'
        '<cellXfs count="4"><xf numFmtId="0"/><xf numFmtId="14"/><xf numFmtId="164"/>'
        '<xf numFmtId="3"/></cellXfs>'
    )
    cells = (
        '<row r="1"><c r="A1" s="1"><v>46023</v></c><c r="B1" s="2"><v>46023.5</v></c>'
        '<c r="C1" s="3"><v>46023</v></c><c r="D1"><v>46023</v></c></row>'
    )
    row = open_workbook(minimal(cells, styles=styles)).rows("Trang", max_row=1, max_col=4)[1]
    assert row[1].value == date(2026, 1, 1)
    assert row[2].value == datetime(2026, 1, 1, 12)
    assert row[3].value == 46023
    assert row[4].value == 46023


@given(st.text(alphabet='dmyhs0#,.@ "[]\\_*;GeneralRED', max_size=20))
def test_the_date_format_test_never_fails_on_any_format_code(code):
    assert workbooks._is_date_format(code) in (True, False)


def test_a_formula_keeps_its_text_and_its_saved_result():
    cells = '<row r="1"><c r="A1"><f>ROW()</f><v>1</v></c></row>'
    cell = open_workbook(minimal(cells)).rows("Trang", max_row=1, max_col=1)[1][1]
    assert (cell.value, cell.formula, cell.cached) == ("=ROW()", True, 1)


@pytest.mark.parametrize(
    "cell",
    [
        """<c foo=' r="A1"' r="XFD1048576"><v>1</v></c>""",  # a reference faked in a value
        '<c r="&#88;FD1048576"><v>1</v></c>',  # a character reference
        "<c r = 'XFD1048576' ><v>1</v></c>",  # spaces and single quotes
        '<c r="A1"><v>1</v></c>' + "<c><v>1</v></c>" * 1000,  # cells counted on from A1
    ],
)
def test_a_far_cell_is_found_however_its_reference_is_written(cell):
    assert "quá lớn" in refused(minimal(f'<row r="1">{cell}</row>'))


def test_a_far_cell_is_found_under_a_namespace_prefix_or_in_utf16():
    prefixed = minimal(A1)  # its sheet rewritten below
    sheet = (
        f'<x:worksheet xmlns:x="{workbooks.__name__}"><x:sheetData><x:row r="9">'
        '<x:c r="XFD9"><x:v>1</x:v></x:c></x:row></x:sheetData></x:worksheet>'
    )
    from .hostile import repack

    for content in (
        sheet.encode(),
        ('<?xml version="1.0" encoding="UTF-16"?>' + sheet).encode("utf-16"),
    ):

        def change(name: str, data: bytes, content: bytes = content) -> bytes:
            return content if name == "xl/worksheets/sheet1.xml" else data

        assert "XFD9" in refused(repack(prefixed, change))


@given(
    st.lists(
        st.tuples(
            st.integers(1, 2 * workbooks.MAX_SHEET_ROWS),
            st.integers(1, 2 * workbooks.MAX_SHEET_COLUMNS),
            st.booleans(),
        ),
        min_size=1,
        max_size=8,
    )
)
def test_the_fast_scan_refuses_exactly_what_the_element_by_element_scan_refuses(cells):
    from openpyxl.utils import get_column_letter

    def cell(row: int, column: int, ref: bool) -> str:
        attribute = f' r="{get_column_letter(column)}{row}"' if ref else ""
        return f'<row r="{row}"><c{attribute}><v>1</v></c></row>'

    rows = "".join(cell(*item) for item in sorted(cells))
    data = f'<worksheet xmlns="{workbooks.__name__}"><sheetData>{rows}</sheetData></worksheet>'

    def outcome(scan) -> str:
        try:
            scan()
        except WorkbookRefusedError as error:
            return str(error)
        return ""

    fast = outcome(lambda: workbooks._scan_sheet("Trang", data.encode(), [workbooks.MAX_CELLS]))
    exact = outcome(
        lambda: workbooks._check_xml(
            data.encode(), workbooks._SheetScan("Trang", [workbooks.MAX_CELLS])
        )
    )
    assert bool(fast) == bool(exact)


_STRINGS = "<si><t>a &amp; b</t></si><si><r><t>rich </t></r><r><t>text</t></r></si><si><t/></si>"
_STYLES = '<cellXfs count="3"><xf numFmtId="0"/><xf numFmtId="14"/><xf numFmtId="3"/></cellXfs>'
_CELLS = st.sampled_from(
    [
        '<c r="{ref}" t="s"><v>{s}</v></c>',
        '<c r="{ref}" s="1" t="s"><v>{s}</v></c>',
        '<c r="{ref}" s="1"><v>46023</v></c>',
        '<c r="{ref}" s="2" t="n"><v>1.5</v></c>',
        '<c r="{ref}"><v>1E3</v></c>',
        '<c r="{ref}" t="inlineStr"><is><t>L&#234; &amp; B&#x1EA3;o</t></is></c>',
        '<c r="{ref}" t="inlineStr"><is><t xml:space="preserve"> x </t></is></c>',
        '<c r="{ref}" t="inlineStr"><is><t/></is></c>',
        '<c r="{ref}" t="inlineStr"><is><r><t>rich</t></r></is></c>',
        '<c r="{ref}" t="inlineStr"></c>',
        '<c r="{ref}" s="1"/>',
        '<c r="{ref}"><v/></c>',
        '<c r="{ref}"><v></v></c>',
        '<c r="{ref}"><f>ROW()-4</f><v>1</v></c>',
        '<c r="{ref}"><f t="shared" si="0"/><v>2</v></c>',
        '<c r="{ref}" t="str"><f>"a"&amp;"b"</f><v>ab</v></c>',
        '<c r="{ref}" t="b"><v>1</v></c>',
        '<c r="{ref}" t="e"><v>#DIV/0!</v></c>',
        '<c r="{ref}" t="d"><v>2026-01-01T10:00:00</v></c>',
        '<c r="{ref}" t="d"><v>not a date</v></c>',
        "<c><v>7</v></c>",
        '<c t="s"><v>1</v></c>',
        '<c r="{ref}" cm="1"><v>3</v></c>',
        '<c t="n" r="{ref}"><v>4</v></c>',
        '<c r="{ref}" ><v> 5 </v></c>',
        "<c r='{ref}'><v>6</v></c>",
        '<c r="{ref}"><v>&#56;</v></c>',
        '<c r="{ref}"><extLst/></c>',
        '<!-- a comment --><c r="{ref}"><v>9</v></c>',
        '<c r="{ref}"><v><![CDATA[10]]></v></c>',
        '<c r="{ref}" t="s"><v>9</v></c>',  # no such string: damaged
    ]
)


@given(
    st.lists(
        st.tuples(
            st.sampled_from(['<row r="{n}">', "<row>", '<row r="{n}" spans="1:3">', "<row >"]),
            st.lists(st.tuples(_CELLS, st.integers(1, 4)), max_size=5),
            st.sampled_from(["", "\n  ", " "]),
        ),
        max_size=5,
    ),
    st.integers(1, 6),
    st.integers(1, 4),
)
def test_the_fast_engine_reads_what_the_element_by_element_engine_reads(rows, max_row, max_col):
    from openpyxl.utils import get_column_letter

    body = ""
    for number, (opening, cells, space) in enumerate(rows, start=1):
        body += opening.format(n=number) + space
        for template, column in cells:
            ref = f"{get_column_letter(column)}{number}"
            body += template.format(ref=ref, s=column % 3) + space
        body += "</row>"
    book = open_workbook(minimal(body, strings=_STRINGS, styles=_STYLES))
    part = book._sheets["Trang"]

    def outcome(read):
        try:
            return read()
        except (ValueError, IndexError) as error:
            return type(error)

    fast = outcome(lambda: book._read_simple(book._parts[part], max_row, max_col))
    exact = outcome(lambda: book._read_elements(part, max_row, max_col))
    assert fast is None or fast == exact


def test_the_fast_engine_reads_the_files_of_excel_and_of_openpyxl():
    import io

    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["Lê Bảo & <Mai>", 12, 1.5, date(2026, 1, 1), "=ROW()", True, None, " a "])
    buffer = io.BytesIO()
    book.save(buffer)
    uploaded = open_workbook(buffer.getvalue())
    part = uploaded._sheets[uploaded.sheetnames[0]]
    fast = uploaded._read_simple(uploaded._parts[part], 10, 10)
    assert fast is not None
    assert fast == uploaded._read_elements(part, 10, 10)
    assert [c.value for c in fast[1].values()][:3] == ["Lê Bảo & <Mai>", 12, 1.5]
    assert list(fast[1]) == list(uploaded._read_elements(part, 10, 10)[1])


@pytest.mark.parametrize(
    "items",
    [
        "<si><t>a</t></si><si><t/></si><si><t>L&#234; &amp; &lt;B&gt;</t></si>",
        '\n  <si><t xml:space="preserve"> x </t></si>\n  <si ><t></t></si >',
        "<si><r><t>rich </t></r><r><t>text</t></r></si><si><t>a</t></si>",
        "<si><t>a</t><rPh><t>phonetic</t></rPh></si>",
        "<!-- note --><si><t>a</t></si>",
        f'<x:si xmlns:x="{workbooks.__name__}"><x:t>b</x:t></x:si><si><t>a</t></si>',
    ],
)
def test_the_shared_strings_read_fast_are_those_of_the_element_tree(items):
    from xml.etree import ElementTree

    data = f'<?xml version="1.0" encoding="UTF-8"?>\n<sst xmlns="{workbooks.__name__}">'
    data = (data + items + "</sst>").encode()
    root = ElementTree.fromstring(data)
    ns = workbooks._namespace(root)
    exact = [workbooks._text(item, ns) for item in root.iterfind(f"{ns}si")]
    fast = workbooks._simple_strings(data)
    assert fast is None or fast == exact
    assert (fast is None) == (
        "<r>" in items or "<rPh>" in items or "<!--" in items or "x:" in items
    )

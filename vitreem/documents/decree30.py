"""Word documents in the layout of Decree 30/2020/NĐ-CP, Appendix I (administrative documents).

Framework-free: the builder takes a plan as the plain data of vitreem/plans/data/SCHEMA.md and
returns the .docx bytes. Layout facts (DOMAIN.md §7):
- A4; margins top/bottom 20 mm, left 30 mm, right 15 mm; Times New Roman;
- top right: national title 12 pt bold capitals, motto 14 pt bold with a rule under it;
- top left: the issuing body in bold capitals with a short rule, the number under it, and the
  place and date in italics on the same line;
- the type in bold capitals centred, the summary under it;
- body 14 pt justified, 1.27 cm first-line indent;
- "Nơi nhận:" bold italic 12 pt, its items 11 pt; the signature block in bold capitals;
- no page number on page 1.
"""

import io
from collections.abc import Sequence
from typing import Any

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt
from docx.table import _Cell
from docx.text.paragraph import Paragraph

from vitreem.plans.dates import parse_partial

FONT = "Times New Roman"
BODY_PT = 14
ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII", "XIII", "XIV"]
NATIONAL_TITLE = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"
DOCUMENT_TYPE = {"plan": "KẾ HOẠCH", "report": "BÁO CÁO"}

Data = dict[str, Any]
Run = tuple[str, bool, bool]  # text, bold, italic


def place_and_date(place: str, day: Any, year: int) -> str:
    """Place and date as Decree 30 writes them: "Bắc Kạn, ngày 05 tháng 02 năm 2021".

    Days below 10 and the months 1 and 2 take a leading zero. ``day`` is a date, a partial date
    (vitreem/plans/dates.py) or None: what is not known is left blank to be filled in by hand,
    "ngày      tháng 5 năm 2026".
    """
    known = parse_partial(day)
    if known is None:
        return f"{place}, ngày      tháng      năm {year}"
    month = f"{known.month:02d}" if known.month and known.month < 3 else str(known.month or "")
    blank = "    "  # with the spaces around it, as wide as the blanks of an undated plan
    day_text = f"{known.day:02d}" if known.day else blank
    return f"{place}, ngày {day_text} tháng {month or blank} năm {known.year}"


NBSP = "\u00a0"
# The body an issuer's name starts with; the unit's own name follows on a line of its own.
ISSUER_BODIES = ("ỦY BAN NHÂN DÂN", "UỶ BAN NHÂN DÂN", "HỘI ĐỒNG NHÂN DÂN")


def header_lines(text: str) -> list[str]:
    """The issuer's lines as printed, each kept whole (its spaces non-breaking), so that the
    header never breaks inside a unit's name: the lines the text breaks explicitly ("\\n"),
    or else the body ("ỦY BAN NHÂN DÂN") and the unit's name ("THÀNH PHỐ HẢI PHÒNG")."""
    lines = [line.strip() for line in text.upper().split("\n") if line.strip()]
    if len(lines) == 1:
        for body in ISSUER_BODIES:
            rest = lines[0][len(body) :].strip()
            if lines[0].startswith(body + " ") and rest:
                lines = [body, rest]
                break
    return [" ".join(line.split()).replace(" ", NBSP) for line in lines]


def title_lines(text: str) -> list[str]:
    """The title's lines: where its text breaks explicitly, else one line Word wraps."""
    return [line.strip() for line in text.split("\n") if line.strip()] or [""]


def number_line(number: int | None, symbol: str) -> str:
    return f"Số: {number}/{symbol}" if number else f"Số:        /{symbol}"


def _fonts(paragraph: Paragraph, size: float, *, bold: bool = False, italic: bool = False) -> None:
    for run in paragraph.runs:
        run.font.name = FONT
        run.font.size = Pt(size)
        run.font.bold = bold or run.font.bold
        run.font.italic = italic or run.font.italic


def _short_rule(paragraph: Paragraph, width_cm: float, cell_cm: float) -> None:
    """A rule under a centred line: a bottom border on an indented empty paragraph."""
    indent = max((cell_cm - width_cm) / 2, 0)
    paragraph.paragraph_format.left_indent = Cm(indent)
    paragraph.paragraph_format.right_indent = Cm(indent)
    p_pr = paragraph._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in {"w:val": "single", "w:sz": "6", "w:space": "1", "w:color": "000000"}.items():
        bottom.set(qn(key), value)
    borders.append(bottom)
    p_pr.append(borders)
    paragraph.paragraph_format.space_after = Pt(0)
    _line_height(paragraph, 2)


def _line_height(paragraph: Paragraph, points: float) -> None:
    paragraph.paragraph_format.line_spacing = Pt(points)


def _centred(container: Any, text: str, size: float, **style: bool) -> Paragraph:
    paragraph = container.add_paragraph(text)
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.paragraph_format.space_after = Pt(0)
    paragraph.paragraph_format.first_line_indent = Cm(0)
    _fonts(paragraph, size, **style)
    return paragraph


def _first_paragraph(cell: _Cell, text: str, size: float, **style: bool) -> Paragraph:
    paragraph = cell.paragraphs[0]
    paragraph.add_run(text)
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.paragraph_format.space_after = Pt(0)
    paragraph.paragraph_format.first_line_indent = Cm(0)
    _fonts(paragraph, size, **style)
    return paragraph


def _broken(
    paragraph: Paragraph, lines: list[str], size: float, *, bold: bool = False, italic: bool = False
) -> Paragraph:
    """The lines in the paragraph, a line break between them."""
    for index, line in enumerate(lines):
        run = paragraph.add_run()
        if index:
            run.add_break()
        run.add_text(line)
        run.font.name, run.font.size = FONT, Pt(size)
        run.font.bold, run.font.italic = bold or None, italic or None
    return paragraph


def _page_number_field(paragraph: Paragraph) -> None:
    run = paragraph.add_run()
    for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):
        if kind:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        else:
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = text
        run._r.append(element)
    run.font.name = FONT
    run.font.size = Pt(13)


class Decree30Document:
    """A document being written: body paragraphs with the house styles of Decree 30."""

    def __init__(self) -> None:
        self.doc = Document()
        section = self.doc.sections[0]
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.top_margin = section.bottom_margin = Mm(20)
        section.left_margin, section.right_margin = Mm(30), Mm(15)
        section.different_first_page_header_footer = True  # no page number on page 1
        header = section.header.paragraphs[0]
        header.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _page_number_field(header)
        normal = self.doc.styles["Normal"]
        normal.font.name = FONT
        normal.font.size = Pt(BODY_PT)
        normal.element.rPr.rFonts.set(qn("w:eastAsia"), FONT)
        fmt = normal.paragraph_format
        fmt.space_before, fmt.space_after = Pt(0), Pt(6)
        fmt.line_spacing = 1.1
        self.width_cm = 21 - 3 - 1.5

    # -- header block ----------------------------------------------------------------------
    def header(
        self,
        *,
        above: str | None,
        issuer: str,
        number: str,
        place_date: str,
        doc_type: str,
        title: str,
        subtitle: str | None,
    ) -> None:
        left_cm, right_cm = 6.5, self.width_cm - 6.5
        table = self._fixed_table(2, [left_cm, right_cm])
        left, right = table.rows[0].cells
        if above:
            _broken(_first_paragraph(left, "", 12), header_lines(above), 12)
            _broken(_centred(left, "", 12), header_lines(issuer), 12, bold=True)
        else:
            _broken(_first_paragraph(left, "", 12), header_lines(issuer), 12, bold=True)
        _short_rule(left.add_paragraph(), 2.5, left_cm)
        _first_paragraph(right, NATIONAL_TITLE, 12, bold=True)
        _centred(right, MOTTO, 14, bold=True)
        _short_rule(right.add_paragraph(), 6.0, right_cm)
        number_cell, date_cell = table.rows[1].cells
        _first_paragraph(number_cell, number, 13).paragraph_format.space_before = Pt(6)
        _first_paragraph(date_cell, place_date, 14, italic=True).paragraph_format.space_before = Pt(
            6
        )
        spacer = self.doc.add_paragraph()
        spacer.paragraph_format.space_after = Pt(6)
        _centred(self.doc, doc_type, 14, bold=True).paragraph_format.space_before = Pt(12)
        _broken(_centred(self.doc, "", 14), title_lines(title), 14, bold=True)
        if subtitle:
            _centred(self.doc, subtitle, 14, italic=True)
        _short_rule(self.doc.add_paragraph(), 4.0, self.width_cm)
        self.doc.add_paragraph().paragraph_format.space_after = Pt(0)

    def _fixed_table(self, rows: int, widths_cm: list[float]) -> Any:
        """A borderless layout table whose column widths Word and LibreOffice both keep."""
        table = self.doc.add_table(rows=rows, cols=len(widths_cm))
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        table.autofit = False
        for column, width in zip(table.columns, widths_cm, strict=True):
            column.width = Cm(width)
        for row in table.rows:
            for cell, width in zip(row.cells, widths_cm, strict=True):
                cell.width = Cm(width)
        return table

    # -- body --------------------------------------------------------------------------------
    def paragraph(
        self, text: str, *, bold: bool = False, italic: bool = False, indent: bool = True
    ) -> Paragraph:
        paragraph = self.doc.add_paragraph(text)
        paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        paragraph.paragraph_format.first_line_indent = Cm(1.27) if indent else Cm(0)
        _fonts(paragraph, BODY_PT, bold=bold, italic=italic)
        return paragraph

    def heading(self, label: str, text: str, level: int, inline: str | None = None) -> None:
        paragraph = self.doc.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        paragraph.paragraph_format.first_line_indent = Cm(1.27)
        paragraph.paragraph_format.keep_with_next = inline is None
        head = paragraph.add_run(f"{label} {text}" + (":" if inline else ""))
        head.bold = True
        head.italic = level >= 3
        if inline:
            paragraph.add_run(" " + inline)
        _fonts(paragraph, BODY_PT)

    def line(self, runs: Sequence[Run], *, heading: int = 0) -> None:
        """A body line as runs of text; a heading (its level) keeps with the next line when it is
        all heading, without text after it."""
        paragraph = self.doc.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        paragraph.paragraph_format.first_line_indent = Cm(1.27)
        if heading:
            paragraph.paragraph_format.keep_with_next = all(bold for _t, bold, _i in runs)
        for text, bold, italic in runs:
            run = paragraph.add_run(text)
            run.bold = bold or None
            run.italic = italic or None
        _fonts(paragraph, BODY_PT)

    def table(
        self, caption: str | None, unit_line: str | None, header_rows: list, rows: list
    ) -> None:
        if caption:
            _centred(self.doc, caption, 13, bold=True)
        if unit_line:
            line = self.doc.add_paragraph(unit_line)
            line.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            _fonts(line, 12, italic=True)
        columns = max(
            [sum(_span(c, "colspan") for c in r) for r in header_rows]
            + [len(r) for r in rows]
            + [1]
        )
        table = self.doc.add_table(rows=0, cols=columns)
        table.style = "Table Grid"
        _fill_header(table, header_rows, columns)
        for values in rows:
            cells = table.add_row().cells
            for index, value in enumerate(values[:columns]):
                cells[index].text = "" if value is None else str(value)
                for paragraph in cells[index].paragraphs:
                    paragraph.paragraph_format.first_line_indent = Cm(0)
                    _fonts(paragraph, 12)
        self.doc.add_paragraph()

    # -- closing -----------------------------------------------------------------------------
    def recipients_and_signature(self, recipients: Sequence[Any], signer: Data) -> None:
        table = self._fixed_table(1, [7.5, self.width_cm - 7.5])
        left, right = table.rows[0].cells
        first = left.paragraphs[0]
        first.add_run("Nơi nhận:")
        first.paragraph_format.first_line_indent = Cm(0)
        first.paragraph_format.space_after = Pt(0)
        _fonts(first, 12, bold=True, italic=True)
        for text, italic in recipient_lines(recipients):
            line = left.add_paragraph(text)
            line.paragraph_format.first_line_indent = Cm(0)
            line.paragraph_format.space_after = Pt(0)
            _fonts(line, 11, italic=italic)
        keys = ("authority", "deputy", "title")
        lines: list[str] = [str(signer[key]) for key in keys if signer.get(key)]
        _first_paragraph(right, lines[0] if lines else "", 14, bold=True)
        for line in lines[1:]:
            _centred(right, line, 14, bold=True)
        for _ in range(4):
            _centred(right, "", 14)
        _centred(right, signer.get("name") or "", 14, bold=True)

    def page_break(self) -> None:
        self.doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)

    def centred(self, text: str, size: float = 14, **style: bool) -> None:
        _centred(self.doc, text, size, **style)

    def to_bytes(self) -> bytes:
        buffer = io.BytesIO()
        self.doc.save(buffer)
        return buffer.getvalue()


def recipient_lines(recipients: Sequence[Any]) -> list[tuple[str, bool]]:
    """The "Nơi nhận" lines (text, italic): "- " before each recipient; a group's sub-heading
    ("Gửi bản điện tử:") in italics on its own line, its recipients under it."""
    lines: list[tuple[str, bool]] = []
    for item in recipients:
        if isinstance(item, dict):
            lines.append((str(item.get("heading") or ""), True))
            lines.extend(("- " + str(sub), False) for sub in item.get("items") or [])
        else:
            lines.append(("- " + str(item), False))
    return lines


def _span(cell: Any, key: str) -> int:
    return max(int(cell.get(key) or 1), 1) if isinstance(cell, dict) else 1


def _fill_header(table: Any, header_rows: list, columns: int) -> None:
    """Header rows with merged cells; a cell spanning rows occupies the rows below it."""
    taken: set[tuple[int, int]] = set()
    for _ in header_rows:
        table.add_row()
    # The grid's cells, read once before any merge (python-docx walks the whole grid for each
    # lookup); a merge changes only the cells inside it, which are taken from then on.
    grid = [row.cells for row in table.rows]
    for r, header in enumerate(header_rows):
        c = 0
        for cell in header:
            while (r, c) in taken:
                c += 1
            if c >= columns:
                break
            text = cell.get("text", "") if isinstance(cell, dict) else str(cell)
            # A span reaches no further than the header's last row and column, nor into a cell
            # an earlier span took (merged regions never overlap).
            wanted = min(_span(cell, "colspan"), columns - c)
            colspan = 1
            while colspan < wanted and (r, c + colspan) not in taken:
                colspan += 1
            wanted = min(_span(cell, "rowspan"), len(header_rows) - r)
            rowspan = 1
            while rowspan < wanted and all(
                (r + rowspan, c + dc) not in taken for dc in range(colspan)
            ):
                rowspan += 1
            target = grid[r][c]
            end = grid[r + rowspan - 1][c + colspan - 1]
            if end._tc is not target._tc:
                target = target.merge(end)
            target.text = text
            for paragraph in target.paragraphs:
                paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
                paragraph.paragraph_format.first_line_indent = Cm(0)
                _fonts(paragraph, 12, bold=True)
            for dr in range(rowspan):
                for dc in range(colspan):
                    taken.add((r + dr, c + dc))
            c += colspan

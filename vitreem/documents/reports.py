"""A report (narrative outline and data tables) as a Decree-30 Word document."""

from dataclasses import dataclass, field
from datetime import date

from .decree30 import DOCUMENT_TYPE, Decree30Document, number_line, place_and_date
from .plans import label


@dataclass
class ReportSection:
    heading: str
    text: str = ""
    children: list["ReportSection"] = field(default_factory=list)


@dataclass
class ReportTable:
    title: str
    unit_line: str
    header_rows: list[list[object]]
    rows: list[list[object]]


@dataclass
class ReportDocument:
    issuer_above: str | None
    issuer: str
    place: str
    day: date | None
    year: int
    title: str
    sections: list[ReportSection]
    tables: list[ReportTable]
    recipients: list[str]
    signer_title: str
    symbol: str = "BC-UBND"


def render_report_docx(report: ReportDocument) -> bytes:
    out = Decree30Document()
    out.header(
        above=report.issuer_above,
        issuer=report.issuer,
        number=number_line(None, report.symbol),
        place_date=place_and_date(report.place, report.day, report.year),
        doc_type=DOCUMENT_TYPE["report"],
        title=report.title,
        subtitle=None,
    )

    def write(sections: list[ReportSection], level: int) -> None:
        for index, section in enumerate(sections):
            out.heading(label(level, index), section.heading, level)
            for paragraph in section.text.splitlines():
                if paragraph.strip():
                    out.paragraph(paragraph.strip())
            write(section.children, level + 1)

    write(report.sections, 1)
    for table in report.tables:
        out.table(table.title, table.unit_line, table.header_rows, table.rows)
    out.recipients_and_signature(report.recipients, {"title": report.signer_title, "name": ""})
    return out.to_bytes()

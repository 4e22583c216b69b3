"""A plan (the data of vitreem/plans/data/SCHEMA.md) as a Decree-30 Word document or its preview.

One walker reads the plan; the output (Word, or the HTML preview) decides how each part looks, so
the preview shows exactly what the document prints. The body is the plan's outline
(vitreem/plans/outline.py) with its facts in their places, walked once: headings with their
Decree-30 numbers, items with their markers, text as its bold and italic runs.
"""

from typing import Any, Protocol

from vitreem.plans.dates import short_date
from vitreem.plans.outline import Node, outline_from_body, parse_runs, printed, with_facts

from .decree30 import (
    DOCUMENT_TYPE,
    ROMAN,
    Data,
    Decree30Document,
    Run,
    number_line,
    place_and_date,
)
from .preview import Preview


class Output(Protocol):
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
    ) -> None: ...
    def paragraph(
        self, text: str, *, bold: bool = False, italic: bool = False, indent: bool = True
    ) -> Any: ...
    def heading(self, label: str, text: str, level: int, inline: str | None = None) -> None: ...
    def line(self, runs: list[Run], *, heading: int = 0) -> None: ...
    def table(
        self, caption: str | None, unit_line: str | None, header_rows: list, rows: list
    ) -> None: ...
    def recipients_and_signature(self, recipients: list[str], signer: Data) -> None: ...
    def page_break(self) -> None: ...
    def centred(self, text: str, size: float = 14, **style: bool) -> None: ...


LETTERS = "abcdefghiklmnopqrstuvxy"  # Vietnamese documents skip j, w and z in a), b), c) …


def label(level: int, index: int) -> str:
    if level == 1:
        return f"{ROMAN[index]}."
    if level == 2:
        return f"{index + 1}."
    return f"{LETTERS[index % len(LETTERS)]})"


class _PlanWriter:
    def __init__(self, plan: Data, out: Output) -> None:
        self.plan = plan
        self.out = out

    def write(self) -> None:
        plan, out = self.plan, self.out
        issuer = plan["issuer"]
        out.header(
            above=issuer.get("header_above"),
            issuer=issuer["header_name"],
            number=number_line(plan.get("number"), plan["symbol"]),
            place_date=place_and_date(plan["place"], plan.get("issued_on"), plan["year"]),
            doc_type=DOCUMENT_TYPE["plan"],
            title=plan["title"],
            subtitle=plan.get("subtitle"),
        )
        self.body(body_outline(plan))
        out.recipients_and_signature(plan.get("recipients", []), plan.get("signer", {}))
        for appendix in plan.get("appendices", []):
            out.page_break()
            out.centred("PHỤ LỤC", 14, bold=True)
            out.centred(appendix["title"], 14, bold=True)
            if appendix.get("reference"):
                out.centred(appendix["reference"], 14, italic=True)
            out.paragraph("", indent=False)
            self.blocks(appendix.get("blocks", []), level=2)

    def body(self, nodes: list[Node], depth: int = 0) -> None:
        """The printed outline: a heading at each depth, items with their markers."""
        for node in nodes:
            runs = parse_runs(node["text"])
            if node["kind"] == "heading":
                self.out.line(heading_runs(node["number"], runs, depth + 1), heading=depth + 1)
                self.body(node["children"], depth + 1)
                continue
            if node["kind"] == "item":
                runs = [(f"{node['number']} ", False, False), *runs]
            self.out.line(_merged(runs))
            self.body(node["children"], depth)

    def blocks(self, blocks: list[Data], level: int) -> None:
        counter = 0
        for block in blocks:
            kind = block["type"]
            if kind == "subsection":
                self.out.heading(
                    label(level, counter), block["heading"], level, block.get("inline")
                )
                counter += 1
                self.blocks(block.get("blocks", []), level + 1)
            elif kind == "assignments":
                for assignment in self.plan.get("assignments", []):
                    name = assignment.get("label") or assignment["assignee"]
                    self.out.heading(label(level, counter), name, level)
                    counter += 1
                    for task in assignment.get("tasks", []):
                        self.out.paragraph(f"- {task['text']}")
            else:
                getattr(self, f"block_{kind}")(block)

    def block_text(self, block: Data) -> None:
        """A paragraph; one marking **bold** or *italic* (as the editor lets an appendix's lines
        do) prints its runs, a star that opens nothing prints as written."""
        text = block["text"]
        if "*" in text or "\\" in text:
            try:
                self.out.line(_merged(parse_runs(text)))
                return
            except ValueError:
                pass
        self.out.paragraph(text)

    def block_bullets(self, block: Data) -> None:
        self.bullets(block.get("items", []))

    def block_targets(self, block: Data) -> None:
        self.bullets([target["text"] for target in self.plan.get("targets", [])])

    def block_slogans(self, block: Data) -> None:
        for number, slogan in enumerate(self.plan.get("slogans", []), start=1):
            self.out.paragraph(f"{number}. {slogan}")

    def block_theme(self, block: Data) -> None:
        """Theme, period and scope as numbered lines: "1. Chủ đề: …", "2. Thời gian: …"."""
        plan = self.plan
        lines = []
        if plan.get("theme"):
            lines.append(("Chủ đề", f"“{plan['theme']}”"))
        period = plan.get("period") or {}
        if period.get("start") and period.get("end"):
            lines.append(
                (
                    "Thời gian",
                    f"Từ ngày {short_date(period['start'])} đến ngày {short_date(period['end'])}",
                )
            )
        if plan.get("scope"):
            lines.append(("Phạm vi", plan["scope"]))
        for index, (name, text) in enumerate(lines):
            self.out.heading(label(2, index), name, 2, text)

    def block_budget(self, block: Data) -> None:
        self.bullets([line["text"] for line in self.plan.get("budget", [])])

    def block_awards(self, block: Data) -> None:
        self.bullets([award["text"] for award in self.plan.get("awards", [])])

    def block_reporting(self, block: Data) -> None:
        for requirement in self.plan.get("reporting", []):
            self.out.paragraph(requirement["text"])

    def block_table(self, block: Data) -> None:
        self.out.table(
            block.get("caption"),
            block.get("unit_line"),
            block.get("header_rows", []),
            block.get("rows", []),
        )

    def bullets(self, items: list[Any], mark: str = "-") -> None:
        for item in items:
            if isinstance(item, dict):
                self.out.paragraph(f"{mark} {item['text']}")
                self.bullets(item.get("items", []), "+")
            else:
                self.out.paragraph(f"{mark} {item}")

    def block_launch(self, block: Data) -> None:
        launch = self.plan.get("launch") or {}
        if launch.get("note"):
            self.out.paragraph(f"- {launch['note']}")
        if launch.get("date"):
            self.out.paragraph(f"- Thời gian: {short_date(launch['date'])}")
        if launch.get("place"):
            self.out.paragraph(f"- Địa điểm: {launch['place']}")
        for item in launch.get("agenda", []):
            self.out.paragraph(f"+ {item}")


def body_outline(plan: Data) -> list[Node]:
    """The body as printed: the plan's outline (or, for data without one, the outline of its
    opening, sections and closing) with its facts in their places and its numbers."""
    if "outline" in plan:
        outline = plan["outline"]
    else:
        outline = outline_from_body(
            plan.get("opening", []), plan.get("sections", []), plan.get("closing", [])
        )
    return printed(with_facts(outline, plan))


def heading_runs(number: str, runs: list[Run], level: int) -> list[Run]:
    """A heading's number and text: bold, and italic from the third level (Decree 30). When the
    text marks bold itself ("**Thời gian:** Từ ngày …"), only those runs are the heading."""
    marked = any(bold for _text, bold, _italic in runs)
    slanted = level >= 3
    out: list[Run] = [(f"{number} ", True, slanted)]
    for text, bold, italic in runs:
        bold = bold or not marked
        out.append((text, bold, italic or (slanted and bold)))
    return _merged(out)


def _merged(runs: list[Run]) -> list[Run]:
    """Neighbouring runs of the same style as one."""
    out: list[Run] = []
    for text, bold, italic in runs:
        if out and out[-1][1:] == (bold, italic):
            out[-1] = (out[-1][0] + text, bold, italic)
        elif text:
            out.append((text, bold, italic))
    return out


def render_plan_docx(plan: Data) -> bytes:
    out = Decree30Document()
    _PlanWriter(plan, out).write()
    return out.to_bytes()


def render_plan_preview(plan: Data) -> Preview:
    out = Preview()
    _PlanWriter(plan, out).write()
    return out

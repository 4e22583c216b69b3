"""An HTML preview of a Decree-30 document: the same parts as the Word file, as plain data
for a template (vitreem/plans/templates/plans/_preview.html)."""

from dataclasses import dataclass, field
from typing import Any

from .decree30 import header_lines, recipient_lines, title_lines


@dataclass
class Preview:
    head: dict[str, Any] = field(default_factory=dict)
    parts: list[dict[str, Any]] = field(default_factory=list)

    def header(self, **head: Any) -> None:
        """The header's parts; the issuer and the title as the lines they print on."""
        above = head.get("above")
        self.head = {
            **head,
            "above_lines": header_lines(above) if above else [],
            "issuer_lines": header_lines(head["issuer"]),
            "title_lines": title_lines(head["title"]),
        }

    def paragraph(
        self, text: str, *, bold: bool = False, italic: bool = False, indent: bool = True
    ) -> None:
        self.parts.append({"kind": "p", "text": text, "bold": bold, "italic": italic})

    def heading(self, label: str, text: str, level: int, inline: str | None = None) -> None:
        self.parts.append(
            {"kind": "h", "label": label, "text": text, "level": level, "inline": inline}
        )

    def line(self, runs: list[tuple[str, bool, bool]], *, heading: int = 0) -> None:
        self.parts.append(
            {
                "kind": "runs",
                "level": heading,
                "runs": [{"text": t, "bold": b, "italic": i} for t, b, i in runs],
            }
        )

    def table(
        self, caption: str | None, unit_line: str | None, header_rows: list, rows: list
    ) -> None:
        header = [[c if isinstance(c, dict) else {"text": c} for c in row] for row in header_rows]
        self.parts.append(
            {
                "kind": "table",
                "caption": caption,
                "unit_line": unit_line,
                "header": header,
                "rows": rows,
            }
        )

    def recipients_and_signature(self, recipients: list[Any], signer: dict[str, Any]) -> None:
        lines = [signer.get(k) for k in ("authority", "deputy", "title") if signer.get(k)]
        self.parts.append(
            {
                "kind": "sign",
                "recipients": [
                    {"text": text, "italic": italic} for text, italic in recipient_lines(recipients)
                ],
                "lines": lines,
                "name": signer.get("name"),
            }
        )

    def page_break(self) -> None:
        self.parts.append({"kind": "break"})

    def centred(self, text: str, size: float = 14, **style: bool) -> None:
        self.parts.append({"kind": "c", "text": text, **style})

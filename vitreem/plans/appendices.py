"""A plan's appendices as the editor shows and writes them.

An appendix is {title, reference, blocks} (data/SCHEMA.md): printed after the plan under "PHỤ LỤC",
its title and reference line centred, then its blocks. The editor shows the blocks as lines in
print order: each text block, each subsection's heading (and its inline text) and each bullet is a
line the officer may rewrite; a table is shown as it is, read only (tables come from the report
form). ``appendix_lines`` gives the lines, ``with_texts`` writes the rewritten texts back in the
same order, leaving every other part of the blocks as it was.
"""

import copy
import hashlib
import json
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

MAX_APPENDICES = 20
MAX_APPENDIX_TITLE = 300  # as the plan's own title (Plan.title)
MAX_APPENDIX_REFERENCE = 300
MAX_APPENDIX_LINES = 500  # editable lines of one appendix, those added included


@dataclass(frozen=True)
class AppendixLine:
    """One line of an appendix's body: ``kind`` is text, heading, inline, item or table."""

    kind: str
    text: str
    depth: int
    editable: bool
    block: dict[str, Any] | None = None  # the table, for a table line


def appendices_version(appendices: list[Any]) -> str:
    """A digest of the appendices: what the editor sends back to say what it saw."""
    text = json.dumps(appendices, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:20]


def appendix_lines(appendix: dict[str, Any]) -> list[AppendixLine]:
    """The appendix's body as lines, in print order."""
    lines: list[AppendixLine] = []

    def items(values: list[Any], depth: int) -> None:
        for item in values:
            if isinstance(item, dict):
                lines.append(AppendixLine("item", str(item.get("text") or ""), depth, True))
                items(item.get("items") or [], depth + 1)
            else:
                lines.append(AppendixLine("item", str(item), depth, True))

    def walk(blocks: list[Any], depth: int) -> None:
        for block in blocks:
            kind = block.get("type")
            if kind == "text":
                lines.append(AppendixLine("text", str(block.get("text") or ""), depth, True))
            elif kind == "subsection":
                lines.append(AppendixLine("heading", str(block.get("heading") or ""), depth, True))
                if block.get("inline") is not None:
                    lines.append(AppendixLine("inline", str(block["inline"]), depth, True))
                walk(block.get("blocks") or [], depth + 1)
            elif kind == "bullets":
                items(block.get("items") or [], depth)
            elif kind == "table":
                lines.append(AppendixLine("table", "", depth, False, block))
            # The plan's facts (targets, tasks …) print the plan's own rows: nothing to write.

    walk(appendix.get("blocks") or [], 0)
    return lines


class AppendixTextError(ValueError):
    """The texts given do not fit the appendix's lines (its blocks changed meanwhile)."""


def with_texts(blocks: list[Any], texts: list[str]) -> list[Any]:
    """The blocks with their editable lines rewritten by ``texts`` (in ``appendix_lines``'s
    order). An emptied text block or plain bullet is left out; an emptied subsection's inline
    text becomes none; an emptied heading, or bullet with sub-bullets, is refused."""
    given = iter(texts)

    def take() -> str:
        try:
            return next(given)
        except StopIteration:
            raise AppendixTextError(_("Số dòng gửi lên không khớp với phụ lục.")) from None

    def items(values: list[Any]) -> list[Any]:
        kept: list[Any] = []
        for item in values:
            if isinstance(item, dict):
                text = take()
                if not text:
                    raise AppendixTextError(
                        _("Ý có các ý con bên dưới không để trống được; hãy sửa lời của nó.")
                    )
                kept.append({**item, "text": text, "items": items(item.get("items") or [])})
            elif text := take():
                kept.append(text)
        return kept

    def walk(values: list[Any]) -> list[Any]:
        kept: list[Any] = []
        for block in values:
            kind = block.get("type")
            if kind == "text":
                if text := take():
                    kept.append({**block, "text": text})
            elif kind == "subsection":
                out = {**block, "heading": take()}
                if not out["heading"]:
                    raise AppendixTextError(
                        _("Đề mục của phụ lục không để trống được; muốn bỏ, hãy xóa cả phụ lục.")
                    )
                if block.get("inline") is not None:
                    out["inline"] = take() or None
                out["blocks"] = walk(block.get("blocks") or [])
                kept.append(out)
            elif kind == "bullets":
                kept.append({**block, "items": items(block.get("items") or [])})
            else:
                kept.append(copy.deepcopy(block))
        return kept

    result = walk(blocks)
    if next(given, None) is not None:
        raise AppendixTextError(_("Số dòng gửi lên không khớp với phụ lục."))
    return result

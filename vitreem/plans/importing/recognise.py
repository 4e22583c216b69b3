"""Recognition of a plan document's parts from its repaired lines, into the outline model.

A plan under Decree 30 has a fixed shape (DOMAIN.md): a header (the issuer and the body above
it, the number and symbol, place and date), the kind "KẾ HOẠCH" and the title, the bases
("Căn cứ …", "Thực hiện …"), the body numbered I., 1., 1.1., a) with "-" and "+" items, then
"Nơi nhận" and the signature block, and appendices. The recogniser reads that shape: it builds
the outline (``plans/outline.py``: headings, paragraphs and items, numbers dropped, markers
kept) and reads the facts out of it by the roles the headings play (the theme section, the
section of tasks, the reporting regime), never by a fixed position in one document.

Each field comes with ``sure``: False when it was guessed (a default, a fuzzy match, a pattern
that matched more than one way), so that the review page shows those first.
"""

import difflib
import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from vitreem.core.text import fold, nfc
from vitreem.plans.outline import LETTERS, Node

from .repair import repair_lines

# -- lines to logical lines --------------------------------------------------------------------

_ROMAN = re.compile(r"^(?P<n>[IVX]{1,5})\s*[.\s]\s*(?P<text>\S.*)$")
_SUB = re.compile(r"^(?P<n>\d{1,2}\.\d{1,2})\.?\s+(?P<text>\S.*)$")
# "2. Tổ chức …", and "2  Tổ chức …" where the font dropped the dot with its letters
_NUMBER = re.compile(r"^(?P<n>\d{1,2})(?:\.\s*|\s{2,}|\s(?=[A-ZĐÂƯƠ]))(?P<text>\S.*)$")
_LETTER = re.compile(r"^(?P<n>[a-hk-nđ])\)\s*(?P<text>\S.*)$")
_ITEM = re.compile(r"^(?P<marker>[-+–•])\s*(?P<text>\S.*)$")
_END = re.compile(r"[.;:!?…”\"»)]\s*$|\./\.$")
_SIGN_PREFIX = re.compile(r"^(TM|KT|Q|TL|TUQ)\.\s*\S")
_RECIPIENTS = re.compile(r"^\s*Nơi\s+nhận\s*:?\s*(?P<rest>.*)$", re.IGNORECASE)
_KIND = re.compile(r"^\s*K\s*Ế\s+H\s*O\s*Ạ\s*C\s*H\s*$")
_NUMBER_LINE = re.compile(r"Số\s*:?\s*(?P<number>\d*)\s*/\s*(?P<symbol>[A-ZĐ0-9][A-ZĐ0-9\-]*)")
_PLACE_DATE = re.compile(
    r"(?P<place>[A-ZĐÂƯƠ][^\d,:/]*?)\s*,\s*ngày\s*(?P<day>\d{0,2})\s*tháng\s*(?P<month>\d{0,2})"
    r"\s*năm\s*(?P<year>\d{4})"
)
_DAY = r"(\d{1,2})\s*(?:/|\s*tháng\s*)\s*(\d{1,2})\s*(?:/|\s*năm\s*)\s*(\d{4})"
_PERIOD = re.compile(r"[Tt]ừ\s+ngày\s+" + _DAY + r"\s*đến\s+(?:hết\s+)?ngày\s+" + _DAY)
_DEADLINE = re.compile(r"(?:trước|chậm nhất|trong|vào)\s+(?:ngày\s+)?" + _DAY)
_SHORT_DEADLINE = re.compile(r"(?:trước|chậm nhất|vào)\s+ngày\s+(\d{1,2})\s*/\s*(\d{1,2})(?![/\d])")
_QUOTED = re.compile(r"[“\"]([^”\"]{5,300})[”\"]")
# "Thực hiện Kế hoạch số 264/KH-UBND ngày 11/5/2021 của Ủy ban nhân dân tỉnh Bắc Kạn …": the
# document above that this plan carries out (a plan, or a ministry's guidance)
_PARENT = re.compile(
    r"^Thực hiện\s+(?P<ref>(?:Kế hoạch|Công văn|Quyết định|Chỉ thị|Hướng dẫn|Văn bản|Nghị quyết)"
    r"\s+số\s*:?\s*\d+\s*/\s*[A-ZĐ0-9\-]+\s*,?\s*ngày\s*\d{1,2}/\d{1,2}/\d{4}"
    r"\s*của\s*.+?)(?=\s+(?:về|triển khai|thực hiện|hướng dẫn|V/v)\b|[;,.]|$)"
)
_BASIS = re.compile(r"^(Căn cứ|Thực hiện|Triển khai|Theo)\b")
# where the title ends: a basis naming a document ("Thực hiện Kế hoạch số …")
_TITLE_END = re.compile(
    r"^(Căn cứ|(Thực hiện|Triển khai|Theo)\s+(Kế hoạch|Công văn|Quyết định|Chỉ thị|Nghị quyết|"
    r"Thông tư|Luật|Hướng dẫn|Văn bản|ý kiến)\b)"
)
_UPPER_WORDS = re.compile(
    r"[A-ZĐÂĂÊÔƠƯÁÀẢÃẠẤẦẨẪẬẮẰẲẴẶÉÈẺẼẸẾỀỂỄỆÍÌỈĨỊÓÒỎÕỌỐỒỔỖỘỚỜỞỠỢÚÙỦŨỤỨỪỬỮỰÝỲỶỸỴ]"
)


def _is_upper(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return bool(letters) and all(c.isupper() for c in letters)


def _starts_new(text: str) -> bool:
    if text.startswith("*"):
        return True
    first = text.lstrip("“\"(‘'")[:1]
    return first.isupper() or first.isdigit()


# the committee that issues the plan, opening its own paragraph after the bases
_ISSUER_SENTENCE = re.compile(r"^(Ủy ban|Uỷ ban|UBND|Sở|Phòng)\b")


@dataclass
class Line:
    kind: str  # "roman" | "number" | "sub" | "letter" | "item" | "text"
    text: str
    marker: str | None = None
    number: str = ""
    damaged: bool = False  # its numbering lost its dot: its commas are lost too


def _classify(raw: str) -> Line:
    text = raw.strip()
    for kind, pattern in (
        ("roman", _ROMAN),
        ("sub", _SUB),
        ("number", _NUMBER),
        ("letter", _LETTER),
    ):
        match = pattern.match(text)
        if match is None:
            continue
        body = match.group("text")
        if kind == "roman" and not _is_upper(body[:30]):
            continue
        if kind == "number" and int(match.group("n")) > 40:
            continue
        damaged = kind == "number" and "." not in text[: len(match.group("n")) + 1]
        return Line(kind, body, number=match.group("n"), damaged=damaged)
    match = _ITEM.match(text)
    if match is not None:
        marker = {"–": "-", "•": "-"}.get(match.group("marker"), match.group("marker"))
        return Line("item", match.group("text"), marker=marker)
    return Line("text", text)


@dataclass
class _Joined:
    """A logical line being built: its pieces, and what the joining rules ask of it, kept as
    pieces come so that a long paragraph costs no more than its length."""

    line: Line
    parts: list[str]
    upper: bool  # every piece in capitals
    inline: bool  # a colon with text after it

    def add(self, piece: str) -> None:
        self.parts.append(piece)
        self.upper = self.upper and _is_upper(piece)
        self.inline = self.inline or ":" in piece or self.parts[-2].rstrip().endswith(":")

    @property
    def tail(self) -> str:
        return self.parts[-1].rstrip()


def logical_lines(lines: list[str]) -> list[Line]:
    """Lines joined into paragraphs, headings and items: a wrapped line continues the one
    before unless it starts a numbering or a marker, or the one before ended a sentence and it
    starts with a capital."""
    out: list[_Joined] = []
    for raw in lines:
        if not raw.strip():
            continue
        line = _classify(raw)
        if line.kind == "text" and out:
            last = out[-1]
            tail = last.tail
            new = bool(_END.search(tail)) and _starts_new(line.text)
            heading = last.line.kind in ("number", "sub", "letter") and not last.inline
            if heading and _starts_new(line.text):
                # a heading wraps on a lower-case word, or after a comma or a dash
                new = not re.search(r"[,\-–]$|\b(và|của|cho|các)$", tail)
            if last.line.kind == "roman" and not _is_upper(line.text):
                new = True
            if last.line.kind == "item" and tail.endswith(";"):
                new = False  # an item runs on to its full stop
            if re.search(r"[,;]$", tail) and _ISSUER_SENTENCE.match(line.text):
                new = bool(_BASIS.match(last.parts[0]))
            case_turns = last.upper != _is_upper(line.text) and last.line.kind == "text"
            if not new and not case_turns:
                last.add(line.text)
                continue
        inline = ":" in line.text and bool(line.text.partition(":")[2].strip())
        out.append(_Joined(line, [line.text], _is_upper(line.text), inline))
    out = _headings_whole(out)
    result = []
    for joined in out:
        line = joined.line
        text = _joined_text(joined.parts)
        text = re.sub(r"(?<=\w)\s+([.,;:])(?=\s|$)", r"\1", text)
        if line.damaged:
            text = re.sub(r"(?<=\w)\s{2,}(?=\w)", ", ", text)
        line.text = nfc(text)
        result.append(line)
    return result


def _headings_whole(out: list[_Joined]) -> list[_Joined]:
    """A numbered heading wrapped on a capital or a number ("… thành viên Ban" and "Chỉ đạo …",
    "… năm" and "2024") made whole again: the heading, then a line of text that ends no sentence
    and is followed by a marker or a numbering, is one heading (a paragraph ends with its stop)."""
    kept: list[_Joined] = []
    for index, joined in enumerate(out):
        if kept and joined.line.kind == "text":
            last = kept[-1]
            after = out[index + 1].line.kind if index + 1 < len(out) else "item"
            text = " ".join(part.strip() for part in joined.parts)
            if (
                last.line.kind in ("number", "sub", "letter")
                and not last.inline
                and not _END.search(last.tail)
                and not _END.search(text)
                and after != "text"
                and len(text) <= 150
            ):
                for part in joined.parts:
                    last.add(part)
                continue
        kept.append(joined)
    return kept


def _joined_text(parts: list[str]) -> str:
    """The pieces of a wrapped line as one: a space between them, none after a hyphen inside a
    word ("COVID-" and "19", "Số 95/KH-" and "UBND": the line broke at the hyphen)."""
    text = ""
    for part in parts:
        piece = part.strip()
        if text and not re.search(r"[\w/]-$", text):
            text += " "
        text += piece
    return text


# -- zones of the document -----------------------------------------------------------------------


@dataclass
class Zones:
    header: list[str] = field(default_factory=list)
    title: list[str] = field(default_factory=list)
    body: list[str] = field(default_factory=list)
    tail: list[str] = field(default_factory=list)
    appendix: list[str] = field(default_factory=list)
    has_kind: bool = False


def zones(lines: list[str]) -> Zones:
    z = Zones()
    kind_at = next((i for i, line in enumerate(lines) if _KIND.match(line)), None)
    start = 0
    if kind_at is not None:
        z.has_kind = True
        z.header = lines[:kind_at]
        start = kind_at + 1
    # the title: the lines after KẾ HOẠCH up to a basis, a subtitle's end or section I.
    i = start
    while i < len(lines):
        text = lines[i].strip()
        if text and (_TITLE_END.match(text) or _ROMAN.match(text)):
            break
        if text:
            z.title.append(text)
        i += 1
        if text.endswith(")") and z.title and z.title[-1].startswith("("):
            break
        if len(z.title) >= 4:
            break
    if kind_at is None:
        z.title = []
        i = start
    rest = lines[i:]
    end = next((k for k, line in enumerate(rest) if _RECIPIENTS.match(line)), None)
    if end is None:
        z.body = rest
        return z
    z.body = rest[:end]
    tail = rest[end:]
    # the signature ends with the signer's name: the first line after the title of office that
    # is neither in capitals nor a recipient
    signed = False
    for k, line in enumerate(tail):
        text = line.strip()
        if not text:
            continue
        if _SIGN_PREFIX.match(text) or (k > 0 and _is_upper(text) and not text.startswith("-")):
            signed = True
            continue
        if signed and not text.startswith("-") and not _is_upper(text):
            z.tail = tail[: k + 1]
            z.appendix = tail[k + 1 :]
            return z
    z.tail = tail
    return z


# -- the recognised plan -------------------------------------------------------------------------


@dataclass
class Recognised:
    data: dict[str, Any]
    sure: dict[str, bool]
    warnings: list[str]


def _node(kind: str, text: str, marker: str | None = None, role: str | None = None) -> Node:
    escaped = text.replace("\\", "\\\\").replace("*", "\\*")
    return {"kind": kind, "role": role, "text": escaped, "marker": marker, "children": []}


def _heading_text(text: str) -> str:
    """ "Thời gian: Từ ngày …" → "**Thời gian:** Từ ngày …"; a trailing colon dropped."""
    text = text.strip()
    if text.endswith(":") and text.count(":") == 1:
        return text[:-1].rstrip().replace("\\", "\\\\").replace("*", "\\*")
    head, colon, rest = text.partition(":")
    if colon and rest.strip() and len(head) <= 40 and len(head.split()) <= 7:

        def esc(value: str) -> str:
            return value.replace("\\", "\\\\").replace("*", "\\*")

        return f"**{esc(head.strip())}:** {esc(rest.strip())}"
    return text.replace("\\", "\\\\").replace("*", "\\*")


def build_outline(lines: list[Line]) -> list[Node]:
    """The body's tree: I. sections, 1. headings, 1.1. and a) below them, items and paragraphs
    under the heading they follow, "+" items under the "-" item before them."""
    roots: list[Node] = []
    stack: list[tuple[int, Node]] = []  # (level, heading)
    marks: set[int] = set()  # the headings numbered 1.1.

    def parent_children() -> list[Node]:
        return stack[-1][1]["children"] if stack else roots

    levels = {"roman": 1, "number": 2, "sub": 3, "letter": 3}
    last_number = 0  # of the numbered headings of the current section
    run = 0  # the last number of a numbered list under a deeper heading ("1. …", "2. …")
    lettered = ""  # the last letter of a lettered list under a lettered heading
    for index, line in enumerate(lines):
        if line.kind == "roman":
            last_number = run = 0
        if line.kind == "number":
            number = int(line.number)
            following = lines[index + 1] if index + 1 < len(lines) else None
            # headings of a section never number from 1 again: a restart is a list; the next
            # number after a list is the list's unless it has items or paragraphs of its own
            # and is a name, not a sentence (the next assignee after one with a single task)
            named = _owns_content(following) and not _STOP.search(line.text)
            continues = bool(run) and number == run + 1 and not named
            if (number == 1 and last_number >= 1) or continues:
                run = number  # a numbered list, not the next heading
                parent_children().append(_node("item", line.text, "number"))
                continue
            run = 0
            last_number = number
        elif line.kind != "text":
            run = 0
        if line.kind not in ("letter", "text"):
            lettered = ""
        if line.kind in levels:
            level = levels[line.kind]
            if line.kind == "letter":  # a) under 1.1. when the plan numbers that deep
                subs = [lv for lv, n in stack if id(n) in marks]
                level = subs[-1] + 1 if subs else 3
                if _letters_a_list(line, stack[-1] if stack else None, level, lettered):
                    # "a) Tổ công tác:" then "a) Chủ trì …." — the lettered tasks of a division
                    lettered = line.number
                    stack[-1][1]["children"].append(_node("item", line.text, "letter"))
                    continue
                lettered = ""
            while stack and stack[-1][0] >= level:
                stack.pop()
            node: Node = {
                "kind": "heading",
                "role": None,
                "text": _heading_text(line.text),
                "marker": None,
                "children": [],
            }
            parent_children().append(node)
            stack.append((level, node))
            if line.kind == "sub":
                marks.add(id(node))
            continue
        children = parent_children()
        if line.kind == "item":
            item = _node("item", line.text, line.marker)
            under_dash = bool(children) and children[-1]["kind"] == "item"
            # "+" items belong to the "-" item before them, unless it is a short "label: value"
            # row (the launch ceremony's "- Địa điểm: …" rows print their agenda beside them)
            before = _plain(children[-1]["text"]).rstrip() if under_dash else ""
            row = len(before.split()) < 12 and ":" in before and not before.endswith(":")
            announces = under_dash and not row
            if line.marker == "+" and announces and children[-1]["marker"] == "-":
                children[-1]["children"].append(item)
                continue
            children.append(item)
        else:
            children.append(_node("paragraph", line.text))
    return roots


def _letters_a_list(line: Line, top: tuple[int, Node] | None, level: int, last: str) -> bool:
    """Whether a lettered sentence is an item of a lettered list under the lettered heading
    before it, not that heading's next sibling: the list starts at "a)" right under a name
    with nothing of its own yet, and goes on letter by letter while its lines end sentences."""
    if top is None or top[0] != level or not _STOP.search(line.text):
        return False
    heading = top[1]
    if last:
        at = LETTERS.find(last)
        return 0 <= at < len(LETTERS) - 1 and line.number == LETTERS[at + 1]
    name = _plain(heading["text"]).strip()
    return line.number == "a" and not heading["children"] and not _STOP.search(name)


def _owns_content(following: Line | None) -> bool:
    """Whether the line after a numbered line is that line's own: an item, a paragraph, a
    lettered line or a numbered list starting again from 1 (a heading's, not a list's)."""
    if following is None:
        return False
    if following.kind == "number":
        return following.number == "1"
    return following.kind in ("item", "text", "letter", "sub")


_CLOSING = re.compile(r"^(Trên đây|Trong quá trình)\b")


def _closing(outline: list[Node]) -> list[Node]:
    """The closing paragraphs ("Trên đây là Kế hoạch …", "Trong quá trình triển khai …"), taken
    from the end of the last section to the end of the body."""
    if not outline or outline[-1]["kind"] != "heading":
        return []
    node = outline[-1]
    while node["children"] and node["children"][-1]["kind"] == "heading":
        node = node["children"][-1]
    moved: list[Node] = []
    while (
        node["children"]
        and node["children"][-1]["kind"] == "paragraph"
        and _CLOSING.match(node["children"][-1]["text"])
    ):
        paragraph = node["children"].pop()
        paragraph["role"] = "closing"
        moved.insert(0, paragraph)
    return moved


def _plain(text: str) -> str:
    return text.replace("**", "").replace("\\*", "*").replace("\\\\", "\\")


def walk(nodes: list[Node]) -> list[Node]:
    out: list[Node] = []
    for node in nodes:
        out.append(node)
        out.extend(walk(node["children"]))
    return out


def _all_text(node: Node) -> str:
    return " ".join(_plain(n["text"]) for n in [node, *walk(node["children"])])


def _iso(day: str, month: str, year: str) -> str | None:
    try:
        return date(int(year), int(month), int(day)).isoformat()
    except ValueError:
        return None


def _find_heading(outline: list[Node], *words: str) -> Node | None:
    for node in walk(outline):
        if node["kind"] == "heading" and any(fold(w) in fold(_plain(node["text"])) for w in words):
            return node
    return None


def _match_agency(name: str, agencies: list[tuple[str, str]]) -> tuple[str | None, bool]:
    """The code of the unit's agency this assignee names (folded, fuzzy), and whether the match
    is exact."""
    if not agencies:
        return None, False
    wanted = fold(re.sub(r"^Đề nghị\s+", "", name))
    best: tuple[float, str] | None = None
    for code, agency_name in agencies:
        candidate = fold(agency_name)
        if candidate == wanted:
            return code, True
        ratio = difflib.SequenceMatcher(None, wanted, candidate).ratio()
        if best is None or ratio > best[0]:
            best = (ratio, code)
    if best is not None and best[0] >= 0.85:
        return best[1], False
    return None, False


_SENTENCE = re.compile(r"(?<=[a-zà-ỹ)][.])\s+(?=[A-ZĐÀ-Ỹ])")


def _assignment(node: Node, agencies: list[tuple[str, str]], whole: bool = False) -> dict[str, Any]:
    """An assignee and its tasks: one an item; a paragraph is one task when the text keeps its
    paragraphs whole (``whole``), else one a sentence."""
    text = _plain(node["text"])
    assignee, colon, inline = text.partition(":")
    if not colon or len(assignee.split()) > 25:
        assignee, inline = text, ""
    tasks = [inline.strip()] if inline.strip() else []
    divisions = []
    for child in node["children"]:
        if child["kind"] == "heading":
            divisions.append(_assignment(child, agencies, whole))
        elif child["kind"] == "item":
            plus = [_plain(c["text"]) for c in child["children"]]
            tasks.append(" ".join([_plain(child["text"]), *plus]).strip())
        elif child["kind"] == "paragraph" and whole:  # a task printed as a plain paragraph
            tasks.append(_plain(child["text"]).strip())
        elif child["kind"] == "paragraph":  # a paragraph of tasks: one a sentence
            tasks.extend(s for s in _SENTENCE.split(_plain(child["text"])) if s.strip())
    code, _exact = _match_agency(assignee.strip(), agencies)
    return {
        "assignee": assignee.strip().rstrip(":").strip(),
        "agency": code,
        "marker": _task_marker(node["children"]),
        "tasks": tasks,
        "assignments": divisions,
    }


_TASK_MARKERS = ("-", "+", "number", "letter", "paragraph")


def _task_marker(children: list[Node]) -> str | None:
    """How the assignee's tasks print: "-" or "+" when every task is an item of that marker,
    "number" (1. 2. 3.) or "letter" (a) b) c)) when every task is numbered so, "paragraph"
    when every task is a plain paragraph; None when mixed or without tasks."""
    tasks = [c for c in children if c["kind"] in ("item", "paragraph")]
    kinds = {c["marker"] if c["kind"] == "item" else "paragraph" for c in tasks}
    if len(kinds) == 1 and (marker := kinds.pop()) in _TASK_MARKERS:
        return str(marker)
    return None


_STOP = re.compile(r"[.;!?…]\s*$")


def _lettered_tasks(node: Node) -> None:
    """An assignee's lettered lines told apart: a division (its own sub-unit, "a) Phòng Văn
    hóa - Xã hội:") is a short name with items or paragraphs of its own under it; a lettered
    line with nothing of its own under it that ends a sentence, or runs longer than a name, is
    one of the assignee's tasks ("a) Chủ trì, phối hợp …."), an item lettered "letter"."""
    children: list[Node] = []
    for child in node["children"]:
        text = _plain(child["text"]).strip()
        task = (
            child["kind"] == "heading"
            and not child["children"]
            and not text.endswith(":")
            and (bool(_STOP.search(text)) or len(text.split()) > 20)
        )
        children.append(_node("item", text, "letter") if task else child)
    node["children"] = children


def _split_assignee(node: Node) -> None:
    """ "Công an huyện: Chủ trì, …" → the heading "Công an huyện" and its task as an item."""
    head, colon, rest = _plain(node["text"]).partition(":")
    if not colon or not rest.strip() or len(head.split()) > 25:
        return
    node["text"] = _node("heading", head.strip())["text"]
    node["children"].insert(0, _node("paragraph", rest.strip(), role=_INLINE))


_INLINE = "inline"  # the tasks written on the assignee's own line, after its colon


def _tasks_as_items(node: Node, whole: bool = False) -> None:
    """An assignee's tasks as the plan keeps them: one item a task. A paragraph of tasks on the
    assignee's line, or in a text whose lines are wrapped (a PDF's, where the bullets of a list
    may be lost with their font), gives one item a sentence; in a text that keeps its
    paragraphs whole (a Word document's) a paragraph is a task printed as a plain paragraph."""
    children: list[Node] = []
    for child in node["children"]:
        if child["kind"] == "paragraph" and whole and child["role"] != _INLINE:
            child["role"] = None
            children.append(child)
        elif child["kind"] == "paragraph":
            sentences = _SENTENCE.split(_plain(child["text"]))
            children.extend(_node("item", s.strip(), "-") for s in sentences if s.strip())
        else:
            children.append(child)
    node["children"] = children


def _recipients(tail: list[str]) -> tuple[list[str], list[dict[str, Any]], dict[str, str]]:
    """The "Nơi nhận" lines (without "- "), grouped under their sub-headings, and the signature
    block {authority, deputy, title, name}."""
    recipients: list[str] = []
    groups: list[dict[str, Any]] = [{"heading": "", "recipients": []}]
    signer = {"authority": "", "deputy": "", "title": "", "name": ""}
    prefixes: list[str] = []
    last_was_recipient = False
    for k, raw in enumerate(tail):
        text = nfc(raw)
        if not text:
            continue
        if k == 0:
            match = _RECIPIENTS.match(text)
            text = match.group("rest").strip() if match else text
            if not text:
                continue
        # "Nơi nhận: TM. ỦY BAN NHÂN DÂN" — the signature's first line beside the recipients
        sign_at = re.search(r"\b(TM|KT|Q|TL|TUQ)\.\s+[A-ZĐỦ]", text)
        if sign_at and not text.startswith(("TM.", "KT.", "Q.", "TL.", "TUQ.")):
            prefixes.append(text[sign_at.start() :].strip())
            text = text[: sign_at.start()].strip()
            if not text:
                continue
        if _SIGN_PREFIX.match(text):
            prefixes.append(text)
            last_was_recipient = False
            continue
        if text.startswith(("-", "–")) and text.endswith(":"):  # a sub-heading marked as a line
            groups.append({"heading": text.lstrip("-– ").strip(), "recipients": []})
            last_was_recipient = False
            continue
        if text.startswith(("-", "–")):
            line = text.lstrip("-– ").strip()
            recipients.append(line)
            groups[-1]["recipients"].append(line)
            last_was_recipient = True
            continue
        if _is_upper(text) and (prefixes or not last_was_recipient):
            signer["title"] = text
            continue
        if signer["title"] or prefixes:
            if not signer["title"] and not text.endswith(":"):
                signer["name"] = text
                continue
            if signer["title"]:
                signer["name"] = text
                continue
        if text.endswith(":"):
            groups.append({"heading": text, "recipients": []})
            last_was_recipient = False
            continue
        if last_was_recipient and recipients:  # a recipient wrapped on two lines
            recipients[-1] = f"{recipients[-1]} {text}"
            groups[-1]["recipients"][-1] = recipients[-1]
    if prefixes:
        signer["authority"] = prefixes[0] if prefixes[0].startswith("TM.") else ""
        rest = prefixes[1:] if signer["authority"] else prefixes
        signer["deputy"] = rest[0] if rest else ""
    groups = [g for g in groups if g["heading"] or g["recipients"]]
    return recipients, groups, signer


def _header(z: Zones) -> dict[str, Any]:
    issuer_lines: list[str] = []
    result: dict[str, Any] = {"number": None, "symbol": "", "place": "", "date": ""}
    for raw in z.header:
        text = nfc(raw)
        if not text:
            continue
        number = _NUMBER_LINE.search(text)
        if number:
            result["number"] = int(number.group("number")) if number.group("number") else None
            result["symbol"] = number.group("symbol")
        place = _PLACE_DATE.search(text, number.end() if number else 0)
        if place:
            result["place"] = place.group("place").strip()
            parts = [place.group("year"), place.group("month"), place.group("day")]
            result["date"] = "-".join(p.zfill(2) if i else p for i, p in enumerate(parts) if p)
            if place.group("month") and not place.group("day"):
                result["date"] = f"{parts[0]}-{parts[1].zfill(2)}"
            if not place.group("month"):
                result["date"] = parts[0]
        if number or place:
            continue
        upper = text.upper()
        if "CỘNG HÒA" in upper or "CỘNG HOÀ" in upper or "ĐỘC LẬP" in upper or "---" in text:
            continue
        if _is_upper(text):
            issuer_lines.append(text)
    above, issuer = "", " ".join(issuer_lines)
    starts = ("ỦY BAN", "UỶ BAN", "UBND", "SỞ ", "PHÒNG ", "BAN ", "TRUNG TÂM", "CÔNG AN", "HỘI ")
    split = [i for i, line in enumerate(issuer_lines) if line.startswith(starts)]
    if len(split) >= 2:
        above = " ".join(issuer_lines[: split[-1]])
        issuer = " ".join(issuer_lines[split[-1] :])
    result["issuer"] = issuer
    result["issuer_above"] = above
    return result


def _period(text: str) -> tuple[str | None, str | None]:
    match = _PERIOD.search(text)
    if match is None:
        return None, None
    return _iso(*match.groups()[:3]), _iso(*match.groups()[3:])


def recognise(
    raw_lines: list[str], agencies: list[tuple[str, str]] | None = None, *, repaired: bool = False
) -> Recognised:
    """The plan the lines hold: its fields (the API's shape), whether each is sure, warnings.
    The lines are repaired first unless ``repaired`` says they already are."""
    agencies = agencies or []
    lines = raw_lines if repaired else repair_lines(raw_lines)
    z = zones(lines)
    sure: dict[str, bool] = {}
    warnings: list[str] = []
    data: dict[str, Any] = _header(z)
    sure["issuer"] = bool(data["issuer"])
    sure["number"] = data["number"] is not None
    sure["symbol"] = bool(data["symbol"])
    sure["place"] = bool(data["place"])
    sure["date"] = len(data["date"]) == 10
    data["kind"] = "KẾ HOẠCH" if z.has_kind else ""
    title_lines = [nfc(t) for t in z.title]
    subtitle = title_lines.pop() if title_lines and title_lines[-1].startswith("(") else ""
    data["title"] = nfc(" ".join(title_lines))
    data["subtitle"] = subtitle
    sure["title"] = bool(data["title"])

    logical = logical_lines(z.body)
    # a text whose paragraphs are whole, one a line (a Word document's), not wrapped (a PDF's)
    whole = len(logical) >= 0.9 * sum(1 for line in z.body if line.strip())
    first_section = next((i for i, line in enumerate(logical) if line.kind == "roman"), 0)
    opening = [line for line in logical[:first_section]]
    bases = [line.text for line in opening if _BASIS.match(line.text)]
    data["bases"] = bases
    sure["bases"] = True
    intro = [
        {
            "kind": "paragraph",
            "role": "basis" if line.text.startswith("Căn cứ") else "intro",
            "text": _node("paragraph", line.text)["text"],
            "marker": None,
            "children": [],
        }
        for line in opening
    ]
    outline = intro + build_outline(logical[first_section:])
    outline.extend(_closing(outline))
    data["outline"] = outline
    sure["outline"] = bool(outline)

    parent = None
    for text in bases:
        match = _PARENT.search(text)
        if match:
            parent = nfc(match.group("ref"))
            break
    data["parent_reference"] = parent or ""
    sure["parent_reference"] = True

    # theme, period, scope: in the section that names them, else anywhere in the body
    theme_section = _find_heading(outline, "CHỦ ĐỀ")
    scope_text = _all_text(theme_section) if theme_section else ""
    body_text = " ".join(_all_text(n) for n in outline)
    theme = None
    for source in (scope_text, body_text):
        at = fold(source).find("chu de")
        if at >= 0:
            quoted = _QUOTED.search(source, at)
            if quoted:
                theme = quoted.group(1).strip().rstrip(".").strip()
                break
    data["theme"] = theme or ""
    sure["theme"] = theme is not None and bool(scope_text)
    start, end = _period(scope_text) if scope_text else (None, None)
    sure["period"] = start is not None
    if start is None:
        start, end = _period(subtitle or data["title"])
    if start is None:
        year_match = re.search(r"năm\s+(\d{4})", data["title"]) or re.search(
            r"(\d{4})", data["date"]
        )
        if year_match:
            start, end = f"{year_match.group(1)}-01-01", f"{year_match.group(1)}-12-31"
            warnings.append("period_from_year")
    data["period_start"], data["period_end"] = start, end
    scope_match = re.search(r"Phạm vi[^:]{0,30}:\s*(.+?)(?=\s+\d+\.\s|$)", scope_text)
    data["scope"] = scope_match.group(1).strip() if scope_match else ""
    sure["scope"] = scope_match is not None

    data["slogans"] = _slogans(outline, z.appendix)
    sure["slogans"] = bool(data["slogans"])

    tasks_section = _find_heading(outline, "TỔ CHỨC THỰC HIỆN")
    assignments = []
    if tasks_section is not None:
        for child in tasks_section["children"]:
            if child["kind"] != "heading":
                continue
            if re.search(r"\b(bao cao|kinh phi)\b", fold(_plain(child["text"]))[:40]):
                continue  # the reporting regime or the budget, in the section of tasks
            child["role"] = "tasks"
            _lettered_tasks(child)
            _split_assignee(child)
            _tasks_as_items(child, whole)
            assignments.append(_assignment(child, agencies, whole))
    data["assignments"] = assignments
    sure["assignments"] = bool(assignments)
    if not assignments:
        warnings.append("no_assignments")

    data["activities"] = _activities(outline)
    data["budget"] = _budget(outline)
    sure["budget"] = bool(data["budget"])
    data["launch"] = _launch(outline)
    year = (data["period_start"] or data["date"] or "")[:4]
    data["reporting"] = _reporting(outline, int(year) if year.isdigit() else None)
    sure["reporting"] = bool(data["reporting"]["deadline"])

    recipients, groups, signer = _recipients(z.tail)
    data["recipients"] = recipients
    data["recipient_groups"] = groups
    data["signer"] = signer
    sure["recipients"] = bool(recipients)
    sure["signer"] = bool(signer["name"] and signer["title"])
    if not z.has_kind:
        warnings.append("no_kind_line")
    if not z.tail:
        warnings.append("no_signature")
    data["warnings"] = warnings
    return Recognised(data=data, sure=sure, warnings=warnings)


# The seven groups of activities of Circular 28/2019, by the words their headings use; the first
# that matches wins ("hoạt động hè và … sự tham gia" is the summer's).
_GROUPS = (
    ("summer", re.compile(r"\b(he|sinh hoat he)\b")),
    ("movement", re.compile(r"\bphong trao\b")),
    ("recreation", re.compile(r"\b(vui choi|giai tri)\b")),
    ("participation", re.compile(r"\btham gia\b")),
    ("communication", re.compile(r"\b(truyen thong|tuyen truyen)\b")),
    ("resources", re.compile(r"\b(van dong|nguon luc|tang qua|tham hoi)\b")),
    ("safety", re.compile(r"\b(kiem tra|khong an toan|ra soat)\b")),
)


def _activities(outline: list[Node]) -> list[dict[str, str]]:
    """The activities of an Action Month plan: the headings of its section of activities
    ("NỘI DUNG HOẠT ĐỘNG") that name one of the seven groups, marked with the role "activity"."""
    section = _find_heading(outline, "NỘI DUNG HOẠT ĐỘNG")
    found = []
    for node in section["children"] if section else []:
        if node["kind"] != "heading":
            continue
        folded = fold(_plain(node["text"]))
        group = next((name for name, words in _GROUPS if words.search(folded)), None)
        if group:
            node["role"] = "activity"
            found.append({"heading": _plain(node["text"]), "group": group})
    return found


# The words that name each source, folded. "Vận động" alone is also the campaigning of a plan's
# activities ("tuyên truyền, vận động"): funds raised are "nguồn vận động", donations, support;
# "ngoài ngân sách" is money from outside the state budget.
_SOURCES = (
    ("state", re.compile(r"(?<!ngoai )\b(ngan sach|du toan)\b")),
    (
        "mobilised",
        re.compile(
            r"\b(huy dong|tai tro|vien tro|ung ho|dong gop|xa hoi hoa|xhh|nguon van dong"
            r"|van dong nguon luc)\b"
        ),
    ),
    ("other", re.compile(r"\b(hop phap khac|nguon khac)\b")),
)


def _budget(outline: list[Node]) -> list[dict[str, Any]]:
    """The budget lines: each item or paragraph of the section on funding ("KINH PHÍ"), with
    its sources in the order the line names them (the first its main one, ``source``): the
    state budget, funds raised, or other."""
    section = _find_heading(outline, "KINH PHÍ")
    if section is None:
        return []
    head, colon, inline = _plain(section["text"]).partition(":")
    if colon and inline.strip():  # "4. Kinh phí: Kinh phí cho hoạt động …": the heading, its line
        section["text"] = _node("heading", head.strip())["text"]
        section["children"].insert(0, _node("item", inline.strip(), "-"))
    lines = []
    for node in walk(section["children"]):
        if node["kind"] == "heading" or node.get("role") == "tasks":
            continue
        lines.append(_budget_line(_plain(node["text"])))
        node["role"] = "budget"
    return lines


def _budget_line(text: str) -> dict[str, Any]:
    sources = _budget_sources(fold(text))
    return {"source": sources[0], "sources": sources, "text": text}


def _budget_sources(folded: str) -> list[str]:
    """The sources a budget line names, in the order it names them ("từ ngân sách phường và
    nguồn vận động": the state budget, then funds raised); the state budget when it names none
    (a plan's money is the state's unless it says otherwise, "ngoài ngân sách")."""
    found = []
    for source, words in _SOURCES:
        match = words.search(folded)
        if match is not None:
            found.append((match.start(), source))
    if not found:
        return ["other" if "ngoai ngan sach" in folded else "state"]
    return [source for _at, source in sorted(found)]


_LAUNCH = re.compile(r"\b(lễ phát động|tổ chức phát động)\b", re.IGNORECASE)


def _launch(outline: list[Node]) -> dict[str, Any]:
    """The launch ceremony: the first line that speaks of it, whether it is held, its date and
    place when the lines after it give them, and its agenda ("+" lines)."""
    nodes = walk(outline)
    for index, node in enumerate(nodes):
        text = _plain(node["text"])
        if node["kind"] == "heading" or not _LAUNCH.search(text):
            continue
        launch: dict[str, Any] = {
            "held": "không tổ chức" not in text.lower(),
            "date": None,
            "place": "",
            "agenda": [],
            "note": text,
        }
        for after in nodes[index + 1 : index + 12]:
            line = _plain(after["text"])
            if after["kind"] == "heading":
                break
            when = re.match(r"Thời gian:\s*(\d{1,2})/(\d{1,2})/(\d{4})", line)
            if when:
                launch["date"] = _iso(*when.groups())
            elif line.startswith("Địa điểm:"):
                launch["place"] = line.partition(":")[2].strip()
            elif after["kind"] == "item" and after["marker"] == "+":
                launch["agenda"].append(line)
            else:
                break
        return launch
    return {"held": False, "date": None, "place": "", "agenda": [], "note": ""}


def _slogans(outline: list[Node], appendix: list[str]) -> list[str]:
    nodes = walk(outline)
    for index, node in enumerate(nodes):
        text = _plain(node["text"])
        if "khau hieu" not in fold(text) or (node["kind"] != "heading" and not text.endswith(":")):
            continue
        if node["kind"] == "heading":
            items = [c for c in node["children"] if c["kind"] == "item"]
        else:
            items = []
            for following in nodes[index + 1 :]:
                if following["kind"] != "item":
                    break
                items.append(following)
        if len(items) >= 2:
            return [_plain(i["text"]) for i in items]
    # an appendix of slogans: "KHẨU HIỆU" then numbered lines
    appended = logical_lines(appendix)
    for index, line in enumerate(appended):
        if "khau hieu" in fold(line.text):
            slogans = []
            for after in appended[index + 1 :]:
                if after.kind == "text" and after.text.startswith("(Kèm theo"):
                    continue
                if after.kind not in ("number", "item"):
                    break
                slogans.append(after.text)
            if slogans:
                return slogans
    return []


def _reporting(outline: list[Node], year: int | None) -> dict[str, Any]:
    section = _find_heading(outline, "CHẾ ĐỘ BÁO CÁO", "Chế độ báo cáo")
    texts = [_all_text(section)] if section else []
    texts.append(" ".join(_all_text(n) for n in outline))
    for text in texts:
        sentences = re.split(r"(?<=[.;])\s+", text)
        for index, sentence in enumerate(sentences):
            if "báo cáo" not in sentence.lower():
                continue
            deadline = _DEADLINE.search(sentence)
            day = _iso(*deadline.groups()) if deadline else None
            if deadline is None and year is not None:
                short = _SHORT_DEADLINE.search(sentence)
                day = _iso(short.group(1), short.group(2), str(year)) if short else None
            if day is None:
                continue
            following = sentences[index + 1] if index + 1 < len(sentences) else ""
            recipient, through = _report_to(f"{sentence} {following}")
            return {
                "deadline": day,
                "recipient": recipient,
                "through": through,
                "text": nfc(sentence),
            }
    return {"deadline": None, "recipient": "", "through": "", "text": ""}


_AUTHORITY = r"(?:Ủy ban|Uỷ ban|UBND|Sở|Bộ|Phòng|Ban)"
_SENT_TO = re.compile(
    r"gửi\s+(?:về\s+)?(?P<to>" + _AUTHORITY + r"[^()]*?)"
    r"(?=\s*\(|\s+(?:qua|trước|trong|chậm|để|trên)\b|[,;.]|$)"
)
_THEN_TO = re.compile(
    r"để\s+tổng hợp,?\s+báo cáo\s+(?P<to>"
    + _AUTHORITY
    + r".*?)(?=\s+(?:theo|trước|xem xét)\b|[,;.]|$)"
)


def _report_to(text: str) -> tuple[str, str]:
    """(recipient, through) of a reporting clause: the report goes to the committee; when it is
    sent to an agency "to compile and report to" someone, the agency is the way through."""
    sent = _SENT_TO.search(text)
    if sent is None:
        return "", ""
    to = nfc(sent.group("to"))
    then = _THEN_TO.search(text, sent.end())
    if then and not re.match(r"(Ủy ban|Uỷ ban|UBND)", to):
        return nfc(then.group("to")), to
    return to, ""

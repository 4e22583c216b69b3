"""The body of a plan as an outline: a tree of headings, paragraphs and items.

One function, ``validate_outline``, decides what an outline may hold; every write path (the
loader, the services, the API) passes the body through it. A node is

    {"kind": "heading" | "paragraph" | "item",
     "role": "basis" | "theme" | … | None,    # what the node is, independent of how it prints
     "text": "… **bold** … *italic* …",       # the only markup: bold and italic
     "marker": "-" | "+" | "number" | "letter" | None,   # items only: the plan's own marker
     "children": [node, …],
     "activity": {"group", "start", "end", "units"}}      # only on an "activity" node, optional

An activity node may carry what the system knows of the activity beside its text: its group of
the seven of Circular 28/2019/TT-BLĐTBXH, its own dates as far as the plan gives them ("2026-06")
and the units that carry it out. They are data, not print: the plan writes them in its text.

Headings carry no numerals: ``heading_numbers`` computes them as Decree 30/2020/NĐ-CP numbers a
plan (I., 1., 1.1., a)). A node whose role names a structured fact of the plan (targets, budget,
tasks, …) and whose text is empty stands for that fact: ``with_facts`` puts the fact's rows there,
so a fact lives in exactly one place. Such a node is a paragraph (the rows print as the fact
usually does) or an item, whose marker the rows then take ("+" slogans, say).
"""

import re
from collections.abc import Iterator
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from vitreem.documents.decree30 import ROMAN

from .dates import parse_partial, short_date

Node = dict[str, Any]

KINDS = ("heading", "paragraph", "item")
MARKERS = ("-", "+", "number", "letter")
ROLES = (
    "basis",
    "intro",
    "purpose",
    "theme",
    "period",
    "scope",
    "targets",
    "slogans",
    "launch",
    "activity",
    "budget",
    "awards",
    "tasks",
    "reporting",
    "closing",
)
# Roles that, with an empty text, stand for the plan's rows of that fact.
FACT_ROLES = ("theme", "targets", "slogans", "launch", "budget", "awards", "tasks", "reporting")
KEYS = {"kind", "role", "text", "marker", "children", "activity"}
# The seven groups of Action Month activities (models.ActivityGroup holds their names).
ACTIVITY_GROUPS = (
    "communication",
    "resources",
    "participation",
    "summer",
    "recreation",
    "safety",
    "movement",
)
ACTIVITY_KEYS = {"group", "start", "end", "units"}
MAX_UNITS = 20
MAX_UNIT_TEXT = 300

MAX_DEPTH = 8  # levels of nesting, the top level being 1
MAX_HEADING_DEPTH = 4  # I. → 1. → 1.1. → a)
MAX_NODES = 5000
MAX_TEXT = 5000

LETTERS = "abcdefghiklmnopqrstuvxy"  # Vietnamese documents skip j, w and z in a), b), c) …

_RUN = re.compile(r"\\([\\*])|(\*\*)|(\*)")


class OutlineError(ValidationError):
    pass


def _fail(path: str, message: str) -> OutlineError:
    return OutlineError(
        _("Nội dung kế hoạch, %(path)s: %(message)s") % {"path": path, "message": message}
    )


def parse_runs(text: str) -> list[tuple[str, bool, bool]]:
    """The text as runs (text, bold, italic); ``\\*`` writes a star. Raises ValueError."""
    runs: list[tuple[str, bool, bool]] = []
    bold = italic = False
    buffer = ""
    pos = 0
    for match in _RUN.finditer(text):
        buffer += text[pos : match.start()]
        pos = match.end()
        if match.group(1):
            buffer += match.group(1)
            continue
        if buffer:
            runs.append((buffer, bold, italic))
            buffer = ""
        if match.group(2):
            bold = not bold
        else:
            italic = not italic
    buffer += text[pos:]
    if bold or italic:
        raise ValueError(_("dấu ** hoặc * mở mà chưa đóng"))
    if buffer:
        runs.append((buffer, bold, italic))
    return runs


def plain(text: str) -> str:
    """The text without its markup."""
    return "".join(run for run, _bold, _italic in parse_runs(text))


def validate_outline(value: Any) -> list[Node]:
    """The outline as a clean list of nodes, or OutlineError naming the node and the reason."""
    if not isinstance(value, list):
        raise _fail("outline", _("phải là một danh sách các mục"))
    count = [0]
    return [_node(node, f"outline[{i}]", 1, 0, count) for i, node in enumerate(value)]


def _node(node: Any, path: str, depth: int, heading_depth: int, count: list[int]) -> Node:
    if depth > MAX_DEPTH:
        raise _fail(path, _("lồng quá %(n)d cấp") % {"n": MAX_DEPTH})
    count[0] += 1
    if count[0] > MAX_NODES:
        raise _fail(path, _("quá %(n)d mục") % {"n": MAX_NODES})
    if not isinstance(node, dict):
        raise _fail(path, _("mỗi mục phải là một đối tượng"))
    unknown = sorted(set(node) - KEYS, key=str)
    if unknown:
        raise _fail(
            path, _("trường không được phép: %(keys)s") % {"keys": ", ".join(map(str, unknown))}
        )
    kind = node.get("kind")
    if kind not in KINDS:
        raise _fail(path, _("kind phải là heading, paragraph hoặc item"))
    role = node.get("role")
    if role is not None and role not in ROLES:
        raise _fail(path, _("role không hợp lệ: %(role)s") % {"role": str(role)[:40]})
    text = node.get("text", "")
    if not isinstance(text, str):
        raise _fail(path, _("text phải là chuỗi"))
    if len(text) > MAX_TEXT:
        raise _fail(path, _("text dài quá %(n)d ký tự") % {"n": MAX_TEXT})
    if any(ord(c) < 32 and c not in "\t" for c in text):
        raise _fail(path, _("text chứa ký tự điều khiển"))
    try:
        parse_runs(text)
    except ValueError as error:
        raise _fail(path, str(error)) from None
    if not text.strip() and not (role in FACT_ROLES and kind != "heading"):
        raise _fail(path, _("text không được để trống"))
    marker = node.get("marker")
    if kind == "item":
        if marker not in MARKERS:
            raise _fail(path, _("marker của item phải là -, +, number hoặc letter"))
    elif marker is not None:
        raise _fail(path, _("chỉ item mới có marker"))
    children = node.get("children", [])
    if not isinstance(children, list):
        raise _fail(path, _("children phải là một danh sách"))
    if kind == "heading":
        heading_depth += 1
        if heading_depth > MAX_HEADING_DEPTH:
            raise _fail(path, _("đề mục lồng quá %(n)d cấp") % {"n": MAX_HEADING_DEPTH})
    if not text.strip() and children:
        raise _fail(path, _("mục thay cho dữ liệu của kế hoạch không có mục con"))
    clean = [
        _node(child, f"{path}.children[{i}]", depth + 1, heading_depth, count)
        for i, child in enumerate(children)
    ]
    if kind != "heading" and any(c["kind"] != "item" for c in clean):
        raise _fail(path, _("trong đoạn văn hoặc item chỉ có item con"))
    result = {"kind": kind, "role": role, "text": text, "marker": marker, "children": clean}
    if node.get("activity") is not None:
        if role != "activity":
            raise _fail(path, _("chỉ mục có vai trò hoạt động mới có activity"))
        result["activity"] = _activity(node["activity"], f"{path}.activity")
    return result


def _activity(value: Any, path: str) -> dict[str, Any]:
    """An activity's facts, clean: its group (or None), start and end as ISO partial dates (or
    None), its implementing units."""
    if not isinstance(value, dict):
        raise _fail(path, _("phải là một đối tượng"))
    unknown = sorted(set(value) - ACTIVITY_KEYS, key=str)
    if unknown:
        raise _fail(
            path, _("trường không được phép: %(keys)s") % {"keys": ", ".join(map(str, unknown))}
        )
    group = value.get("group") or None
    if group is not None and group not in ACTIVITY_GROUPS:
        raise _fail(path, _("nhóm hoạt động không hợp lệ: %(group)s") % {"group": str(group)[:40]})
    days = {}
    for key in ("start", "end"):
        try:
            days[key] = parse_partial(value.get(key))
        except (ValueError, TypeError):
            raise _fail(
                f"{path}.{key}", _("ngày phải viết 2026-06-15, 2026-06 hoặc 2026")
            ) from None
    start, end = days["start"], days["end"]
    if start and end and end.last() < start.first():
        raise _fail(path, _("ngày kết thúc trước ngày bắt đầu"))
    units = value.get("units") or []
    if not isinstance(units, list) or not all(isinstance(u, str) for u in units):
        raise _fail(f"{path}.units", _("phải là một danh sách tên đơn vị"))
    if len(units) > MAX_UNITS:
        raise _fail(f"{path}.units", _("quá %(n)d đơn vị") % {"n": MAX_UNITS})
    for unit in units:
        if not unit.strip() or len(unit) > MAX_UNIT_TEXT or any(ord(c) < 32 for c in unit):
            raise _fail(
                f"{path}.units",
                _("tên đơn vị phải có chữ, không quá %(n)d ký tự, không có ký tự điều khiển")
                % {"n": MAX_UNIT_TEXT},
            )
    return {
        "group": group,
        "start": start.iso() if start else None,
        "end": end.iso() if end else None,
        "units": [u.strip() for u in units],
    }


def _max_heading_depth(node: Node) -> int:
    below = [_max_heading_depth(c) for c in node["children"] if c["kind"] == "heading"]
    return 1 + max(below, default=0)


def heading_numbers(outline: list[Node]) -> Iterator[tuple[Node, str]]:
    """Every node with its number as printed ("" for all but headings), in document order.

    Headings number I., II. at the top; 1., 2. below; then a), b) — or, under a heading whose
    headings go two levels deeper, 1.1., 1.2. and a) below those (Decree 30/2020/NĐ-CP).
    """

    def walk(nodes: list[Node], level: int, prefix: str, four: bool) -> Iterator[tuple[Node, str]]:
        index = 0
        for node in nodes:
            if node["kind"] != "heading":
                yield node, ""
                yield from walk(node["children"], level, prefix, four)
                continue
            if level == 1:
                number = f"{ROMAN[index]}."
            elif level == 2:
                number = f"{index + 1}."
            elif level == 3 and four:
                number = f"{prefix}.{index + 1}."
            else:
                number = f"{LETTERS[index % len(LETTERS)]})"
            index += 1
            yield node, number
            sub_four = four if level != 2 else _max_heading_depth(node) >= 3
            yield from walk(node["children"], level + 1, number.rstrip("."), sub_four)

    return walk(outline, 1, "", False)


def item_markers(outline: list[Node]) -> dict[int, str]:
    """The printed marker of every item, by id(node): "-", "+", its number "1.", "2." … or its
    letter "a)", "b)" …, counted among its numbered siblings."""
    markers: dict[int, str] = {}

    def walk(nodes: list[Node]) -> None:
        number = 0
        for node in nodes:
            if node["kind"] == "item":
                if node["marker"] == "number":
                    number += 1
                    markers[id(node)] = f"{number}."
                elif node["marker"] == "letter":
                    number += 1
                    markers[id(node)] = f"{LETTERS[(number - 1) % len(LETTERS)]})"
                else:
                    markers[id(node)] = node["marker"]
            walk(node["children"])

    walk(outline)
    return markers


# -- the former body (opening, sections, closing) as an outline ------------------------------

_BLOCK_ROLES = {
    "theme": "theme",
    "targets": "targets",
    "slogans": "slogans",
    "launch": "launch",
    "budget": "budget",
    "awards": "awards",
    "assignments": "tasks",
    "reporting": "reporting",
}


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("*", "\\*")


def _fact(role: str, marker: Any = None) -> Node:
    """The node standing for a fact: a paragraph, or an item when the body gives the rows a
    marker of their own."""
    kind = "paragraph" if marker is None else "item"
    return {"kind": kind, "role": role, "text": "", "marker": marker, "children": []}


def _items(items: list[Any], marker: str) -> list[Node]:
    nodes = []
    for item in items:
        text, sub = (item["text"], item.get("items", [])) if isinstance(item, dict) else (item, [])
        nodes.append(
            {
                "kind": "item",
                "role": None,
                "text": _escape(text),
                "marker": marker,
                "children": _items(sub, "+"),
            }
        )
    return nodes


def _heading(
    heading: str, inline: str | None, role: str | None, blocks: list[Any], group: str | None = None
) -> Node:
    text = f"**{_escape(heading)}:** {_escape(inline)}" if inline else _escape(heading)
    node: Node = {
        "kind": "heading",
        "role": role,
        "text": text,
        "marker": None,
        "children": _blocks(blocks),
    }
    if group:
        node["activity"] = {"group": group, "start": None, "end": None, "units": []}
    return node


def _blocks(blocks: list[Any]) -> list[Node]:
    nodes: list[Node] = []
    for block in blocks:
        kind = block.get("type")
        if kind == "text":
            nodes.append(
                {
                    "kind": "paragraph",
                    "role": None,
                    "text": _escape(block["text"]),
                    "marker": None,
                    "children": [],
                }
            )
        elif kind == "bullets":
            nodes.extend(_items(block.get("items", []), "-"))
        elif kind == "subsection":
            group = block.get("activity_group")
            nodes.append(
                _heading(
                    block["heading"],
                    block.get("inline"),
                    "activity" if group else None,
                    block.get("blocks", []),
                    group,
                )
            )
        elif kind in _BLOCK_ROLES:
            nodes.append(_fact(_BLOCK_ROLES[kind], block.get("marker")))
        # tables stay in the appendices
    return nodes


def outline_from_body(opening: list[Any], sections: list[Any], closing: list[Any]) -> list[Node]:
    """The outline of a body kept as opening paragraphs, sections of blocks and closing lines."""
    nodes: list[Node] = []
    for para in opening:
        text = _escape(para["text"])
        nodes.append(
            {
                "kind": "paragraph",
                "role": "basis" if para.get("basis") else "intro",
                "text": f"*{text}*" if para.get("basis") else text,
                "marker": None,
                "children": [],
            }
        )
    for section in sections:
        nodes.append(
            _heading(section["heading"], section.get("inline"), None, section.get("blocks", []))
        )
    for text in closing:
        nodes.append(
            {
                "kind": "paragraph",
                "role": "closing",
                "text": _escape(text),
                "marker": None,
                "children": [],
            }
        )
    return nodes


# -- the facts in their places, and the outline as printed -----------------------------------


def _leaf(kind: str, role: str | None, text: str, marker: str | None = None) -> Node:
    return {"kind": kind, "role": role, "text": text, "marker": marker, "children": []}


def _day(value: Any) -> str:
    return short_date(value)


def _fact_nodes(node: Node, facts: dict[str, Any]) -> list[Node]:
    """The nodes a fact node stands for, its rows' text escaped so that it prints as written."""
    role, marker = node["role"], node["marker"]

    def rows(texts: list[str], usual: str | None) -> list[Node]:
        chosen = marker or usual
        kind = "item" if chosen else "paragraph"
        return [_leaf(kind, role, _escape(text), chosen) for text in texts]

    if role == "slogans":
        return rows(list(facts.get("slogans") or []), "number")
    if role in ("targets", "budget", "awards"):
        return rows([row["text"] for row in facts.get(role) or []], "-")
    if role == "reporting":
        return rows([row["text"] for row in facts.get("reporting") or []], None)
    if role == "launch":
        return _launch_nodes(facts.get("launch") or {}, marker)
    if role == "tasks":
        return [_assignee_node(a, marker) for a in facts.get("assignments") or []]
    if role == "theme":
        lines = []
        if facts.get("theme"):
            lines.append(("Chủ đề", f"“{facts['theme']}”"))
        period = facts.get("period") or {}
        if period.get("start") and period.get("end"):
            span = f"Từ ngày {_day(period['start'])} đến ngày {_day(period['end'])}"
            lines.append(("Thời gian", span))
        if facts.get("scope"):
            lines.append(("Phạm vi", facts["scope"]))
        return [
            _leaf("heading", role, f"**{_escape(name)}:** {_escape(text)}") for name, text in lines
        ]
    return []


def _launch_nodes(launch: dict[str, Any], marker: str | None) -> list[Node]:
    """The launch ceremony: its note, date, place, agenda ("+"), lead and cooperating units,
    participants ("+" under their line)."""
    chosen = marker or "-"
    lines = [launch["note"]] if launch.get("note") else []
    if launch.get("date"):
        lines.append(f"Thời gian: {_day(launch['date'])}")
    if launch.get("place"):
        lines.append(f"Địa điểm: {launch['place']}")
    nodes = [_leaf("item", "launch", _escape(line), chosen) for line in lines]
    # The agenda's "+" lines follow the place, as the plans print them.
    nodes.extend(_leaf("item", "launch", _escape(a), "+") for a in launch.get("agenda") or [])
    units = []
    if launch.get("lead"):
        units.append(f"Đơn vị chủ trì: {launch['lead']}")
    if launch.get("cooperating"):
        units.append(f"Đơn vị phối hợp: {', '.join(launch['cooperating'])}")
    nodes.extend(_leaf("item", "launch", _escape(line), chosen) for line in units)
    if launch.get("participants"):
        heading = _leaf("item", "launch", "Thành phần tham dự:", chosen)
        heading["children"] = [
            _leaf("item", "launch", _escape(p), "+") for p in launch["participants"]
        ]
        nodes.append(heading)
    return nodes


# How an assignee's tasks print: an item marker, or "paragraph" for plain paragraphs.
TASK_MARKERS = (*MARKERS, "paragraph")


def _assignee_node(assignment: dict[str, Any], marker: str | None) -> Node:
    """An assignee as a heading, labelled as the plan writes it, with its tasks (items with its
    own marker, the fact node's, or "-"; paragraphs for "paragraph") and its own divisions as
    headings under it."""
    chosen = assignment.get("marker") or marker or "-"
    tasks = [
        _leaf("paragraph", "tasks", _escape(task["text"]))
        if chosen == "paragraph"
        else _leaf("item", "tasks", _escape(task["text"]), chosen)
        for task in assignment.get("tasks") or []
    ]
    divisions = [_assignee_node(child, marker) for child in assignment.get("children") or []]
    return {
        "kind": "heading",
        "role": "tasks",
        "text": _escape(assignment.get("label") or assignment["assignee"]),
        "marker": None,
        "children": tasks + divisions,
    }


def with_facts(outline: list[Node], facts: dict[str, Any]) -> list[Node]:
    """The outline with every fact node replaced by the plan's rows of that fact.

    ``facts`` is the plan as plain data (plans/data/SCHEMA.md): slogans, targets, launch, budget,
    awards, reporting, assignments with their tasks, theme, period and scope.
    """
    nodes: list[Node] = []
    for node in outline:
        if node["role"] in FACT_ROLES and not node["text"]:
            nodes.extend(_fact_nodes(node, facts))
        else:
            nodes.append({**node, "children": with_facts(node["children"], facts)})
    return nodes


def activities(outline: list[Node]) -> Iterator[Node]:
    """The activity nodes of the outline, in document order."""
    for node in outline:
        if node["role"] == "activity":
            yield node
        yield from activities(node["children"])


def printed(outline: list[Node]) -> list[Node]:
    """The outline with each node's number as printed: a heading's Decree-30 number, an item's
    marker ("-", "+", "1." …), "" for a paragraph."""
    numbers = {id(node): number for node, number in heading_numbers(outline)}
    markers = item_markers(outline)

    def walk(nodes: list[Node]) -> list[Node]:
        return [
            {
                **node,
                "number": markers.get(id(node), numbers.get(id(node), "")),
                "children": walk(node["children"]),
            }
            for node in nodes
        ]

    return walk(outline)

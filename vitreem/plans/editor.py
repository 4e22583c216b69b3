"""Editing a draft plan's body one operation at a time: the outline editor's services.

Each operation (``outline_edit``) is one transaction: the draft is locked, the version the editor
saw is compared with the outline's (a digest of its content: another person's change in between
answers ``OutlineConflictError``, never a lost update), the operation is applied to a copy, and
the result is checked as a whole — ``validate_outline``, Decree-30 numbering, and the parts of the
plan its rows print in (tasks, reporting, …). A refusal (``OutlineRefusedError``) changes nothing
and says why in Vietnamese. Every change is audited with the outline before it, which is what
``undo`` puts back.

Paths name a node by its indices: "2" is the third node at the top, "2.0" its first child.
"""

import copy
import hashlib
import json
import re
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from vitreem.accounts.access import Action, require_plan
from vitreem.accounts.models import User
from vitreem.core.audit import audit_record
from vitreem.core.models import AuditEvent
from vitreem.core.text import nfc, text_problem

from .dates import PartialDate, parse_written
from .models import Plan, PlanStatus
from .outline import (
    ACTIVITY_GROUPS,
    FACT_ROLES,
    KINDS,
    MARKERS,
    MAX_UNIT_TEXT,
    MAX_UNITS,
    ROLES,
    Node,
    OutlineError,
    heading_numbers,
    validate_outline,
)

OPS = ("edit", "add", "insert", "delete", "up", "down", "indent", "outdent", "undo")
EDIT_ACTION = "plan.outline"
UNDO_ACTION = "plan.outline_undo"

# What each part standing for the plan's rows is called on screen.
FACT_LABELS = {
    "theme": gettext_lazy("Chủ đề, thời gian, phạm vi"),
    "targets": gettext_lazy("Chỉ tiêu"),
    "slogans": gettext_lazy("Khẩu hiệu"),
    "launch": gettext_lazy("Lễ phát động"),
    "budget": gettext_lazy("Kinh phí"),
    "awards": gettext_lazy("Khen thưởng"),
    "tasks": gettext_lazy("Phân công nhiệm vụ"),
    "reporting": gettext_lazy("Chế độ báo cáo"),
}

_PATH = re.compile(r"^\d{1,4}(\.\d{1,4}){0,7}$")
# Markup of other kinds than **bold** and *italic*: HTML tags and entities, which would print as
# written rather than as the writer meant.
_FOREIGN_MARKUP = re.compile(r"<\s*/?\s*[a-zA-Z!][^>]*>|&(#\d+|#x[0-9a-fA-F]+|[a-zA-Z]+);")


class OutlineRefusedError(ValidationError):
    """The operation would leave a body the plan cannot have; nothing was changed."""


class OutlineConflictError(Exception):
    """The outline changed since the editor read it (another person, another tab)."""

    def __init__(self, version: str) -> None:
        self.version = version
        super().__init__(
            _(
                "Nội dung kế hoạch vừa được người khác (hoặc một cửa sổ khác) sửa sau khi bạn mở "
                "trang; thay đổi của bạn chưa được lưu. Hãy xem bản mới nhất rồi sửa lại."
            )
        )


@dataclass
class OutlineEdit:
    """A saved operation: the plan, the outline's new version, the node to look at next."""

    plan: Plan
    version: str
    focus: str


def outline_version(outline: list[Node]) -> str:
    """A digest of the outline's content: what an editor sends back to say what it saw."""
    text = json.dumps(outline, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:20]


def parse_path(path: str) -> list[int]:
    if not isinstance(path, str) or not _PATH.match(path):
        raise OutlineRefusedError(_("Vị trí “%(path)s” không hợp lệ.") % {"path": str(path)[:40]})
    return [int(part) for part in path.split(".")]


def path_text(indices: list[int]) -> str:
    return ".".join(str(i) for i in indices)


def _siblings(outline: list[Node], indices: list[int], *, extra: int = 0) -> list[Node]:
    """The list the path's last index points into; ``extra`` = 1 lets it point just past the end."""
    nodes = outline
    for depth, index in enumerate(indices):
        last = depth == len(indices) - 1
        if index >= len(nodes) + (extra if last else 0):
            raise OutlineRefusedError(
                _("Không có mục ở vị trí %(path)s trong nội dung kế hoạch.")
                % {"path": path_text(indices)}
            )
        if not last:
            nodes = nodes[index]["children"]
    return nodes


def clean_text(value: Any) -> str:
    """A text of the plan as written on screen (NFC, one line), or OutlineRefusedError: a control
    character, HTML or an entity. Used by the outline and by the appendices (plans/services.py)."""
    if not isinstance(value, str):
        raise OutlineRefusedError(_("Nội dung của mục phải là chữ."))
    if problem := text_problem(value):
        raise OutlineRefusedError(problem)
    if _FOREIGN_MARKUP.search(value):
        raise OutlineRefusedError(
            _(
                "Nội dung chỉ được đánh dấu **đậm** và *nghiêng*; thẻ HTML hay ký hiệu khác "
                "không được dùng (muốn viết dấu sao, gõ \\*)."
            )
        )
    return nfc(value)


def _written_day(value: Any, label: str) -> PartialDate | None:
    """A date the editor typed ("6/2026", "15/06/2026", "2026"), as far as it is given."""
    if value is None or value == "":
        return None
    try:
        if not isinstance(value, str):
            raise ValueError(value)
        return parse_written(value)
    except ValueError:
        raise OutlineRefusedError(
            _(
                "%(field)s “%(value)s” không hợp lệ: hãy viết ngày dd/mm/yyyy, chỉ tháng mm/yyyy "
                "hoặc chỉ năm yyyy, ví dụ 15/06/2026, 6/2026, 2026."
            )
            % {"field": label, "value": str(value)[:40]}
        ) from None


def _activity_fields(given: Any) -> dict[str, Any]:
    """An activity's group, dates and implementing units as the editor sends them."""
    if not isinstance(given, dict) or set(given) - {"group", "start", "end", "units"}:
        raise OutlineRefusedError(_("Thông tin hoạt động gửi lên không hợp lệ."))
    group = given.get("group") or None
    if group is not None and group not in ACTIVITY_GROUPS:
        raise OutlineRefusedError(
            _("Nhóm hoạt động phải là một trong bảy nhóm của Thông tư 28/2019/TT-BLĐTBXH.")
        )
    start = _written_day(given.get("start"), _("Ngày bắt đầu"))
    end = _written_day(given.get("end"), _("Ngày kết thúc"))
    if start and end and end.last() < start.first():
        raise OutlineRefusedError(_("Thời gian của hoạt động kết thúc trước khi bắt đầu."))
    units = given.get("units") or []
    if isinstance(units, str):
        units = re.split(r"[;\n]", units)
    if not isinstance(units, list) or not all(isinstance(u, str) for u in units):
        raise OutlineRefusedError(_("Đơn vị thực hiện phải là các tên đơn vị."))
    names = [clean_text(u).strip() for u in units if u.strip()]
    if len(names) > MAX_UNITS:
        raise OutlineRefusedError(
            _("Một hoạt động ghi tối đa %(n)d đơn vị thực hiện.") % {"n": MAX_UNITS}
        )
    if any(len(name) > MAX_UNIT_TEXT for name in names):
        raise OutlineRefusedError(
            _("Tên đơn vị thực hiện dài quá %(n)d ký tự.") % {"n": MAX_UNIT_TEXT}
        )
    return {
        "group": group,
        "start": start.iso() if start else None,
        "end": end.iso() if end else None,
        "units": names,
    }


def _fields(given: Any) -> dict[str, Any]:
    """The fields of a node as the editor sends them: kind, text, marker, role and, for an
    activity, its group, dates and implementing units (each optional)."""
    if given is None:
        return {}
    if not isinstance(given, dict):
        raise OutlineRefusedError(_("Mục gửi lên không hợp lệ."))
    unknown = set(given) - {"kind", "text", "marker", "role", "activity"}
    if unknown:
        raise OutlineRefusedError(
            _("Trường không được phép: %(keys)s.") % {"keys": ", ".join(sorted(map(str, unknown)))}
        )
    fields: dict[str, Any] = {}
    if "kind" in given:
        if given["kind"] not in KINDS:
            raise OutlineRefusedError(_("Loại mục phải là đề mục, đoạn văn hoặc ý liệt kê."))
        fields["kind"] = given["kind"]
    if "marker" in given and given["marker"] not in (None, ""):
        if given["marker"] not in MARKERS:
            raise OutlineRefusedError(_("Dấu đầu dòng phải là -, + hoặc đánh số."))
        fields["marker"] = given["marker"]
    if "role" in given:
        role = given["role"] or None
        if role is not None and role not in ROLES:
            raise OutlineRefusedError(_("Vai trò của mục không hợp lệ."))
        fields["role"] = role
    if "text" in given:
        fields["text"] = clean_text(given["text"])
    if given.get("activity") is not None:
        fields["activity"] = _activity_fields(given["activity"])
    return fields


def _shaped(node: Node) -> Node:
    """Kind and marker agreeing: an item has a marker ("-" unless chosen), nothing else has."""
    if node["kind"] == "item":
        node["marker"] = node.get("marker") or "-"
    else:
        node["marker"] = None
    return node


def _new_node(given: Any, like: Node | None) -> Node:
    fields = _fields(given)
    if "activity" in fields and fields.get("role") != "activity":
        raise OutlineRefusedError(
            _(
                "Chỉ mục có vai trò “Hoạt động” mới ghi được nhóm hoạt động, thời gian và "
                "đơn vị thực hiện."
            )
        )
    kind = fields.get("kind") or (like["kind"] if like else "paragraph")
    marker = fields.get("marker") or (like.get("marker") if like and like["kind"] == kind else None)
    node = {
        "kind": kind,
        "role": fields.get("role"),
        "text": fields.get("text", ""),
        "marker": marker,
        "children": [],
    }
    if "activity" in fields:
        node["activity"] = fields["activity"]
    return _shaped(node)


def apply_op(outline: list[Node], op: str, path: str, given: Any = None) -> tuple[list[Node], str]:
    """The outline after one operation (a new list; the given one is untouched) and the path of
    the node it leaves in focus. OutlineRefusedError for an unknown operation or a bad path."""
    if op not in OPS or op == "undo":
        raise OutlineRefusedError(_("Thao tác “%(op)s” không có.") % {"op": str(op)[:20]})
    after = copy.deepcopy(outline)
    indices = parse_path(path)
    *parent, index = indices
    if op == "insert":
        siblings = _siblings(after, indices, extra=1)
        like = siblings[index - 1] if index else (siblings[0] if siblings else None)
        siblings.insert(index, _new_node(given, like))
        return after, path_text(indices)
    siblings = _siblings(after, indices)
    node = siblings[index]
    if op == "edit":
        fields = _fields(given)
        node.update(fields)
        if "activity" in fields and node["role"] != "activity":
            raise OutlineRefusedError(
                _(
                    "Chỉ mục có vai trò “Hoạt động” mới ghi được nhóm hoạt động, thời gian và "
                    "đơn vị thực hiện."
                )
            )
        if node["role"] != "activity":
            node.pop("activity", None)
        if "kind" in fields and "marker" not in fields and fields["kind"] != "item":
            node["marker"] = None
        _shaped(node)
        return after, path_text(indices)
    if op == "add":
        siblings.insert(index + 1, _new_node(given, node))
        return after, path_text([*parent, index + 1])
    if op == "delete":
        del siblings[index]
        if siblings:
            return after, path_text([*parent, max(index - 1, 0)])
        return after, path_text(parent)
    if op == "up":
        if index == 0:
            raise OutlineRefusedError(_("Mục đã ở đầu cấp của nó; không chuyển lên được nữa."))
        siblings[index - 1], siblings[index] = siblings[index], siblings[index - 1]
        return after, path_text([*parent, index - 1])
    if op == "down":
        if index == len(siblings) - 1:
            raise OutlineRefusedError(_("Mục đã ở cuối cấp của nó; không chuyển xuống được nữa."))
        siblings[index + 1], siblings[index] = siblings[index], siblings[index + 1]
        return after, path_text([*parent, index + 1])
    if op == "indent":
        if index == 0:
            raise OutlineRefusedError(
                _("Mục đầu tiên của một cấp không lùi vào được: không có mục ở trên làm mục cha.")
            )
        above = siblings[index - 1]
        del siblings[index]
        # A "-" item under a "-" item is a "+" item, as plans write sub-items.
        if node["kind"] == "item" and node["marker"] == "-" and above.get("marker") == "-":
            node["marker"] = "+"
        above["children"].append(node)
        return after, path_text([*parent, index - 1, len(above["children"]) - 1])
    # outdent
    if not parent:
        raise OutlineRefusedError(_("Mục đã ở cấp ngoài cùng; không lùi ra được nữa."))
    owner_list = _siblings(after, parent)
    owner = owner_list[parent[-1]]
    del siblings[index]
    if node["kind"] == "item" and node["marker"] == "+" and owner.get("marker") == "-":
        node["marker"] = "-"
    owner_list.insert(parent[-1] + 1, node)
    return after, path_text([*parent[:-1], parent[-1] + 1])


def _numbering_problems(outline: list[Node]) -> list[str]:
    """What prints badly numbered: two headings of one level with the same number (past the 14
    Roman numerals, past the letters a)…y)), headings and numbered items side by side."""
    problems: list[str] = []
    try:
        numbers = {id(node): number for node, number in heading_numbers(outline)}
    except IndexError:
        return [_("Nội dung có quá nhiều đề mục cấp I (tối đa XIV).")]

    def walk(nodes: list[Node]) -> None:
        seen: set[str] = set()
        headings = numbered = False
        for node in nodes:
            if node["kind"] == "heading":
                headings = True
                number = numbers.get(id(node), "")
                if number in seen:
                    problems.append(
                        _("Hai đề mục cùng cấp mang cùng số %(number)s.") % {"number": number}
                    )
                seen.add(number)
            elif node["kind"] == "item" and node["marker"] == "number":
                numbered = True
            walk(node["children"])
        if headings and numbered:
            problems.append(
                _("Ý liệt kê đánh số 1., 2. đứng cùng cấp với đề mục sẽ trùng số với đề mục.")
            )

    walk(outline)
    return problems


def _fact_places(outline: list[Node]) -> dict[str, int]:
    """How many nodes stand for each fact of the plan (an empty text with the fact's role)."""
    counts: dict[str, int] = {}

    def walk(nodes: list[Node]) -> None:
        for node in nodes:
            if node["role"] in FACT_ROLES and not node["text"] and node["kind"] != "heading":
                counts[node["role"]] = counts.get(node["role"], 0) + 1
            walk(node["children"])

    walk(outline)
    return counts


def fact_rows(plan: Plan, role: str) -> int:
    """How many rows of the fact the plan holds (tasks counted one by one)."""
    if role == "tasks":
        return sum(a.tasks.count() for a in plan.assignments.all()) or plan.assignments.count()
    if role == "targets":
        return plan.targets.count()
    if role == "budget":
        return plan.budget_lines.count()
    if role == "awards":
        return plan.award_rules.count()
    if role == "reporting":
        return plan.reporting.count()
    if role == "slogans":
        return len(plan.slogans or [])
    if role == "launch":
        launch = plan.launch or {}
        return int(any(launch.get(k) for k in ("date", "place", "note", "agenda")))
    return int(bool(plan.theme))  # theme: the theme, with the period and scope beside it


def check_change(plan: Plan, before: list[Node], after: list[Node]) -> list[Node]:
    """The outline after a change, clean, or OutlineRefusedError saying what it would break."""
    try:
        clean = validate_outline(after)
    except OutlineError as error:
        raise OutlineRefusedError(error.messages) from None
    problems = _numbering_problems(clean)
    if len(problems) > len(_numbering_problems(before)):
        raise OutlineRefusedError(
            _("Thay đổi này làm sai số thứ tự của văn bản: %(problem)s") % {"problem": problems[-1]}
        )
    was, now = _fact_places(before), _fact_places(clean)
    for role in FACT_ROLES:
        label = FACT_LABELS[role]
        if now.get(role, 0) > max(1, was.get(role, 0)):
            raise OutlineRefusedError(
                _("Phần “%(part)s” đã có một chỗ trong văn bản; in hai lần sẽ lặp lại nó.")
                % {"part": label}
            )
        if now.get(role, 0) < min(1, was.get(role, 0)):
            rows = fact_rows(plan, role)
            if rows:
                raise OutlineRefusedError(
                    _(
                        "Không bỏ được phần “%(part)s”: kế hoạch đang có %(rows)s dòng in ở đó "
                        "(các nhiệm vụ, báo cáo, chỉ tiêu… dựa vào phần này). Hãy chuyển phần này "
                        "đi nơi khác, hoặc xóa các dòng đó ở bước “%(part)s” trước."
                    )
                    % {"part": label, "rows": rows}
                )
    return clean


def _locked_draft(actor: User, plan: Plan) -> Plan:
    require_plan(actor, Action.ENTER, plan)
    locked = Plan.objects.select_for_update().get(pk=plan.pk)
    if locked.status != PlanStatus.DRAFT:
        raise OutlineRefusedError(_("Kế hoạch đã ban hành; muốn sửa hãy ban hành văn bản sửa đổi."))
    return locked


def _last_change(plan: Plan) -> AuditEvent | None:
    """The outline's last change or undo. Found on its narrow columns first: each event holds a
    whole outline, which a scan over a much-edited plan's events would read for nothing."""
    last = (
        AuditEvent.objects.filter(
            target_type=plan._meta.label_lower,
            target_id=str(plan.pk),
            action__in=(EDIT_ACTION, UNDO_ACTION),
        )
        .order_by("-created_at", "-id")
        .values_list("pk", flat=True)
        .first()
    )
    return None if last is None else AuditEvent.objects.get(pk=last)


def can_undo(actor: User, plan: Plan) -> bool:
    """Whether the outline's last change is the actor's own and nothing changed it since."""
    last = _last_change(plan)
    return (
        last is not None
        and last.action == EDIT_ACTION
        and last.actor_id == actor.pk
        and last.data.get("version") == outline_version(plan.outline)
    )


def outline_edit(
    *,
    actor: User,
    plan: Plan,
    op: str,
    path: str = "",
    node: dict[str, Any] | None = None,
    expected_version: str,
) -> OutlineEdit:
    """One operation on a draft's outline: edit, add (after), insert (at), delete, up, down,
    indent, outdent, or undo (the last change, when it is the actor's and the latest)."""
    require_plan(actor, Action.ENTER, plan)
    if op not in OPS:
        raise OutlineRefusedError(_("Thao tác “%(op)s” không có.") % {"op": str(op)[:20]})
    with transaction.atomic():
        plan = _locked_draft(actor, plan)
        current = outline_version(plan.outline)
        if expected_version != current:
            raise OutlineConflictError(current)
        before = plan.outline
        if op == "undo":
            last = _last_change(plan)
            if last is None or last.action != EDIT_ACTION:
                raise OutlineRefusedError(_("Không còn thay đổi nào để hoàn tác."))
            if last.actor_id != actor.pk:
                raise OutlineRefusedError(
                    _("Thay đổi gần nhất là của người khác; bạn chỉ hoàn tác thay đổi của mình.")
                )
            if last.data.get("version") != current:
                raise OutlineRefusedError(
                    _("Nội dung đã đổi sau thay đổi đó; không hoàn tác được.")
                )
            # Checked as any change: the plan's rows may have come since (tasks given, say).
            after = check_change(plan, before, last.data["before"])
            focus = str(last.data.get("path") or "0")
            action = UNDO_ACTION
        else:
            changed, focus = apply_op(before, op, path, node)
            after = check_change(plan, before, changed)
            action = EDIT_ACTION
        plan.outline = after
        plan.save(update_fields=["outline", "updated_at"])
        version = outline_version(after)
        audit_record(
            actor=actor,
            action=action,
            target=plan,
            unit=plan.issuer_unit,
            data={
                "op": op,
                "path": path if op != "undo" else focus,
                "before": before,
                "version": version,
            },
        )
    return OutlineEdit(plan=plan, version=version, focus=focus)

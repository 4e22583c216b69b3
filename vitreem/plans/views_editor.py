"""The outline editor of a draft plan's body: every node a row with its number as printed, each
row a small form posting one operation (works without JavaScript); plans/static/plans/editor.js
sends the same forms in the background and swaps in the answer, with keys for each operation.
The Decree-30 preview stands beside it."""

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from vitreem.accounts.access import Action, get_plan_for_user
from vitreem.accounts.models import User
from vitreem.documents.plans import render_plan_preview

from . import selectors
from .dates import parse_partial
from .editor import (
    FACT_LABELS,
    OutlineConflictError,
    OutlineRefusedError,
    can_undo,
    outline_edit,
    outline_version,
    parse_path,
)
from .models import ActivityGroup, Plan, PlanStatus
from .outline import FACT_ROLES, MAX_TEXT, ROLES, Node, heading_numbers, item_markers, plain

# The steps of the editor, in the order a plan is written; "outline" is this module's page, the
# others are parts of plans/edit.html.
STEPS = [
    ("header", gettext_lazy("Thông tin chung")),
    ("outline", gettext_lazy("Nội dung")),
    ("slogans", gettext_lazy("Khẩu hiệu")),
    ("targets", gettext_lazy("Chỉ tiêu")),
    ("tasks", gettext_lazy("Nhiệm vụ")),
    ("budget", gettext_lazy("Kinh phí")),
    ("reporting", gettext_lazy("Báo cáo")),
    ("launch", gettext_lazy("Lễ phát động")),
    ("awards", gettext_lazy("Khen thưởng")),
    ("recipients", gettext_lazy("Nơi nhận")),
    ("appendices", gettext_lazy("Phụ lục")),
]
# The step where the rows of each fact are written.
FACT_STEPS = {
    "theme": "header",
    "targets": "targets",
    "slogans": "slogans",
    "launch": "launch",
    "budget": "budget",
    "awards": "awards",
    "tasks": "tasks",
    "reporting": "reporting",
}

KIND_CHOICES = [
    ("heading", gettext_lazy("Đề mục (I., 1., a)…)")),
    ("paragraph", gettext_lazy("Đoạn văn")),
    ("item", gettext_lazy("Ý liệt kê")),
]
MARKER_CHOICES = [
    ("-", gettext_lazy("Gạch đầu dòng “-”")),
    ("+", gettext_lazy("Dấu cộng “+”")),
    ("number", gettext_lazy("Đánh số 1., 2.")),
]
ROLE_LABELS = {
    "basis": gettext_lazy("Căn cứ"),
    "intro": gettext_lazy("Mở đầu"),
    "purpose": gettext_lazy("Mục đích, yêu cầu"),
    "theme": gettext_lazy("Chủ đề, thời gian, phạm vi"),
    "period": gettext_lazy("Thời gian"),
    "scope": gettext_lazy("Phạm vi"),
    "targets": gettext_lazy("Chỉ tiêu"),
    "slogans": gettext_lazy("Khẩu hiệu"),
    "launch": gettext_lazy("Lễ phát động"),
    "activity": gettext_lazy("Hoạt động"),
    "budget": gettext_lazy("Kinh phí"),
    "awards": gettext_lazy("Khen thưởng"),
    "tasks": gettext_lazy("Phân công nhiệm vụ"),
    "reporting": gettext_lazy("Chế độ báo cáo"),
    "closing": gettext_lazy("Kết thúc"),
}
ROLE_CHOICES = [("", "—"), *((role, ROLE_LABELS[role]) for role in ROLES)]
NODE_FIELDS = ("kind", "text", "marker", "role")


class OutlineOpForm(forms.Form):
    """One operation as a row's form posts it; the service judges every value."""

    op = forms.CharField(max_length=20)
    path = forms.CharField(max_length=40, required=False)
    version = forms.CharField(max_length=40)
    where = forms.ChoiceField(
        choices=[("after", "after"), ("before", "before"), ("child", "child")], required=False
    )
    kind = forms.CharField(max_length=20, required=False)
    marker = forms.CharField(max_length=10, required=False)
    role = forms.CharField(max_length=20, required=False)
    text = forms.CharField(max_length=MAX_TEXT, required=False, strip=False)
    # An activity's facts (the edit form of a node whose role is "activity").
    activity_group = forms.CharField(max_length=20, required=False)
    activity_start = forms.CharField(max_length=40, required=False)
    activity_end = forms.CharField(max_length=40, required=False)
    activity_units = forms.CharField(max_length=6400, required=False)


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def _rows(outline: list[Node]) -> list[dict[str, Any]]:
    """The nodes in document order, each with its depth, path, and number or marker as printed."""
    numbers = {id(node): number for node, number in heading_numbers(outline)}
    markers = item_markers(outline)
    rows: list[dict[str, Any]] = []

    def walk(nodes: list[Node], prefix: tuple[int, ...]) -> None:
        for i, node in enumerate(nodes):
            path = (*prefix, i)
            fact = node["role"] in FACT_ROLES and not node["text"] and node["kind"] != "heading"
            rows.append(
                {
                    "path": ".".join(map(str, path)),
                    "dom": "-".join(map(str, path)),
                    "depth": min(len(path), 8),
                    "kind": node["kind"],
                    "role": node["role"],
                    "marker": node["marker"] or "",
                    "text": node["text"],
                    "plain": plain(node["text"])[:60] if not fact else "",
                    "number": markers.get(id(node), numbers.get(id(node), "")),
                    "fact": FACT_LABELS[node["role"]] if fact else "",
                    "fact_step": FACT_STEPS.get(node["role"] or "", "") if fact else "",
                    "first": i == 0,
                    "last": i == len(nodes) - 1,
                    "top": not prefix,
                    "children": len(node["children"]),
                    "activity": _activity_row(node),
                }
            )
            walk(node["children"], path)

    walk(outline, ())
    return rows


def _activity_row(node: Node) -> dict[str, str] | None:
    """An activity node's group, dates (as an official writes them) and units, for its form."""
    if node["role"] != "activity":
        return None
    facts = node.get("activity") or {}
    labels = dict(ActivityGroup.choices)
    start, end = parse_partial(facts.get("start")), parse_partial(facts.get("end"))
    return {
        "group": facts.get("group") or "",
        "group_label": str(labels.get(facts.get("group") or "", "")),
        "start": start.short() if start else "",
        "end": end.short() if end else "",
        "units": "; ".join(facts.get("units") or []),
    }


def _chosen(request: HttpRequest, name: str, rows: list[dict[str, Any]]) -> str:
    """The path a link asks to open a form at (?add=…, ?edit=…), if it names a row."""
    value = request.GET.get(name, "")
    return value if any(row["path"] == value for row in rows) else ""


def _context(request: HttpRequest, fresh: Plan, *, focus: str = "") -> dict[str, Any]:
    """The page's data; ``fresh`` is the plan with its parts and its outline as saved now."""
    rows = _rows(fresh.outline)
    return {
        "plan": fresh,
        "rows": rows,
        "version": outline_version(fresh.outline),
        "preview": render_plan_preview(selectors.plan_document(fresh)),
        "can_undo": can_undo(_user(request), fresh),
        "adding": _chosen(request, "add", rows),
        "editing": _chosen(request, "edit", rows),
        "focus": focus or request.GET.get("focus", "")[:40],
        "kinds": KIND_CHOICES,
        "markers": MARKER_CHOICES,
        "roles": ROLE_CHOICES,
        "groups": [("", "—"), *ActivityGroup.choices],
        "steps": STEPS,
        "step": "outline",
        "end_path": str(len(fresh.outline)),
        "max_text": str(MAX_TEXT),  # as digits, not "5.000" in Vietnamese
    }


def _operation(form: OutlineOpForm, request: HttpRequest, outline: list[Node]) -> dict[str, Any]:
    """The service's arguments from the form: "add" with where=before/child becomes an insert."""
    data = form.cleaned_data
    op, path = data["op"], data["path"]
    node: dict[str, Any] = {name: data[name] for name in NODE_FIELDS if name in request.POST}
    # A node turned from an activity into something else drops its activity's facts.
    if "activity_group" in request.POST and request.POST.get("role", "activity") == "activity":
        node["activity"] = {
            "group": data["activity_group"],
            "start": data["activity_start"],
            "end": data["activity_end"],
            "units": data["activity_units"],
        }
    if op == "add" and data.get("where") in {"before", "child"}:
        indices = parse_path(path)
        if data["where"] == "before":
            op = "insert"
        else:
            nodes = outline
            for index in indices:
                nodes = nodes[index]["children"] if index < len(nodes) else []
            op, path = "insert", f"{path}.{len(nodes)}"
    return {"op": op, "path": path, "node": node or None}


def _is_fetch(request: HttpRequest) -> bool:
    return request.headers.get("X-Requested-With") == "fetch"


@login_required
def outline_editor(request: HttpRequest, plan_id: int) -> HttpResponse:
    user = _user(request)
    plan = get_plan_for_user(user, plan_id, Action.ENTER)
    if plan.status != PlanStatus.DRAFT:
        messages.error(request, _("Kế hoạch đã ban hành; muốn sửa hãy ban hành văn bản sửa đổi."))
        return redirect("plans:detail", plan_id)
    if request.method != "POST":
        return render(request, "plans/outline.html", _context(request, plan))
    form = OutlineOpForm(request.POST)
    status, problems, focus = 200, [], request.POST.get("path", "")[:40]
    if not form.is_valid():
        status, problems = 422, [_("Yêu cầu không hợp lệ; không có gì thay đổi.")]
    else:
        try:
            done = outline_edit(
                actor=user,
                plan=plan,
                expected_version=form.cleaned_data["version"],
                **_operation(form, request, plan.outline),
            )
        except OutlineConflictError as conflict:
            status, problems = 409, [str(conflict)]
        except OutlineRefusedError as refused:
            status, problems = 422, list(refused.messages)
        else:
            focus = done.focus
    # Only the outline changed (here or, for a conflict, elsewhere): the parts read stay.
    plan.refresh_from_db(fields=["outline"])
    if _is_fetch(request):
        context = {
            **_context(request, plan, focus=focus),
            "problems": problems,
            "saved": not problems,
        }
        return render(request, "plans/_outline_panes.html", context, status=status)
    if problems:
        context = {**_context(request, plan, focus=focus), "problems": problems}
        return render(request, "plans/outline.html", context, status=status)
    messages.success(request, _("Đã lưu."))
    url = reverse("plans:outline", args=[plan_id])
    return redirect(f"{url}?focus={focus}#n{focus.replace('.', '-')}")

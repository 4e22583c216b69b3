"""The import pages: upload a plan file, review what was recognised beside its text, save."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from vitreem.accounts.access import Action, can, require, units_with_action
from vitreem.accounts.models import User
from vitreem.core.text import nfc
from vitreem.plans.models import Plan
from vitreem.units.models import AdministrativeUnit
from vitreem.units.selectors import unit_or_404

from .agencies import proposal
from .forms import KEEP_OWN, NEW_AGENCY, SURE_OF, ReviewForm, UploadForm, review_initial
from .pipeline import recognise_upload, unit_agencies
from .reading import MAX_BYTES, ImportRefusedError
from .selectors import units_above
from .services import plan_import_receive, plan_import_save


def _review_rows(form: ReviewForm, sure: dict[str, bool]) -> list[dict[str, Any]]:
    """The review's fields, the unsure first (each keeps its order within its group)."""
    rows: list[dict[str, Any]] = [
        {"field": form[name], "sure": sure.get(key, False)} for name, key in SURE_OF.items()
    ]
    rows.append({"field": form["subtitle"], "sure": True})
    return sorted(rows, key=lambda row: bool(row["sure"]))


def _render_review(
    request: HttpRequest,
    form: ReviewForm,
    plan: dict[str, Any],
    source: str,
    unit: AdministrativeUnit,
) -> HttpResponse:
    sure = plan.get("sure") or {}
    agencies = unit_agencies(unit)
    names = {code: name for code, name in agencies}
    rows = [
        {
            "index": i,
            "assignment": a,
            "agency": a.get("agency") if a.get("agency") in names else "",
            "proposed": a.get("proposed_agency"),
            "label": request.POST.get(f"assignee_{i}") or a.get("assignee") or "",
        }
        for i, a in enumerate(plan.get("assignments") or [])
    ]
    # The assignees no agency matches first (unsure), each group in the plan's order.
    rows.sort(key=lambda row: bool(row["agency"]))
    unmatched = sum(1 for row in rows if not row["agency"])
    return render(
        request,
        "plans/import_review.html",
        {
            "form": form,
            "rows": _review_rows(form, sure),
            "plan": plan,
            "source": source,
            "unsure": sum(1 for ok in sure.values() if not ok) + unmatched,
            "assignments": rows,
            "agencies": agencies,
            "can_create_agencies": can(request.user, Action.MANAGE, unit),
        },
    )


def _choose_agencies(request: HttpRequest, plan: dict[str, Any], codes: set[str]) -> None:
    """Each assignee as the officer corrected it, and its agency as she chose it: one of the
    unit's, a new agency to create (as proposed for the name), or kept as written."""
    for index, assignment in enumerate(plan.get("assignments") or []):
        label = nfc(request.POST.get(f"assignee_{index}", "")).strip()
        if label and label != assignment.get("assignee"):
            assignment["assignee"] = label
            assignment["proposed_agency"] = proposal(label)
        chosen = request.POST.get(f"agency_{index}", "")
        assignment["agency"] = chosen if chosen in codes else None
        assignment["create_agency"] = chosen == NEW_AGENCY and bool(
            assignment.get("proposed_agency")
        )


def _save(
    request: HttpRequest, user: User, unit: AdministrativeUnit, review: ReviewForm
) -> Plan | None:
    """The reviewed plan saved as the officer chose; None with the errors on the form."""
    reviewed = review.reviewed()
    keep_as = review.cleaned_data.get("keep_as") or KEEP_OWN
    try:
        if keep_as != KEEP_OWN:
            issuer = next(u for u in units_above(unit) if u.code == keep_as)
            plan = plan_import_receive(
                actor=user, receiving_unit=unit, issuer_unit=issuer, reviewed=reviewed
            )
            messages.success(
                request,
                _(
                    "Đã lưu kế hoạch cấp trên đã nhận. Hãy xây dựng kế hoạch của đơn vị "
                    "từ kế hoạch này."
                ),
            )
            return plan
        _choose_agencies(request, reviewed, {code for code, _name in unit_agencies(unit)})
        plan = plan_import_save(actor=user, issuer_unit=unit, reviewed=reviewed)
    except ValidationError as error:
        for message in error.messages:
            review.add_error(None, message)
        return None
    messages.success(request, _("Đã lưu dự thảo kế hoạch từ tệp đã nhập."))
    return plan


@login_required
def plan_import(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    units = list(units_with_action(user, Action.ENTER))
    if request.method == "POST" and request.POST.get("step") == "save":
        unit = unit_or_404(request.POST.get("unit", ""), timezone.localdate())
        require(user, Action.ENTER, unit)
        review = ReviewForm(request.POST, above=units_above(unit))
        if review.is_valid():
            plan = _save(request, user, unit, review)
            if plan is not None:
                return redirect("plans:detail", plan.pk)
        recognised = (
            review.cleaned_data.get("recognised") if hasattr(review, "cleaned_data") else {}
        )
        source = request.POST.get("source", "")
        return _render_review(request, review, recognised or {}, source, unit)
    form = UploadForm(request.POST or None, request.FILES or None, units=units)
    if request.method == "POST" and form.is_valid():
        unit = form.cleaned_data["unit"]
        require(user, Action.ENTER, unit)
        upload = form.cleaned_data["file"]
        try:
            if (upload.size or 0) > MAX_BYTES:
                raise ImportRefusedError(
                    _("Tệp quá lớn: tối đa %(mb)s MB; không có gì được lưu.")
                    % {"mb": MAX_BYTES // 2**20}
                )
            recognised = recognise_upload(upload.name or "", upload.read(MAX_BYTES + 1), unit)
        except ImportRefusedError as error:
            form.add_error("file", str(error))
        else:
            source = recognised.pop("source_text", "")
            review = ReviewForm(
                initial=review_initial(unit.code, recognised), above=units_above(unit)
            )
            return _render_review(request, review, recognised, source, unit)
    return render(request, "plans/import.html", {"form": form, "has_units": bool(units)})

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from vitreem.accounts.access import get_plan_for_user
from vitreem.documents.plans import render_plan_preview

from . import selectors
from .documents import plan_docx_response
from .models import PlanKind


@login_required
def plan_list(request: HttpRequest) -> HttpResponse:
    year = request.GET.get("year", "")
    kind = request.GET.get("kind", "")
    plans = selectors.plans_for_user(
        request.user,
        year=int(year) if year.isdigit() else None,
        kind=kind if kind in PlanKind.values else None,
    )
    return render(
        request,
        "plans/list.html",
        {
            "page": Paginator(plans, 50).get_page(request.GET.get("page")),
            "year": year,
            "kind": kind,
            "kinds": PlanKind.choices,
        },
    )


@login_required
def plan_detail(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = get_plan_for_user(request.user, plan_id)
    preview = render_plan_preview(selectors.plan_document(plan))
    return render(request, "plans/detail.html", {"plan": plan, "preview": preview})


@login_required
def plan_docx(request: HttpRequest, plan_id: int) -> HttpResponse:
    return plan_docx_response(get_plan_for_user(request.user, plan_id))

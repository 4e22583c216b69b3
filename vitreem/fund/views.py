"""The fund's pages: thin views over the fund's services and selectors.

A refusal from a service (ValidationError) is shown on the form it came from and changes
nothing. Readers of the unit's subtree read a fund; its own unit's officers and leaders write;
the public disclosure page needs no login and carries no child's personal data.
"""

from datetime import date
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from vitreem.accounts.access import (
    Action,
    can,
    can_read_sensitive,
    get_child_for_user,
    get_fund_for_user,
    units_with_action,
)
from vitreem.accounts.models import User
from vitreem.children.models import Child
from vitreem.children.services import reads_record

from . import selectors, services
from .forms import (
    DisbursementForm,
    DonationForm,
    DonorForm,
    FundForm,
    FundSupportForm,
    NormDecisionForm,
    NormItemFormSet,
    PeriodForm,
    ReverseForm,
    money_text,
    norm_items,
)
from .models import Fund


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def _refused(form: Form, error: ValidationError, rename: dict[str, str] | None = None) -> None:
    """Put a service's refusal on the form: on the field it names, else above the form."""
    rename = rename or {}
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            name = rename.get(field, field)
            for message in errors:
                form.add_error(name if name in form.fields else None, message)
    else:
        for message in error.messages:
            form.add_error(None, message)


def _period(request: HttpRequest, today: date) -> tuple[PeriodForm, int, int | None, date | None]:
    """The year, quarter and date asked for in the query string; today's year by default."""
    form = PeriodForm(request.GET or None)
    if form.is_valid():
        data = form.cleaned_data
        return form, data["year"] or today.year, data["quarter"], data["as_of"]
    return form, today.year, None, None


@login_required
def fund_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    return render(
        request,
        "fund/list.html",
        {
            "funds": selectors.funds_for_user(user),
            "can_create": bool(list(units_with_action(user, Action.MANAGE))),
        },
    )


@login_required
def fund_new(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    units = list(units_with_action(user, Action.MANAGE))
    form = FundForm(request.POST or None, units=units)
    if request.method == "POST" and form.is_valid():
        try:
            fund = services.fund_create(actor=user, **form.cleaned_data)
        except ValidationError as error:
            _refused(form, error)
        else:
            messages.success(request, _("Đã lập %(name)s.") % {"name": fund.name})
            return redirect("fund:detail", fund.pk)
    return render(request, "fund/new.html", {"form": form, "has_units": bool(units)})


@login_required
def fund_detail(request: HttpRequest, fund_id: int) -> HttpResponse:
    user = _user(request)
    fund = get_fund_for_user(user, fund_id)
    today = timezone.localdate()
    period, year, _quarter, as_of = _period(request, today)
    overview = selectors.fund_overview(fund, year=year, today=today, as_of=as_of)
    return render(
        request,
        "fund/detail.html",
        {
            "fund": fund,
            "o": overview,
            "carried_on": selectors.carried_on(fund, user),
            "period": period,
            "year": str(year),
            "can_enter": can(user, Action.ENTER, fund.unit),
            "can_manage": can(user, Action.MANAGE, fund.unit),
        },
    )


def _write_page(
    request: HttpRequest, fund: Fund, template: str, context: dict[str, Any]
) -> HttpResponse:
    return render(request, f"fund/{template}", {"fund": fund, **context})


@login_required
def donor_new(request: HttpRequest, fund_id: int) -> HttpResponse:
    user = _user(request)
    fund = get_fund_for_user(user, fund_id, Action.ENTER)
    form = DonorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            donor = services.donor_add(actor=user, fund=fund, **form.cleaned_data)
        except ValidationError as error:
            _refused(form, error)
        else:
            messages.success(request, _("Đã thêm nhà tài trợ %(name)s.") % {"name": donor.name})
            return redirect(reverse("fund:donation_new", args=[fund.pk]) + f"?donor={donor.pk}")
    return _write_page(request, fund, "donor_form.html", {"form": form})


@login_required
def donation_new(request: HttpRequest, fund_id: int) -> HttpResponse:
    user = _user(request)
    fund = get_fund_for_user(user, fund_id, Action.ENTER)
    form = DonationForm(
        request.POST or None,
        fund=fund,
        initial={
            "donor": request.GET.get("donor"),
            "received_on": timezone.localdate(),
            "earmark_child": request.GET.get("child", ""),
        },
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        public_id = data.pop("earmark_child")
        child: Child | None = None
        if public_id:
            try:
                child = get_child_for_user(user, public_id)
            except Http404:
                form.add_error("earmark_child", _("Không tìm thấy hồ sơ trẻ em có mã này."))
        if not form.errors:
            try:
                donation = services.donation_record(
                    actor=user, fund=fund, earmark_child=child, **data
                )
            except ValidationError as error:
                _refused(form, error)
            else:
                messages.success(
                    request,
                    _("Đã ghi nhận khoản đóng góp %(amount)s đồng của %(donor)s.")
                    % {"amount": money_text(donation.amount), "donor": data["donor"]},
                )
                return redirect("fund:detail", fund.pk)
    return _write_page(request, fund, "donation_form.html", {"form": form})


@login_required
def donation_reverse(request: HttpRequest, fund_id: int, donation_id: int) -> HttpResponse:
    user = _user(request)
    fund = get_fund_for_user(user, fund_id, Action.ENTER)
    donation = get_object_or_404(selectors.donations_of(fund), pk=donation_id)
    form = ReverseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.donation_reverse(
                actor=user, donation=donation, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            _refused(form, error)
        else:
            messages.success(request, _("Đã hủy khoản đóng góp bằng một bút toán hủy."))
            return redirect("fund:detail", fund.pk)
    return _write_page(request, fund, "reverse_form.html", {"form": form, "donation": donation})


@login_required
def disbursement_new(request: HttpRequest, fund_id: int) -> HttpResponse:
    user = _user(request)
    fund = get_fund_for_user(user, fund_id, Action.ENTER)
    today = timezone.localdate()
    form = DisbursementForm(
        request.POST or None,
        earmarks=selectors.open_earmarks(fund),
        initial={"paid_on": today, "beneficiaries": 0},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.disbursement_record(actor=user, fund=fund, data=form.disbursement_data())
        except ValidationError as error:
            _refused(form, error)
        else:
            messages.success(request, _("Đã ghi khoản chi."))
            return redirect("fund:detail", fund.pk)
    return _write_page(
        request,
        fund,
        "disbursement_form.html",
        {
            "form": form,
            "norms": selectors.norms_in_force(fund, today),
            "balance": selectors.balance(fund, today),
        },
    )


@login_required
def norms_new(request: HttpRequest, fund_id: int) -> HttpResponse:
    user = _user(request)
    fund = get_fund_for_user(user, fund_id, Action.MANAGE)
    form = NormDecisionForm(request.POST or None)
    items = NormItemFormSet(request.POST or None, prefix="items")
    if request.method == "POST" and form.is_valid() and items.is_valid():
        try:
            decision = services.norm_decision_add(
                actor=user, fund=fund, items=norm_items(items), **form.cleaned_data
            )
        except ValidationError as error:
            _refused(form, error)
        else:
            messages.success(
                request, _("Đã ghi quyết định định mức %(number)s.") % {"number": decision.number}
            )
            return redirect("fund:detail", fund.pk)
    return _write_page(
        request,
        fund,
        "norms_form.html",
        {
            "form": form,
            "items": items,
            "norms": selectors.norms_in_force(fund, timezone.localdate()),
        },
    )


def _child_of_query(request: HttpRequest, user: User) -> Child:
    """The child named in the query string (?child=<public id>), or 404."""
    public_id = request.GET.get("child", "")
    if not public_id:
        raise Http404(_("Không tìm thấy hồ sơ trẻ em."))
    return get_child_for_user(user, public_id)


@login_required
def support_choose(request: HttpRequest) -> HttpResponse:
    """From a child's page: the funds that may support the child; straight on when only one."""
    user = _user(request)
    child = _child_of_query(request, user)
    funds = selectors.funds_for_child(user, child)
    if len(funds) == 1:
        return redirect(reverse("fund:support", args=[funds[0].pk]) + f"?child={child.public_id}")
    reads_record(user=user, children=[child], via="page")  # the page names the child
    return render(request, "fund/support_choose.html", {"child": child, "funds": funds})


# Errors of the fund's payment, on the support form's own fields.
_SUPPORT_FIELDS = {"amount": "value", "paid_on": "given_on", "category": "kind"}


@login_required
def fund_support(request: HttpRequest, fund_id: int) -> HttpResponse:
    user = _user(request)
    fund = get_fund_for_user(user, fund_id, Action.ENTER)
    child = _child_of_query(request, user)
    form = FundSupportForm(
        request.POST or None,
        sensitive=can_read_sensitive(user, child.unit),
        earmarks=selectors.open_earmarks(fund),
        initial={"given_on": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.fund_support_child(
                actor=user,
                fund=fund,
                child=child,
                support=form.support_data(),
                voucher_number=form.cleaned_data["voucher_number"],
                earmark_donation=form.cleaned_data["earmark_donation"],
            )
        except ValidationError as error:
            _refused(form, error, _SUPPORT_FIELDS)
        else:
            messages.success(request, _("Đã ghi hỗ trợ từ quỹ và khoản chi của quỹ."))
            return redirect("children:detail", child.public_id)
    else:
        reads_record(user=user, children=[child], via="page")
    return _write_page(request, fund, "support_form.html", {"form": form, "child": child})


def fund_disclosure(request: HttpRequest, fund_id: int) -> HttpResponse:
    """The public disclosure of a quarter or a year (Decree 93/2019, Article 38): no login."""
    fund = get_object_or_404(selectors.public_funds(), pk=fund_id)
    period, year, quarter, _as_of = _period(request, timezone.localdate())
    response = render(
        request,
        "fund/disclosure.html",
        {
            "fund": fund,
            "d": selectors.disclosure(fund, year, quarter),
            "period": period,
            "year": str(year),
            "quarter": str(quarter or ""),
        },
    )
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response

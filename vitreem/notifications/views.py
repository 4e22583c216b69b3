from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from vitreem.accounts.models import User

from . import selectors, services
from .forms import PreferenceForm
from .models import MailMode

PER_PAGE = 30


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    """The user's own inbox: nothing here is another's, so the rule is the owner's filter."""
    user = _user(request)
    unread_only = request.GET.get("unread") == "1"
    page = Paginator(selectors.inbox(user, unread_only=unread_only), PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "notifications/inbox.html",
        {"page": page, "unread_only": unread_only, "unread": selectors.unread_count(user)},
    )


@login_required
@require_POST
def mark_read(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    ids = [
        int(i) for i in request.POST.getlist("id") if i.isascii() and i.isdigit() and len(i) < 12
    ][:500]
    if request.POST.get("all") == "1":
        services.mark_read(user=user)
    else:
        services.mark_read(user=user, ids=ids)
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect("notifications:inbox")


@login_required
def preference(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    saved = selectors.preference(user)
    initial = {
        "mail": saved.mail if saved else MailMode.EACH,
        "muted": saved.muted if saved else [],
    }
    form = PreferenceForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.preference_save(
                user=user, mail=form.cleaned_data["mail"], muted=form.cleaned_data["muted"]
            )
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
        else:
            messages.success(request, _("Đã lưu cách nhận thông báo."))
            return redirect("notifications:settings")
    return render(
        request, "notifications/settings.html", {"form": form, "has_email": bool(user.email)}
    )

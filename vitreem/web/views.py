import logging

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AnonymousUser
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponsePermanentRedirect,
    HttpResponseServerError,
)
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.template import loader
from django.templatetags.static import static
from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import gettext
from django.views.decorators.csrf import requires_csrf_token

from vitreem.accounts.access import Action, can
from vitreem.accounts.models import Role, User
from vitreem.accounts.selectors import my_memberships
from vitreem.core import logs
from vitreem.plans.selectors import is_overdue, tasks_for_user
from vitreem.reporting.selectors import my_open_submissions, open_rounds

HOME_UNITS, HOME_ROUNDS = 3, 3  # units and open rounds whose completeness the home page shows


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Where a day starts: my units, the reports my units still owe, the tasks due first."""
    assert isinstance(request.user, User)
    today = timezone.localdate()
    tasks = [
        (task, is_overdue(task, today))
        for task in tasks_for_user(request.user).exclude(status__in=["done", "cannot_do"])[:8]
    ]
    memberships = list(my_memberships(request.user))
    # A leader's day starts at the dashboard; everyone sees how the reports of their units stand.
    leads = [m.unit for m in memberships if m.role == Role.LEADER and m.unit.is_in_force_on(today)]
    units = [
        m.unit
        for m in memberships
        if m.unit.is_in_force_on(today) and can(request.user, Action.READ, m.unit)
    ]
    completeness = [
        (unit, rounds)
        for unit in list(dict.fromkeys(units))[:HOME_UNITS]
        if (rounds := open_rounds(unit, today)[:HOME_ROUNDS])
    ]
    return render(
        request,
        "web/home.html",
        {
            "memberships": memberships,
            "leads": leads,
            "completeness": completeness,
            "reports": my_open_submissions(request.user)[:8],
            "tasks": tasks,
            "today": today,
        },
    )


def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers and crawlers ask for /favicon.ico whatever the page links: send them to the icon."""
    return HttpResponsePermanentRedirect(static("web/favicon.svg"))


logger = logging.getLogger(__name__)


@requires_csrf_token
def server_error(request: HttpRequest) -> HttpResponse:
    """Our 500 page, with the menu when the user is known, rendered without the context
    processors: the error may be the database itself, so nothing here may need it."""
    user = getattr(request, "user", None)
    try:
        # The session's user may not have been loaded yet, and loading it needs the database.
        known = user is not None and bool(user.is_authenticated)
    except Exception:  # any failure here must still give the page
        logger.warning("500 page: the user could not be loaded", exc_info=True)
        known = False
    context = {
        "request": request,
        "user": user if known else AnonymousUser(),
        "csrf_token": get_token(request),
        "demo_mode": settings.DEMO_MODE,
        "request_id": "" if logs.request_id.get() == "-" else logs.request_id.get(),
    }
    try:
        return HttpResponseServerError(loader.get_template("500.html").render(context))
    except Exception:  # the page itself failed (e.g. static files not collected): say it plainly
        logger.exception("500 page could not be rendered")
        return HttpResponseServerError(
            _PLAIN_500 % {"title": gettext("Lỗi hệ thống"), "id": escape(context["request_id"])}
        )


_PLAIN_500 = (
    '<!doctype html><meta charset="utf-8"><title>%(title)s</title><h1>%(title)s</h1><p>%(id)s</p>'
)

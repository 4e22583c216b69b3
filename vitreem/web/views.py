from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from vitreem.accounts.models import User
from vitreem.accounts.selectors import my_memberships
from vitreem.plans.selectors import is_overdue, tasks_for_user
from vitreem.reporting.selectors import my_open_submissions


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Where a day starts: my units, the reports my units still owe, the tasks due first."""
    assert isinstance(request.user, User)
    today = timezone.localdate()
    tasks = [
        (task, is_overdue(task, today))
        for task in tasks_for_user(request.user).exclude(status__in=["done", "cannot_do"])[:8]
    ]
    return render(
        request,
        "web/home.html",
        {
            "memberships": my_memberships(request.user),
            "reports": my_open_submissions(request.user)[:8],
            "tasks": tasks,
            "today": today,
        },
    )

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from vitreem.accounts.models import User
from vitreem.accounts.selectors import my_memberships


@login_required
def home(request: HttpRequest) -> HttpResponse:
    assert isinstance(request.user, User)
    return render(request, "web/home.html", {"memberships": my_memberships(request.user)})

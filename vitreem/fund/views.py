from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from . import selectors


@login_required
def fund_list(request: HttpRequest) -> HttpResponse:
    return render(request, "fund/list.html", {"funds": selectors.funds_for_user(request.user)})

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None, credentials: dict | None
) -> HttpResponse:
    """django-axes' answer to a locked-out login: JSON for API clients, a page for browsers."""
    if request.path.startswith("/api/"):
        return JsonResponse(
            {"detail": _("Tài khoản tạm khóa do đăng nhập sai nhiều lần; hãy thử lại sau.")},
            status=429,
        )
    return render(request, "registration/locked_out.html", status=429)

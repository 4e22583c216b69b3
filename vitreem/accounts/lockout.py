"""Login throttling around django-axes.

- The client's address: REMOTE_ADDR, or, when settings.TRUSTED_PROXY_COUNT proxies stand in
  front of the site, the address the outermost of them saw (from X-Forwarded-For). Entries to
  the left of it are written by the client and never trusted.
- django-axes locks a (username, address) after AXES_FAILURE_LIMIT failures.
- Across all addresses, a username that keeps failing is slowed down, not locked: after
  LOGIN_SLOWDOWN_AFTER failures every attempt waits a doubling delay since the last failure
  (up to LOGIN_SLOWDOWN_MAX_SECONDS). Guessing from many addresses gains little, and the owner
  still gets in once the delay has passed.
"""

import ipaddress
import math
from datetime import datetime, timedelta
from typing import Any

from axes.models import AccessAttempt
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import Max, Sum
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _


def _valid_ip(value: str) -> str | None:
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


def client_ip(request: HttpRequest) -> str | None:
    """The address login throttling counts (AXES_CLIENT_IP_CALLABLE)."""
    remote = request.META.get("REMOTE_ADDR")
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies <= 0:
        return remote
    # Each trusted proxy appends the address it received from; the client is the entry the
    # outermost one appended, the proxies-th from the right.
    chain = [part for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part]
    if len(chain) < proxies:
        return remote  # not through all the proxies: only the direct peer is known
    return _valid_ip(chain[-proxies]) or remote


def username_delay(failures: int) -> timedelta:
    """How long after the last failure the next attempt for the username must wait."""
    if failures < settings.LOGIN_SLOWDOWN_AFTER:
        return timedelta(0)
    exponent = min(failures - settings.LOGIN_SLOWDOWN_AFTER, 32)
    return timedelta(seconds=min(2**exponent, settings.LOGIN_SLOWDOWN_MAX_SECONDS))


def username_wait(username: str, now: datetime | None = None) -> int:
    """Whole seconds an attempt for the username must still wait, from every address."""
    now = now or timezone.now()
    recent = AccessAttempt.objects.filter(
        username=username, attempt_time__gte=now - settings.AXES_COOLOFF_TIME
    ).aggregate(failures=Sum("failures_since_start"), last=Max("attempt_time"))
    if not recent["failures"]:
        return 0
    remaining = recent["last"] + username_delay(recent["failures"]) - now
    return max(0, math.ceil(remaining.total_seconds()))


class UsernameSlowdownBackend:
    """An authentication backend that only refuses: placed after django-axes' backend and
    before the one that checks passwords, it turns away an attempt for a slowed-down username
    without looking at the password. It has no get_user: it never signs anyone in."""

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> None:
        if request is None or not username:
            return None
        wait = username_wait(username)
        if wait:
            # Marked as axes marks a lockout: axes then does not count the attempt (the clock
            # is not reset) and its middleware answers with lockout_response.
            request.axes_locked_out = True  # type: ignore[attr-defined]
            request.vitreem_retry_after = wait  # type: ignore[attr-defined]
            raise PermissionDenied
        return None


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None, credentials: dict | None
) -> HttpResponse:
    """django-axes' answer to a refused login: JSON for API clients, a page for browsers; a
    slowed-down username is told how long to wait."""
    wait: int | None = getattr(request, "vitreem_retry_after", None)
    if wait:
        detail = _(
            "Tên đăng nhập này vừa bị nhập sai mật khẩu nhiều lần; hãy chờ %(seconds)d giây "
            "rồi thử lại."
        ) % {"seconds": wait}
    else:
        detail = _("Tài khoản tạm khóa do đăng nhập sai nhiều lần; hãy thử lại sau.")
    if request.path.startswith("/api/"):
        response: HttpResponse = JsonResponse({"detail": detail}, status=429)
    else:
        response = render(
            request, "registration/locked_out.html", {"retry_after": wait}, status=429
        )
    if wait:
        response["Retry-After"] = str(wait)
    return response

import re
import uuid
from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.middleware.gzip import GZipMiddleware
from django.shortcuts import render
from django.utils import translation

from vitreem.core import logs

_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{8,64}")


class LanguageMiddleware:
    """Vietnamese unless the user chose English (the language cookie set by the switch).

    Unlike Django's LocaleMiddleware, the browser's Accept-Language is not consulted: officials'
    machines often say English while the officials work in Vietnamese.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.languages = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request: HttpRequest) -> HttpResponse:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        language = chosen if chosen in self.languages else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response


class RequestIdMiddleware:
    """Name each request: the proxy's X-Request-ID when it is sane, otherwise a new one.

    The id is in every log line written while the request is served and in the response's
    X-Request-ID header (which the access log records), so one request can be followed
    through the logs of several servers.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        given = request.headers.get("X-Request-ID", "")
        current = given if _REQUEST_ID.fullmatch(given) else uuid.uuid4().hex
        request.request_id = current  # type: ignore[attr-defined]
        token = logs.request_id.set(current)
        served = logs.served_id.set(uuid.uuid4().hex)
        try:
            response = self.get_response(request)
        finally:
            logs.served_id.reset(served)
            logs.request_id.reset(token)
        response.headers["X-Request-ID"] = current
        return response


class RefusalMiddleware:
    """A service's refusal (ValidationError) that a page's view let through is shown as a 422
    page with its reasons, not a server error: the service's transaction has changed nothing.
    The API answers the same refusals itself (core/api.py)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, ValidationError):
            return None
        return render(request, "web/refused.html", {"reasons": exception.messages}, status=422)


class TextGZipMiddleware(GZipMiddleware):
    """Gzip HTML and JSON (a province's consolidated page: 66 KB plain, about 7 KB gzipped);
    workbooks, documents and images are compressed already and are passed through untouched.

    BREACH (a secret guessed from the sizes of compressed pages that also reflect input): the
    CSRF token in our forms is masked anew on every response, an API token is shown once, the
    registry's search (names next to the query) goes by POST behind CSRF so another site cannot
    send guesses, and Django adds up to 100 random bytes to each gzip header (since 4.2), so
    sizes say nothing stable about a secret. Static files never get here: WhiteNoise, above,
    serves them precompressed.
    """

    COMPRESSED_TYPES = ("text/html", "application/json", "text/plain")

    def process_response(
        self, request: HttpRequest, response: HttpResponseBase
    ) -> HttpResponseBase:
        kind = response.get("Content-Type", "").split(";", 1)[0].strip().lower()
        if kind not in self.COMPRESSED_TYPES:
            return response
        return super().process_response(request, response)

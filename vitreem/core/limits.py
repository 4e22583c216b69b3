"""The size of a request's body, bounded where it enters: one limit per class of endpoint.

Ordinary forms and API bodies are small; the pages that take a file get the room their file's
own limit needs (the file readers still check the file itself). A body over its class's limit
is answered 413 before anything reads it, so nothing is parsed, stored or changed.
"""

from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.template.loader import render_to_string
from django.urls import Resolver404, resolve
from django.utils.translation import gettext as _

# The pages that take a file (namespace:name of the URL) → the setting of their class.
UPLOAD_CLASSES = {
    "children:import": "UPLOAD_WORKBOOK_MAX_BYTES",  # children and support records, .xlsx
    "reporting:upload": "UPLOAD_WORKBOOK_MAX_BYTES",  # one report form filled in, .xlsx
    "reporting:round_upload": "UPLOAD_ARCHIVE_MAX_BYTES",  # a .zip of filled forms
    "plans:progress": "UPLOAD_ATTACHMENT_MAX_BYTES",  # a task's progress with its attachment
    "api:task_progress_upload": "UPLOAD_ATTACHMENT_MAX_BYTES",  # the same through the API
    "assessments:file": "UPLOAD_ATTACHMENT_MAX_BYTES",  # a criterion's evidence file
}


def _route(request: HttpRequest) -> str:
    try:
        return resolve(request.path_info).view_name
    except Resolver404:
        return ""


def body_limit(request: HttpRequest) -> int:
    setting = UPLOAD_CLASSES.get(_route(request), "REQUEST_BODY_MAX_BYTES")
    return int(getattr(settings, setting))


def _megabytes(size: int) -> str:
    return f"{size / 2**20:.1f}".removesuffix(".0").replace(".", ",")


def too_large_message(request: HttpRequest) -> str:
    return _(
        "Dữ liệu gửi lên quá lớn (tối đa %(size)s MB); không có gì được lưu. "
        "Hãy gửi tệp hoặc nội dung nhỏ hơn."
    ) % {"size": _megabytes(body_limit(request))}


def too_large(request: HttpRequest) -> HttpResponse:
    message = too_large_message(request)
    if request.path_info.startswith("/api/"):
        return JsonResponse({"detail": message}, status=413)
    page = render_to_string("web/too_large.html", {"message": message}, request=request)
    return HttpResponse(page, status=413)


def unreadable(request: HttpRequest) -> HttpResponse:
    """A form body that cannot be parsed (a multipart without its boundary): nothing was read."""
    message = _("Không đọc được dữ liệu gửi lên (biểu mẫu hỏng); không có gì được lưu.")
    if request.path_info.startswith("/api/"):
        return JsonResponse(
            {"detail": message, "errors": [{"field": "", "message": message}]}, status=422
        )
    context = {"message": message, "title": _("Dữ liệu không đọc được")}
    return HttpResponse(
        render_to_string("web/too_large.html", context, request=request), status=400
    )


def _declared_length(request: HttpRequest) -> int:
    try:
        return max(int(request.META.get("CONTENT_LENGTH") or 0), 0)
    except ValueError:
        return 0


class BodyLimitMiddleware:
    """413 for a body over its class's limit: by its Content-Length before it is read, and by
    Django's RequestDataTooBig when a form's fields outgrow DATA_UPLOAD_MAX_MEMORY_SIZE."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if _declared_length(request) > body_limit(request):
            return too_large(request)
        if request.method == "POST":
            # Read the form here, not in the CSRF check, where this error would become a 400.
            try:
                request.POST  # noqa: B018
            except RequestDataTooBig:
                return too_large(request)
            except MultiPartParserError:
                return unreadable(request)
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, RequestDataTooBig):
            return too_large(request)
        return None

"""The API instance: authentication, errors in Vietnamese, and the routers of every app."""

import json
import math
from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.core.exceptions import ValidationError as ModelValidationError
from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext as _
from ninja import Field, NinjaAPI, Query, Router, Schema, Status
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.parser import Parser
from ninja.security import HttpBearer, SessionAuth

from vitreem.accounts.services import token_authenticate
from vitreem.core import bounds
from vitreem.core import health as health_checks
from vitreem.core.docs import LightDocs
from vitreem.core.limits import too_large_message
from vitreem.core.text import text_problem


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        found = token_authenticate(token)
        if found is None:
            return None
        request.user = found.user
        # The calling token, so that signing out of the API revokes exactly this one.
        request.api_token = found  # type: ignore[attr-defined]
        return found.user


class Session(SessionAuth):
    """The browser's session (with CSRF on writes), so pages may call the API too."""


class FieldError(Schema):
    field: str = Field(description="Trường bị từ chối (rỗng: cả yêu cầu)")
    message: str


# Every refusal of the API: why, in Vietnamese, and for input the fields refused.
class ErrorOut(Schema):
    detail: str
    errors: list[FieldError] = Field(default_factory=list)


# The refusals the API gives, each declared on the operations that can give it.
ERROR_STATUSES = {
    400: "Yêu cầu không áp dụng được",
    401: "Chưa xác thực, hoặc mã truy cập hết hạn, bị thu hồi",
    403: "Được xem nhưng không được thực hiện thao tác này",
    404: "Không tìm thấy, hoặc không thuộc phạm vi của bạn",
    413: "Dữ liệu gửi lên quá lớn; không có gì được lưu",
    422: "Dữ liệu gửi lên không hợp lệ; không có gì được lưu",
    429: "Đăng nhập sai nhiều lần: hãy thử lại sau (tiêu đề Retry-After)",
}
_BODY_METHODS = {"post", "put", "patch"}


def _errors_of(path: str, method: str, operation: dict[str, Any]) -> set[int]:
    """The refusals an operation can give, from what it takes: a token (401, 403), a body (413),
    any input (422, and 404: path, query and body name units, plans, children...)."""
    params = operation.get("parameters", [])
    found: set[int] = set()
    if operation.get("security"):
        found |= {401, 403}
    if "requestBody" in operation or method in _BODY_METHODS:
        found.add(413)
    if params or "requestBody" in operation:
        found |= {404, 422}
    return found


def declare_errors(schema: dict[str, Any]) -> dict[str, Any]:
    """Add the shared error schema and, to each operation, the refusals it can give (those it
    declares itself, such as 429 of the token endpoint, are kept)."""
    schema.setdefault("components", {}).setdefault("schemas", {})
    for model in (FieldError, ErrorOut):
        model_schema = model.model_json_schema(ref_template="#/components/schemas/{model}")
        model_schema.pop("$defs", None)
        schema["components"]["schemas"][model.__name__] = model_schema
    content = {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorOut"}}}
    for path, operations in schema.get("paths", {}).items():
        for method, operation in operations.items():
            responses = operation.setdefault("responses", {})
            declared = {int(code) for code in responses if int(code) in ERROR_STATUSES}
            for code in sorted(_errors_of(path, method, operation) | declared):
                responses[code] = {"description": ERROR_STATUSES[code], "content": content}
    return schema


class UnreadableInputError(Exception):
    """A body or query the parser refuses before any schema sees it (answered 422)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field, self.message = field, message


def _check_text(value: Any, field: str) -> None:
    """Every text of a decoded body or query, keys included, as core.text accepts text."""
    if isinstance(value, str):
        if problem := text_problem(value):
            raise UnreadableInputError(field, problem)
    elif isinstance(value, dict):
        for key, item in value.items():
            _check_text(key, field)
            _check_text(item, f"{field}.{key}" if field else str(key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _check_text(item, f"{field}.{index}" if field else str(index))


def _no_constant(name: str) -> float:
    raise ValueError(name)


def _finite(text: str) -> float:
    number = float(text)
    if not math.isfinite(number):
        raise ValueError(text)
    return number


class CheckedParser(Parser):
    """JSON that is UTF-8, without NaN or Infinity, and text without control characters or
    lone surrogates, for bodies and queries alike: what no field of any schema may receive."""

    def parse_body(self, request: HttpRequest) -> dict[str, Any]:
        try:
            data = json.loads(
                request.body.decode("utf-8"), parse_constant=_no_constant, parse_float=_finite
            )
        except (ValueError, RecursionError):
            raise UnreadableInputError(
                "", _("Nội dung gửi lên không phải JSON hợp lệ (UTF-8, không có NaN, Infinity).")
            ) from None
        _check_text(data, "")
        return data

    def parse_querydict(
        self, data: MultiValueDict[str, Any], list_fields: list[str], request: HttpRequest
    ) -> dict[str, Any]:
        found = super().parse_querydict(data, list_fields, request)
        _check_text(found, "")
        return found


class VitreemAPI(NinjaAPI):
    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> Any:
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        declare_errors(schema)
        return schema


api = VitreemAPI(
    title="vitreem API",
    version="1",
    description=(
        "API của hệ thống vì trẻ em. Xác thực: POST /api/v1/auth/token với username và password, "
        "rồi gửi tiêu đề `Authorization: Bearer <token>`. Mã hết hạn sau 7 ngày (mặc định) và "
        "khi đổi mật khẩu; POST /api/v1/auth/logout thu hồi mã đang dùng."
    ),
    auth=[BearerToken(), Session()],
    urls_namespace="api",
    parser=CheckedParser(),
    docs=LightDocs(),
)

# Pydantic error types → what to tell a Vietnamese official about the value.
_ERROR_HINTS = {
    "missing": "thiếu giá trị bắt buộc",
    "date_from_datetime_parsing": "cần một ngày dạng YYYY-MM-DD",
    "date_parsing": "cần một ngày dạng YYYY-MM-DD",
    "date_type": "cần một ngày dạng YYYY-MM-DD",
    "int_parsing": "cần một số nguyên",
    "int_type": "cần một số nguyên",
    "literal_error": "giá trị không thuộc danh sách cho phép",
    "enum": "giá trị không thuộc danh sách cho phép",
    "greater_than_equal": "giá trị quá nhỏ",
    "less_than_equal": "giá trị quá lớn",
    "string_too_long": "chuỗi quá dài",
    "string_too_short": "chuỗi quá ngắn",
    "int_parsing_size": "số quá dài",
    "int_from_float": "cần một số nguyên",
    "date_from_datetime_inexact": "cần một ngày dạng YYYY-MM-DD",
    # The bounds of core/bounds.py carry their own Vietnamese reason (the range allowed).
    bounds.ERROR_TYPE: None,
}


def _field_name(loc: list[Any]) -> str:
    if loc and loc[0] in ("form", "file"):  # a multipart body: its fields and its files
        loc = loc[1:]
    parts = [str(p) for p in loc if p not in ("query", "body", "path", "payload")]
    return ".".join(parts) or "?"


@api.exception_handler(ValidationError)
def on_validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    errors = []
    for error in exc.errors:
        hint = _ERROR_HINTS.get(error.get("type", "")) or error.get("msg", "")
        if error.get("type") in {"literal_error", "enum"} and error.get("ctx", {}).get("expected"):
            hint = f"{hint}: {error['ctx']['expected']}"
        errors.append({"field": _field_name(list(error.get("loc", []))), "message": hint})
    summary = "; ".join(f"{e['field']}: {e['message']}" for e in errors)
    return api.create_response(
        request,
        {
            "detail": _("Dữ liệu gửi lên không hợp lệ — %(summary)s.") % {"summary": summary},
            "errors": errors,
        },
        status=422,
    )


def _refused(request: HttpRequest, exc: UnreadableInputError) -> HttpResponse:
    errors = [{"field": exc.field, "message": exc.message}]
    detail = _("Dữ liệu gửi lên không hợp lệ — %(summary)s.") % {
        "summary": f"{exc.field}: {exc.message}" if exc.field else exc.message
    }
    return api.create_response(request, {"detail": detail, "errors": errors}, status=422)


@api.exception_handler(UnreadableInputError)
def on_unreadable_input(request: HttpRequest, exc: UnreadableInputError) -> HttpResponse:
    return _refused(request, exc)


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    # ninja wraps what the body's parser raises in a 400 of its own, in English.
    if isinstance(exc.__cause__, UnreadableInputError):
        return _refused(request, exc.__cause__)
    return api.create_response(request, {"detail": exc.message}, status=exc.status_code)


@api.exception_handler(ModelValidationError)
def on_model_validation_error(request: HttpRequest, exc: ModelValidationError) -> HttpResponse:
    """A service refused the input (full_clean): nothing was changed."""
    errors = (
        [
            {"field": field if field != "__all__" else "", "message": str(message)}
            for field, messages in exc.message_dict.items()
            for message in messages
        ]
        if hasattr(exc, "error_dict")
        else [{"field": "", "message": str(m)} for m in exc.messages]
    )
    summary = "; ".join(e["message"] for e in errors)
    return api.create_response(request, {"detail": summary, "errors": errors}, status=422)


@api.exception_handler(RequestDataTooBig)
def on_body_too_large(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
    """A body that outgrew Django's limit while read (most are refused earlier, by their
    Content-Length, in core/limits.py): nothing was done."""
    return api.create_response(request, {"detail": too_large_message(request)}, status=413)


@api.exception_handler(AuthenticationError)
def on_unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return api.create_response(
        request,
        {"detail": _("Cần xác thực: gửi tiêu đề Authorization: Bearer <mã truy cập>.")},
        status=401,
    )


@api.exception_handler(Http404)
def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return api.create_response(request, {"detail": str(exc) or _("Không tìm thấy.")}, status=404)


@api.exception_handler(PermissionDenied)
def on_forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    detail = str(exc) or _("Bạn không có quyền thực hiện thao tác này.")
    return api.create_response(request, {"detail": detail}, status=403)


# The page every list endpoint takes: bounded, so no request asks the database for a scan.
class Pagination(Schema):
    limit: bounds.Limit = Field(100, description=f"Số dòng mỗi trang, 1–{bounds.LIMIT_MAX}")
    offset: bounds.Offset = Field(0, description=f"Bỏ qua bao nhiêu dòng, 0–{bounds.OFFSET_MAX}")


M = TypeVar("M", bound=Model)


def paginate(queryset: QuerySet[M], page: Pagination) -> QuerySet[M]:
    return queryset[page.offset : page.offset + page.limit]


class HealthOut(Schema):
    status: str = Field(description="ok, hoặc error khi một phần hỏng (mã 503)")
    database: str = Field(description="ok hoặc unavailable")
    queue: str = Field(
        description="ok; unavailable (không đọc được hàng đợi); stalled (có việc chờ quá lâu: "
        "không còn tiến trình xử lý nào chạy); skipped (queue=false)"
    )
    failed: list[str] = Field(description="các phần hỏng: database, queue")


health_router = Router(tags=["Hệ thống"])


@health_router.get(
    "/health",
    auth=None,
    response={200: HealthOut, 503: HealthOut},
    summary="Tình trạng dịch vụ: cơ sở dữ liệu và hàng đợi công việc (503 khi một phần hỏng)",
)
def health(
    request: HttpRequest,
    queue: bool = Query(
        True,
        description="false: chỉ kiểm tra máy chủ web và cơ sở dữ liệu (cho bộ cân bằng tải: hàng "
        "đợi bị nghẽn không được loại mọi máy chủ web khỏi vòng phục vụ)",
    ),
) -> Status[dict[str, Any]]:
    parts = {"database": health_checks.database_state()}
    if not queue:
        parts["queue"] = "skipped"
    elif parts["database"] == "ok":
        parts["queue"] = health_checks.queue_state()
    else:
        parts["queue"] = "unavailable"
    failed = [name for name, state in parts.items() if state not in {"ok", "skipped"}]
    body = {"status": "error" if failed else "ok", **parts, "failed": failed}
    return Status(503 if failed else 200, body)

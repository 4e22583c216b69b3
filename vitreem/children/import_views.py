"""Pages to import a commune's children and their support from .xlsx templates."""

from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from vitreem.accounts.access import Action, require, units_with_action
from vitreem.accounts.models import User
from vitreem.documents.workbooks import MAX_BYTES
from vitreem.jobs.models import JobKind
from vitreem.jobs.services import job_start
from vitreem.units.models import AdministrativeUnit
from vitreem.units.selectors import unit_or_404

from . import imports

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
JOB_KINDS = {imports.CHILDREN: JobKind.CHILDREN_IMPORT, imports.SUPPORT: JobKind.SUPPORT_IMPORT}
FILE_NAMES = {imports.CHILDREN: "mau-nhap-tre-em", imports.SUPPORT: "mau-nhap-ho-tro"}


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)


def _unit(request: HttpRequest, code: str) -> AdministrativeUnit:
    """The commune named by its code, if the user may enter its data (404 if not theirs to
    see, 403 if only to read)."""
    unit = unit_or_404(code, timezone.localdate())
    require(_user(request), Action.ENTER, unit)
    return unit


@login_required
def import_template(request: HttpRequest, kind: str) -> HttpResponse:
    if kind not in imports.KINDS:
        raise Http404(_("Không tìm thấy trang."))
    unit = _unit(request, request.GET.get("unit", ""))
    response = HttpResponse(imports.template_workbook(kind, unit), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{FILE_NAMES[kind]}-{unit.code}.xlsx"'
    return response


@login_required
def import_page(request: HttpRequest) -> HttpResponse:
    """Choose a commune, download a template, upload it filled: checked at once, then imported
    by a job on the queue whose page shows its progress and its result."""
    user = _user(request)
    today = timezone.localdate()
    units = imports.importable_units(units_with_action(user, Action.ENTER), today)
    code = request.POST.get("unit") or request.GET.get("unit") or ""
    if not code and len(units) == 1:
        code = units[0].code
    unit = _unit(request, code) if code else None
    if unit is not None and unit not in units:
        units = [unit, *units]  # an administrator's choice
    kind = request.POST.get("kind", "")
    if request.method == "POST":
        upload = request.FILES.get("file")
        if unit is None:
            messages.error(request, _("Hãy chọn xã, phường."))
        elif kind not in imports.KINDS:
            messages.error(request, _("Loại tệp nhập không hợp lệ."))
        elif upload is None:
            messages.error(request, _("Hãy chọn tệp Excel đã điền."))
        elif upload.size is not None and upload.size > MAX_BYTES:
            messages.error(
                request, _("Tệp quá lớn (tối đa %(mb)s MB).") % {"mb": MAX_BYTES // 2**20}
            )
        else:
            data = upload.read()
            try:
                imports.registry_check(actor=user, unit=unit, kind=kind, data=data, today=today)
            except ValidationError as error:
                for message in error.messages:
                    messages.error(request, message)
            else:
                job = job_start(
                    actor=user,
                    kind=JOB_KINDS[kind],
                    unit=unit,
                    params={"kind": kind},
                    data=data,
                    name=upload.name or "",
                )
                return redirect("jobs:job", job.pk)
    context: dict[str, Any] = {
        "units": units,
        "unit": unit,
        "kind": kind,
        "kinds": [
            (imports.CHILDREN, _("Danh sách trẻ em"), _("Mẫu nhập danh sách trẻ em")),
            (imports.SUPPORT, _("Hỗ trợ trẻ em"), _("Mẫu nhập hỗ trợ trẻ em")),
        ],
    }
    return render(request, "children/import.html", context)

from django.http import HttpResponse
from django.utils.translation import gettext_lazy

from vitreem.core.text import fold
from vitreem.documents.pdf import docx_to_pdf
from vitreem.documents.plans import render_plan_docx

from .models import Plan
from .selectors import plan_document

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


NO_PDF = gettext_lazy("Máy chủ chưa cài LibreOffice nên chưa xuất được PDF; hãy tải bản Word.")


def plan_filename(plan: Plan, suffix: str) -> str:
    name = fold(f"ke hoach {plan.number or ''} {plan.year} {plan.issuer_unit.short_name}")
    return "-".join(name.split()) + suffix


def plan_docx_response(plan: Plan) -> HttpResponse:
    response = HttpResponse(render_plan_docx(plan_document(plan)), content_type=DOCX)
    response["Content-Disposition"] = f'attachment; filename="{plan_filename(plan, ".docx")}"'
    return response


def plan_pdf_response(plan: Plan) -> HttpResponse:
    pdf = docx_to_pdf(render_plan_docx(plan_document(plan)))
    if pdf is None:
        return HttpResponse(
            str(NO_PDF),
            status=503,
            content_type="text/plain; charset=utf-8",
        )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{plan_filename(plan, ".pdf")}"'
    return response

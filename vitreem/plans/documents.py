from django.http import HttpResponse

from vitreem.core.text import fold
from vitreem.documents.plans import render_plan_docx

from .models import Plan
from .selectors import plan_document

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def plan_docx_response(plan: Plan) -> HttpResponse:
    response = HttpResponse(render_plan_docx(plan_document(plan)), content_type=DOCX)
    name = fold(f"ke hoach {plan.number or ''} {plan.year} {plan.issuer_unit.short_name}")
    filename = "-".join(name.split()) + ".docx"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response

"""The plans app's long jobs, run on the queue by ``vitreem.jobs`` (ADR 0010)."""

from django.utils.translation import gettext as _

from vitreem.accounts.access import get_plan_for_user
from vitreem.documents.pdf import docx_to_pdf
from vitreem.documents.plans import render_plan_docx
from vitreem.jobs.models import Job
from vitreem.jobs.services import Outcome, Progress

from .documents import NO_PDF, plan_filename
from .selectors import plan_document


def run_plan_pdf(job: Job, progress: Progress) -> Outcome:
    """A plan printed to PDF by LibreOffice (up to two minutes): the file is kept with the job,
    as the plan stood when the job ran; the starter must still read the plan."""
    plan = get_plan_for_user(job.started_by, job.params["plan"])
    progress(0, 1, _("Đang chuyển văn bản sang PDF."))
    pdf = docx_to_pdf(render_plan_docx(plan_document(plan)))
    if pdf is None:
        return Outcome(message=str(NO_PDF), failed=True)
    return Outcome(
        message=_("Đã tạo bản PDF của kế hoạch."),
        result={"plan": plan.pk},
        file_name=plan_filename(plan, ".pdf"),
        file_data=pdf,
    )

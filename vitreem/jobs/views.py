"""A job's page (its progress, refreshed by the page itself, then its result) and its file."""

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from vitreem.accounts.access import get_job_for_user

from . import selectors

CONTENT_TYPES = {
    ".pdf": "application/pdf",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@login_required
def job_page(request: HttpRequest, job_id: int) -> HttpResponse:
    job = get_job_for_user(request.user, job_id)
    return render(request, "jobs/job.html", {"job": job, "view": selectors.job_view(job)})


@login_required
def job_result(request: HttpRequest, job_id: int) -> FileResponse:
    """The file a job made, to the readers of the job only, always as a download."""
    job = get_job_for_user(request.user, job_id)
    if not job.result_file:
        raise Http404(_("Công việc này không có tệp kết quả."))
    try:
        stream = job.result_file.open("rb")
    except (FileNotFoundError, OSError) as missing:
        raise Http404(_("Không tìm thấy tệp kết quả.")) from missing
    suffix = "." + job.result_name.rsplit(".", 1)[-1].lower() if "." in job.result_name else ""
    return FileResponse(
        stream,
        as_attachment=True,
        filename=job.result_name or f"ket-qua-{job.pk}{suffix}",
        content_type=CONTENT_TYPES.get(suffix, "application/octet-stream"),
    )

"""Reads of the jobs' records, shaped for their page and the API."""

from typing import Any

from django.urls import reverse

from .models import Job, JobKind, JobStatus

REFRESH_SECONDS = 2
# How each kind's result is shown on the job's page (by the app the job belongs to).
RESULT_TEMPLATES: dict[str, str] = {
    JobKind.ROUND_UPLOAD: "reporting/_upload_result.html",
    JobKind.CHILDREN_IMPORT: "children/import_result.html",
    JobKind.SUPPORT_IMPORT: "children/import_result.html",
}


def job_view(job: Job) -> dict[str, Any]:
    """What a job's page and the API show of it."""
    return {
        "id": job.pk,
        "kind": job.kind,
        "kind_label": job.get_kind_display(),
        "status": job.status,
        "status_label": job.get_status_display(),
        "progress_done": job.progress_done,
        "progress_total": job.progress_total,
        "percent": job.percent,
        "message": job.message,
        "result": job.result,
        "result_url": reverse("jobs:result", args=[job.pk]) if job.result_file else None,
        "result_name": job.result_name,
        "page_url": reverse("jobs:job", args=[job.pk]),
        "created": job.created_at,
        "started": job.started_at,
        "finished": job.finished_at,
        "result_template": RESULT_TEMPLATES.get(job.kind, ""),
        "refresh": REFRESH_SECONDS if job.status in (JobStatus.QUEUED, JobStatus.RUNNING) else 0,
    }

"""Writes of the jobs' records: start a job (its record and its place in the queue, on commit),
run it once, record its progress, its result or its failure, and give up on abandoned ones."""

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F
from django.http import Http404
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from vitreem.accounts.models import User
from vitreem.core.audit import audit_record
from vitreem.core.text import text_problem
from vitreem.units.models import AdministrativeUnit

from .models import FINISHED, Job, JobKind, JobStatus

log = logging.getLogger(__name__)

# The function that does each kind of job: ``run(job, progress) -> Outcome``.
RUNNERS: dict[str, str] = {
    JobKind.ROUND_UPLOAD: "vitreem.reporting.jobs.run_round_upload",
    JobKind.CHILDREN_IMPORT: "vitreem.children.jobs.run_registry_import",
    JobKind.SUPPORT_IMPORT: "vitreem.children.jobs.run_registry_import",
    JobKind.PLAN_PDF: "vitreem.plans.jobs.run_plan_pdf",
    JobKind.NATIONAL_EXPORT: "vitreem.reporting.jobs.run_national_export",
}

Progress = Callable[[int, int, str], None]


@dataclass
class Outcome:
    """What a finished job leaves: a summary shown on its page, and perhaps a file."""

    message: str
    result: dict[str, Any] = field(default_factory=dict)
    file_name: str = ""
    file_data: bytes | None = None
    failed: bool = False  # ran to its end, but refused what it was given (nothing written)


def job_start(
    *,
    actor: User,
    kind: str,
    unit: AdministrativeUnit | None,
    params: dict[str, Any] | None = None,
    data: bytes | None = None,
    name: str = "",
) -> Job:
    """Record the job and queue it when the caller's transaction commits. The caller has checked
    the access and the file already (bad files are refused in the request, not in the job)."""
    from .tasks import run_job

    if kind not in RUNNERS:
        raise ValidationError(_("Loại công việc không hợp lệ."))
    # The uploaded file's name is only shown: a name that is no fit text is not kept at all.
    name = name.replace("\\", "/").rsplit("/", 1)[-1][:255]
    if text_problem(name):
        name = ""
    with transaction.atomic():
        job = Job(
            kind=kind,
            started_by=actor,
            unit=unit,
            params=params or {},
            input_name=name,
            message=_("Đang chờ đến lượt xử lý."),
        )
        if data is not None:
            job.input_file.save(f"{kind}.bin", ContentFile(data), save=False)
        job.save()
        audit_record(actor=actor, action="job.start", target=job, unit=unit, data={"kind": kind})

        def enqueue() -> None:
            result = run_job.enqueue(job.pk)
            Job.objects.filter(pk=job.pk, task_id="").update(task_id=str(result.id))

        transaction.on_commit(enqueue)
    return job


def job_claim(job_id: int) -> Job | None:
    """Mark the job running, if it still waits: a second delivery of the same job finds it taken
    and does nothing."""
    now = timezone.now()
    claimed = Job.objects.filter(pk=job_id, status=JobStatus.QUEUED).update(
        status=JobStatus.RUNNING,
        started_at=now,
        heartbeat_at=now,
        runs=F("runs") + 1,
        message=_("Đang xử lý."),
    )
    if not claimed:
        return None
    return Job.objects.select_related("started_by", "unit").get(pk=job_id)


def job_progress(job_id: int, done: int, total: int, message: str = "") -> None:
    """Record how far the job has gone (seen by its page when not inside the job's transaction)."""
    values: dict[str, Any] = {
        "progress_done": max(0, done),
        "progress_total": max(0, total),
        "heartbeat_at": timezone.now(),
    }
    if message:
        values["message"] = message
    Job.objects.filter(pk=job_id, status=JobStatus.RUNNING).update(**values)


def _drop_input(job: Job) -> None:
    """The uploaded file is deleted once the job has run: children's data is not kept twice."""
    if job.input_file:
        job.input_file.delete(save=False)
        Job.objects.filter(pk=job.pk).update(input_file="")


def job_finish(job: Job, outcome: Outcome) -> Job:
    job.refresh_from_db(fields=["progress_done", "progress_total"])
    with transaction.atomic():
        job.status = JobStatus.FAILED if outcome.failed else JobStatus.DONE
        job.message = outcome.message
        job.result = outcome.result
        job.finished_at = job.heartbeat_at = timezone.now()
        if job.status == JobStatus.DONE and job.progress_total:
            job.progress_done = job.progress_total
        if outcome.file_data is not None:
            job.result_name = outcome.file_name[:255]
            job.result_file.save(outcome.file_name, ContentFile(outcome.file_data), save=False)
        job.save()
    _drop_input(job)
    return job


def job_fail(job: Job, message: str) -> Job:
    Job.objects.filter(pk=job.pk).update(
        status=JobStatus.FAILED, message=message, finished_at=timezone.now()
    )
    _drop_input(job)
    job.refresh_from_db()
    return job


def failure_message(error: BaseException) -> str:
    """The reason shown for a job that stopped on an error: the service's own words when it
    refused, a plain sentence otherwise (the details go to the log)."""
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    if isinstance(error, PermissionDenied | Http404):
        return _("Bạn không còn quyền thực hiện công việc này.")
    return _("Công việc dừng vì một lỗi; không có dữ liệu nào được ghi. Hãy thử lại sau.")


def job_run(job_id: int) -> str:
    """Run a queued job once: claim it, do its work, record what came of it. Returns its status
    ("" when it was not waiting: run by another worker, or given up)."""
    jobs_fail_abandoned()
    job = job_claim(job_id)
    if job is None:
        return ""
    runner = import_string(RUNNERS[job.kind])

    def progress(done: int, total: int, message: str = "") -> None:
        job_progress(job.pk, done, total, message)

    try:
        outcome = runner(job, progress)
    except Exception as error:
        log.exception("job %s (%s) failed", job.pk, job.kind)
        job_fail(job, failure_message(error))
        return JobStatus.FAILED
    return job_finish(job, outcome).status


ABANDONED = gettext_lazy(
    "Công việc bị gián đoạn (tiến trình xử lý đã dừng); không có dữ liệu nào được ghi."
)


def jobs_fail_abandoned(now: Any = None) -> int:
    """Running jobs whose worker stopped (no progress for JOBS_ABANDONED_AFTER) are marked failed
    with that reason: their work ran in one transaction, so nothing of it was kept. Called when a
    worker starts and before every job."""
    now = now or timezone.now()
    limit: timedelta = settings.JOBS_ABANDONED_AFTER
    stale = list(
        Job.objects.filter(status=JobStatus.RUNNING, heartbeat_at__lt=now - limit).only(
            "pk", "input_file"
        )
    )
    for job in stale:
        if Job.objects.filter(pk=job.pk, status=JobStatus.RUNNING).update(
            status=JobStatus.FAILED, message=str(ABANDONED), finished_at=now
        ):
            _drop_input(job)
    return len(stale)


def jobs_prune(*, before: Any) -> int:
    """Finished jobs created before the moment, with their files, are deleted (a timer runs
    ``manage.py prune_jobs``, as it prunes the queue's own results). Returns how many."""
    old = list(Job.objects.filter(status__in=FINISHED, created_at__lt=before))
    for job in old:
        for stored in (job.input_file, job.result_file):
            if stored:
                stored.delete(save=False)
    Job.objects.filter(pk__in=[job.pk for job in old]).delete()
    return len(old)

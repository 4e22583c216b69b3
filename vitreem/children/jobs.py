"""The children app's long jobs, run on the queue by ``vitreem.jobs`` (ADR 0010)."""

from dataclasses import asdict

from django.utils.translation import gettext as _

from vitreem.jobs.models import Job
from vitreem.jobs.services import Outcome, Progress

from . import imports

ERRORS_KEPT = 500  # the errors a job's page lists; the count says how many more there are


def run_registry_import(job: Job, progress: Progress) -> Outcome:
    """An uploaded children or support template imported into the commune's registry, all or
    nothing in one transaction (``imports``); the starter's rights are checked again."""
    assert job.unit is not None
    kind = job.params["kind"]
    with job.input_file.open("rb") as stream:
        data = stream.read()
    progress(0, 2, _("Đang kiểm tra và ghi các dòng của tệp."))
    result = imports.registry_import(actor=job.started_by, unit=job.unit, kind=kind, data=data)
    errors = [asdict(e) for e in result.errors[:ERRORS_KEPT]]
    summary = {
        "kind": result.kind,
        "ok": result.ok,
        "rows": result.rows,
        "created": result.created,
        "present": result.present,
        "circumstances": result.circumstances,
        "flagged": [asdict(f) for f in result.flagged],
        "errors": errors,
        "errors_hidden": max(0, len(result.errors) - ERRORS_KEPT),
    }
    if not result.ok:
        message = _("Tệp có %(n)s lỗi: chưa lưu dòng nào.") % {"n": len(result.errors)}
        return Outcome(message=message, result=summary, failed=True)
    message = _("Đã nhập %(created)s hồ sơ mới từ %(rows)s dòng.") % {
        "created": result.created,
        "rows": result.rows,
    }
    return Outcome(message=message, result=summary)

"""The reporting app's long jobs, run on the queue by ``vitreem.jobs`` (ADR 0010)."""

from dataclasses import asdict
from datetime import date

from django.utils.translation import gettext as _

from vitreem.accounts.access import require_national
from vitreem.jobs.models import Job
from vitreem.jobs.services import Outcome, Progress

from . import workbooks
from .models import ReportForm, Round


def run_round_upload(job: Job, progress: Progress) -> Outcome:
    """A .zip of filled forms uploaded to a round: each file all or nothing, each with its
    result; the starter's rights are checked again, report by report, as at the upload."""
    round_ = Round.objects.select_related("form", "receiving_unit").get(pk=job.params["round"])
    with job.input_file.open("rb") as stream:
        data = stream.read()
    results = workbooks.round_import_zip(
        actor=job.started_by, round_=round_, data=data, progress=progress
    )
    ok = sum(r.ok for r in results)
    return Outcome(
        message=_("%(ok)s/%(total)s tệp đã nhập.") % {"ok": ok, "total": len(results)},
        result={"round": round_.pk, "ok": ok, "files": [asdict(r) for r in results]},
    )


def run_national_export(job: Job, progress: Progress) -> Outcome:
    """The national tables of a form and period as the official workbook, kept with the job;
    the starter must still be one who reads the national tables."""
    require_national(job.started_by)
    form = ReportForm.objects.get(code=job.params["form"])
    start = date.fromisoformat(job.params["start"])
    end = date.fromisoformat(job.params["end"])
    progress(0, 1, _("Đang tổng hợp số liệu của các tỉnh."))
    data = workbooks.national_workbook(form, start, end)
    return Outcome(
        message=_("Đã tạo bảng tổng hợp toàn quốc."),
        result={"form": form.code, "start": start.isoformat(), "end": end.isoformat()},
        file_name=f"tong-hop-toan-quoc-{form.code}-{end:%Y%m%d}.xlsx",
        file_data=data,
    )

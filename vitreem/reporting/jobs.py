"""The reporting app's long jobs, run on the queue by ``vitreem.jobs`` (ADR 0010)."""

from dataclasses import asdict

from django.utils.translation import gettext as _

from vitreem.jobs.models import Job
from vitreem.jobs.services import Outcome, Progress

from . import workbooks
from .models import Round


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

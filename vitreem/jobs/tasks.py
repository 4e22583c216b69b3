"""The one queue job of the jobs app: run a recorded job (ADR 0010)."""

from django_tasks import task

from . import services


@task()
def run_job(job_id: int) -> str:
    return services.job_run(job_id)

"""The one queue job of the jobs app: run a recorded job (ADR 0010)."""

from django.conf import settings
from django.utils import translation
from django_tasks import task

from . import services


@task()
def run_job(job_id: int) -> str:
    # The job's messages are kept in the site's language, whichever process runs it.
    with translation.override(settings.LANGUAGE_CODE):
        return services.job_run(job_id)

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema

from vitreem.accounts.access import get_job_for_user

from . import selectors

router = Router(tags=["Công việc chạy nền"])


class JobOut(Schema):
    id: int
    kind: str = Field(
        ...,
        description="round_upload, children_import, support_import, plan_pdf, national_export",
    )
    status: str = Field(..., description="queued, running, done hoặc failed")
    progress_done: int
    progress_total: int
    message: str
    result: dict[str, Any] = Field(..., description="Kết quả: số dòng đã nhập, các lỗi…")
    result_url: str | None = Field(None, description="Tệp kết quả (tải bằng phiên đăng nhập)")
    page_url: str
    created: datetime
    started: datetime | None
    finished: datetime | None


@router.get("/jobs/{job_id}", response=JobOut, summary="Tiến độ và kết quả của một công việc")
def job(request: HttpRequest, job_id: int) -> dict[str, Any]:
    """A job started by a page (an import, a bulk upload): poll it until its status is done or
    failed. Seen by its starter and by the readers of its unit; 404 for anyone else."""
    return selectors.job_view(get_job_for_user(request.user, job_id))

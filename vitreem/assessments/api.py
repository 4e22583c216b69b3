"""The child-friendly commune assessment's API: the assessments of a unit and a year, one
assessment with its 13 criteria, points saved, submitted by the commune, appraised above."""

from datetime import date, datetime

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status

from vitreem.accounts.access import Action, get_assessment_for_user, require
from vitreem.accounts.models import User
from vitreem.core.bounds import Count, Day
from vitreem.units.selectors import unit_or_404

from . import rules, selectors, services
from .models import Assessment, CommuneType

router = Router(tags=["Xã, phường phù hợp với trẻ em"])


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


class VerdictOut(Schema):
    total: int = Field(..., description="Tổng điểm các tiêu chí đã chấm")
    threshold: int = Field(..., description="Điểm tối thiểu theo loại đơn vị (900, 850 hoặc 800)")
    missing: list[int] = Field(..., description="Các tiêu chí chưa chấm")
    zero: list[int] = Field(..., description="Các tiêu chí 0 điểm")
    meets: bool = Field(..., description="Đủ điều kiện công nhận theo điểm")


class AssessmentItem(Schema):
    id: int | None = Field(..., description="None: đơn vị chưa lập bản tự đánh giá năm này")
    unit_code: str
    unit_name: str
    year: int
    status: str | None
    commune_type: str | None
    verdict: VerdictOut | None


class AssessmentList(Schema):
    unit_code: str
    year: int
    items: list[AssessmentItem]


class ScoreOut(Schema):
    criterion: int
    title: str
    max_points: int | None = Field(..., description="None: chưa có thang điểm trong dữ liệu")
    points: int | None
    evidence: str
    prefill_source: str = Field(..., description="Nguồn số liệu điền sẵn, nếu có")


class AssessmentOut(Schema):
    id: int
    unit_code: str
    unit_name: str
    year: int
    commune_type: str
    status: str
    due_on: date
    appraising_unit_code: str
    appraising_unit_name: str
    submitted_at: datetime | None
    decided_on: date | None
    decision_number: str
    appraisal_note: str
    verdict: VerdictOut
    scores: list[ScoreOut]


def _verdict(v: rules.Verdict) -> dict[str, object]:
    return {
        "total": v.total,
        "threshold": v.threshold,
        "missing": list(v.missing),
        "zero": list(v.zero),
        "meets": v.meets,
    }


def _detail(assessment: Assessment) -> dict[str, object]:
    scores = selectors.scores_of(assessment)
    return {
        "id": assessment.pk,
        "unit_code": assessment.unit.code,
        "unit_name": assessment.unit.name,
        "year": assessment.year,
        "commune_type": assessment.commune_type,
        "status": assessment.status,
        "due_on": assessment.due_on,
        "appraising_unit_code": assessment.appraising_unit.code,
        "appraising_unit_name": assessment.appraising_unit.name,
        "submitted_at": assessment.submitted_at,
        "decided_on": assessment.decided_on,
        "decision_number": assessment.decision_number,
        "appraisal_note": assessment.appraisal_note,
        "verdict": _verdict(selectors.verdict(assessment, scores)),
        "scores": [
            {
                "criterion": s.criterion.number,
                "title": s.criterion.title,
                "max_points": s.criterion.max_points,
                "points": s.points,
                "evidence": s.evidence,
                "prefill_source": s.prefill_source,
            }
            for s in scores
        ],
    }


class ListQuery(Schema):
    unit: str = Field(..., max_length=8, description="Mã đơn vị: một xã, phường hoặc một tỉnh")
    year: int = Field(..., ge=services.FIRST_YEAR, le=2100, description="Năm đánh giá")


@router.get("", response=AssessmentList, summary="Các xã, phường của một đơn vị và năm đánh giá")
def assessment_list(request: HttpRequest, query: Query[ListQuery]) -> dict[str, object]:
    unit = unit_or_404(query.unit, min(services.due_on(query.year), timezone.localdate()))
    require(request.user, Action.READ, unit)
    rows = selectors.communes_with_status(unit, query.year)
    return {
        "unit_code": unit.code,
        "year": query.year,
        "items": [
            {
                "id": r.assessment.pk if r.assessment else None,
                "unit_code": r.unit.code,
                "unit_name": r.unit.name,
                "year": query.year,
                "status": r.assessment.status if r.assessment else None,
                "commune_type": r.assessment.commune_type if r.assessment else None,
                "verdict": _verdict(r.verdict) if r.verdict else None,
            }
            for r in rows
        ],
    }


class StartIn(Schema):
    unit: str = Field(..., max_length=8, description="Mã xã, phường của bạn")
    year: int = Field(..., ge=services.FIRST_YEAR, le=2100)
    commune_type: CommuneType = CommuneType.OTHER


@router.post(
    "", response={201: AssessmentOut}, summary="Lập bản tự đánh giá của xã, phường (cán bộ)"
)
def assessment_start(request: HttpRequest, payload: StartIn) -> Status[dict[str, object]]:
    unit = unit_or_404(payload.unit, timezone.localdate())
    assessment = services.assessment_start(
        actor=_user(request), unit=unit, year=payload.year, commune_type=payload.commune_type
    )
    return Status(201, _detail(assessment))


@router.get("/{assessment_id}", response=AssessmentOut, summary="Một bản tự đánh giá")
def assessment_detail(request: HttpRequest, assessment_id: int) -> dict[str, object]:
    return _detail(get_assessment_for_user(request.user, assessment_id))


class ScoreIn(Schema):
    criterion: int = Field(..., ge=1, le=13, description="Số tiêu chí, 1–13")
    points: Count | None = Field(..., description="Điểm: số nguyên, không âm, không quá tối đa")
    evidence: str | None = Field(None, max_length=services.EVIDENCE_MAX)


class ScoresIn(Schema):
    commune_type: CommuneType | None = None
    scores: list[ScoreIn] = Field(..., max_length=13)


@router.put(
    "/{assessment_id}/scores", response=AssessmentOut, summary="Ghi điểm và minh chứng (cán bộ)"
)
def assessment_scores(
    request: HttpRequest, assessment_id: int, payload: ScoresIn
) -> dict[str, object]:
    assessment = get_assessment_for_user(request.user, assessment_id, Action.ENTER)
    assessment = services.assessment_save(
        actor=_user(request),
        assessment=assessment,
        commune_type=payload.commune_type,
        scores=[services.ScoreInput(s.criterion, s.points, s.evidence) for s in payload.scores],
    )
    return _detail(assessment)


@router.post(
    "/{assessment_id}/submit",
    response=AssessmentOut,
    summary="Gửi bản tự đánh giá lên đơn vị thẩm định (lãnh đạo xã, phường)",
)
def assessment_submit(request: HttpRequest, assessment_id: int) -> dict[str, object]:
    assessment = get_assessment_for_user(request.user, assessment_id, Action.APPROVE)
    return _detail(services.assessment_submit(actor=_user(request), assessment=assessment))


class AppraiseIn(Schema):
    recognised: bool
    decision_number: str = Field("", max_length=60)
    decided_on: Day | None = None
    note: str = Field("", max_length=services.EVIDENCE_MAX)


@router.post(
    "/{assessment_id}/appraise",
    response=AssessmentOut,
    summary="Thẩm định, công nhận (lãnh đạo đơn vị thẩm định)",
)
def assessment_appraise(
    request: HttpRequest, assessment_id: int, payload: AppraiseIn
) -> dict[str, object]:
    assessment = get_assessment_for_user(request.user, assessment_id)
    assessment = services.assessment_appraise(
        actor=_user(request),
        assessment=assessment,
        recognised=payload.recognised,
        decision_number=payload.decision_number,
        decided_on=payload.decided_on,
        note=payload.note,
    )
    return _detail(assessment)

"""Demo: phường Bắc Kạn's 2026 child-friendly self-assessment, sent to tỉnh Thái Nguyên, and a
second ward's draft, so that the province's list shows communes at each stage. Made-up points;
run again, nothing more is made."""

from django.utils import timezone

from vitreem.accounts.models import User
from vitreem.assessments.loaders import load_criteria
from vitreem.assessments.models import Assessment
from vitreem.assessments.services import (
    ScoreInput,
    assessment_save,
    assessment_start,
    assessment_submit,
)
from vitreem.units.selectors import unit_by_code

YEAR = 2026
# Phường Bắc Kạn: 910 points, no criterion at 0 (an ordinary ward: at least 850).
BAC_KAN_POINTS = (90, 80, 60, 65, 60, 100, 50, 65, 60, 70, 70, 65, 75)
BAC_KAN_EVIDENCE = {
    1: "Nghị quyết HĐND phường về kinh phí cho trẻ em năm 2026; Quỹ Bảo trợ trẻ em phường.",
    2: "Sổ hộ tịch: trẻ em sinh trong năm được đăng ký khai sinh đúng hạn.",
    7: "Báo cáo của Trạm Y tế phường về tiêm chủng mở rộng.",
    13: "Phiếu khảo sát ý kiến trẻ em và người dân tại các tổ dân phố.",
}
# Phường Phan Đình Phùng: a draft with its first criteria entered.
DRAFT_POINTS = (60, 75, 55)


def _open(admin: User, code: str) -> Assessment | None:
    unit = unit_by_code(code, timezone.localdate())
    if unit is None:
        return None
    found = Assessment.objects.filter(unit=unit, year=YEAR).first()
    if found is not None:
        return None  # made at an earlier load
    return assessment_start(actor=admin, unit=unit, year=YEAR, commune_type="other")


def demo_assessments(admin: User) -> int:
    load_criteria()
    made = 0
    bac_kan = _open(admin, "01843")
    if bac_kan is not None:
        scores = [
            ScoreInput(n, points, BAC_KAN_EVIDENCE.get(n))
            for n, points in enumerate(BAC_KAN_POINTS, start=1)
        ]
        assessment_save(actor=admin, assessment=bac_kan, scores=scores)
        assessment_submit(actor=admin, assessment=bac_kan)
        made += 1
    draft = _open(admin, "05443")
    if draft is not None:
        scores = [ScoreInput(n, p) for n, p in enumerate(DRAFT_POINTS, start=1)]
        assessment_save(actor=admin, assessment=draft, scores=scores)
        made += 1
    return made

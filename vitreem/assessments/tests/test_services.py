from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from vitreem.assessments import selectors, services
from vitreem.assessments.models import Assessment, Score, Status
from vitreem.assessments.services import ScoreInput
from vitreem.core.models import AuditEvent

from .conftest import TODAY, all_points

pytestmark = pytest.mark.django_db


def _child(actor, unit, name, group_from=date(2026, 1, 10)):
    from vitreem.children.services import ChildData, child_register, circumstance_add

    child = child_register(
        actor=actor,
        unit=unit,
        data=ChildData(full_name=name, date_of_birth=date(2015, 3, 3), sex="female"),
    )
    circumstance_add(actor=actor, child=child, group="a", started_on=group_from)
    return child


def _support(actor, child, day):
    from vitreem.children.services import SupportData, support_record_add

    support_record_add(
        actor=actor,
        child=child,
        data=SupportData(
            kind="gift", given_on=day, value=500_000, source="state", occasion="childrens_day"
        ),
        today=TODAY,
    )


def _scores(assessment):
    return {s.criterion.number: s for s in Score.objects.filter(assessment=assessment)}


def test_criterion_6_is_prefilled_from_the_registry(personas):
    officer = personas.officer_a
    helped = [_child(officer, personas.unit_a, f"Trẻ {i}") for i in range(3)]
    _child(officer, personas.unit_a, "Trẻ chưa được hỗ trợ")
    _support(officer, helped[0], date(2026, 6, 1))
    _support(officer, helped[0], date(2026, 9, 1))  # one child counted once
    _support(officer, helped[1], date(2026, 6, 1))
    _support(officer, helped[2], date(2026, 3, 1))
    other = _child(personas.officer_b, personas.unit_b, "Trẻ của phường khác")
    _support(personas.officer_b, other, date(2026, 6, 1))

    known = selectors.prefill(personas.unit_a, 2026, TODAY)
    assert known[6].figures == {"children": 4, "supported": 3}

    assessment = services.assessment_start(actor=officer, unit=personas.unit_a, year=2026)
    score = _scores(assessment)[6]
    assert "3/4 trẻ em có hoàn cảnh đặc biệt được trợ giúp" in score.evidence
    assert "75%" in score.evidence
    assert "Sổ theo dõi trẻ em" in score.prefill_source
    assert score.points is None  # the figure is given; the points stay the commune's to set


def test_criteria_11_and_12_are_prefilled_from_table_3(personas, province_round):
    from vitreem.reporting.models import Submission
    from vitreem.reporting.services import submission_save, submission_submit

    report = Submission.objects.get(round=province_round, unit=personas.unit_a, agency=None)
    cells = {
        ("participation_activities", "", ""): 5,
        ("participation_children", "", ""): 120,
        ("forums", "", ""): 1,
        ("forums_children", "", ""): 40,
        ("camps", "", ""): 2,
        ("recreation_activities", "", ""): 7,
        ("recreation_children", "", ""): 300,
    }
    submission_save(actor=personas.officer_a, submission=report, cells=cells)
    submission_submit(actor=personas.officer_a, submission=report)

    known = selectors.prefill(personas.unit_a, 2026, TODAY)
    assert known[11].figures == {
        "participation_activities": 5,
        "participation_children": 120,
        "forums": 1,
        "forums_children": 40,
    }
    assert known[12].figures == {"camps": 2, "recreation_activities": 7, "recreation_children": 300}
    assessment = services.assessment_start(
        actor=personas.officer_a, unit=personas.unit_a, year=2026
    )
    scores = _scores(assessment)
    assert "5 hoạt động có sự tham gia của trẻ em với 120 lượt trẻ em" in scores[11].evidence
    assert "Tháng hành động 2026" in scores[11].prefill_source
    assert "7 hoạt động vui chơi, giải trí khác với 300 lượt trẻ em" in scores[12].evidence


def test_nothing_is_prefilled_where_the_system_has_no_figure(personas, province_round):
    # A draft report (not filed) and no child in special circumstances: nothing to pre-fill.
    assessment = services.assessment_start(
        actor=personas.officer_a, unit=personas.unit_a, year=2026
    )
    assert all(not s.evidence and not s.prefill_source for s in _scores(assessment).values())


def test_opened_with_the_province_as_appraiser_and_due_on_30_october(assessment, personas):
    assert assessment.appraising_unit == personas.province
    assert assessment.due_on == date(2026, 10, 30)
    assert Score.objects.filter(assessment=assessment).count() == 13


def test_a_pre_reform_commune_is_appraised_by_its_district_unless_configured(personas, settings):
    from conftest import PRE_REFORM_DAY
    from vitreem.units.models import AdministrativeUnit

    commune = AdministrativeUnit.objects.filter(district=personas.old_city, level=3).first()
    assert commune is not None
    assert commune.valid_from <= PRE_REFORM_DAY
    assert services.appraiser_for(commune) == personas.old_city
    settings.ASSESSMENT_APPRAISER = "province"
    assert services.appraiser_for(commune).pk == commune.province_id


@pytest.mark.parametrize(
    ("points", "message"),
    [
        (126, "Tiêu chí 6 tối đa 125 điểm"),
        (-1, "Điểm không được âm"),
        (12.5, "Điểm phải là số nguyên"),
        ("50", "Điểm phải là số nguyên"),
        (10**9, "vượt quá mức cho phép"),
    ],
)
def test_bad_points_are_refused_and_nothing_changes(assessment, personas, points, message):
    services.assessment_save(
        actor=personas.officer_a, assessment=assessment, scores=[ScoreInput(1, 40)]
    )
    before = list(Score.objects.values_list("criterion__number", "points", "evidence"))
    audits = AuditEvent.objects.count()
    with pytest.raises(ValidationError) as refused:
        services.assessment_save(
            actor=personas.officer_a,
            assessment=assessment,
            scores=[ScoreInput(1, 60, "Đã sửa"), ScoreInput(6, points)],
        )
    assert message in str(refused.value)
    assert list(Score.objects.values_list("criterion__number", "points", "evidence")) == before
    assert AuditEvent.objects.count() == audits


def test_criterion_6_at_its_maximum_is_accepted(assessment, personas):
    services.assessment_save(
        actor=personas.officer_a, assessment=assessment, scores=[ScoreInput(6, 125, "Đủ")]
    )
    assert _scores(assessment)[6].points == 125


def test_the_whole_flow_to_recognition(assessment, personas):
    services.assessment_save(
        actor=personas.officer_a,
        assessment=assessment,
        scores=all_points(66),
        commune_type="other",
    )
    with pytest.raises(PermissionDenied):  # the officer enters; the leader submits
        services.assessment_submit(actor=personas.officer_a, assessment=assessment)
    services.assessment_submit(actor=personas.leader_a, assessment=assessment)
    with pytest.raises(ValidationError):  # submitted: no more changes
        services.assessment_save(
            actor=personas.officer_a, assessment=assessment, scores=[ScoreInput(1, 1)]
        )
    with pytest.raises(Http404):  # the commune does not appraise itself
        services.assessment_appraise(
            actor=personas.leader_a, assessment=assessment, recognised=True
        )
    with pytest.raises(PermissionDenied):  # the province's viewer reads, does not decide
        services.assessment_appraise(actor=personas.viewer, assessment=assessment, recognised=True)
    services.assessment_appraise(
        actor=personas.supervisor,
        assessment=assessment,
        recognised=True,
        decision_number="123/QĐ-UBND",
        decided_on=date(2026, 11, 20),
    )
    assessment.refresh_from_db()
    assert assessment.status == Status.RECOGNISED
    assert assessment.decision_number == "123/QĐ-UBND"


def test_recognition_is_refused_below_the_threshold(assessment, personas):
    # 858 points: enough for an ordinary commune, not for an urban ward (900).
    services.assessment_save(
        actor=personas.officer_a,
        assessment=assessment,
        scores=all_points(66),
        commune_type="urban_ward",
    )
    services.assessment_submit(actor=personas.leader_a, assessment=assessment)
    with pytest.raises(ValidationError, match="900"):
        services.assessment_appraise(
            actor=personas.supervisor, assessment=assessment, recognised=True, decision_number="1"
        )
    assessment.refresh_from_db()
    assert assessment.status == Status.SUBMITTED
    services.assessment_appraise(actor=personas.supervisor, assessment=assessment, recognised=False)
    assessment.refresh_from_db()
    assert assessment.status == Status.NOT_RECOGNISED


def test_a_criterion_at_zero_blocks_recognition(assessment, personas):
    scores = all_points(100)
    scores[2] = ScoreInput(3, 0)
    services.assessment_save(actor=personas.officer_a, assessment=assessment, scores=scores)
    services.assessment_submit(actor=personas.leader_a, assessment=assessment)
    with pytest.raises(ValidationError):
        services.assessment_appraise(
            actor=personas.supervisor, assessment=assessment, recognised=True, decision_number="1"
        )


def test_submission_needs_every_criterion_scored(assessment, personas):
    services.assessment_save(
        actor=personas.officer_a, assessment=assessment, scores=all_points()[:12]
    )
    with pytest.raises(ValidationError, match="13"):
        services.assessment_submit(actor=personas.leader_a, assessment=assessment)
    assessment.refresh_from_db()
    assert assessment.status == Status.DRAFT


def test_another_units_officer_cannot_open_or_enter(assessment, personas):
    with pytest.raises(Http404):
        services.assessment_start(actor=personas.officer_b, unit=personas.unit_a, year=2025)
    with pytest.raises(Http404):
        services.assessment_save(
            actor=personas.officer_b, assessment=assessment, scores=[ScoreInput(1, 10)]
        )
    with pytest.raises(PermissionDenied):
        services.assessment_save(
            actor=personas.viewer, assessment=assessment, scores=[ScoreInput(1, 10)]
        )
    assert Score.objects.filter(points__isnull=False).count() == 0


def test_one_assessment_per_commune_and_year(assessment, personas):
    with pytest.raises(ValidationError):
        services.assessment_start(actor=personas.officer_a, unit=personas.unit_a, year=2026)
    with pytest.raises(ValidationError):
        services.assessment_start(actor=personas.officer_a, unit=personas.unit_a, year=2031)
    assert Assessment.objects.count() == 1


def test_province_list_has_every_commune_with_its_status(assessment, personas):
    rows = selectors.communes_with_status(personas.province, 2026)
    by_code = {r.unit.code: r for r in rows}
    assert by_code[personas.unit_a.code].assessment == assessment
    assert by_code[personas.unit_b.code].assessment is None
    assert len(rows) > 50  # tỉnh Thái Nguyên's communes and wards


def test_officers_are_reminded_before_30_october(assessment, personas):
    from vitreem.notifications.models import Notification

    assert services.remind_due(date(2026, 10, 23)) == 1  # 7 days before
    assert services.remind_due(date(2026, 10, 23)) == 0  # once
    assert services.remind_due(date(2026, 10, 24)) == 0  # not a reminder day
    notice = Notification.objects.get(user=personas.officer_a)
    assert "30/10/2026" in notice.text

"""The yearly self-assessment report as a reporting round: opened by the province for its
communes, due 30/10; a sent assessment is the commune's filed report with its points, one not
sent is missing; completeness, the dashboard and the deadline reminders count it as any round."""

from datetime import UTC, date, datetime

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from conftest import unit
from vitreem.accounts.tests.factories import MembershipFactory, UserFactory
from vitreem.assessments import services
from vitreem.assessments.models import Score
from vitreem.assessments.services import ScoreInput
from vitreem.core.models import AuditEvent
from vitreem.notifications.models import Notification
from vitreem.notifications.services import scan_reports
from vitreem.reporting.models import (
    DataValue,
    ReportForm,
    Round,
    Submission,
    SubmissionStatus,
    ValueChange,
)
from vitreem.reporting.selectors import completeness, consolidate, open_rounds
from vitreem.reporting.services import round_create, submission_save, submission_submit

from .conftest import TODAY, all_points

pytestmark = pytest.mark.django_db
FORM = "child-friendly-assessment"


def _sent(personas, commune, officer, leader, value=70):
    assessment = services.assessment_start(actor=officer, unit=commune, year=2026)
    services.assessment_save(actor=officer, assessment=assessment, scores=all_points(value))
    return services.assessment_submit(actor=leader, assessment=assessment)


def _report(round_, commune) -> Submission:
    return Submission.objects.get(round=round_, unit=commune, agency=None)


def _values(submission) -> dict[str, int]:
    return dict(
        DataValue.objects.filter(submission=submission).values_list("element__code", "value")
    )


def test_the_province_opens_the_round_of_its_communes_due_30_10(personas):
    round_ = services.assessment_round_open(
        actor=personas.supervisor, unit=personas.province, year=2026
    )
    assert round_.form.code == FORM
    assert round_.receiving_unit == personas.province
    assert (round_.period_start, round_.period_end) == (date(2026, 1, 1), date(2026, 10, 30))
    assert round_.deadlines == {"commune": "2026-10-30"}
    reports = Submission.objects.filter(round=round_)
    # Only the communes report: no agency, no province's own report.
    assert not reports.filter(agency__isnull=False).exists()
    assert set(reports.values_list("unit__level", flat=True)) == {3}
    assert set(reports.values_list("deadline", flat=True)) == {date(2026, 10, 30)}
    assert reports.filter(unit=personas.unit_a).exists()
    assert AuditEvent.objects.filter(action="assessment.round_open").count() == 1
    # Once a year.
    with pytest.raises(ValidationError, match="đã mở đợt báo cáo tự đánh giá năm 2026"):
        services.assessment_round_open(actor=personas.supervisor, unit=personas.province, year=2026)
    assert Round.objects.filter(form__code=FORM).count() == 1


def test_a_sent_assessment_is_the_communes_filed_report_with_its_points(personas):
    before = _sent(personas, personas.unit_a, personas.officer_a, personas.leader_a)
    round_ = services.assessment_round_open(
        actor=personas.supervisor, unit=personas.province, year=2026
    )
    report = _report(round_, personas.unit_a)
    assert report.status == SubmissionStatus.SUBMITTED
    assert report.submitted_at == before.submitted_at
    points = dict(
        Score.objects.filter(assessment=before).values_list("criterion__number", "points")
    )
    values = _values(report)
    assert values == {
        **{f"criterion_{n}": points[n] for n in range(1, 14)},
        "total_points": 910,
    }
    assert values["criterion_7"] == 50
    # Sent after the round opened: filed at once.
    officer_b_leader = MembershipFactory(
        user=UserFactory(username="lanhdao.b"), unit=personas.unit_b, role="leader"
    ).user
    _sent(personas, personas.unit_b, personas.officer_b, officer_b_leader, value=66)
    report_b = _report(round_, personas.unit_b)
    assert report_b.status == SubmissionStatus.SUBMITTED
    assert _values(report_b)["total_points"] == 858
    # The province's consolidated table lists each commune with its points.
    table = consolidate(round_, personas.province)[0]
    rows = {row.unit_name: row.values for row in table.rows}
    assert rows[personas.unit_a.name]["total_points"] == 910
    assert rows[personas.unit_b.name]["criterion_1"] == 82
    # The changes are recorded as coming from the assessment.
    assert set(ValueChange.objects.filter(submission=report).values_list("source", flat=True)) == {
        "assessment"
    }


def test_a_commune_without_a_sent_assessment_is_missing_then_late(personas):
    _sent(personas, personas.unit_a, personas.officer_a, personas.leader_a)
    draft = services.assessment_start(actor=personas.officer_b, unit=personas.unit_b, year=2026)
    round_ = services.assessment_round_open(
        actor=personas.supervisor, unit=personas.province, year=2026
    )
    expected = Submission.objects.filter(round=round_).count()
    found = completeness(round_, personas.province, TODAY)
    assert (found.expected, found.on_time, found.late, found.missing) == (
        expected,
        1,
        0,
        expected - 1,
    )
    assert _report(round_, personas.unit_b).status == SubmissionStatus.DRAFT
    assert not DataValue.objects.filter(submission=_report(round_, personas.unit_b)).exists()
    # The dashboard lists the round with the commune's report missing.
    dashboard = next(o for o in open_rounds(personas.province, TODAY) if o.round == round_)
    assert (dashboard.total.on_time, dashboard.total.missing) == (1, expected - 1)
    # Sent after 30/10: filed late.
    services.assessment_save(actor=personas.officer_b, assessment=draft, scores=all_points(66))
    leader_b = MembershipFactory(
        user=UserFactory(username="lanhdao.b"), unit=personas.unit_b, role="leader"
    ).user
    with time_machine.travel(datetime(2026, 11, 2, 3, 0, tzinfo=UTC), tick=False):
        services.assessment_submit(actor=leader_b, assessment=draft)
    found = completeness(round_, personas.province, date(2026, 11, 2))
    assert (found.on_time, found.late, found.missing) == (1, 1, expected - 2)


def test_the_round_reminds_the_communes_not_the_assessment_twice(personas):
    services.assessment_start(actor=personas.officer_b, unit=personas.unit_b, year=2026)
    round_ = services.assessment_round_open(
        actor=personas.supervisor, unit=personas.province, year=2026
    )
    seven_days_before = date(2026, 10, 23)
    assert services.remind_due(seven_days_before) == 0  # the round reminds this commune
    scan_reports(seven_days_before)
    mine = Notification.objects.filter(user=personas.officer_b)
    assert mine.count() == 1
    assert mine.get().round == round_


def test_another_units_people_cannot_open_the_round(personas):
    ha_noi = MembershipFactory(
        user=UserFactory(username="lanhdao.hanoi"), unit=unit("01"), role="leader"
    ).user
    with pytest.raises(Http404):
        services.assessment_round_open(actor=ha_noi, unit=personas.province, year=2026)
    with pytest.raises((Http404, PermissionDenied)):
        services.assessment_round_open(actor=personas.officer_a, unit=personas.province, year=2026)
    with pytest.raises(PermissionDenied):
        services.assessment_round_open(actor=personas.viewer, unit=personas.province, year=2026)
    with pytest.raises(ValidationError):  # a commune does not open it
        services.assessment_round_open(actor=personas.officer_a, unit=personas.unit_a, year=2026)
    assert not Round.objects.filter(form__code=FORM).exists()


def test_another_commune_cannot_read_the_filed_report(client, personas):
    _sent(personas, personas.unit_a, personas.officer_a, personas.leader_a)
    round_ = services.assessment_round_open(
        actor=personas.supervisor, unit=personas.province, year=2026
    )
    report = _report(round_, personas.unit_a)
    client.force_login(personas.officer_b)
    assert client.get(f"/reports/submissions/{report.pk}/").status_code == 404
    client.force_login(personas.supervisor)
    page = client.get(f"/reports/submissions/{report.pk}/").content.decode()
    assert "lấy từ bản tự đánh giá" in page
    assert 'value="910"' in page


def test_points_over_a_criterions_maximum_are_refused_and_nothing_changes(personas):
    round_ = services.assessment_round_open(
        actor=personas.supervisor, unit=personas.province, year=2026
    )
    assessment = services.assessment_start(
        actor=personas.officer_a, unit=personas.unit_a, year=2026
    )
    services.assessment_save(
        actor=personas.officer_a, assessment=assessment, scores=[ScoreInput(7, 45)]
    )
    before = list(Score.objects.values_list("criterion__number", "points", "evidence"))
    with pytest.raises(ValidationError) as refused:
        services.assessment_save(
            actor=personas.officer_a,
            assessment=assessment,
            scores=[ScoreInput(1, 60), ScoreInput(7, 51)],
        )
    assert "Tiêu chí 7 tối đa 50 điểm; không thể chấm 51 điểm." in str(refused.value)
    assert list(Score.objects.values_list("criterion__number", "points", "evidence")) == before
    report = _report(round_, personas.unit_a)
    assert report.status == SubmissionStatus.DRAFT
    assert not DataValue.objects.filter(submission=report).exists()


def test_the_report_is_not_typed_uploaded_or_sent_by_hand(client, personas):
    round_ = services.assessment_round_open(
        actor=personas.supervisor, unit=personas.province, year=2026
    )
    report = _report(round_, personas.unit_a)
    with pytest.raises(ValidationError, match="lấy từ bản tự đánh giá"):
        submission_save(
            actor=personas.officer_a, submission=report, cells={("criterion_1", "", ""): 900}
        )
    with pytest.raises(ValidationError, match="lấy từ bản tự đánh giá"):
        submission_submit(actor=personas.officer_a, submission=report)
    client.force_login(personas.officer_a)
    page = client.post(
        f"/reports/submissions/{report.pk}/", {"c-criterion_1--": "900", "action": "save"}
    )
    assert page.status_code == 200
    report.refresh_from_db()
    assert report.status == SubmissionStatus.DRAFT
    assert not DataValue.objects.filter(submission=report).exists()
    assert not ValueChange.objects.filter(submission=report).exists()
    # Nor is such a round opened from the reporting pages.
    with pytest.raises(ValidationError, match="Xã, phường phù hợp với trẻ em"):
        round_create(
            actor=personas.supervisor,
            form=ReportForm.objects.get(code=FORM),
            receiving_unit=personas.province,
            title="Khác",
            period_kind="year",
            period_start=date(2027, 1, 1),
            period_end=date(2027, 10, 30),
        )


def test_the_list_page_opens_the_round_and_shows_its_progress(client, personas):
    _sent(personas, personas.unit_a, personas.officer_a, personas.leader_a)
    client.force_login(personas.supervisor)
    page = client.get(f"/assessments/?unit={personas.province.code}&year=2026").content.decode()
    assert "Mở đợt báo cáo" in page
    opened = client.post("/assessments/round/", {"unit": personas.province.code, "year": "2026"})
    round_ = Round.objects.get(form__code=FORM)
    assert opened.status_code == 302
    assert opened["Location"] == f"/reports/{round_.pk}/"
    page = client.get(f"/assessments/?unit={personas.province.code}&year=2026").content.decode()
    expected = Submission.objects.filter(round=round_).count()
    assert (
        f"{expected} xã, phường phải báo cáo: 1 đúng hạn, 0 muộn, {expected - 1} chưa nộp." in page
    )
    # The commune's own page offers no opening.
    client.force_login(personas.officer_b)
    refused = client.post("/assessments/round/", {"unit": personas.province.code, "year": "2027"})
    assert refused.status_code in (403, 404)
    assert Round.objects.filter(form__code=FORM).count() == 1


@pytest.mark.parametrize("recognised", [True, False])
def test_the_appraisal_decides_the_communes_report_in_the_round(personas, recognised):
    assessment = _sent(personas, personas.unit_a, personas.officer_a, personas.leader_a)
    round_ = services.assessment_round_open(
        actor=personas.supervisor, unit=personas.province, year=2026
    )
    assert _report(round_, personas.unit_a).status == SubmissionStatus.SUBMITTED
    services.assessment_appraise(
        actor=personas.supervisor,
        assessment=assessment,
        recognised=recognised,
        decision_number="123/QĐ-UBND" if recognised else "",
        note="" if recognised else "Tiêu chí 13 chưa đạt theo khảo sát.",
    )
    report = _report(round_, personas.unit_a)
    assert report.status == SubmissionStatus.APPROVED
    assert report.decided_at is not None
    assert AuditEvent.objects.filter(
        action="submission.approve", target_id=str(report.pk), actor=personas.supervisor
    ).exists()
    # Its points stay those sent.
    assert _values(report)["total_points"] == 910

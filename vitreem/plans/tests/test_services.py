from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404

from conftest import PRE_REFORM_DAY, unit
from vitreem.accounts.tests.factories import MembershipFactory, UserFactory
from vitreem.plans.loaders import load_plan_files
from vitreem.plans.models import Plan, PlanStatus, Task, TaskProgress, TaskStatus
from vitreem.plans.services import (
    plan_copy_previous,
    plan_derive,
    plan_issue,
    task_progress_post,
)
from vitreem.units.services import agencies_create_standard

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeds(db):
    return {p.key: p for p in load_plan_files()}


@pytest.fixture
def ward():
    ward = unit("01837", PRE_REFORM_DAY)  # Phường Sông Cầu, thành phố Bắc Kạn
    agencies_create_standard(actor=None, unit=ward)
    return ward


def issued_ward_plan(seeds, ward, officer, leader):
    """The ward's plan derived from the city plan by its officer and issued by its leader."""
    draft = plan_derive(
        actor=officer, parent=seeds["bac-kan-city-2021-action-month"], issuer_unit=ward
    )
    return plan_issue(actor=leader, plan=draft, issued_on=date(2021, 5, 25))


def member(username, unit_, role="officer"):
    return MembershipFactory(user=UserFactory(username=username), unit=unit_, role=role).user


def test_a_ward_derives_its_plan_from_the_city_plan(seeds, ward):
    city_plan = seeds["bac-kan-city-2021-action-month"]
    plan = plan_derive(actor=member("canbo.songcau", ward), parent=city_plan, issuer_unit=ward)
    assert plan.status == PlanStatus.DRAFT
    assert plan.parent == city_plan
    assert (plan.theme, plan.period_start, plan.period_end) == (
        city_plan.theme,
        city_plan.period_start,
        city_plan.period_end,
    )
    assert plan.slogans == city_plan.slogans
    assert plan.scope == "Trên địa bàn phường Sông Cầu."
    assert plan.opening[0]["text"].startswith("Thực hiện Kế hoạch số …/KH-UBND")
    # Names as an official writes them: the kind in lower case inside a sentence, never the
    # header's title case ("Ủy Ban Nhân Dân Thành Phố Bắc Kạn").
    assert "Ủy ban nhân dân phường Sông Cầu xây dựng" in plan.opening[0]["text"]
    assert plan.parent_reference.endswith("của Ủy ban nhân dân thành phố Bắc Kạn")
    assert plan.recipients[0] == "Ủy ban nhân dân thành phố Bắc Kạn (b/c);"
    assert plan.header_name == "ỦY BAN NHÂN DÂN PHƯỜNG SÔNG CẦU"
    # The city gave six tasks to "UBND các xã, phường": they wait at the ward's lead office.
    tasks = Task.objects.filter(assignment__plan=plan)
    assert tasks.count() == 6
    assert {t.assignment.assignee_label for t in tasks} == {"Công chức Văn hóa - Xã hội"}


def test_deriving_needs_a_plan_of_the_level_above(seeds, ward):
    officer = member("canbo.songcau", ward)
    with pytest.raises(PermissionDenied):
        plan_derive(actor=officer, parent=seeds["hai-phong-2024-action-month"], issuer_unit=ward)
    other_city_ward = unit("00001", PRE_REFORM_DAY)  # Phường Phúc Xá, Hà Nội
    with pytest.raises(Http404):
        plan_derive(
            actor=officer,
            parent=seeds["bac-kan-city-2021-action-month"],
            issuer_unit=other_city_ward,
        )


def test_copy_last_years_plan_moves_dates_and_takes_the_new_theme(seeds):
    source = seeds["tam-duong-2021-child-protection"]
    officer = member("canbo.tamduong", source.issuer_unit)
    plan = plan_copy_previous(actor=officer, source=source, year=2022).plan
    assert (plan.year, plan.period_start, plan.period_end) == (
        2022,
        date(2022, 1, 1),
        date(2022, 12, 31),
    )
    assert plan.status == PlanStatus.DRAFT
    assert plan.number is None
    assert plan.title.endswith("năm 2022")
    assert (
        plan.theme == "Chung tay bảo vệ trẻ em, hãy lên tiếng phòng, chống xâm hại, bạo lực trẻ em"
    )
    old_due = sorted(t.due_on for t in Task.objects.filter(assignment__plan=source) if t.due_on)
    new_due = sorted(t.due_on for t in Task.objects.filter(assignment__plan=plan) if t.due_on)
    assert [d.replace(year=2021) for d in new_due] == old_due
    assert all(d.year == 2022 for d in new_due)
    assert Plan.objects.get(pk=source.pk).year == 2021  # the source is untouched


def test_issue_allocates_numbers_per_issuer_and_year(seeds, ward):
    officer = member("canbo.songcau", ward)
    leader = member("lanhdao.songcau", ward, "leader")
    city_plan = seeds["bac-kan-city-2021-action-month"]
    drafts = [plan_derive(actor=officer, parent=city_plan, issuer_unit=ward) for _ in range(2)]
    drafts[1].parent = None  # another plan of the ward's, implementing nothing above
    drafts[1].save()
    first = plan_issue(actor=leader, plan=drafts[0], issued_on=date(2021, 5, 25))
    second = plan_issue(actor=leader, plan=drafts[1], issued_on=date(2021, 5, 26))
    assert (first.number, second.number) == (1, 2)
    assert first.number_text == "1/KH-UBND"


def test_duplicate_number_is_refused_and_changes_nothing(seeds, ward):
    officer = member("canbo.songcau", ward)
    leader = member("lanhdao.songcau", ward, "leader")
    city_plan = seeds["bac-kan-city-2021-action-month"]
    first, draft = [plan_derive(actor=officer, parent=city_plan, issuer_unit=ward) for _ in "ab"]
    draft.parent = None  # another plan of the ward's, implementing nothing above
    draft.save()
    plan_issue(actor=leader, plan=first, issued_on=date(2021, 5, 25), number=7)
    with pytest.raises(ValidationError) as error:
        plan_issue(actor=leader, plan=draft, issued_on=date(2021, 5, 26), number=7)
    assert "Số 7/KH-UBND đã dùng trong năm 2021." in str(error.value)
    draft.refresh_from_db()
    assert (draft.status, draft.number) == (PlanStatus.DRAFT, None)


def test_only_a_leader_issues(seeds, ward):
    officer = member("canbo.songcau", ward)
    draft = plan_derive(
        actor=officer, parent=seeds["bac-kan-city-2021-action-month"], issuer_unit=ward
    )
    with pytest.raises(PermissionDenied):
        plan_issue(actor=officer, plan=draft, issued_on=date(2021, 5, 25))


def test_a_task_due_before_the_plan_period_stops_the_issue(seeds, ward):
    officer = member("canbo.songcau", ward)
    leader = member("lanhdao.songcau", ward, "leader")
    draft = plan_derive(
        actor=officer, parent=seeds["bac-kan-city-2021-action-month"], issuer_unit=ward
    )
    Task.objects.filter(assignment__plan=draft).update(due_on=date(2021, 5, 20))
    with pytest.raises(ValidationError) as error:
        plan_issue(actor=leader, plan=draft, issued_on=date(2021, 5, 25))
    assert "Hạn trước thời gian thực hiện kế hoạch" in str(error.value)
    assert Plan.objects.get(pk=draft.pk).status == PlanStatus.DRAFT


def test_a_task_due_before_it_starts_is_invalid_a_cooperating_one_without_a_lead_is_not(seeds):
    assignment = seeds["tam-duong-2021-child-protection"].assignments.first()
    early = Task(
        assignment=assignment,
        text="Tổ chức diễn đàn trẻ em",
        role="lead",
        start_on=date(2021, 6, 10),
        due_on=date(2021, 6, 5),
    )
    with pytest.raises(ValidationError) as error:
        early.full_clean()
    assert "Hạn hoàn thành phải sau ngày bắt đầu." in str(error.value)
    # Plans write "phối hợp với các cơ quan liên quan" without naming who leads.
    leaderless = Task(assignment=assignment, text="Phối hợp kiểm tra", role="cooperate")
    leaderless.full_clean()
    leaderless.save()
    assert Task.objects.filter(pk=leaderless.pk, lead_label="").exists()


def test_agency_officer_reports_progress_and_others_cannot(seeds, ward):
    officer = member("canbo.songcau", ward)
    leader = member("lanhdao.songcau", ward, "leader")
    plan = issued_ward_plan(seeds, ward, officer, leader)
    task = Task.objects.filter(assignment__plan=plan).first()
    report = SimpleUploadedFile("bao-cao.pdf", b"%PDF-1.4 ket qua", content_type="application/pdf")
    task_progress_post(
        actor=officer, task=task, status=TaskStatus.DONE, note="Đã tổ chức", attachment=report
    )
    task.refresh_from_db()
    assert task.status == TaskStatus.DONE
    assert task.progress.get().attachment.name.endswith(".pdf")

    stranger = member("canbo.ducxuan", unit("01840", PRE_REFORM_DAY))  # Phường Đức Xuân
    with pytest.raises(Http404):
        task_progress_post(actor=stranger, task=task, status=TaskStatus.CANNOT_DO)
    assert Task.objects.get(pk=task.pk).status == TaskStatus.DONE


@pytest.mark.parametrize(
    ("name", "size", "message"),
    [("virus.exe", 10, "Chỉ nhận tệp"), ("anh.png", 11 * 1024 * 1024, "Tệp quá lớn")],
)
def test_bad_attachments_are_refused_and_nothing_is_saved(seeds, ward, name, size, message):
    officer = member("canbo.songcau", ward)
    leader = member("lanhdao.songcau", ward, "leader")
    plan = issued_ward_plan(seeds, ward, officer, leader)
    task = Task.objects.filter(assignment__plan=plan).first()
    with pytest.raises(ValidationError) as error:
        task_progress_post(
            actor=officer,
            task=task,
            status=TaskStatus.DONE,
            attachment=SimpleUploadedFile(name, b"x" * size),
        )
    assert message in str(error.value)
    assert not TaskProgress.objects.exists()
    assert Task.objects.get(pk=task.pk).status == TaskStatus.NOT_STARTED


def test_an_issued_plan_changes_only_by_an_amendment_and_stays_readable(seeds, ward):
    from vitreem.accounts.access import can_read_plan
    from vitreem.plans.selectors import tasks_for_user
    from vitreem.plans.services import plan_amend

    officer = member("canbo.songcau", ward)
    leader = member("lanhdao.songcau", ward, "leader")
    original = issued_ward_plan(seeds, ward, officer, leader)
    with pytest.raises(ValidationError):
        plan_issue(actor=leader, plan=original, issued_on=date(2021, 5, 26))
    amendment = plan_amend(actor=officer, plan=original)
    assert amendment.amends == original
    assert amendment.title.startswith("Sửa đổi, bổ sung Kế hoạch số 1/KH-UBND ngày 25/5/2021")
    assert Task.objects.filter(assignment__plan=amendment).count() == 6
    plan_issue(actor=leader, plan=amendment, issued_on=date(2021, 6, 2))
    original.refresh_from_db()
    assert original.status == PlanStatus.AMENDED
    assert can_read_plan(officer, original)
    # Only the amendment's tasks are current.
    plans = {t.assignment.plan_id for t in tasks_for_user(officer)}
    assert plans == {amendment.pk}


def test_a_failed_progress_save_leaves_no_file_behind(seeds, ward, monkeypatch, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    officer = member("canbo.songcau", ward)
    leader = member("lanhdao.songcau", ward, "leader")
    plan = issued_ward_plan(seeds, ward, officer, leader)
    task = Task.objects.filter(assignment__plan=plan).first()

    def broken_audit(**kwargs):
        raise RuntimeError("audit store unavailable")

    monkeypatch.setattr("vitreem.plans.services.audit_record", broken_audit)
    with pytest.raises(RuntimeError):
        task_progress_post(
            actor=officer,
            task=task,
            status=TaskStatus.DONE,
            attachment=SimpleUploadedFile("bao-cao.pdf", b"%PDF-1.4"),
        )
    assert not TaskProgress.objects.exists()
    assert not any(p.is_file() for p in tmp_path.rglob("*"))


def test_a_unit_with_an_issued_plan_for_the_parent_cannot_derive_another(seeds, ward):
    officer = member("canbo.songcau", ward)
    leader = member("lanhdao.songcau", ward, "leader")
    issued = issued_ward_plan(seeds, ward, officer, leader)
    before = Plan.objects.count()
    with pytest.raises(ValidationError) as error:
        plan_derive(actor=officer, parent=seeds["bac-kan-city-2021-action-month"], issuer_unit=ward)
    assert f"đã ban hành Kế hoạch số {issued.number_text}" in str(error.value)
    assert Plan.objects.count() == before


def test_a_draft_for_the_parent_does_not_stop_another_draft(seeds, ward):
    officer = member("canbo.songcau", ward)
    city_plan = seeds["bac-kan-city-2021-action-month"]
    plan_derive(actor=officer, parent=city_plan, issuer_unit=ward)
    assert plan_derive(actor=officer, parent=city_plan, issuer_unit=ward).status == "draft"


def test_of_two_drafts_for_the_parent_only_the_first_can_be_issued(seeds, ward):
    officer = member("canbo.songcau", ward)
    leader = member("lanhdao.songcau", ward, "leader")
    city_plan = seeds["bac-kan-city-2021-action-month"]
    first = plan_derive(actor=officer, parent=city_plan, issuer_unit=ward)
    second = plan_derive(actor=officer, parent=city_plan, issuer_unit=ward)
    issued = plan_issue(actor=leader, plan=first, issued_on=date(2021, 5, 25))
    with pytest.raises(ValidationError) as error:
        plan_issue(actor=leader, plan=second, issued_on=date(2021, 5, 26))
    assert f"đã ban hành Kế hoạch số {issued.number_text}" in str(error.value)
    second.refresh_from_db()
    assert (second.status, second.number) == (PlanStatus.DRAFT, None)


def test_copy_moves_the_year_written_in_every_text_and_lists_the_changes(seeds):
    source = seeds["tam-duong-2021-child-protection"]
    source.sections = [
        {
            "heading": "Mục đích",
            "blocks": [{"type": "text", "text": "Từ 01/6/2021 đến 30/06/2021, theo Luật 2016."}],
        },
        {
            "heading": "Tổng kết",
            "blocks": [
                {
                    "type": "bullets",
                    "items": ["Tổng kết trước ngày 15 tháng 12 năm 2021; số liệu năm 2020."],
                }
            ],
        },
    ]
    source.save()
    officer = member("canbo.tamduong", source.issuer_unit)
    copied = plan_copy_previous(actor=officer, source=source, year=2022)
    plan = copied.plan
    assert plan.sections == [
        {
            "heading": "Mục đích",
            "blocks": [{"type": "text", "text": "Từ 01/6/2022 đến 30/06/2022, theo Luật 2016."}],
        },
        {
            "heading": "Tổng kết",
            "blocks": [
                {
                    "type": "bullets",
                    "items": ["Tổng kết trước ngày 15 tháng 12 năm 2022; số liệu năm 2020."],
                }
            ],
        },
    ]
    afters = [after for _, _, after in copied.changes]
    assert "Từ 01/6/2022 đến 30/06/2022, theo Luật 2016." in afters
    assert plan.title.endswith("năm 2022")
    texts = " ".join(t.text for t in Task.objects.filter(assignment__plan=plan))
    assert "năm 2021" not in texts
    assert copied.warnings == []


def test_copy_into_a_year_without_a_known_theme_keeps_it_and_warns(seeds):
    source = seeds["bac-kan-city-2021-action-month"]
    officer = member("canbo.tpbackan", source.issuer_unit)
    copied = plan_copy_previous(actor=officer, source=source, year=2040)
    assert copied.plan.theme == source.theme
    assert copied.plan.title.endswith("năm 2040")
    assert [w for w in copied.warnings if "rà soát lại chủ đề" in w] == copied.warnings
    assert len(copied.warnings) == 1

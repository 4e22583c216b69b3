import pytest

from vitreem.plans.loaders import load_plan_files

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeds(db):
    return {p.key: p for p in load_plan_files()}


def test_plan_list_shows_what_the_user_may_read(client, personas, seeds):
    client.force_login(personas.old_officer)
    page = client.get("/plans/?year=2021").content.decode()
    assert "Triển khai Tháng hành động vì trẻ em năm 2021" in page
    assert "Hải Phòng" not in page


def test_preview_shows_the_document_as_printed(client, personas, seeds):
    client.force_login(personas.admin)
    plan = seeds["hai-phong-2024-action-month"]
    page = client.get(f"/plans/{plan.pk}/").content.decode()
    assert "I. MỤC ĐÍCH, YÊU CẦU" in page
    assert "Tổng đài 111 - tiếp nhận thông tin mọi lúc, bảo vệ trẻ em mọi nơi." in page
    assert "Lê Khắc Nam" in page
    assert "Hải Phòng, ngày" in page


def test_preview_and_word_file_of_another_provinces_plan_are_404(client, personas, seeds):
    client.force_login(personas.officer_a)
    plan = seeds["bac-kan-city-2021-action-month"]
    assert client.get(f"/plans/{plan.pk}/").status_code == 404
    assert client.get(f"/plans/{plan.pk}/document.docx").status_code == 404


def test_word_file_downloads_for_a_reader(client, personas, seeds):
    client.force_login(personas.old_officer)
    plan = seeds["bac-kan-city-2021-action-month"]
    response = client.get(f"/plans/{plan.pk}/document.docx")
    assert response.status_code == 200
    assert response.content[:2] == b"PK"


def test_progress_page_of_another_communes_task_is_404(client, personas, seeds):
    from datetime import date

    from vitreem.plans.models import Assignment, Plan, Task

    plan = Plan.objects.create(
        issuer_unit=personas.unit_a,
        header_name="UBND PHƯỜNG BẮC KẠN",
        kind="action_month",
        status="issued",
        year=2026,
        place="Bắc Kạn",
        title="Kế hoạch",
        number=3,
        period_start=date(2026, 6, 1),
        period_end=date(2026, 6, 30),
    )
    assignment = Assignment.objects.create(
        plan=plan, assignee_label="Phường Bắc Kạn", assignee_unit=personas.unit_a
    )
    task = Task.objects.create(assignment=assignment, text="Tổ chức diễn đàn trẻ em", role="lead")
    client.force_login(personas.officer_b)
    assert client.get(f"/plans/tasks/{task.pk}/").status_code == 404
    response = client.post(f"/plans/tasks/{task.pk}/", {"status": "done"})
    assert response.status_code == 404
    assert Task.objects.get(pk=task.pk).status == "not_started"
    assert "Tổ chức diễn đàn trẻ em" not in client.get("/plans/tasks/").content.decode()
    client.force_login(personas.officer_a)
    assert "Tổ chức diễn đàn trẻ em" in client.get("/plans/tasks/").content.decode()


def test_pdf_of_a_plan_when_libreoffice_is_installed(client, personas, seeds):
    from vitreem.documents.pdf import libreoffice

    if libreoffice() is None:
        pytest.skip("LibreOffice is not installed: the PDF conversion is not available here")
    client.force_login(personas.old_officer)
    response = client.get(f"/plans/{seeds['bac-kan-city-2021-action-month'].pk}/document.pdf")
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")


def test_the_plan_page_makes_its_pdf_in_a_job(
    client, personas, seeds, monkeypatch, django_capture_on_commit_callbacks
):
    from vitreem.jobs.models import Job
    from vitreem.plans import jobs, views

    # The conversion itself is LibreOffice's (tested above where it is installed).
    monkeypatch.setattr(views, "libreoffice", lambda: "/usr/bin/soffice")
    monkeypatch.setattr(jobs, "docx_to_pdf", lambda docx: b"%PDF-1.4 " + docx[:2])
    plan = seeds["bac-kan-city-2021-action-month"]
    client.force_login(personas.old_officer)
    assert "Tạo bản PDF" in client.get(f"/plans/{plan.pk}/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post(f"/plans/{plan.pk}/document.pdf")
    job = Job.objects.get()
    assert sent["Location"] == f"/jobs/{job.pk}/"
    assert (job.kind, job.status, job.unit) == ("plan_pdf", "done", plan.issuer_unit)
    download = client.get(f"/jobs/{job.pk}/result")
    assert download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content) == b"%PDF-1.4 PK"  # made from the Word file
    client.force_login(personas.officer_a)  # another era's unit: neither the plan nor the job
    assert client.get(f"/jobs/{job.pk}/").status_code == 404
    assert client.post(f"/plans/{plan.pk}/document.pdf").status_code == 404
    assert Job.objects.count() == 1


def test_without_libreoffice_the_pdf_job_says_why(
    client, personas, seeds, monkeypatch, django_capture_on_commit_callbacks
):
    from vitreem.plans import jobs, views

    monkeypatch.setattr(views, "libreoffice", lambda: None)
    monkeypatch.setattr(jobs, "docx_to_pdf", lambda docx: None)
    client.force_login(personas.old_officer)
    plan = seeds["bac-kan-city-2021-action-month"]
    assert "Tạo bản PDF" not in client.get(f"/plans/{plan.pk}/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post(f"/plans/{plan.pk}/document.pdf")
    page = client.get(sent["Location"]).content.decode()
    assert "Không thành công" in page
    assert "chưa cài LibreOffice" in page
    assert "/result" not in page


def test_pdf_of_a_hidden_plan_is_404(client, personas, seeds):
    client.force_login(personas.officer_a)
    response = client.get(f"/plans/{seeds['bac-kan-city-2021-action-month'].pk}/document.pdf")
    assert response.status_code == 404


def test_copy_page_makes_next_years_draft(client, seeds):
    from vitreem.accounts.tests.factories import MembershipFactory, UserFactory
    from vitreem.plans.models import Plan

    source = seeds["tam-duong-2021-child-protection"]
    officer = MembershipFactory(user=UserFactory(username="canbo.td"), unit=source.issuer_unit).user
    client.force_login(officer)
    response = client.post(f"/plans/{source.pk}/copy/", {"year": "2022"})
    copy = Plan.objects.exclude(pk=source.pk).get(issuer_unit=source.issuer_unit)
    assert response["Location"] == f"/plans/{copy.pk}/"
    assert (copy.year, copy.status) == (2022, "draft")
    page = client.get(response["Location"]).content.decode()
    assert (
        "Chung tay bảo vệ trẻ em, hãy lên tiếng phòng, chống xâm hại, bạo lực trẻ em" in page
        or copy.theme
    )
    bad = client.post(f"/plans/{source.pk}/copy/", {"year": "hai"})
    assert bad.status_code == 302
    assert Plan.objects.filter(issuer_unit=source.issuer_unit).count() == 2


def test_plan_pages_cost_a_fixed_number_of_queries(
    client, personas, seeds, django_assert_max_num_queries
):
    client.force_login(personas.admin)
    with django_assert_max_num_queries(10):
        assert client.get("/plans/").status_code == 200
    plan = seeds["hai-phong-2024-action-month"]  # 11 assignees, 37 tasks
    with django_assert_max_num_queries(20):
        assert client.get(f"/plans/{plan.pk}/").status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get(f"/plans/{plan.pk}/board/").status_code == 200


def test_the_task_board_has_a_print_button_and_a_print_header(client, personas, seeds):
    plan = seeds["bac-kan-city-2021-action-month"]
    client.force_login(personas.old_officer)
    page = client.get(f"/plans/{plan.pk}/board/").content.decode()
    assert 'class="print-button" data-print' in page
    head = page.split('class="print-only print-head"', 1)[1].split("</div>", 1)[0]
    assert "Thành phố Bắc Kạn" in head
    assert plan.title in head
    assert plan.period_start.strftime("%d/%m/%Y") in head


def _ward_people():
    from conftest import PRE_REFORM_DAY, unit
    from vitreem.accounts.tests.factories import MembershipFactory, UserFactory
    from vitreem.units.services import agencies_create_standard

    ward = unit("01837", PRE_REFORM_DAY)  # Phường Sông Cầu, thành phố Bắc Kạn
    agencies_create_standard(actor=None, unit=ward)
    officer = MembershipFactory(user=UserFactory(username="canbo.sc"), unit=ward).user
    leader = MembershipFactory(user=UserFactory(username="ld.sc"), unit=ward, role="leader").user
    return ward, officer, leader


def test_the_parent_plan_page_links_the_units_issued_plan_instead_of_offering_to_derive(
    client, seeds
):
    from datetime import date

    from vitreem.plans.models import Plan
    from vitreem.plans.services import plan_derive, plan_issue

    city_plan = seeds["bac-kan-city-2021-action-month"]
    ward, officer, leader = _ward_people()
    client.force_login(officer)
    assert (
        "Tạo dự thảo kế hoạch triển khai" in client.get(f"/plans/{city_plan.pk}/").content.decode()
    )
    draft = plan_derive(actor=officer, parent=city_plan, issuer_unit=ward)
    page = client.get(f"/plans/{city_plan.pk}/").content.decode()
    assert "đã có dự thảo kế hoạch triển khai kế hoạch này" in page
    assert f'href="/plans/{draft.pk}/"' in page
    issued = plan_issue(actor=leader, plan=draft, issued_on=date(2021, 5, 25))
    page = client.get(f"/plans/{city_plan.pk}/").content.decode()
    assert "Tạo dự thảo kế hoạch triển khai" not in page
    assert "đã ban hành kế hoạch triển khai kế hoạch này" in page
    assert f'href="/plans/{issued.pk}/"' in page
    count = Plan.objects.count()
    response = client.post(f"/plans/{city_plan.pk}/derive/", {"unit": ward.pk})
    assert response["Location"] == f"/plans/{city_plan.pk}/"
    assert Plan.objects.count() == count


def test_after_copying_the_page_lists_what_changed_in_the_texts(client, seeds):
    from vitreem.accounts.tests.factories import MembershipFactory, UserFactory

    source = seeds["bac-kan-city-2021-action-month"]
    source.scope = "Phát động ngày 01/6/2021; theo Luật năm 2016."
    source.save()
    officer = MembershipFactory(user=UserFactory(username="canbo.tp"), unit=source.issuer_unit).user
    client.force_login(officer)
    response = client.post(f"/plans/{source.pk}/copy/", {"year": "2022"})
    page = client.get(response["Location"]).content.decode()
    assert "Những chỗ đã thay khi chép sang năm mới" in page
    assert "Phát động ngày 01/6/2021; theo Luật năm 2016." in page  # before
    assert "Phát động ngày 01/6/2022; theo Luật năm 2016." in page  # after
    again = client.get(response["Location"]).content.decode()
    assert "Những chỗ đã thay khi chép sang năm mới" not in again

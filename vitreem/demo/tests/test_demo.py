from datetime import date

import pytest
from django.core.exceptions import ImproperlyConfigured

from vitreem.accounts.models import User
from vitreem.children import prefill
from vitreem.children.models import Child, SupportRecord
from vitreem.demo.services import demo_load
from vitreem.fund import selectors as fund_selectors
from vitreem.fund.models import Disbursement, Donation, Fund
from vitreem.plans.models import Plan
from vitreem.reporting.models import DataValue, Round, Submission

pytestmark = pytest.mark.django_db


def test_demo_data_loads_twice_to_the_same_state(settings):
    settings.DEMO_MODE = True
    demo_load()
    counts = (
        User.objects.count(),
        Plan.objects.count(),
        Round.objects.count(),
        DataValue.objects.count(),
        Child.objects.count(),
        SupportRecord.objects.count(),
        Donation.objects.count(),
    )
    demo_load()
    assert (
        User.objects.count(),
        Plan.objects.count(),
        Round.objects.count(),
        DataValue.objects.count(),
        Child.objects.count(),
        SupportRecord.objects.count(),
        Donation.objects.count(),
    ) == counts
    city = Round.objects.get(title__contains="thành phố Bắc Kạn")
    statuses = set(city.submissions.values_list("status", flat=True))
    assert {"approved", "submitted", "returned", "draft"} <= statuses
    assert Submission.objects.get(round=city, unit__code="01852", agency=None).status == "draft"
    assert User.objects.get(username="admin").check_password("vitreem")
    ward_2026 = Submission.objects.get(
        round__title__startswith="Kết quả Tháng hành động vì trẻ em năm 2026",
        unit__code="01843",
        agency=None,
    )
    assert ward_2026.status == "draft"  # left for the demo officer to enter

    # The demo's registry and funds, and reports that agree with them.
    # Synthetic children in both eras' communes.
    assert Child.objects.filter(unit__valid_to__isnull=False).count() > 100  # until 30/6/2025
    assert Child.objects.filter(unit__code="01843", unit__valid_to__isnull=True).count() == 60
    # Every filed report of a commune with registered children says what its records say.
    city = Round.objects.get(title__contains="thành phố Bắc Kạn")
    sung_cau = Submission.objects.get(round=city, unit__code="01837", agency=None)
    cells = {(v.element.code, v.row, v.category): v.value for v in sung_cau.values.all()}
    proposed = prefill.proposals(sung_cau)
    assert proposed
    assert all(cells.get(p.key, 0) == p.value for p in proposed)
    assert proposed[0].value > 0
    # The ward's fund: balance is donations less payments; one donor on the 2026 honour roll.
    fund = Fund.objects.get(unit__code="01843")
    donated = sum(Donation.objects.filter(fund=fund).values_list("amount", flat=True))
    paid = sum(Disbursement.objects.filter(fund=fund).values_list("amount", flat=True))
    assert fund_selectors.balance(fund, date(2026, 11, 30)) == donated - paid > 0
    roll = fund_selectors.honour_roll(fund, 2026)
    assert [(e.donor.name, e.total) for e in roll] == [
        ("Công ty TNHH Xây dựng Minh Phát", 55_000_000)
    ]


def test_demo_data_refuses_to_load_outside_demo_mode(settings):
    settings.DEMO_MODE = False
    with pytest.raises(ImproperlyConfigured):
        demo_load()


def test_demo_inboxes_hold_the_july_reminders_of_the_2026_round(settings):
    from vitreem.notifications.models import Notification

    settings.DEMO_MODE = True
    demo_load()
    officer = Notification.objects.filter(user__username="canbo.backan").order_by("created_at")
    texts = [n.text for n in officer]
    # The ward's own report was never sent: told 7, 3 and 1 days before 20/07/2026, then late.
    assert any("Còn 7 ngày" in t and "20/07/2026" in t for t in texts)
    assert any("quá hạn 1 ngày" in t for t in texts)
    assert officer.first().created_at.date() == date(2026, 7, 13)
    # The province's supervisor learns which communes are still missing after three days.
    assert Notification.objects.filter(
        user__username="giamsat.thainguyen", text__contains="thuộc quyền quản lý"
    ).exists()
    count = Notification.objects.count()
    demo_load()
    assert Notification.objects.count() == count


def test_demo_agency_accounts_reach_only_their_agencys_tasks(settings, client):
    from vitreem.notifications.models import Notification
    from vitreem.plans.models import Task

    settings.DEMO_MODE = True
    demo_load()
    ward_plan = Plan.objects.get(key="phuong-bac-kan-2026-action-month")
    assert ward_plan.status == "issued"
    tasks = Task.objects.filter(assignment__plan=ward_plan)
    police = tasks.filter(assignment__assignee_agency__name="Công an phường")
    health = tasks.filter(assignment__assignee_agency__name="Trạm Y tế phường")
    assert police.count() >= 2
    assert health.count() >= 2

    for username, own, other in (
        ("congan.backan", police, health),
        ("tramyte.backan", health, police),
    ):
        user = User.objects.get(username=username)
        assert user.check_password("vitreem")
        client.force_login(user)
        page = client.get("/plans/tasks/").content.decode()
        for task in own:
            assert task.text[:100] in page, (username, task.text)
        for task in other:
            assert task.text[:100] not in page, (username, task.text)
        assert client.get(f"/plans/tasks/{own.first().pk}/").status_code == 200
        assert client.get(f"/plans/tasks/{other.first().pk}/").status_code == 404
        assert client.get("/children/?unit=01843").status_code == 404
        assert client.get(f"/plans/{ward_plan.pk}/").status_code == 200  # the plan that reaches it
        inbox = client.get("/notifications/").content.decode()
        assert "đã thêm bạn làm cán bộ nhập liệu" in inbox
        assert "Kế hoạch số 41/KH-UBND ngày 15/05/2026" in inbox
        assert Notification.objects.filter(user=user, event="task_due").exists()

    # Sông Cầu's leader signed the ward's plan derived from the city's, and was told of both.
    leader = User.objects.get(username="lanhdao.songcau")
    song_cau = Plan.objects.get(
        parent__key="bac-kan-city-2021-action-month", issuer_unit__code="01837"
    )
    assert song_cau.status == "issued"
    assert song_cau.signer_name == "Lường Văn Thắng"
    texts = list(Notification.objects.filter(user=leader).values_list("text", flat=True))
    assert any("ký ban hành trước ngày 25/05/2021" in t for t in texts), texts
    assert any("Ủy ban nhân dân thành phố Bắc Kạn đã ban hành Kế hoạch" in t for t in texts)
    count = Notification.objects.count()
    demo_load()
    assert Notification.objects.count() == count
    assert Notification.objects.filter(user=leader).earliest("created_at").created_at.date() == (
        date(2021, 5, 4)
    )

"""Reminders of report deadlines, "nhắc nộp", and the notices of decisions on reports."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from vitreem.notifications import services
from vitreem.notifications.models import Notification, Preference
from vitreem.reporting.models import Submission

pytestmark = pytest.mark.django_db

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")
DEADLINE = date(2026, 7, 20)  # communes of a two-tier province report by 20 July


def told(user, event: str | None = None) -> list[Notification]:
    found = Notification.objects.filter(user=user)
    return list(found.filter(event=event) if event else found)


def report_of(round_, unit) -> Submission:
    return Submission.objects.get(round=round_, unit=unit, agency__isnull=True)


def test_each_reminder_comes_on_its_day_once_even_when_the_scan_runs_twice(
    personas, province_round
):
    for offset in range(-10, 8):
        day = DEADLINE + timedelta(days=offset)
        with time_machine.travel(datetime(day.year, day.month, day.day, 7, tzinfo=VIETNAM)):
            for _run in range(2):  # a second run, or a worker restarted mid-scan: nobody twice
                services.scan_reports(day)
    due = sorted(told(personas.officer_a, "report_due"), key=lambda n: n.created_at)
    # 7, 3 and 1 day before, as the round says by default, each on its day.
    assert [timezone.localtime(n.created_at).date() for n in due] == [
        date(2026, 7, 13),
        date(2026, 7, 17),
        date(2026, 7, 19),
    ]
    assert [n.text.split(" ngày")[0] for n in due] == ["Còn 7", "Còn 3", "Còn 1"]
    assert all("20/07/2026" in n.text for n in due)
    assert due[0].link == f"/reports/submissions/{report_of(province_round, personas.unit_a).pk}/"
    # Late: the reporter's officer and its leader, once.
    late = told(personas.officer_a, "report_late")
    assert [timezone.localtime(n.created_at).date() for n in late] == [date(2026, 7, 21)]
    assert len(told(personas.leader_a, "report_late")) == 1
    assert told(personas.leader_a, "report_due") == []  # the officer enters the report
    # After more than 3 days late, the leaders of the unit above (the province), once per report.
    province_notices = told(personas.supervisor, "report_late")
    assert province_notices
    assert len({n.key for n in province_notices}) == len(province_notices)
    assert any("Phường Bắc Kạn" in n.text for n in province_notices)
    # Someone of another unit is told only of their own unit's report.
    assert all("Phường Phan Đình Phùng" in n.text for n in told(personas.officer_b))


def test_the_escalation_comes_after_the_rounds_days_of_lateness(personas, province_round):
    province_round.escalate_after = 3
    province_round.save()
    services.scan_reports(DEADLINE + timedelta(days=3))
    assert told(personas.supervisor) == []
    services.scan_reports(DEADLINE + timedelta(days=4))
    notices = told(personas.supervisor)
    assert any("Phường Bắc Kạn" in n.text and "quá hạn 4 ngày" in n.text for n in notices)


def test_a_report_sent_is_reminded_no_more(personas, province_round):
    report = report_of(province_round, personas.unit_a)
    report.status = "submitted"
    report.save()
    for offset in (-7, -3, -1, 1, 5):
        services.scan_reports(DEADLINE + timedelta(days=offset))
    assert told(personas.officer_a) == []
    assert told(personas.officer_b, "report_due")  # B has not sent its report


def test_the_reminder_days_of_a_round_are_its_own(personas, province_round):
    services.round_reminder_settings(
        actor=personas.supervisor, round_=province_round, days=[10, 0], escalate_after=2
    )
    for offset in range(-12, 1):
        services.scan_reports(DEADLINE + timedelta(days=offset))
    texts = sorted(n.text for n in told(personas.officer_a, "report_due"))
    assert len(texts) == 2
    assert any(t.startswith("Còn 10 ngày") for t in texts)
    assert any(t.startswith("Hôm nay là hạn nộp") for t in texts)


@pytest.mark.parametrize(
    ("days", "escalate_after", "field"),
    [
        ([61], 3, "remind_days"),
        ([-1], 3, "remind_days"),
        ([1, 2, 3, 4, 5, 6], 3, "remind_days"),
        ([7], 0, "escalate_after"),
        ([7], 31, "escalate_after"),
    ],
)
def test_a_reminder_setting_out_of_range_is_refused_and_changes_nothing(
    personas, province_round, days, escalate_after, field
):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as refused:
        services.round_reminder_settings(
            actor=personas.supervisor,
            round_=province_round,
            days=days,
            escalate_after=escalate_after,
        )
    assert field in refused.value.message_dict
    province_round.refresh_from_db()
    assert (province_round.remind_days, province_round.escalate_after) == ([7, 3, 1], 3)


def test_the_page_refuses_a_bad_reminder_setting_in_vietnamese(client, personas, province_round):
    client.force_login(personas.supervisor)
    response = client.post(
        f"/reports/{province_round.pk}/reminders/", {"remind_days": "7, ba", "escalate_after": "3"}
    )
    assert response.status_code == 400
    assert "Hãy ghi các số ngày, ví dụ: 7, 3, 1." in response.content.decode()
    province_round.refresh_from_db()
    assert province_round.remind_days == [7, 3, 1]
    response = client.post(
        f"/reports/{province_round.pk}/reminders/", {"remind_days": "5, 2", "escalate_after": "2"}
    )
    assert response.status_code == 302
    province_round.refresh_from_db()
    assert (province_round.remind_days, province_round.escalate_after) == ([5, 2], 2)


def test_nhac_nop_reminds_every_missing_reporter_once_a_day(client, personas, province_round):
    missing = Submission.objects.filter(round=province_round, status="draft").count()
    client.force_login(personas.supervisor)
    with time_machine.travel(date(2026, 7, 22), tick=False):
        response = client.post(f"/reports/{province_round.pk}/remind/", follow=True)
        page = response.content.decode()
        assert "Đã nhắc 2 đơn vị chưa nộp báo cáo (2 người nhận)." in page
        assert "Chưa có tài khoản để nhắc:" in page  # the other communes have no accounts yet
        again = services.round_remind(actor=personas.supervisor, round_=province_round)
        assert (again.reporters, again.told) == (2, 0)
        assert len(again.without_staff) == missing - 2
        # The round shows what its reminders told.
        page = client.get(f"/reports/{province_round.pk}/").content.decode()
        assert "Nhắc nộp báo cáo" in page
        assert "22/07/2026" in page
    notice = told(personas.officer_a, "report_reminder")
    assert len(notice) == 1
    assert "quá hạn 2 ngày" in notice[0].text
    assert "20/07/2026" in notice[0].text
    with time_machine.travel(date(2026, 7, 23), tick=False):
        assert services.round_remind(actor=personas.supervisor, round_=province_round).told == 2
    # The ward's officer finds it in the inbox, with the bell's count on every page.
    client.force_login(personas.officer_a)
    inbox = client.get("/notifications/").content.decode()
    assert "Nhắc nộp: báo cáo “Tháng hành động 2026” của Phường Bắc Kạn" in inbox
    assert 'class="count">2<' in client.get("/").content.decode()


def test_nhac_nop_is_the_receiving_units_and_leaves_nothing_when_refused(
    client, personas, province_round
):
    client.force_login(personas.officer_a)  # a reporter, not the receiving unit
    response = client.post(f"/reports/{province_round.pk}/remind/")
    assert response.status_code == 404
    client.force_login(personas.viewer)
    assert client.post(f"/reports/{province_round.pk}/remind/").status_code == 403
    assert Notification.objects.count() == 0


def test_the_api_reminds_and_answers_how_many(api_client, personas, province_round):
    api_client.login(personas.supervisor)
    response = api_client.post(f"/api/v1/rounds/{province_round.pk}/remind")
    assert response.status_code == 200
    assert response.json()["reporters"] == 2
    assert response.json()["told"] == 2
    assert api_client.post(f"/api/v1/rounds/{province_round.pk}/remind").json()["told"] == 0
    api_client.login(personas.officer_a)
    inbox = api_client.get("/api/v1/notifications").json()
    assert inbox["unread"] == 1
    assert inbox["items"][0]["event"] == "report_reminder"
    marked = api_client.post("/api/v1/notifications/read", {"ids": [inbox["items"][0]["id"]]})
    assert marked.json() == {"marked": 1, "unread": 0}


def test_nobody_marks_another_users_notifications(api_client, personas, province_round):
    services.round_remind(actor=personas.supervisor, round_=province_round)
    theirs = told(personas.officer_a)[0]
    api_client.login(personas.officer_b)
    assert api_client.post("/api/v1/notifications/read", {"ids": [theirs.pk]}).json()["marked"] == 0
    theirs.refresh_from_db()
    assert theirs.read_at is None
    assert [i["text"] for i in api_client.get("/api/v1/notifications").json()["items"]] == [
        n.text for n in told(personas.officer_b)
    ]


@pytest.mark.parametrize("ids", [["1"], [True], [1.5], list(range(501))])
def test_the_api_refuses_bad_ids(api_client, personas, ids):
    api_client.login(personas.officer_a)
    assert api_client.post("/api/v1/notifications/read", {"ids": ids}).status_code == 422


def test_a_returned_or_approved_report_is_told_to_its_reporter(personas, province_round):
    from vitreem.reporting.services import (
        submission_approve,
        submission_return,
        submission_submit,
    )

    report = report_of(province_round, personas.unit_a)
    submission_submit(actor=personas.officer_a, submission=report, confirmed=True)
    submission_return(actor=personas.supervisor, submission=report, reason="Thiếu số liệu bảng 2")
    returned = told(personas.officer_a, "report_returned")
    assert len(returned) == 1
    assert "Lý do: Thiếu số liệu bảng 2" in returned[0].text
    report.refresh_from_db()
    submission_submit(actor=personas.officer_a, submission=report, confirmed=True)
    submission_approve(actor=personas.supervisor, submission=report)
    assert len(told(personas.officer_a, "report_approved")) == 1
    assert told(personas.officer_b) == []


def test_mails_follow_each_users_choice(personas, province_round, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    for user in (personas.officer_a, personas.officer_b):
        user.email = f"{user.username}@example.vn"
        user.save()
    services.preference_save(user=personas.officer_b, mail="none", muted=[])
    with time_machine.travel(date(2026, 7, 22), tick=False):
        services.round_remind(actor=personas.supervisor, round_=province_round)
        services.send_pending_mails()
    assert [m.to for m in mail.outbox] == [["canbo.a@example.vn"]]
    body = mail.outbox[0].body
    assert "http://127.0.0.1:8000/reports/submissions/" in body
    assert "22/07/2026" in body
    with time_machine.travel(date(2026, 7, 22), tick=False):
        services.send_pending_mails()
    assert len(mail.outbox) == 1  # each mailed once
    assert told(personas.officer_b, "report_reminder")  # in the inbox all the same


def test_a_digest_is_one_mail_a_day(personas, province_round, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    personas.officer_a.email = "canbo.a@example.vn"
    personas.officer_a.save()
    services.preference_save(user=personas.officer_a, mail="digest", muted=[])
    for offset in (-7, -3):
        services.scan_reports(DEADLINE + timedelta(days=offset))
    services.send_pending_mails()
    assert mail.outbox == []
    assert services.send_digests(date(2026, 7, 18)) == 1
    assert services.send_digests(date(2026, 7, 18)) == 0
    assert len(mail.outbox) == 1
    assert mail.outbox[0].body.count("\n- ") == 2


def test_a_muted_event_is_not_told(personas, province_round):
    services.preference_save(user=personas.officer_a, mail="each", muted=["report_due"])
    services.scan_reports(DEADLINE - timedelta(days=7))
    assert told(personas.officer_a) == []
    assert told(personas.officer_b, "report_due")


def test_the_settings_page_saves_the_choice(client, personas):
    client.force_login(personas.officer_a)
    response = client.post(
        "/notifications/settings/", {"mail": "digest", "muted": ["report_approved"]}
    )
    assert response.status_code == 302
    saved = Preference.objects.get(user=personas.officer_a)
    assert (saved.mail, saved.muted) == ("digest", ["report_approved"])
    response = client.post("/notifications/settings/", {"mail": "pigeon"})
    assert response.status_code == 200
    assert Preference.objects.get(user=personas.officer_a).mail == "digest"


def test_an_issued_plan_tells_the_units_below_to_implement_it(personas):
    from vitreem.plans.services import plan_create, plan_issue

    plan = plan_create(
        actor=personas.supervisor,
        issuer_unit=personas.province,
        kind="action_month",
        year=2026,
        title="Kế hoạch triển khai Tháng hành động vì trẻ em năm 2026",
    )
    plan_issue(actor=personas.supervisor, plan=plan, issued_on=date(2026, 3, 2))
    notices = told(personas.officer_a, "plan_to_derive")
    assert len(notices) == 1
    assert "Ủy ban nhân dân tỉnh Thái Nguyên" in notices[0].text
    assert "02/03/2026" in notices[0].text
    assert notices[0].link == f"/plans/{plan.pk}/"
    assert told(personas.supervisor) == []
    assert told(personas.old_officer) == []  # a unit of the former era is not below it

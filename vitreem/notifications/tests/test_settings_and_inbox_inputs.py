"""Bad input to the reminder days of a round, the notification preferences and the inbox, on the
pages and in the API: a clear Vietnamese reason, and nothing changed."""

import pytest

from vitreem.core.models import AuditEvent
from vitreem.notifications import services
from vitreem.notifications.models import Notification, Preference

pytestmark = pytest.mark.django_db


@pytest.fixture
def put(client, api_client):
    """A PUT to the API as the user api_client signed in."""

    def send(path: str, body: object):
        return client.put(path, body, content_type="application/json", headers=api_client.headers)

    return send


def reminder_days(round_) -> tuple[list[int], int]:
    round_.refresh_from_db()
    return round_.remind_days, round_.escalate_after


# --- the reminder days of a round: page ------------------------------------------------------


@pytest.mark.parametrize(
    ("remind_days", "escalate_after", "message"),
    [
        ("61", "3", "Ngày nhắc là tối đa 5 số từ 0 đến 60"),
        ("7, 6, 5, 4, 3, 2", "3", "Ngày nhắc là tối đa 5 số từ 0 đến 60"),
        ("7, 3, 1", "0", "Số ngày quá hạn trước khi báo cấp trên phải từ 1 đến 30."),
        ("7, 3, 1", "31", "Số ngày quá hạn trước khi báo cấp trên phải từ 1 đến 30."),
        ("7, 3, 1", "99999999999999999999", "phải từ 1 đến 30."),
        ("7, 3, 1", "ba", "Hãy ghi số ngày bằng chữ số, ví dụ: 3."),
        ("-1", "3", "Hãy ghi các số ngày, ví dụ: 7, 3, 1."),
        ("7, ²", "3", "Hãy ghi các số ngày, ví dụ: 7, 3, 1."),
        ("٧", "3", "Hãy ghi các số ngày, ví dụ: 7, 3, 1."),
        ("7.5", "3", "Hãy ghi các số ngày, ví dụ: 7, 3, 1."),
    ],
)
def test_the_round_page_refuses_a_reminder_setting_out_of_range_and_keeps_the_old_one(
    client, personas, province_round, remind_days, escalate_after, message
):
    client.force_login(personas.supervisor)
    audited = AuditEvent.objects.count()
    response = client.post(
        f"/reports/{province_round.pk}/reminders/",
        {"remind_days": remind_days, "escalate_after": escalate_after},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert 'class="error"' in page
    assert message in page
    assert "<details open>" in page  # the form stays open, with the reason beside the field
    assert reminder_days(province_round) == ([7, 3, 1], 3)
    assert AuditEvent.objects.count() == audited


# --- the reminder days of a round: API -------------------------------------------------------


def test_the_api_sets_the_reminder_days_of_the_receiving_units_round(
    api_client, put, personas, province_round
):
    api_client.login(personas.supervisor)
    response = put(
        f"/api/v1/rounds/{province_round.pk}/reminders",
        {"remind_days": [2, 5, 5], "escalate_after": 4},
    )
    assert response.status_code == 200
    assert response.json() == {"remind_days": [5, 2], "escalate_after": 4}
    assert reminder_days(province_round) == ([5, 2], 4)
    assert AuditEvent.objects.filter(action="round.reminders").count() == 1


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"remind_days": [61], "escalate_after": 3}, "remind_days", "tối đa 5 số từ 0 đến 60"),
        ({"remind_days": [-1], "escalate_after": 3}, "remind_days", "tối đa 5 số từ 0 đến 60"),
        (
            {"remind_days": [1, 2, 3, 4, 5, 6], "escalate_after": 3},
            "remind_days",
            "tối đa 5 số từ 0 đến 60",
        ),
        ({"remind_days": [7], "escalate_after": 0}, "escalate_after", "từ 1 đến 30"),
        ({"remind_days": [7], "escalate_after": 10**30}, "escalate_after", "từ 1 đến 30"),
        ({"remind_days": ["7"], "escalate_after": 3}, "remind_days.0", "cần một số nguyên"),
        ({"remind_days": [True], "escalate_after": 3}, "remind_days.0", "cần một số nguyên"),
        ({"remind_days": [7.0], "escalate_after": 3}, "remind_days.0", "cần một số nguyên"),
        ({"remind_days": [7]}, "escalate_after", "thiếu giá trị bắt buộc"),
    ],
)
def test_the_api_refuses_a_reminder_setting_out_of_range_and_changes_nothing(
    api_client, put, personas, province_round, body, field, message
):
    api_client.login(personas.supervisor)
    response = put(f"/api/v1/rounds/{province_round.pk}/reminders", body)
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert [e["field"] for e in errors] == [field]
    assert message in errors[0]["message"]
    assert reminder_days(province_round) == ([7, 3, 1], 3)
    assert not AuditEvent.objects.filter(action="round.reminders").exists()


def test_the_reminder_days_are_the_receiving_units_own(api_client, put, personas, province_round):
    body = {"remind_days": [1], "escalate_after": 1}
    api_client.login(personas.officer_a)  # a reporter of the round
    assert put(f"/api/v1/rounds/{province_round.pk}/reminders", body).status_code == 404
    api_client.login(personas.viewer)  # reads the province, may not change it
    assert put(f"/api/v1/rounds/{province_round.pk}/reminders", body).status_code == 403
    assert reminder_days(province_round) == ([7, 3, 1], 3)


# --- notification preferences ----------------------------------------------------------------


def test_the_settings_page_offers_every_event_and_the_three_ways_of_mail(client, personas):
    client.force_login(personas.officer_a)
    page = client.get("/notifications/settings/").content.decode()
    for label in (
        "Gửi thư ngay cho từng thông báo",
        "Gửi một thư tổng hợp mỗi ngày",
        "Không gửi thư, chỉ báo trong hệ thống",
        "Nhắc nộp báo cáo",
        "Nhiệm vụ quá hạn",
        "Kế hoạch cấp trên cần triển khai",
    ):
        assert label in page
    # Without an e-mail address the notices stay in the inbox, and the page says so.
    assert "chưa có địa chỉ thư điện tử" in page


def test_the_settings_page_refuses_an_unknown_event_and_changes_nothing(client, personas):
    services.preference_save(user=personas.officer_a, mail="digest", muted=["report_due"])
    client.force_login(personas.officer_a)
    response = client.post("/notifications/settings/", {"mail": "none", "muted": ["pigeon"]})
    assert response.status_code == 200
    assert "pigeon không phải là một trong các lựa chọn" in response.content.decode()
    saved = Preference.objects.get(user=personas.officer_a)
    assert (saved.mail, saved.muted) == ("digest", ["report_due"])


def test_the_api_reads_and_saves_ones_own_preferences(api_client, put, personas):
    api_client.login(personas.officer_a)
    first = api_client.get("/api/v1/notifications/preferences").json()
    assert (first["mail"], first["muted"]) == ("each", [])
    assert {"event": "report_reminder", "label": "Nhắc nộp báo cáo"} in first["events"]
    response = put(
        "/api/v1/notifications/preferences",
        {"mail": "digest", "muted": ["report_approved", "task_due", "task_due"]},
    )
    assert response.status_code == 200
    assert (response.json()["mail"], response.json()["muted"]) == (
        "digest",
        ["report_approved", "task_due"],
    )
    saved = Preference.objects.get(user=personas.officer_a)
    assert (saved.mail, saved.muted) == ("digest", ["report_approved", "task_due"])
    assert AuditEvent.objects.filter(action="notifications.preference").count() == 1
    # Another user's preferences are their own.
    api_client.login(personas.officer_b)
    assert api_client.get("/api/v1/notifications/preferences").json()["mail"] == "each"
    assert not Preference.objects.filter(user=personas.officer_b).exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"mail": "pigeon", "muted": []}, "mail"),
        ({"mail": "digest", "muted": ["pigeon"]}, "muted.0"),
        ({"mail": "digest", "muted": "report_due"}, "muted"),
        ({"muted": []}, "mail"),
    ],
)
def test_the_api_refuses_bad_preferences_and_keeps_the_old_ones(
    api_client, put, personas, body, field
):
    services.preference_save(user=personas.officer_a, mail="none", muted=["task_due"])
    api_client.login(personas.officer_a)
    response = put("/api/v1/notifications/preferences", body)
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == [field]
    assert response.json()["detail"].startswith("Dữ liệu gửi lên không hợp lệ")
    saved = Preference.objects.get(user=personas.officer_a)
    assert (saved.mail, saved.muted) == ("none", ["task_due"])


# --- the inbox -------------------------------------------------------------------------------


def notices(user, n: int) -> list[Notification]:
    return [
        Notification.objects.create(
            user=user,
            event="account",
            key=f"test:{user.pk}:{i}",
            text=f"Thông báo số {i} cho {user.username}",
        )
        for i in range(n)
    ]


def test_the_inbox_api_gives_event_text_link_created_and_read_a_page_at_a_time(
    api_client, personas
):
    mine = notices(personas.officer_a, 5)
    mine[0].link = "/plans/tasks/1/"
    mine[0].save()
    services.mark_read(user=personas.officer_a, ids=[mine[1].pk])
    api_client.login(personas.officer_a)
    inbox = api_client.get("/api/v1/notifications?limit=2&offset=0").json()
    assert (inbox["unread"], inbox["count"], len(inbox["items"])) == (4, 5, 2)
    assert set(inbox["items"][0]) == {"id", "event", "text", "link", "created", "read"}
    everything = api_client.get("/api/v1/notifications?limit=500").json()["items"]
    by_id = {item["id"]: item for item in everything}
    assert by_id[mine[0].pk]["link"] == "/plans/tasks/1/"
    assert by_id[mine[0].pk]["event"] == "account"
    assert by_id[mine[0].pk]["read"] is None
    assert by_id[mine[1].pk]["read"] is not None
    pages = [
        api_client.get(f"/api/v1/notifications?limit=2&offset={o}").json()["items"]
        for o in (0, 2, 4)
    ]
    assert [len(p) for p in pages] == [2, 2, 1]
    assert [i["id"] for p in pages for i in p] == [i["id"] for i in everything]
    unread = api_client.get("/api/v1/notifications?unread_only=true").json()
    assert mine[1].pk not in {i["id"] for i in unread["items"]}


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ("limit=0", "limit", "phải từ 1 đến 500"),
        ("limit=501", "limit", "phải từ 1 đến 500"),
        ("offset=-1", "offset", "phải từ 0 đến 1.000.000"),
        ("offset=1000001", "offset", "phải từ 0 đến 1.000.000"),
        ("limit=99999999999999999999999", "limit", ""),
        ("limit=ba", "limit", "cần một số nguyên"),
    ],
)
def test_the_inbox_api_refuses_a_page_out_of_bounds(api_client, personas, query, field, message):
    notices(personas.officer_a, 1)
    api_client.login(personas.officer_a)
    response = api_client.get(f"/api/v1/notifications?{query}")
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert [e["field"] for e in errors] == [field]
    assert message in errors[0]["message"]


def test_the_inbox_page_marks_only_ones_own_notices_read(client, personas):
    theirs = notices(personas.officer_a, 2)
    mine = notices(personas.officer_b, 1)
    client.force_login(personas.officer_b)
    ids = [str(n.pk) for n in theirs] + [str(mine[0].pk), "-1", "1e9", "٣", "9" * 40]
    response = client.post("/notifications/read/", {"id": ids})
    assert response.status_code == 302
    assert not Notification.objects.filter(user=personas.officer_a, read_at__isnull=False).exists()
    assert Notification.objects.get(pk=mine[0].pk).read_at is not None
    # "All" is all of one's own, too.
    client.post("/notifications/read/", {"all": "1"})
    assert Notification.objects.filter(user=personas.officer_a, read_at__isnull=True).count() == 2
    # And the inbox shows nobody's notices but one's own.
    page = client.get("/notifications/").content.decode()
    assert "Thông báo số 0 cho canbo.b" in page
    assert "cho canbo.a" not in page
    client.force_login(personas.officer_a)
    assert client.get("/notifications/?page=99999999999999999999").status_code == 200
    assert 'class="count">2<' in client.get("/notifications/").content.decode()

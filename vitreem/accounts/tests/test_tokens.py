"""API tokens: a short life, a cap per user, a name, listed and revoked by their owner and by
administrators, and dead with the password they were issued under."""

from datetime import timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

import vitreem.settings as project_settings
from vitreem.accounts.models import ApiToken, User
from vitreem.accounts.services import token_issue
from vitreem.accounts.tests.factories import PASSWORD, UserFactory
from vitreem.core.models import AuditEvent

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "mot-mat-khau-moi-rat-dai-2026"


def bearer(raw: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {raw}"}


def opens(_client, raw: str) -> bool:
    # A client of its own: a signed-in session would answer for a dead token.
    return Client().get("/api/v1/me", headers=bearer(raw)).status_code == 200


def sign_in(client, username: str = "canbo", **extra) -> dict:
    response = client.post(
        "/api/v1/auth/token",
        {"username": username, "password": PASSWORD, **extra},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    return response.json()


def test_tokens_live_a_week_by_default():
    ttl, cap = project_settings.API_TOKEN_TTL, project_settings.API_TOKENS_PER_USER
    assert ttl == timedelta(days=7)
    assert cap == 10


def test_a_token_carries_the_clients_name_and_is_listed_to_its_owner(client):
    UserFactory(username="canbo")
    issued = sign_in(client, name="  Máy chủ báo cáo  ")
    UserFactory(username="khac")
    sign_in(client, "khac", name="Của người khác")
    listed = client.get("/api/v1/auth/tokens", headers=bearer(issued["token"])).json()
    assert [(t["id"], t["name"], t["current"]) for t in listed] == [
        (issued["id"], "Máy chủ báo cáo", True)
    ]
    assert listed[0]["expires_at"] > listed[0]["created_at"]


def test_a_too_long_name_is_refused_and_no_token_is_made(client):
    UserFactory(username="canbo")
    response = client.post(
        "/api/v1/auth/token",
        {"username": "canbo", "password": PASSWORD, "name": "x" * 101},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert "chuỗi quá dài" in response.json()["detail"]
    assert not ApiToken.objects.exists()


def test_issuing_past_the_cap_revokes_the_oldest(client, settings):
    settings.API_TOKENS_PER_USER = 3
    user = UserFactory(username="canbo")
    raws = []
    for day in range(4):
        with time_machine.travel(timezone.now() + timedelta(hours=day)):
            raws.append(token_issue(user=user, name=f"may {day}"))
    assert ApiToken.objects.filter(user=user).count() == 3
    assert not opens(client, raws[0])
    assert all(opens(client, raw) for raw in raws[1:])
    revoked = AuditEvent.objects.get(action="token.revoke")
    assert revoked.data == {"user": "canbo", "name": "may 0", "reason": "limit"}


def test_last_use_is_written_at_most_once_a_minute(client):
    user = UserFactory(username="canbo")
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        raw = token_issue(user=user)
        assert opens(client, raw)
    first = ApiToken.objects.get().last_used_at
    assert first == start
    with time_machine.travel(start + timedelta(seconds=30), tick=False):
        assert opens(client, raw)
    assert ApiToken.objects.get().last_used_at == first
    with time_machine.travel(start + timedelta(seconds=61), tick=False):
        assert opens(client, raw)
    assert ApiToken.objects.get().last_used_at == start + timedelta(seconds=61)


def test_the_owner_revokes_one_token(client):
    user = UserFactory(username="canbo")
    keep, drop = token_issue(user=user, name="giu"), token_issue(user=user, name="bo")
    drop_id = ApiToken.objects.get(name="bo").pk
    response = client.delete(f"/api/v1/auth/tokens/{drop_id}", headers=bearer(keep))
    assert response.status_code == 204
    assert not opens(client, drop)
    assert opens(client, keep)
    assert AuditEvent.objects.filter(action="token.revoke", target_id=str(drop_id)).exists()


def test_nobody_revokes_someone_elses_token_and_nothing_changes(client):
    owner = UserFactory(username="canbo")
    theirs = token_issue(user=owner)
    mine = token_issue(user=UserFactory(username="khac"))
    their_id = ApiToken.objects.get(user=owner).pk
    response = client.delete(f"/api/v1/auth/tokens/{their_id}", headers=bearer(mine))
    assert response.status_code == 404
    assert response.json()["detail"] == "Không tìm thấy mã truy cập."
    assert opens(client, theirs)
    assert not AuditEvent.objects.filter(action="token.revoke").exists()


def test_signing_out_of_the_api_revokes_only_the_calling_token(client):
    user = UserFactory(username="canbo")
    calling, other = token_issue(user=user), token_issue(user=user)
    assert client.post("/api/v1/auth/logout", headers=bearer(calling)).status_code == 204
    assert not opens(client, calling)
    assert opens(client, other)


def test_signing_out_of_the_api_from_a_browser_session_says_why_it_does_nothing(client):
    user = UserFactory(username="canbo")
    raw = token_issue(user=user)
    client.force_login(user)
    response = client.post("/api/v1/auth/logout")
    assert response.status_code == 400
    assert "không dùng mã truy cập" in response.json()["detail"]
    assert opens(client, raw)


def test_the_owner_revokes_every_token_at_once(client):
    user = UserFactory(username="canbo")
    raws = [token_issue(user=user) for _ in range(3)]
    other = token_issue(user=UserFactory(username="khac"))
    response = client.delete("/api/v1/auth/tokens", headers=bearer(raws[0]))
    assert response.json() == {"revoked": 3}
    assert not any(opens(client, raw) for raw in raws)
    assert opens(client, other)


def test_changing_the_password_on_the_page_revokes_every_token_but_keeps_the_session(client):
    user = UserFactory(username="canbo")
    raw = token_issue(user=user)
    client.force_login(user)
    response = client.post(
        "/accounts/password/",
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
        follow=True,
    )
    assert "Mọi mã truy cập API cũ đã bị thu hồi" in response.content.decode()
    assert not opens(client, raw)
    assert client.get("/accounts/tokens/").status_code == 200  # still signed in
    assert (
        "Bạn không có mã truy cập nào còn hiệu lực"
        in client.get("/accounts/tokens/").content.decode()
    )


def test_a_wrong_old_password_changes_nothing(client):
    user = UserFactory(username="canbo")
    raw = token_issue(user=user)
    client.force_login(user)
    response = client.post(
        "/accounts/password/",
        {"old_password": "sai", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 200
    user.refresh_from_db()
    assert user.check_password(PASSWORD)
    assert opens(client, raw)


def test_an_administrator_setting_a_password_revokes_every_token(client):
    user = UserFactory(username="canbo")
    raw = token_issue(user=user)
    client.force_login(UserFactory(username="quantri", is_superuser=True, is_staff=True))
    response = client.post(
        f"/admin/accounts/user/{user.pk}/password/",
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"},
    )
    assert response.status_code == 302
    assert not opens(client, raw)


def test_the_changepassword_command_revokes_every_token(client, monkeypatch):
    user = UserFactory(username="canbo")
    raw = token_issue(user=user)
    monkeypatch.setattr("getpass.getpass", lambda prompt="": NEW_PASSWORD)
    call_command("changepassword", "canbo")
    assert not opens(client, raw)


def test_any_other_password_change_revokes_every_token(client):
    user = UserFactory(username="canbo")
    raw = token_issue(user=user)
    user = User.objects.get(pk=user.pk)
    user.set_password(NEW_PASSWORD)
    user.save()
    assert not opens(client, raw)


def test_the_account_page_lists_and_revokes_the_owners_tokens(client):
    user = UserFactory(username="canbo")
    raw = token_issue(user=user, name="Máy tính bảng")
    token_issue(user=UserFactory(username="khac"), name="Của người khác")
    client.force_login(user)
    page = client.get("/accounts/tokens/").content.decode()
    assert "Máy tính bảng" in page
    assert "Của người khác" not in page
    token = ApiToken.objects.get(user=user)
    client.post(f"/accounts/tokens/{token.pk}/revoke/")
    assert not opens(client, raw)


def test_the_account_page_does_not_revoke_someone_elses_token(client):
    theirs = token_issue(user=UserFactory(username="khac"))
    client.force_login(UserFactory(username="canbo"))
    token = ApiToken.objects.get()
    assert client.post(f"/accounts/tokens/{token.pk}/revoke/").status_code == 404
    assert opens(client, theirs)


def test_the_account_page_revokes_all(client):
    user = UserFactory(username="canbo")
    raws = [token_issue(user=user) for _ in range(2)]
    client.force_login(user)
    response = client.post("/accounts/tokens/revoke-all/", follow=True)
    assert "Đã thu hồi 2 mã truy cập" in response.content.decode()
    assert not any(opens(client, raw) for raw in raws)


def test_an_administrator_revokes_a_token_in_the_admin_site(client):
    user = UserFactory(username="canbo")
    raw = token_issue(user=user, name="bi lo")
    admin = UserFactory(username="quantri", is_superuser=True, is_staff=True)
    client.force_login(admin)
    token = ApiToken.objects.get()
    assert "bi lo" in client.get("/admin/accounts/apitoken/").content.decode()
    client.post(f"/admin/accounts/apitoken/{token.pk}/delete/", {"post": "yes"})
    assert not opens(client, raw)
    event = AuditEvent.objects.get(action="token.revoke")
    assert event.actor == admin
    assert event.data["reason"] == "admin"
    assert client.get("/admin/accounts/apitoken/add/").status_code == 403


def test_listing_tokens_takes_a_fixed_number_of_queries(client, django_assert_max_num_queries):
    user = UserFactory(username="canbo")
    raws = [token_issue(user=user, name=f"may {n}") for n in range(6)]
    client.force_login(user)
    with django_assert_max_num_queries(6):
        assert client.get("/accounts/tokens/").status_code == 200
    api = Client()
    with django_assert_max_num_queries(4):
        assert len(api.get("/api/v1/auth/tokens", headers=bearer(raws[0])).json()) == 6


def test_an_administrator_revokes_every_token_of_chosen_users(client):
    user = UserFactory(username="canbo")
    raws = [token_issue(user=user) for _ in range(2)]
    other = token_issue(user=UserFactory(username="khac"))
    client.force_login(UserFactory(username="quantri", is_superuser=True, is_staff=True))
    response = client.post(
        "/admin/accounts/user/",
        {"action": "revoke_api_tokens", "_selected_action": [user.pk]},
        follow=True,
    )
    assert "Đã thu hồi 2 mã truy cập" in response.content.decode()
    assert not any(opens(client, raw) for raw in raws)
    assert opens(client, other)

from datetime import timedelta

import pytest
import time_machine
from django.conf import settings as django_settings
from django.utils import timezone

import vitreem.settings as project_settings
from vitreem.accounts.models import ApiToken, User
from vitreem.accounts.tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def test_passwords_are_hashed_with_argon2(settings):
    settings.PASSWORD_HASHERS = project_settings.PASSWORD_HASHERS
    user = UserFactory(username="argon")
    user.set_password("mot-mat-khau-dai")
    assert user.password.startswith("argon2$")


def test_token_is_issued_for_the_right_password_and_opens_the_api(client):
    UserFactory(username="canbo")
    response = client.post(
        "/api/v1/auth/token",
        {"username": "canbo", "password": PASSWORD},
        content_type="application/json",
    )
    assert response.status_code == 200
    token = response.json()["token"]
    assert len(token) >= 40
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert me.status_code == 200
    assert me.json()["username"] == "canbo"
    # Only a digest is kept: the raw token is nowhere in the database.
    assert not ApiToken.objects.filter(digest=token).exists()


def test_wrong_password_is_401_in_vietnamese(client):
    UserFactory(username="canbo")
    response = client.post(
        "/api/v1/auth/token",
        {"username": "canbo", "password": "sai"},
        content_type="application/json",
    )
    assert response.status_code == 401
    assert response.json()["detail"] == "Tên đăng nhập hoặc mật khẩu không đúng."


def test_repeated_failures_lock_the_account_even_for_the_right_password(client):
    UserFactory(username="canbo")
    for _ in range(django_settings.AXES_FAILURE_LIMIT):
        client.post(
            "/api/v1/auth/token",
            {"username": "canbo", "password": "sai"},
            content_type="application/json",
        )
    response = client.post(
        "/api/v1/auth/token",
        {"username": "canbo", "password": PASSWORD},
        content_type="application/json",
    )
    assert response.status_code == 429
    assert "tạm khóa" in response.json()["detail"]
    assert not ApiToken.objects.exists()


def test_login_page_is_throttled_too(client):
    UserFactory(username="canbo")
    for _ in range(django_settings.AXES_FAILURE_LIMIT):
        client.post("/accounts/login/", {"username": "canbo", "password": "sai"})
    response = client.post("/accounts/login/", {"username": "canbo", "password": PASSWORD})
    assert response.status_code == 429
    assert "tạm khóa" in response.content.decode()


def test_expired_token_is_refused(client):
    from vitreem.accounts.services import token_issue

    token = token_issue(user=UserFactory(username="canbo"))
    with time_machine.travel(timezone.now() + django_settings.API_TOKEN_TTL + timedelta(minutes=1)):
        response = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401


def test_token_of_a_deactivated_user_is_refused(client):
    from vitreem.accounts.services import token_issue

    user = UserFactory(username="canbo")
    token = token_issue(user=user)
    User.objects.filter(pk=user.pk).update(is_active=False)
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).status_code == 401


def test_garbage_token_is_refused(client):
    response = client.get("/api/v1/me", headers={"Authorization": "Bearer khong-phai-ma"})
    assert response.status_code == 401


def test_browser_session_reaches_the_api(client):
    client.force_login(UserFactory(username="canbo"))
    assert client.get("/api/v1/me").json()["username"] == "canbo"

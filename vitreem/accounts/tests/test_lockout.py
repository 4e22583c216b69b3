"""Login throttling behind a reverse proxy: the client's address from a trusted proxy only, the
(username, address) lockout, and the slowdown of a username failing from many addresses."""

from datetime import timedelta

import pytest
import time_machine
from axes.models import AccessAttempt
from django.conf import settings as django_settings
from django.utils import timezone

from vitreem.accounts.lockout import username_delay
from vitreem.accounts.models import ApiToken
from vitreem.accounts.tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

PROXY = "10.0.0.1"
ATTACKER = "203.0.113.5"
OWNER = "198.51.100.7"


def token_attempt(client, password: str, remote: str, forwarded: str | None = None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return client.post(
        "/api/v1/auth/token",
        {"username": "canbo", "password": password},
        content_type="application/json",
        **extra,
    )


def page_attempt(client, password: str, remote: str, forwarded: str | None = None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return client.post("/accounts/login/", {"username": "canbo", "password": password}, **extra)


@pytest.fixture
def owner(db):
    return UserFactory(username="canbo")


@pytest.fixture
def behind_one_proxy(settings):
    settings.TRUSTED_PROXY_COUNT = 1


@pytest.mark.usefixtures("owner", "behind_one_proxy")
def test_behind_a_trusted_proxy_a_guesser_locks_only_their_own_address_for_the_token(client):
    for _ in range(django_settings.AXES_FAILURE_LIMIT):
        token_attempt(client, "sai", PROXY, ATTACKER)
    assert token_attempt(client, PASSWORD, PROXY, ATTACKER).status_code == 429
    response = token_attempt(client, PASSWORD, PROXY, OWNER)
    assert response.status_code == 200
    assert ApiToken.objects.count() == 1


@pytest.mark.usefixtures("owner", "behind_one_proxy")
def test_behind_a_trusted_proxy_a_guesser_locks_only_their_own_address_for_the_page(client):
    for _ in range(django_settings.AXES_FAILURE_LIMIT):
        page_attempt(client, "sai", PROXY, ATTACKER)
    locked = page_attempt(client, PASSWORD, PROXY, ATTACKER)
    assert locked.status_code == 429
    assert "tạm khóa" in locked.content.decode()
    assert page_attempt(client, PASSWORD, PROXY, OWNER).status_code == 302


@pytest.mark.usefixtures("owner", "behind_one_proxy")
def test_addresses_the_client_writes_left_of_the_proxys_entry_are_not_believed(client):
    for n in range(django_settings.AXES_FAILURE_LIMIT):
        token_attempt(client, "sai", PROXY, f"192.0.2.{n}, {ATTACKER}")
    assert token_attempt(client, PASSWORD, PROXY, f"192.0.2.99, {ATTACKER}").status_code == 429
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {ATTACKER}


@pytest.mark.usefixtures("owner")
def test_without_trusted_proxies_the_forwarded_header_is_ignored(client):
    for n in range(django_settings.AXES_FAILURE_LIMIT):
        token_attempt(client, "sai", ATTACKER, f"192.0.2.{n}")
    assert token_attempt(client, PASSWORD, ATTACKER, OWNER).status_code == 429
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {ATTACKER}


@pytest.fixture
def slow_after_three(settings):
    settings.LOGIN_SLOWDOWN_AFTER = 3
    settings.LOGIN_SLOWDOWN_MAX_SECONDS = 60


@pytest.mark.usefixtures("owner", "behind_one_proxy", "slow_after_three")
def test_a_username_failing_from_many_addresses_is_slowed_down_for_the_token(client):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        for n in range(3):
            assert token_attempt(client, "sai", PROXY, f"203.0.113.{10 + n}").status_code == 401
        # Even the right password waits, from an address that never failed.
        slowed = token_attempt(client, PASSWORD, PROXY, OWNER)
    assert slowed.status_code == 429
    assert slowed["Retry-After"] == "1"
    assert "hãy chờ 1 giây" in slowed.json()["detail"]
    assert not ApiToken.objects.exists()
    # The refused attempt is not counted: the clock does not restart.
    assert sum(AccessAttempt.objects.values_list("failures_since_start", flat=True)) == 3
    with time_machine.travel(start + timedelta(seconds=2), tick=False):
        assert token_attempt(client, PASSWORD, PROXY, OWNER).status_code == 200


@pytest.mark.usefixtures("owner", "behind_one_proxy", "slow_after_three")
def test_a_username_failing_from_many_addresses_is_slowed_down_for_the_page(client):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        for n in range(3):
            page_attempt(client, "sai", PROXY, f"203.0.113.{10 + n}")
        slowed = page_attempt(client, PASSWORD, PROXY, OWNER)
    assert slowed.status_code == 429
    assert slowed["Retry-After"] == "1"
    assert "Hãy chờ 1 giây rồi đăng nhập lại" in slowed.content.decode()
    assert "_auth_user_id" not in client.session
    with time_machine.travel(start + timedelta(seconds=2), tick=False):
        assert page_attempt(client, PASSWORD, PROXY, OWNER).status_code == 302


@pytest.mark.usefixtures("owner", "behind_one_proxy", "slow_after_three")
def test_each_further_failure_doubles_the_wait(client):
    start = timezone.now()
    moment = start
    for n in range(3):
        with time_machine.travel(moment, tick=False):
            token_attempt(client, "sai", PROXY, f"203.0.113.{10 + n}")
    waits = []
    for n in range(3):
        # Wait out the current delay, then fail once more from a new address.
        with time_machine.travel(moment, tick=False):
            waits.append(int(token_attempt(client, "sai", PROXY, OWNER)["Retry-After"]))
        moment += timedelta(seconds=waits[-1])
        with time_machine.travel(moment, tick=False):
            assert token_attempt(client, "sai", PROXY, f"203.0.113.{20 + n}").status_code == 401
    assert waits == [1, 2, 4]


def test_the_delay_is_capped(settings):
    settings.LOGIN_SLOWDOWN_AFTER = 10
    settings.LOGIN_SLOWDOWN_MAX_SECONDS = 300
    assert username_delay(9) == timedelta(0)
    assert username_delay(10) == timedelta(seconds=1)
    assert username_delay(13) == timedelta(seconds=8)
    assert username_delay(100) == timedelta(seconds=300)

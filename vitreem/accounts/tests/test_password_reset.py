"""Password reset by e-mail: a link that works once and for two hours, the same answer whether
or not an address has an account, one mail per address in fifteen minutes, the old API tokens
dead afterwards."""

import re
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
import time_machine
from django.core import mail
from django.core.cache import cache
from django.test import Client

from vitreem.accounts.models import User
from vitreem.accounts.services import token_issue
from vitreem.accounts.tests.factories import PASSWORD, UserFactory
from vitreem.core.models import AuditEvent

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "mat-khau-moi-cua-chi-lan-2026"


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def lan(db) -> User:
    UserFactory(username="canbo.lan", full_name="Nguyễn Thị Lan")
    user = User.objects.get(username="canbo.lan")
    user.email = "lan.nguyen@backan.thainguyen.gov.vn"
    user.save(update_fields=["email"])
    return user


def ask(client: Client, email: str):
    return client.post("/accounts/password/reset/", {"email": email}, follow=True)


def link_in(message) -> str:
    found = re.search(r"https?://\S+/accounts/password/reset/\S+/\S+/", message.body)
    assert found, message.body
    return urlsplit(found.group(0)).path


def test_a_user_gets_a_link_and_chooses_a_new_password(client, lan):
    token = token_issue(user=lan)
    page = ask(client, "Lan.Nguyen@backan.thainguyen.gov.vn").content.decode()
    assert "Hãy xem hộp thư" in page
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["lan.nguyen@backan.thainguyen.gov.vn"]
    assert "Kính gửi Nguyễn Thị Lan" in message.body
    assert "2 giờ" in message.body

    form = client.get(link_in(message), follow=True)
    # Django moves the token into the session: the form's address no longer carries it.
    assert "set-password" in form.redirect_chain[-1][0]
    done = client.post(
        form.redirect_chain[-1][0],
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
        follow=True,
    )
    assert "Đã đặt mật khẩu mới" in done.content.decode()
    lan.refresh_from_db()
    assert lan.check_password(NEW_PASSWORD)
    assert AuditEvent.objects.filter(action="account.password_reset", actor=lan).count() == 1
    # The API token issued under the old password opens nothing now.
    assert (
        Client().get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).status_code == 401
    )
    # The link works once.
    again = Client().get(link_in(message), follow=True).content.decode()
    assert "Liên kết này không dùng được nữa" in again


def test_an_unknown_address_gets_the_same_answer_and_no_mail(client, lan):
    known = ask(client, lan.email).content.decode()
    cache.clear()
    unknown = ask(client, "ai.do@example.vn").content.decode()
    assert "Hãy xem hộp thư" in unknown
    assert known.count("Hãy xem hộp thư") == unknown.count("Hãy xem hộp thư")
    assert len(mail.outbox) == 1


def test_one_mail_per_address_in_fifteen_minutes(client, lan):
    ask(client, lan.email)
    ask(client, lan.email)
    assert len(mail.outbox) == 1
    cache.clear()  # as after fifteen minutes
    ask(client, lan.email)
    assert len(mail.outbox) == 2


def test_an_inactive_account_gets_no_mail(client, lan):
    lan.is_active = False
    lan.save(update_fields=["is_active"])
    ask(client, lan.email)
    assert mail.outbox == []


def test_a_link_older_than_two_hours_is_refused_and_changes_nothing(client, lan):
    ask(client, lan.email)
    link = link_in(mail.outbox[0])
    with time_machine.travel(timedelta(hours=2, minutes=1)):
        page = client.get(link, follow=True)
        assert "Liên kết này không dùng được nữa" in page.content.decode()
        client.post(
            page.redirect_chain[-1][0] if page.redirect_chain else link,
            {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
        )
    lan.refresh_from_db()
    assert lan.check_password(PASSWORD)


def test_bad_input_is_answered_in_vietnamese(client, lan):
    page = client.post("/accounts/password/reset/", {"email": "khong-phai-dia-chi"})
    assert page.status_code == 200
    assert "Địa chỉ thư điện tử không hợp lệ" in page.content.decode()
    assert mail.outbox == []
    ask(client, lan.email)
    form = client.get(link_in(mail.outbox[0]), follow=True)
    weak = client.post(form.redirect_chain[-1][0], {"new_password1": "123", "new_password2": "123"})
    assert weak.status_code == 200
    lan.refresh_from_db()
    assert lan.check_password(PASSWORD)


def test_the_sign_in_page_offers_the_reset(client):
    assert "/accounts/password/reset/" in client.get("/accounts/login/").content.decode()

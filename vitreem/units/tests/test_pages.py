"""The unit's members page: leaders grant and withdraw the right to children's sensitive data."""

import pytest
from django.core.exceptions import PermissionDenied

from vitreem.accounts.models import Membership, User
from vitreem.accounts.services import membership_set_sensitive
from vitreem.accounts.tests.factories import MembershipFactory, UserFactory
from vitreem.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def _path(personas, membership) -> str:
    return f"/units/{personas.unit_a.code}/members/{membership.pk}/sensitive/?as_of=01/06/2026"


def test_the_leader_withdraws_and_grants_a_members_sensitive_data(client, personas):
    officer = Membership.objects.get(user=personas.officer_a)
    assert officer.sensitive_data
    client.force_login(personas.leader_a)
    page = client.get(f"/units/{personas.unit_a.code}/members/?as_of=01/06/2026").content.decode()
    assert "Thu hồi" in page
    client.post(_path(personas, officer), {"allowed": "0"})
    officer.refresh_from_db()
    assert officer.sensitive_data is False
    event = AuditEvent.objects.get(action="membership.sensitive_data")
    # The unit's leaders are told in their inbox (and by mail, as each chose).
    assert event.data == {"user": "canbo.a", "allowed": False, "notified": ["lanhdao.a"]}
    notice = personas.leader_a.notifications.get()
    assert "thu hồi quyền xem dữ liệu nhạy cảm" in notice.text
    client.post(_path(personas, officer), {"allowed": "1"})
    officer.refresh_from_db()
    assert officer.sensitive_data is True


@pytest.mark.parametrize(
    ("persona", "status"), [("officer_a", 403), ("viewer", 403), ("officer_b", 404)]
)
def test_others_cannot_change_it_and_nothing_changes(client, personas, persona, status):
    officer = Membership.objects.get(user=personas.officer_a)
    client.force_login(getattr(personas, persona))
    assert client.post(_path(personas, officer), {"allowed": "0"}).status_code == status
    officer.refresh_from_db()
    assert officer.sensitive_data is True
    assert not AuditEvent.objects.filter(action="membership.sensitive_data").exists()


def test_a_membership_of_another_unit_is_not_found(client, personas):
    other = Membership.objects.get(user=personas.officer_b)
    client.force_login(personas.leader_a)
    assert client.post(_path(personas, other), {"allowed": "1"}).status_code == 404
    other.refresh_from_db()
    assert other.sensitive_data is False


def _members_page(personas) -> str:
    return f"/units/{personas.unit_a.code}/members/?as_of=01/06/2026"


def test_a_leader_cannot_grant_themselves_and_nothing_changes(client, personas):
    own = Membership.objects.get(user=personas.leader_a)
    own.sensitive_data = False
    own.save(update_fields=["sensitive_data"])
    client.force_login(personas.leader_a)
    page = client.get(_members_page(personas)).content.decode()
    assert f"members/{own.pk}/sensitive/" not in page  # no button for oneself
    response = client.post(_path(personas, own), {"allowed": "1"}, follow=True)
    assert "Bạn không thể tự cho phép mình xem dữ liệu nhạy cảm" in response.content.decode()
    own.refresh_from_db()
    assert own.sensitive_data is False
    assert not AuditEvent.objects.filter(action="membership.sensitive_data").exists()


def test_the_service_refuses_a_self_grant_whatever_calls_it(personas):
    own = Membership.objects.get(user=personas.supervisor)
    with pytest.raises(PermissionDenied):
        membership_set_sensitive(actor=personas.supervisor, membership=own, allowed=True)
    own.refresh_from_db()
    assert own.sensitive_data is False
    assert not AuditEvent.objects.filter(action="membership.sensitive_data").exists()


def test_a_leader_may_withdraw_their_own_right(client, personas):
    own = Membership.objects.get(user=personas.leader_a)
    client.force_login(personas.leader_a)
    assert f"members/{own.pk}/sensitive/" in client.get(_members_page(personas)).content.decode()
    client.post(_path(personas, own), {"allowed": "0"})
    own.refresh_from_db()
    assert own.sensitive_data is False


def test_a_leader_of_the_province_grants_a_member_of_the_ward(client, personas):
    newcomer = MembershipFactory(
        user=UserFactory(username="canbo.moi"), unit=personas.unit_a, role="officer"
    )
    client.force_login(personas.supervisor)
    assert (
        f"members/{newcomer.pk}/sensitive/" in client.get(_members_page(personas)).content.decode()
    )
    client.post(_path(personas, newcomer), {"allowed": "1"})
    newcomer.refresh_from_db()
    assert newcomer.sensitive_data is True
    event = AuditEvent.objects.get(action="membership.sensitive_data")
    assert event.actor == personas.supervisor


def test_every_grant_and_withdrawal_mails_the_units_leaders_on_commit(
    client, personas, mailoutbox, django_capture_on_commit_callbacks
):
    User.objects.filter(pk=personas.leader_a.pk).update(email="lanhdao.a@backan.gov.vn")
    second = MembershipFactory(
        user=UserFactory(username="lanhdao.a2", email="pho.a@backan.gov.vn"),
        unit=personas.unit_a,
        role="leader",
    ).user
    # A leader without an address is told in the inbox only; a leader of another unit is not told.
    third = MembershipFactory(
        user=UserFactory(username="lanhdao.a3"), unit=personas.unit_a, role="leader"
    ).user
    User.objects.filter(pk=personas.supervisor.pk).update(email="tinh@thainguyen.gov.vn")
    officer = Membership.objects.get(user=personas.officer_a)
    client.force_login(second)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        client.post(_path(personas, officer), {"allowed": "0"})
    assert len(callbacks) == 1
    assert sorted(m.to[0] for m in mailoutbox) == ["lanhdao.a@backan.gov.vn", "pho.a@backan.gov.vn"]
    assert "thu hồi" in mailoutbox[0].body
    assert "canbo.a" in mailoutbox[0].body or str(personas.officer_a) in mailoutbox[0].body
    event = AuditEvent.objects.get(action="membership.sensitive_data")
    assert event.data["notified"] == ["lanhdao.a", "lanhdao.a2", "lanhdao.a3"]
    assert "thu hồi" in third.notifications.get().text
    assert not personas.supervisor.notifications.exists()

    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(_path(personas, officer), {"allowed": "1"})
    assert len(mailoutbox) == 2
    assert "đã cho phép" in mailoutbox[0].body


def test_a_refused_grant_mails_nobody(
    client, personas, mailoutbox, django_capture_on_commit_callbacks
):
    User.objects.filter(pk=personas.leader_a.pk).update(email="lanhdao.a@backan.gov.vn")
    officer = MembershipFactory(
        user=UserFactory(username="canbo.moi"), unit=personas.unit_a, role="officer"
    )
    client.force_login(personas.officer_a)
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(_path(personas, officer), {"allowed": "1"}).status_code == 403
    assert mailoutbox == []


def test_the_admin_site_does_not_grant_sensitive_data_behind_the_leaders_backs(client, personas):
    client.force_login(personas.admin)
    page = client.get(f"/admin/accounts/user/{personas.officer_b.pk}/change/").content.decode()
    assert 'name="memberships-0-sensitive_data"' not in page

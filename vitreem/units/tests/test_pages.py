"""The unit's members page: leaders grant and withdraw the right to children's sensitive data."""

import pytest

from vitreem.accounts.models import Membership
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
    assert event.data == {"user": "canbo.a", "allowed": False}
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

"""Leaders add and remove the members of their unit and of its agencies: new accounts choose
their own password by mail, every change is audited and told to the unit's leaders."""

import re
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from vitreem.accounts.models import AgencyMembership, Membership, User
from vitreem.accounts.services import member_add, member_remove
from vitreem.core.models import AuditEvent
from vitreem.notifications.models import Notification
from vitreem.units.models import Agency

pytestmark = pytest.mark.django_db

MEMBERS = "/units/{code}/members/?as_of=01/06/2026"
ADD = "/units/{code}/members/add/?as_of=01/06/2026"
NEW_PASSWORD = "mat-khau-cua-cong-an-2026"


@pytest.fixture
def police(personas) -> Agency:
    unit = personas.unit_a
    return Agency.objects.create(
        unit=unit, name="Công an phường", kind="police", valid_from=unit.valid_from
    )


def officer_form(police: Agency, **changes: str) -> dict[str, str]:
    return {
        "place": str(police.pk),
        "username": "congan.backan",
        "full_name": "Triệu Văn Dũng",
        "email": "dung.trieu@congan.backan.gov.vn",
        "role": "officer",
        **changes,
    }


def test_a_leader_adds_an_agency_officer_who_chooses_a_password_by_mail(
    client, personas, police, django_capture_on_commit_callbacks
):
    client.force_login(personas.leader_a)
    code = personas.unit_a.code
    page = client.get(MEMBERS.format(code=code)).content.decode()
    assert "Thêm người dùng" in page
    assert "Công an phường Bắc Kạn" in page

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(ADD.format(code=code), officer_form(police), follow=True)
    page = response.content.decode()
    assert "Đã thêm Triệu Văn Dũng vào Công an phường Bắc Kạn" in page
    assert "congan.backan" in page  # listed among the agencies' members
    user = User.objects.get(username="congan.backan")
    assert not user.has_usable_password()
    assert AgencyMembership.objects.get(user=user).agency == police
    assert not Membership.objects.filter(user=user).exists()  # nothing of the ward's own data
    event = AuditEvent.objects.get(action="membership.add")
    assert event.actor == personas.leader_a
    assert event.data["user"] == "congan.backan"
    assert event.data["created"] is True
    # The ward's leaders are told (the one who added them too).
    told = Notification.objects.get(user=personas.leader_a, event="account")
    assert "congan.backan" in told.text
    assert "Công an phường Bắc Kạn" in told.text

    (invitation,) = [m for m in mail.outbox if m.to == ["dung.trieu@congan.backan.gov.vn"]]
    assert "Kính gửi Triệu Văn Dũng" in invitation.body
    found = re.search(r"https?://\S+/accounts/password/reset/\S+/\S+/", invitation.body)
    assert found, invitation.body
    client.logout()
    form = client.get(urlsplit(found.group(0)).path, follow=True)
    done = client.post(
        form.redirect_chain[-1][0],
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
        follow=True,
    )
    assert "Đã đặt mật khẩu mới" in done.content.decode()
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    # The new officer reaches the agency's work, not the ward's members.
    client.force_login(user)
    assert client.get(MEMBERS.format(code=code)).status_code == 404


def test_an_existing_account_is_given_the_role_and_keeps_its_name_and_password(client, personas):
    client.force_login(personas.leader_a)
    code = personas.unit_a.code
    before = personas.officer_b.password
    response = client.post(
        ADD.format(code=code),
        {"place": "unit", "username": "canbo.b", "full_name": "Tên khác", "role": "viewer"},
    )
    assert response.status_code == 302
    membership = Membership.objects.get(user=personas.officer_b, unit=personas.unit_a)
    assert membership.role == "viewer"
    assert membership.sensitive_data is False  # being added never grants sensitive data
    personas.officer_b.refresh_from_db()
    assert personas.officer_b.full_name != "Tên khác"
    assert personas.officer_b.password == before
    assert mail.outbox == []


@pytest.mark.parametrize("persona", ["officer_a", "viewer", "supervisor"])
def test_who_may_read_but_not_manage_is_refused(client, personas, police, persona):
    client.force_login(getattr(personas, persona))
    response = client.post(ADD.format(code=personas.unit_a.code), officer_form(police))
    assert response.status_code == 403
    assert not User.objects.filter(username="congan.backan").exists()
    assert (
        "Thêm người dùng"
        not in client.get(MEMBERS.format(code=personas.unit_a.code)).content.decode()
    )


def test_another_wards_leader_sees_nothing(client, personas, police):
    from vitreem.accounts.tests.factories import MembershipFactory, UserFactory

    other = MembershipFactory(
        user=UserFactory(username="lanhdao.b"), unit=personas.unit_b, role="leader"
    ).user
    client.force_login(other)
    code = personas.unit_a.code
    assert client.post(ADD.format(code=code), officer_form(police)).status_code == 404
    # Naming A's agency under B's own code finds no such agency there.
    response = client.post(ADD.format(code=personas.unit_b.code), officer_form(police))
    assert response.status_code == 400
    assert not User.objects.filter(username="congan.backan").exists()
    membership = personas.officer_a.memberships.get()
    assert client.post(f"/units/{code}/members/{membership.pk}/remove/").status_code == 404
    assert (
        client.post(
            f"/units/{personas.unit_b.code}/members/{membership.pk}/remove/?as_of=01/06/2026"
        ).status_code
        == 404
    )
    assert Membership.objects.filter(pk=membership.pk).exists()


@pytest.mark.parametrize(
    ("changes", "error"),
    [
        ({"username": "công an"}, "Tên đăng nhập chỉ gồm chữ"),
        ({"username": "x" * 151}, "150"),
        ({"email": "khong-phai-thu"}, "Địa chỉ thư điện tử không hợp lệ"),
        ({"email": ""}, "Tài khoản mới cần địa chỉ thư điện tử"),
        ({"full_name": ""}, "Hãy nhập họ và tên"),
        ({"full_name": "Triệu\x01Dũng"}, "ký tự không hợp lệ"),
        ({"role": "admin"}, "admin"),
        ({"place": "999999"}, "999999"),
        ({"username": "lanhdao.a"}, "Bạn không thể tự thay đổi vai trò"),
        ({"username": "canbo.a", "place": "unit"}, "đã là thành viên"),
    ],
)
def test_bad_input_changes_nothing(client, personas, police, changes, error):
    client.force_login(personas.leader_a)
    users, memberships, agency_members = (
        User.objects.count(),
        Membership.objects.count(),
        AgencyMembership.objects.count(),
    )
    response = client.post(ADD.format(code=personas.unit_a.code), officer_form(police, **changes))
    assert response.status_code == 400
    assert error in response.content.decode()
    assert (User.objects.count(), Membership.objects.count(), AgencyMembership.objects.count()) == (
        users,
        memberships,
        agency_members,
    )
    assert not AuditEvent.objects.filter(action="membership.add").exists()
    assert mail.outbox == []


def test_the_username_is_normalised_and_a_second_add_is_refused(personas, police):
    decomposed = "Trie\u0302\u0300u Văn Dũng"  # "Triều" typed with combining marks
    member = member_add(
        actor=personas.leader_a,
        unit=personas.unit_a,
        agency=police,
        username="  congan.backan ",
        full_name=decomposed,
        email="Dung.Trieu@CongAn.BacKan.gov.vn",
        role="officer",
    )
    assert member.user.username == "congan.backan"
    assert member.user.full_name == "Triều Văn Dũng"
    assert member.user.email == "dung.trieu@congan.backan.gov.vn"
    with pytest.raises(ValidationError, match="đã là thành viên"):
        member_add(
            actor=personas.leader_a,
            unit=personas.unit_a,
            agency=police,
            username="congan.backan",
            role="viewer",
        )


def test_a_leader_removes_a_member_audited_and_told(client, personas, police):
    officer = member_add(
        actor=personas.admin,
        unit=personas.unit_a,
        agency=police,
        username="congan.backan",
        full_name="Triệu Văn Dũng",
        email="dung.trieu@congan.backan.gov.vn",
        role="officer",
    )
    client.force_login(personas.leader_a)
    code = personas.unit_a.code
    response = client.post(
        f"/units/{code}/agency-members/{officer.pk}/remove/?as_of=01/06/2026", follow=True
    )
    assert "Đã gỡ Triệu Văn Dũng" in response.content.decode()
    assert not AgencyMembership.objects.filter(pk=officer.pk).exists()
    assert User.objects.filter(username="congan.backan").exists()  # the account stays
    event = AuditEvent.objects.get(action="membership.remove")
    assert (event.actor, event.data["user"], event.data["agency"]) == (
        personas.leader_a,
        "congan.backan",
        "Công an phường Bắc Kạn",
    )
    assert Notification.objects.filter(
        user=personas.leader_a, text__contains="đã gỡ Triệu Văn Dũng"
    ).exists()

    ward_officer = personas.officer_a.memberships.get()
    client.post(f"/units/{code}/members/{ward_officer.pk}/remove/?as_of=01/06/2026")
    assert not Membership.objects.filter(pk=ward_officer.pk).exists()


def test_a_leader_may_not_remove_themselves_and_an_officer_may_not_remove_anyone(client, personas):
    code = personas.unit_a.code
    own = personas.leader_a.memberships.get()
    with pytest.raises(PermissionDenied):
        member_remove(actor=personas.leader_a, membership=own)
    client.force_login(personas.leader_a)
    page = client.post(
        f"/units/{code}/members/{own.pk}/remove/?as_of=01/06/2026", follow=True
    ).content.decode()
    assert "Bạn không thể tự thay đổi vai trò" in page
    client.force_login(personas.officer_a)
    assert (
        client.post(f"/units/{code}/members/{own.pk}/remove/?as_of=01/06/2026").status_code == 403
    )
    assert Membership.objects.filter(pk=own.pk).exists()
    assert not AuditEvent.objects.filter(action="membership.remove").exists()


def test_a_new_member_whose_link_expired_asks_for_another(client, personas, police):
    from django.core.cache import cache

    cache.clear()
    member = member_add(
        actor=personas.leader_a,
        unit=personas.unit_a,
        agency=police,
        username="congan.backan",
        full_name="Triệu Văn Dũng",
        email="dung.trieu@congan.backan.gov.vn",
        role="officer",
    )
    client.post("/accounts/password/reset/", {"email": "dung.trieu@congan.backan.gov.vn"})
    (again,) = mail.outbox
    assert "Lãnh đạo đơn vị đã tạo cho bạn tài khoản congan.backan" in again.body
    # An account that has signed in and has no usable password (closed by an administrator)
    # gets no link.
    cache.clear()
    mail.outbox.clear()
    user = member.user
    user.last_login = user.date_joined
    user.save(update_fields=["last_login"])
    client.post("/accounts/password/reset/", {"email": "dung.trieu@congan.backan.gov.vn"})
    assert mail.outbox == []
    cache.clear()


def test_two_leaders_adding_the_same_person_at_once_get_a_message_not_an_error(
    client, personas, police, monkeypatch
):
    """The second insert of the same membership, made meanwhile by another leader, is refused by
    the database: the leader reads why, and nothing of the attempt is kept."""
    from django.db import IntegrityError

    def made_meanwhile(**fields):
        raise IntegrityError("agency_membership_user_agency_uniq")

    monkeypatch.setattr(AgencyMembership.objects, "create", made_meanwhile)
    client.force_login(personas.leader_a)
    response = client.post(ADD.format(code=personas.unit_a.code), officer_form(police))
    assert response.status_code == 400
    assert "vừa được người khác thêm hoặc tạo" in response.content.decode()
    assert not User.objects.filter(username="congan.backan").exists()
    assert not AuditEvent.objects.filter(action="membership.add").exists()

"""The read log as a leader reads it: one line per view, the child named for a single record,
filters by child, user and days, pages within the pagination bounds, and only for who may."""

from datetime import UTC, datetime

import pytest

from vitreem.accounts.tests.factories import MembershipFactory, UserFactory
from vitreem.children.models import ChildRead
from vitreem.core import bounds
from vitreem.core.tests.pages import table_rows

from .factories import register

pytestmark = pytest.mark.django_db


@pytest.fixture
def children(personas):
    return [
        register(personas.officer_a, personas.unit_a, name=name)
        for name in ("Triệu Thị Bích Ngọc", "Lục Văn Hải", "Hoàng Minh Anh")
    ]


def test_a_list_view_is_one_line_with_its_count_and_a_record_names_its_child(
    client, personas, children
):
    client.force_login(personas.officer_a)
    client.get(f"/children/?unit={personas.unit_a.code}")
    assert ChildRead.objects.count() == 3  # every child shown is still logged
    client.get(f"/children/{children[1].public_id}/")
    # The record was read at 17:30 UTC on 1 June: 00:30 on 2 June in Vietnam.
    ChildRead.objects.filter(via="page").update(at=datetime(2026, 6, 1, 17, 30, tzinfo=UTC))
    ChildRead.objects.filter(via="list").update(at=datetime(2026, 5, 30, 2, 5, tzinfo=UTC))
    client.force_login(personas.leader_a)
    lines = table_rows(client.get(f"/children/reads/?unit={personas.unit_a.code}").content.decode())
    officer = f"{personas.officer_a} (canbo.a)"
    assert lines == [
        f"02/06/2026 00:30 Lục Văn Hải ({children[1].public_id}) {officer} Bắc Kạn Trang hồ sơ có",
        f"30/05/2026 09:05 3 trẻ em {officer} Bắc Kạn Danh sách có",
    ]


def test_the_log_is_filtered_by_child_user_and_days(client, personas, children):
    client.force_login(personas.officer_a)
    client.get(f"/children/{children[0].public_id}/")
    client.force_login(personas.viewer)
    client.get(f"/children/{children[0].public_id}/")
    client.get(f"/children/{children[2].public_id}/")
    ChildRead.objects.filter(user=personas.officer_a).update(
        at=datetime(2026, 3, 10, 3, 0, tzinfo=UTC)
    )
    ChildRead.objects.filter(user=personas.viewer, child=children[0]).update(
        at=datetime(2026, 4, 20, 3, 0, tzinfo=UTC)
    )
    ChildRead.objects.filter(user=personas.viewer, child=children[2]).update(
        at=datetime(2026, 4, 21, 3, 0, tzinfo=UTC)
    )
    client.force_login(personas.leader_a)
    base = f"/children/reads/?unit={personas.unit_a.code}"

    def names(query: str) -> list[str]:
        return [
            line.split(" (")[0].split(" ", 2)[2]
            for line in table_rows(client.get(f"{base}&{query}").content.decode())
        ]

    assert names(f"child={children[0].public_id}") == ["Triệu Thị Bích Ngọc"] * 2
    assert names("user=xem.tinh") == ["Hoàng Minh Anh", "Triệu Thị Bích Ngọc"]
    assert names("start=01/03/2026&end=31/03/2026") == ["Triệu Thị Bích Ngọc"]
    assert names("start=01/04/2026") == ["Hoàng Minh Anh", "Triệu Thị Bích Ngọc"]
    assert "Chưa có lượt xem nào." in client.get(f"{base}&end=09/03/2026").content.decode()
    page = client.get(f"{base}&start=02/04/2026&end=01/04/2026").content.decode()
    assert "Ngày kết thúc không được trước ngày bắt đầu." in page


def test_the_log_pages_within_the_pagination_bounds(client, personas, children):
    client.force_login(personas.officer_a)
    for _ in range(51):
        client.get(f"/children/{children[0].public_id}/")
    client.force_login(personas.leader_a)
    base = f"/children/reads/?unit={personas.unit_a.code}&start=01/01/2026"
    first = client.get(base).content.decode()
    assert len(table_rows(first)) == 50
    assert "1 / 2" in first
    assert "start=01%2F01%2F2026&amp;page=2" in first  # the next page keeps the filters
    assert len(table_rows(client.get(f"{base}&page=2").content.decode())) == 1
    too_far = bounds.OFFSET_MAX // 50 + 2
    page = client.get(f"{base}&page={too_far}").content.decode()
    assert "Vị trí bắt đầu (offset) phải từ 0 đến 1.000.000." in page


def test_only_who_may_oversee_the_unit_reads_its_log(client, personas, children):
    client.force_login(personas.officer_a)
    client.get(f"/children/{children[0].public_id}/")
    other_leader = MembershipFactory(
        user=UserFactory(username="lanhdao.b"), unit=personas.unit_b, role="leader"
    ).user
    client.force_login(other_leader)
    assert client.get(f"/children/reads/?unit={personas.unit_a.code}").status_code == 404
    assert (
        client.get(
            f"/children/reads/?unit={personas.unit_b.code}&child={children[0].public_id}"
        ).status_code
        == 404
    )
    own = client.get(f"/children/reads/?unit={personas.unit_b.code}").content.decode()
    assert "Triệu Thị Bích Ngọc" not in own
    client.force_login(personas.officer_a)
    assert client.get(f"/children/reads/?unit={personas.unit_a.code}").status_code == 403


def test_a_client_cannot_merge_its_reads_into_one_line_by_naming_its_requests(
    client, personas, children
):
    client.force_login(personas.officer_a)
    for child in children:
        client.get(f"/children/{child.public_id}/", HTTP_X_REQUEST_ID="always-the-same-id")
    client.force_login(personas.leader_a)
    lines = table_rows(client.get(f"/children/reads/?unit={personas.unit_a.code}").content.decode())
    assert len(lines) == 3
    assert {line.split(" (")[0].split(" ", 2)[2] for line in lines} == {
        "Triệu Thị Bích Ngọc",
        "Lục Văn Hải",
        "Hoàng Minh Anh",
    }

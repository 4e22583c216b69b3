"""An agency's own sector plan: drafted on screen by its officer, issued by its leader, printed
under the agency; nobody of another agency sees the draft."""

from datetime import date
from io import BytesIO

import docx
import pytest
from django.core.exceptions import PermissionDenied

from vitreem.accounts.models import AgencyMembership
from vitreem.accounts.tests.factories import UserFactory
from vitreem.plans.models import Plan
from vitreem.plans.services import plan_issue, plan_update
from vitreem.units.models import Agency

pytestmark = pytest.mark.django_db


def member(username, agency, role):
    user = UserFactory(username=username)
    AgencyMembership.objects.create(user=user, agency=agency, role=role)
    return user


@pytest.fixture
def agencies(personas):
    unit = personas.unit_a

    def agency(name: str, kind: str) -> Agency:
        return Agency.objects.create(unit=unit, name=name, kind=kind, valid_from=unit.valid_from)

    police, health = agency("Công an phường", "police"), agency("Trạm Y tế phường", "health")
    return {
        "police": police,
        "health": health,
        "officer": member("congan.backan", police, "officer"),
        "leader": member("truongcongan.backan", police, "leader"),
        "health_officer": member("tramyte.backan", health, "officer"),
    }


def test_an_agency_officer_drafts_the_agencys_plan_and_its_leader_issues_it(
    client, personas, agencies
):
    police = agencies["police"]
    client.force_login(agencies["officer"])
    page = client.get("/plans/new/").content.decode()
    assert "Tạo dự thảo" in page
    assert "Công an phường" in page
    assert "Trạm Y tế phường" not in page  # another agency of the ward is not theirs to choose
    response = client.post(
        "/plans/new/",
        {
            "unit": personas.unit_a.pk,
            "agency": police.pk,
            "kind": "action_month",
            "year": 2026,
            "title": "Kế hoạch bảo đảm an ninh, an toàn cho trẻ em trong Tháng hành động",
        },
    )
    plan = Plan.objects.get(issuer_agency=police)
    assert response.status_code == 302
    assert response["Location"] == f"/plans/{plan.pk}/edit/"
    assert client.get(f"/plans/{plan.pk}/edit/").status_code == 200
    assert plan.header_name.startswith("CÔNG AN PHƯỜNG")
    plan_update(actor=agencies["officer"], plan=plan, signer_title="TRƯỞNG CÔNG AN")

    # The health station's officer and the other ward's officer do not see the draft.
    for outsider in (agencies["health_officer"], personas.officer_b):
        client.force_login(outsider)
        assert client.get(f"/plans/{plan.pk}/").status_code == 404

    # The officer drafts, the agency's leader issues under the agency's name and signer.
    with pytest.raises(PermissionDenied):
        plan_issue(actor=agencies["officer"], plan=plan, issued_on=date(2026, 5, 20))
    issued = plan_issue(
        actor=agencies["leader"],
        plan=plan,
        issued_on=date(2026, 5, 20),
        signer_name="Hoàng Văn Minh",
        confirm_unassigned=True,
    )
    assert issued.status == "issued"
    client.force_login(agencies["officer"])
    document = client.get(f"/plans/{plan.pk}/document.docx")
    assert document.status_code == 200
    text = "\n".join(
        cell.text
        for table in docx.Document(BytesIO(document.content)).tables
        for row in table.rows
        for cell in row.cells
    ) + "\n".join(p.text for p in docx.Document(BytesIO(document.content)).paragraphs)
    assert "CÔNG AN PHƯỜNG" in text
    assert "TRƯỞNG CÔNG AN" in text
    assert "Hoàng Văn Minh" in text


def test_an_agency_officer_cannot_draft_the_committees_plan(client, personas, agencies):
    client.force_login(agencies["officer"])
    response = client.post(
        "/plans/new/",
        {"unit": personas.unit_a.pk, "kind": "action_month", "year": 2026, "title": "Kế hoạch"},
    )
    assert response.status_code == 200
    assert "bạn lập kế hoạch của cơ quan, không của Ủy ban" in response.content.decode()
    assert not Plan.objects.exists()


def test_a_viewer_of_an_agency_has_no_plan_to_draft(client, personas, agencies):
    viewer = member("xem.congan", agencies["police"], "viewer")
    client.force_login(viewer)
    assert "Bạn chưa có vai trò nhập liệu" in client.get("/plans/new/").content.decode()
    client.post(
        "/plans/new/",
        {
            "unit": personas.unit_a.pk,
            "agency": agencies["police"].pk,
            "kind": "action_month",
            "year": 2026,
            "title": "Kế hoạch",
        },
    )
    assert not Plan.objects.exists()

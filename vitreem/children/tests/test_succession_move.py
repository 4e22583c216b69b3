"""Children of a commune that ended with the 2025 reform follow it to its default successor: the
record is found in the new commune, the old commune stays in its residences, the groups the
child is still in go with it and the past stays where it was."""

from datetime import date

import pytest
from django.core.management import call_command

from conftest import PRE_REFORM_DAY, unit
from vitreem.children.models import ChildResidence, Circumstance
from vitreem.children.selectors import group_counts
from vitreem.children.services import children_follow_succession, circumstance_add
from vitreem.children.tests.factories import register
from vitreem.units.loaders import REFORM_DATE
from vitreem.units.selectors import successors

pytestmark = pytest.mark.django_db


def test_a_pre_reform_child_is_found_in_the_successor_commune_with_its_history(client, personas):
    old_ward = unit("01837", PRE_REFORM_DAY)  # a ward of the former Bắc Kạn city
    assert successors(old_ward)[0].successor == personas.unit_a  # phường Bắc Kạn
    child = register(personas.admin, old_ward, name="Hoàng Thị Lịch Sử", today=date(2024, 5, 1))
    circumstance_add(
        actor=personas.admin,
        child=child,
        group="c",
        started_on=date(2024, 3, 1),
        today=date(2024, 5, 1),
    )
    circumstance_add(
        actor=personas.admin,
        child=child,
        group="h",
        started_on=date(2023, 9, 1),
        ended_on=date(2024, 12, 31),
        today=date(2024, 5, 1),
    )

    moved = children_follow_succession(actor=personas.admin, day=REFORM_DATE)
    assert (moved.children, moved.circumstances) == (1, 1)
    child.refresh_from_db()
    assert child.unit == personas.unit_a
    assert child.province == personas.unit_a.province
    residence = ChildResidence.objects.get(child=child)
    assert (residence.unit, residence.to_on) == (old_ward, date(2025, 6, 30))
    assert "01/07/2025" in residence.reason
    # The group the child is still in counts in the new ward; the one ended before stays behind.
    assert group_counts(personas.unit_a, date(2026, 1, 1)) == {"c": 1}
    ended = Circumstance.objects.get(child=child, group="h")
    assert ended.unit == old_ward

    client.force_login(personas.officer_a)
    listing = client.get("/children/?unit=01843").content.decode()
    assert "Hoàng Thị Lịch Sử" in listing
    record = client.get(f"/children/{child.public_id}/").content.decode()
    assert (
        f'<dd class="past-residence">{old_ward.name} (01/05/2024 – 30/06/2025): '
        "Sắp xếp đơn vị hành chính, hiệu lực từ ngày 01/07/2025</dd>"
    ) in record
    # Once moved, nothing is left to move.
    assert children_follow_succession(actor=None, day=REFORM_DATE).children == 0
    assert ChildResidence.objects.filter(child=child).count() == 1


def test_the_command_reports_the_moves(capsys, personas):
    old_ward = unit("01837", PRE_REFORM_DAY)
    register(personas.admin, old_ward, today=date(2024, 5, 1))
    call_command("children_follow_succession")
    assert "children moved: 1 from 1 communes" in capsys.readouterr().out

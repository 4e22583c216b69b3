"""The registry's rules: who a child is, groups over time, counts at a date, duplicates."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from vitreem.children import selectors
from vitreem.children.models import Child, Circumstance, PossibleDuplicate
from vitreem.children.services import (
    ChildData,
    PossibleDuplicateError,
    child_register,
    child_update,
    circumstance_add,
    circumstance_end,
    consent_record,
    last_day_as_child,
)
from vitreem.core.models import AuditEvent

from .factories import TODAY, register

pytestmark = pytest.mark.django_db


def data(**overrides) -> ChildData:
    values = {"full_name": "Hoàng Thị Mai", "date_of_birth": date(2016, 9, 2), "sex": "female"}
    return ChildData(**{**values, **overrides})


def test_registered_child_is_kept_nfc_with_a_folded_name_and_an_opaque_id(personas):
    decomposed = "Hoa\u0300ng Thi\u0323 Mai"  # NFD, as some keyboards send it
    child = child_register(
        actor=personas.officer_a, unit=personas.unit_a, data=data(full_name=decomposed), today=TODAY
    )
    assert child.full_name == "Hoàng Thị Mai"
    assert child.name_folded == "hoang thi mai"
    assert child.province_id == personas.province.pk
    assert len(child.public_id) == 16
    assert child.pk != int(child.public_id, 16)
    assert str(child) == child.public_id  # the name never reaches a log line
    event = AuditEvent.objects.get(action="child.register")
    assert "Mai" not in str(event.data)


@pytest.mark.parametrize(
    ("overrides", "field", "words"),
    [
        ({"date_of_birth": date(2010, 6, 15)}, "date_of_birth", "dưới 16 tuổi"),
        ({"date_of_birth": date(2008, 1, 1)}, "date_of_birth", "đủ 18 tuổi"),
        ({"date_of_birth": date(2026, 7, 1)}, "date_of_birth", "tương lai"),
        ({"full_name": "   "}, "full_name", "họ và tên"),
        ({"personal_id": "12345"}, "personal_id", "12 chữ số"),
        ({"ethnicity": "99"}, "ethnicity", "54 dân tộc"),
        ({"representative_phone": "12ab"}, "representative_phone", "bắt đầu bằng 0"),
        ({"insurance_number": "XYZ"}, "insurance_number", "Số thẻ BHYT"),
    ],
)
def test_bad_input_is_refused_with_a_vietnamese_message_and_nothing_saved(
    personas, overrides, field, words
):
    with pytest.raises(ValidationError) as refused:
        child_register(
            actor=personas.officer_a, unit=personas.unit_a, data=data(**overrides), today=TODAY
        )
    assert words in " ".join(refused.value.message_dict[field])
    assert Child.objects.count() == 0
    assert not AuditEvent.objects.filter(action="child.register").exists()


def test_a_child_turning_16_on_the_day_is_no_longer_a_child(personas):
    with pytest.raises(ValidationError):
        register(personas.officer_a, personas.unit_a, born=date(2010, 6, 15))
    child = register(personas.officer_a, personas.unit_a, born=date(2010, 6, 16))
    assert last_day_as_child(child.date_of_birth) == date(2026, 6, 15)


def test_duplicate_personal_id_is_refused(personas):
    register(personas.officer_a, personas.unit_a, personal_id="001216012345")
    with pytest.raises(ValidationError) as refused:
        register(personas.officer_b, personas.unit_b, personal_id="001216012345")
    assert "đã có trong một hồ sơ khác" in str(refused.value)
    assert Child.objects.count() == 1


def test_same_name_and_birthday_in_the_commune_is_flagged_never_merged(personas):
    first = register(personas.officer_a, personas.unit_a, name="Lò Văn An")
    with pytest.raises(PossibleDuplicateError) as refused:
        register(personas.officer_a, personas.unit_a, name="LÒ VĂN AN")
    assert refused.value.twins == [first]
    assert Child.objects.count() == 1
    second = child_register(
        actor=personas.officer_a,
        unit=personas.unit_a,
        data=data(full_name="Lo Van An", date_of_birth=first.date_of_birth, sex="male"),
        today=TODAY,
        allow_duplicate=True,
    )
    assert Child.objects.count() == 2
    flag = PossibleDuplicate.objects.get()
    assert (flag.child, flag.other) == (second, first)
    # Another commune's child of the same name and birthday is somebody else.
    register(personas.officer_b, personas.unit_b, name="Lò Văn An")


def test_only_the_communes_officers_register_and_correct_its_children(personas):
    with pytest.raises(Http404):
        register(personas.officer_b, personas.unit_a)
    with pytest.raises(PermissionDenied):
        register(personas.viewer, personas.province)
    child = register(personas.officer_a, personas.unit_a)
    with pytest.raises(Http404):
        child_update(actor=personas.officer_b, child=child, data=data(), today=TODAY)
    with pytest.raises(PermissionDenied):
        child_update(actor=personas.supervisor, child=child, data=data(), today=TODAY)


def test_a_child_is_registered_in_a_commune_in_force(personas):
    with pytest.raises(ValidationError) as refused:
        register(personas.supervisor, personas.province)
    assert "xã, phường" in str(refused.value)


def test_correcting_a_record_keeps_its_age_rule_at_registration(personas):
    child = register(personas.officer_a, personas.unit_a, born=date(2011, 1, 1))
    corrected = child_update(
        actor=personas.officer_a,
        child=child,
        data=data(full_name="Hà Thị Bình", date_of_birth=date(2011, 1, 1)),
        today=date(2027, 3, 1),  # the child is 16 now; the record may still be corrected
    )
    assert corrected.full_name == "Hà Thị Bình"
    assert AuditEvent.objects.get(action="child.update").data["fields"] == ["full_name", "sex"]


def test_a_circumstance_without_end_ends_the_day_before_16(personas):
    child = register(personas.officer_a, personas.unit_a, born=date(2014, 5, 20))
    c = circumstance_add(
        actor=personas.officer_a, child=child, group="a", subgroup="a3", started_on=date(2022, 1, 3)
    )
    assert c.ended_on == date(2030, 5, 19)
    assert c.end_reason == "Đủ 16 tuổi"
    assert (c.unit_id, c.province_id) == (personas.unit_a.pk, personas.province.pk)


@pytest.mark.parametrize(
    ("kwargs", "words"),
    [
        ({"group": "f"}, "không thuộc căn cứ"),
        ({"group": "a", "subgroup": "d1"}, "Nhóm chi tiết"),
        ({"group": "a", "started_on": date(2016, 1, 1)}, "01/06/2017"),
        ({"group": "2004-1", "legal_basis": "2004"}, "Luật Trẻ em 2016"),
        ({"group": "a", "started_on": date(2017, 12, 31)}, "trước ngày sinh"),
        ({"group": "a", "started_on": date(2026, 9, 1)}, "tương lai"),
    ],
)
def test_bad_circumstances_are_refused(personas, kwargs, words):
    child = register(personas.officer_a, personas.unit_a, born=date(2018, 3, 4))
    arguments = {"started_on": date(2024, 1, 1), **kwargs}
    with pytest.raises(ValidationError) as refused:
        circumstance_add(actor=personas.officer_a, child=child, today=TODAY, **arguments)
    assert words in str(refused.value)
    assert not Circumstance.objects.exists()


def test_overlapping_spells_in_one_group_are_refused(personas):
    child = register(personas.officer_a, personas.unit_a)
    circumstance_add(
        actor=personas.officer_a,
        child=child,
        group="d",
        started_on=date(2022, 1, 1),
        ended_on=date(2023, 1, 1),
    )
    with pytest.raises(ValidationError):
        circumstance_add(
            actor=personas.officer_a, child=child, group="d", started_on=date(2022, 6, 1)
        )
    circumstance_add(actor=personas.officer_a, child=child, group="d", started_on=date(2023, 1, 2))
    assert Circumstance.objects.count() == 2


def test_counts_at_a_date_and_changes_over_a_period_come_from_history(personas):
    a, b, c, d = (register(personas.officer_a, personas.unit_a) for _ in range(4))
    officer = personas.officer_a
    circumstance_add(actor=officer, child=a, group="a", started_on=date(2025, 1, 10))
    spell = circumstance_add(actor=officer, child=b, group="a", started_on=date(2025, 3, 1))
    circumstance_end(
        actor=officer, circumstance=spell, ended_on=date(2026, 2, 1), reason="Có người nhận nuôi"
    )
    circumstance_add(actor=officer, child=c, group="a", started_on=date(2026, 3, 5))
    circumstance_add(actor=officer, child=d, group="d", started_on=date(2025, 12, 20))
    circumstance_add(  # another commune: not counted in A
        actor=personas.officer_b,
        child=register(personas.officer_b, personas.unit_b),
        group="a",
        started_on=date(2025, 1, 1),
    )

    assert selectors.group_counts(personas.unit_a, date(2025, 12, 31)) == {"a": 2, "d": 1}
    assert selectors.group_counts(personas.unit_a, date(2026, 6, 14)) == {"a": 2, "d": 1}
    assert selectors.group_counts(personas.province, date(2026, 6, 14)) == {"a": 3, "d": 1}

    half_year = selectors.period_changes(personas.unit_a, date(2025, 12, 15), date(2026, 6, 14))
    assert half_year["a"] == selectors.GroupChange(at_start=2, new=1, left=1, at_end=2)
    assert half_year["d"] == selectors.GroupChange(at_start=0, new=1, left=0, at_end=1)
    for change in half_year.values():
        assert change.at_start + change.new - change.left == change.at_end

    national = selectors.counts_by_province(date(2026, 6, 14))
    assert national[personas.province.pk] == {"a": 3, "d": 1}


def test_filtering_by_a_sensitive_group_needs_the_sensitive_right(personas):
    child = register(personas.officer_a, personas.unit_a)
    circumstance_add(actor=personas.officer_a, child=child, group="l", started_on=date(2025, 1, 1))
    found = selectors.children_in(personas.officer_a, personas.unit_a, as_of=TODAY, group="l")
    assert list(found) == [child]
    with pytest.raises(PermissionDenied):
        selectors.children_in(personas.viewer, personas.province, as_of=TODAY, group="l")
    with pytest.raises(Http404):
        selectors.children_in(personas.officer_b, personas.unit_a)


def test_search_ignores_accents_and_case(personas):
    child = register(personas.officer_a, personas.unit_a, name="Đặng Thị Hồng Nhung")
    register(personas.officer_a, personas.unit_a, name="Lý Văn Tài")
    assert list(
        selectors.children_in(personas.officer_a, personas.unit_a, query="dang thi hong")
    ) == [child]


def test_consent_of_a_child_of_7_or_more_is_required(personas):
    child = register(personas.officer_a, personas.unit_a, born=date(2015, 1, 1))
    with pytest.raises(ValidationError) as refused:
        consent_record(
            actor=personas.officer_a,
            child=child,
            purpose="services",
            given_on=date(2026, 6, 1),
            representative_name="Hoàng Văn Dũng",
            child_agreed=False,
            today=TODAY,
        )
    assert "đủ 7 tuổi" in str(refused.value)
    toddler = register(personas.officer_a, personas.unit_a, born=date(2023, 1, 1))
    consent = consent_record(
        actor=personas.officer_a,
        child=toddler,
        purpose="services",
        given_on=date(2026, 6, 1),
        representative_name="Hoàng Văn Dũng",
        child_agreed=False,
        today=TODAY,
    )
    assert consent.withdrawn_on is None

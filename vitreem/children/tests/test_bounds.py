"""The registry's imports, forms and services keep money and dates within the domain's bounds:
an implausible cell is named with its reason and the file saves nothing."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from vitreem.children import imports
from vitreem.children.models import SupportRecord
from vitreem.children.services import SupportData, support_record_add

from .factories import TODAY, register
from .test_import import children_file, filled, import_children, row, snapshot

pytestmark = pytest.mark.django_db

TOO_MUCH = "Số tiền vượt quá mức cho phép (tối đa 10.000.000.000.000 đồng)."


@pytest.mark.parametrize(
    ("bad", "column", "words"),
    [
        ({"value": 10**15}, "Giá trị", TOO_MUCH),
        ({"value": "9.223.372.036.854.775.807"}, "Giá trị", TOO_MUCH),
        ({"value": "99999999999999999999 đồng"}, "Giá trị", TOO_MUCH),
        ({"given_on": "01/01/1900"}, "Ngày hỗ trợ", "từ 01/01/1990"),
    ],
)
def test_an_implausible_support_cell_is_named_and_the_file_saves_nothing(
    personas, bad, column, words
):
    import_children(personas, children_file(personas.unit_a, {}))
    data = filled(
        imports.SUPPORT,
        personas.unit_a,
        [row(imports.SUPPORT), row(imports.SUPPORT, number=2, **bad)],
    )
    before = snapshot()
    result = imports.support_import(
        actor=personas.officer_a, unit=personas.unit_a, data=data, today=TODAY
    )
    assert snapshot() == before
    assert [(e.row, e.column) for e in result.errors] == [(6, column)]
    assert words in result.errors[0].message


@pytest.mark.parametrize(
    ("bad", "column"),
    [
        ({"started_on": "01/01/1950"}, "Từ ngày"),
        ({"insurance_valid_to": "31/12/2999"}, "Hạn thẻ BHYT"),
    ],
)
def test_an_implausible_child_date_is_named_and_the_file_saves_nothing(personas, bad, column):
    data = children_file(
        personas.unit_a,
        {"personal_id": "019316000001"},
        {"personal_id": "019316000002", "full_name": "Trần Văn Hùng", **bad},
    )
    before = snapshot()
    result = import_children(personas, data)
    assert snapshot() == before
    assert [(e.row, e.column) for e in result.errors] == [(6, column)]
    assert "nằm ngoài khoảng cho phép" in result.errors[0].message


def test_the_support_service_refuses_what_no_path_may_store(personas):
    child = register(personas.officer_a, personas.unit_a, name="Hà Văn Khánh")
    for value, given_on, field in (
        (2**63, date(2026, 6, 1), "value"),
        (10**13 + 1, date(2026, 6, 1), "value"),
        (1, date(1, 1, 1), "given_on"),
    ):
        with pytest.raises(ValidationError) as refused:
            support_record_add(
                actor=personas.officer_a,
                child=child,
                data=SupportData(
                    kind="gift", given_on=given_on, value=value, source="state", occasion="other"
                ),
                today=TODAY,
            )
        assert list(refused.value.message_dict) == [field]
    assert not SupportRecord.objects.exists()


def test_the_support_page_refuses_an_implausible_value(client, personas):
    child = register(personas.officer_a, personas.unit_a, name="Hà Văn Khánh")
    client.force_login(personas.officer_a)
    response = client.post(
        reverse("children:support_new", args=[child.public_id]),
        {
            "kind": "gift",
            "given_on": "01/06/2026",
            "value": "9.223.372.036.854.775.808",
            "source": "state",
            "occasion": "other",
        },
    )
    assert response.status_code == 200
    assert TOO_MUCH in response.content.decode()
    assert not SupportRecord.objects.exists()

"""The plan loader refuses a data file it cannot load faithfully: a field the schema does not
know, a code outside its list, a unit absent on the date, a key that is another plan's. Each
refusal names the file and the field, and nothing is written."""

import copy
import re

import pytest
import yaml
from django.core.exceptions import ImproperlyConfigured
from hypothesis import given, settings
from hypothesis import strategies as st

from vitreem.plans import datafile
from vitreem.plans.datafile import check_plan_data
from vitreem.plans.loaders import DATA_DIR, load_plan, load_plan_files, read_plan_file
from vitreem.plans.models import Plan

SEEDS = {p.stem: read_plan_file(p) for p in sorted(DATA_DIR.glob("*.yaml"))}


def _places(data: dict) -> list[tuple[str, dict, set[str]]]:
    """Mappings of the file where a field could be slipped in: (path, mapping, its fields)."""
    places = [
        ("", data, datafile.TOP),
        ("issuer", data["issuer"], datafile.ISSUER),
        ("period", data["period"], datafile.PERIOD),
        ("signer", data["signer"], datafile.SIGNER),
        ("sections[0]", data["sections"][0], datafile.SECTION),
    ]
    for i, block in enumerate(data["sections"][-1]["blocks"]):
        places.append(
            (
                f"sections[{len(data['sections']) - 1}].blocks[{i}]",
                block,
                datafile.BLOCKS[block["type"]] | {"type"},
            )
        )
    for key, fields in (
        ("targets", datafile.TARGET),
        ("budget", datafile.BUDGET),
        ("reporting", datafile.REPORTING),
        ("assignments", datafile.ASSIGNMENT),
    ):
        if data.get(key):
            places.append((f"{key}[0]", data[key][0], fields))
    if data.get("assignments"):
        places.append(
            ("assignments[0].tasks[0]", data["assignments"][0]["tasks"][0], datafile.TASK)
        )
    return places


_junk = st.one_of(
    st.text(min_size=1, max_size=24),
    st.integers(),
    st.sampled_from(["colour", "html", "Text", "heading ", "blocks2", "numbr"]),
)


@settings(max_examples=150, deadline=None)
@given(key=st.sampled_from(sorted(SEEDS)), where=st.integers(min_value=0), junk=_junk, value=_junk)
def test_a_field_the_schema_does_not_know_is_refused_by_name(key, where, junk, value):
    data = copy.deepcopy(SEEDS[key])
    places = _places(data)
    path, mapping, fields = places[where % len(places)]
    if junk in fields:
        return
    mapping[junk] = value
    with pytest.raises(ImproperlyConfigured) as refusal:
        check_plan_data(data, f"{key}.yaml")
    field = f"{path}.{junk}" if path else str(junk)
    assert str(refusal.value).startswith(f"{key}.yaml: {field}: unknown field"), refusal.value


def _code_places(data: dict) -> list[tuple[str, dict, str]]:
    places = [("kind", data, "kind")]
    for key, field in (("targets", "unit"), ("targets", "report_row"), ("budget", "source")):
        if data.get(key):
            places.append((f"{key}[0].{field}", data[key][0], field))
    if data.get("assignments"):
        places.append(("assignments[0].assignee_group", data["assignments"][0], "assignee_group"))
        task = data["assignments"][0]["tasks"][0]
        places.append(("assignments[0].tasks[0].role", task, "role"))
    for s, section in enumerate(data["sections"]):
        for b, block in enumerate(section["blocks"]):
            here = f"sections[{s}].blocks[{b}]"
            places.append((f"{here}.type", block, "type"))
            if block["type"] == "subsection":
                places.append((f"{here}.activity_group", block, "activity_group"))
            if block["type"] == "slogans":
                places.append((f"{here}.marker", block, "marker"))
    return places


VALID = {
    *datafile.report_rows(),
    "action_month",
    "child_protection",
    "sector",
    "other",
    "%",
    "count",
    "ratio",
    "point",
    "state",
    "mobilised",
    "communes",
    "districts",
    "agencies",
    "lead",
    "cooperate",
    "-",
    "+",
    "number",
    *datafile.BLOCKS,
    "communication",
    "resources",
    "participation",
    "summer",
    "recreation",
    "safety",
    "movement",
}


@settings(max_examples=150, deadline=None)
@given(
    key=st.sampled_from(sorted(SEEDS)),
    where=st.integers(min_value=0),
    code=st.one_of(st.text(max_size=16), st.integers(), st.just("Action_Month"), st.just("*")),
)
def test_a_code_outside_its_list_is_refused_by_field(key, where, code):
    if code in VALID:
        return
    data = copy.deepcopy(SEEDS[key])
    places = _code_places(data)
    path, mapping, field = places[where % len(places)]
    mapping[field] = code
    with pytest.raises(ImproperlyConfigured) as refusal:
        check_plan_data(data, f"{key}.yaml")
    assert str(refusal.value).startswith(f"{key}.yaml: {path}: unknown code"), refusal.value


def test_every_data_file_passes_the_check():
    for key, data in SEEDS.items():
        check_plan_data(data, f"{key}.yaml")


@pytest.mark.django_db
def test_a_file_under_another_plans_key_is_refused_and_the_plan_kept(tmp_path):
    load_plan_files(["bac-kan-province-2021-action-month", "bac-kan-city-2021-action-month"])
    city = Plan.objects.get(key="bac-kan-city-2021-action-month")
    data = copy.deepcopy(SEEDS["hai-phong-2024-action-month"])
    data["key"] = city.key
    (tmp_path / f"{city.key}.yaml").write_text(yaml.safe_dump(data, allow_unicode=True))
    with pytest.raises(ImproperlyConfigured, match=re.escape(f"{city.key}.yaml: key: ")) as refusal:
        load_plan_files(directory=tmp_path)
    assert "another plan" in str(refusal.value)
    city.refresh_from_db()
    assert city.issuer_unit.code == "058"
    assert city.title == "Triển khai Tháng hành động vì trẻ em năm 2021"
    assert not Plan.objects.filter(issuer_unit__code="31").exists()


@pytest.mark.django_db
def test_a_key_that_is_not_the_file_name_is_refused(tmp_path):
    data = SEEDS["hai-phong-2024-action-month"]
    (tmp_path / "hai-phong.yaml").write_text(yaml.safe_dump(data, allow_unicode=True))
    with pytest.raises(
        ImproperlyConfigured, match=r"^hai-phong\.yaml: key: .* not the file's name"
    ):
        load_plan_files(directory=tmp_path)
    assert not Plan.objects.exists()


@pytest.mark.django_db
def test_an_absent_unit_is_refused_naming_file_and_field():
    data = copy.deepcopy(SEEDS["tam-duong-2021-child-protection"])
    data["issuer"]["unit_code"] = "99999"
    with pytest.raises(
        ImproperlyConfigured,
        match=r"^tam-duong-2021-child-protection\.yaml: issuer\.unit_code: no unit has code '9+'",
    ):
        load_plan(data)
    assert not Plan.objects.exists()


@pytest.mark.django_db
def test_a_number_another_plan_carries_is_refused():
    data = copy.deepcopy(SEEDS["tam-duong-2021-child-protection"])
    data["number"] = 7
    load_plan(data)
    other = {**copy.deepcopy(data), "key": "tam-duong-2021-other"}
    with pytest.raises(ImproperlyConfigured, match=r"^tam-duong-2021-other\.yaml: number: "):
        load_plan(other)
    assert Plan.objects.count() == 1


@pytest.mark.django_db
def test_loading_the_same_file_again_updates_its_plan():
    data = copy.deepcopy(SEEDS["tam-duong-2021-child-protection"])
    first = load_plan(data)
    data["title"] = "Tiêu đề đã sửa"
    assert load_plan(data).pk == first.pk
    assert Plan.objects.get().title == "Tiêu đề đã sửa"

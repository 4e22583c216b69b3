"""Report values: strict types and the form's own keys over the API, and one set of form rules
for the page, the API, an uploaded form, a .zip of forms and submission."""

import copy
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from vitreem.core.models import AuditEvent
from vitreem.reporting.definitions import FormDefinition
from vitreem.reporting.loaders import load_form
from vitreem.reporting.models import ReportForm, Submission, ValueChange
from vitreem.reporting.services import (
    UnconfirmedWarningsError,
    round_create,
    submission_save,
    submission_submit,
)
from vitreem.reporting.validation import NARRATIVE_MAX, check_values
from vitreem.reporting.workbooks import round_import_zip, submission_import, submission_workbook

from .test_api import api
from .test_excel import fill, zipped

pytestmark = pytest.mark.django_db

BALANCE = "Cuối kỳ phải bằng đầu kỳ cộng tăng trừ giảm."


def half_year(personas, form: ReportForm) -> Submission:
    round_ = round_create(
        actor=personas.supervisor,
        form=form,
        receiving_unit=personas.province,
        title="Báo cáo 6 tháng 2026",
        period_kind="half_year",
        period_start=date(2025, 12, 15),
        period_end=date(2026, 6, 14),
    )
    return Submission.objects.get(round=round_, unit=personas.unit_a, agency=None)


@pytest.fixture
def report(personas) -> Submission:
    return half_year(personas, ReportForm.objects.get(code="special-circumstances"))


def state(report: Submission) -> tuple[object, ...]:
    report.refresh_from_db()
    return (
        sorted(report.values.values_list("element__code", "row", "category", "value")),
        report.version,
        report.narrative,
        ValueChange.objects.filter(submission=report).count(),
    )


def put(client, personas, report, body):
    return api(client, personas.officer_a).put(f"/api/v1/submissions/{report.pk}/values", body)


@pytest.mark.parametrize(
    ("body", "words"),
    [
        ({"values": [{"element": "at_start", "row": "a", "value": True}]}, "số nguyên"),
        ({"values": [{"element": "at_start", "row": "a", "value": "12"}]}, "số nguyên"),
        ({"values": [{"element": "at_start", "row": "a", "value": 1000.0}]}, "số nguyên"),
        ({"values": [{"element": "at_start", "row": "zz", "value": 1}]}, "Không có ô at_start/zz"),
        ({"values": [{"element": "ghost", "value": 1}]}, "Không có ô ghost"),
        ({"values": [], "narrative": {"IX.9": "Văn bản"}}, "không có mục “IX.9”"),
        ({"values": [], "narrative": {"I.1": "x" * (2 * 2**20)}}, "chuỗi quá dài"),
        ({"values": [{"element": "at_start", "row": "a", "value": -1}]}, "số âm"),
        ({"values": [{"element": "at_start", "row": "a", "value": 10**18}]}, "tối đa 100.000"),
        ({"values": [], "narrative": {"x" * 5000: "Văn bản"}}, "không có mục “xxxxx"),
    ],
)
def test_a_value_of_the_wrong_type_or_a_key_not_in_the_form_is_refused_and_changes_nothing(
    client, personas, report, body, words
):
    put(client, personas, report, {"values": [{"element": "new", "row": "a", "value": 3}]})
    before = state(report)
    response = put(
        client,
        personas,
        report,
        {**body, "values": [*body["values"], {"element": "new", "row": "b", "value": 4}]},
    )
    assert response.status_code == 422
    assert words in response.json()["detail"]
    assert state(report) == before


def test_the_narrative_limit_holds_for_every_path_with_a_vietnamese_message(personas, report):
    before = state(report)
    with pytest.raises(ValidationError) as refused:
        submission_save(
            actor=personas.officer_a,
            submission=report,
            cells={},
            narrative={"I.1": "x" * (NARRATIVE_MAX + 1)},
        )
    assert "Mục I.1 dài 20.001 ký tự, tối đa 20.000 ký tự." in refused.value.messages
    assert state(report) == before


def test_an_integer_value_and_a_form_narrative_are_saved(client, personas, report):
    response = put(
        client,
        personas,
        report,
        {
            "values": [{"element": "at_start", "row": "a", "value": 12}],
            "narrative": {"I.1": "x" * NARRATIVE_MAX},
        },
    )
    assert response.status_code == 200, response.json()
    assert response.json()["values"] == [
        {"element": "at_start", "row": "a", "category": "", "value": 12}
    ]


BROKEN = [  # 10 + 2 − 1 is not 12
    {"element": "at_start", "row": "a", "value": 10},
    {"element": "new", "row": "a", "value": 2},
    {"element": "left", "row": "a", "value": 1},
    {"element": "at_end", "row": "a", "value": 12},
]


def test_the_half_year_balance_refuses_a_save_over_the_api(client, personas, report):
    before = state(report)
    response = put(client, personas, report, {"values": BROKEN})
    assert response.status_code == 422
    assert BALANCE in response.json()["detail"]
    assert "dòng “a) Trẻ em mồ côi cả cha và mẹ”, cột “Cuối kỳ”" in response.json()["detail"]
    assert state(report) == before
    fixed = [*BROKEN[:3], {"element": "at_end", "row": "a", "value": 11}]
    assert put(client, personas, report, {"values": fixed}).status_code == 200
    # One cell changed alone may not break the balance the others hold.
    before = state(report)
    response = put(
        client, personas, report, {"values": [{"element": "new", "row": "a", "value": 3}]}
    )
    assert response.status_code == 422
    assert state(report) == before


def test_achieved_more_than_the_total_is_refused_on_the_page(client, personas, report):
    client.force_login(personas.officer_a)
    before = state(report)
    page = client.post(
        f"/reports/submissions/{report.pk}/",
        {
            "version": "0",
            "action": "save",
            "c-indicator_total-child_friendly-": "3",
            "c-indicator_achieved-child_friendly-": "4",
        },
    )
    assert "Số đạt không được lớn hơn tổng số." in page.content.decode()
    assert state(report) == before


def broken_form(report: Submission) -> bytes:
    # Row "a" is the first row of table 1 (row 7 of its sheet): start, new, left, end.
    return fill(
        submission_workbook(report),
        {("Bảng 1", "B7"): 10, ("Bảng 1", "C7"): 2, ("Bảng 1", "D7"): 1, ("Bảng 1", "E7"): 12},
    )


def test_the_half_year_balance_refuses_an_uploaded_form_and_a_zip_of_forms(personas, report):
    before = state(report)
    with pytest.raises(ValidationError) as refused:
        submission_import(actor=personas.officer_a, submission=report, data=broken_form(report))
    assert BALANCE in " ".join(refused.value.messages)
    assert state(report) == before
    results = round_import_zip(
        actor=personas.officer_a, round_=report.round, data=zipped({"a.xlsx": broken_form(report)})
    )
    assert [(r.ok, BALANCE in r.message) for r in results] == [(False, True)]
    assert state(report) == before


@pytest.fixture
def plausibility(personas) -> Submission:
    """The child-protection report with its "achieved ≤ total" declared a plausibility check."""
    data = copy.deepcopy(ReportForm.objects.get(code="special-circumstances").definition)
    data["code"] = "special-circumstances-test"
    for rule in data["rules"]:
        if rule["type"] == "not_more":
            rule["severity"] = "warning"
    return half_year(personas, load_form(data))


def test_a_plausibility_warning_lets_a_draft_be_saved_and_is_confirmed_to_submit(
    client, personas, plausibility
):
    report = plausibility
    cells = {
        ("indicator_total", "child_friendly", ""): 3,
        ("indicator_achieved", "child_friendly", ""): 4,
    }
    submission_save(actor=personas.officer_a, submission=report, cells=cells)
    with pytest.raises(UnconfirmedWarningsError) as unconfirmed:
        submission_submit(actor=personas.officer_a, submission=report)
    assert "Số đạt không được lớn hơn tổng số." in unconfirmed.value.messages[0]
    me = api(client, personas.officer_a)
    assert me.post(f"/api/v1/submissions/{report.pk}/submit").status_code == 422
    report.refresh_from_db()
    assert report.status == "draft"
    sent = me.post(f"/api/v1/submissions/{report.pk}/submit?confirm=true")
    assert sent.status_code == 200
    assert sent.json()["status"] == "submitted"
    event = AuditEvent.objects.get(action="submission.submit")
    assert "Số đạt không được lớn hơn tổng số." in event.data["confirmed"][0]


def test_the_page_asks_to_confirm_a_warning_before_sending(client, personas, plausibility):
    client.force_login(personas.officer_a)
    url = f"/reports/submissions/{plausibility.pk}/"
    fields = {
        "c-indicator_total-child_friendly-": "3",
        "c-indicator_achieved-child_friendly-": "4",
    }
    page = client.post(
        url, {"version": "0", "action": "submit", "send": "1", **fields}
    ).content.decode()
    assert 'name="confirm"' in page
    plausibility.refresh_from_db()
    assert plausibility.status == "draft"
    version = str(plausibility.version)
    sent = client.post(
        url, {"version": version, "action": "submit", "send": "1", "confirm": "1", **fields}
    )
    assert sent.status_code == 302
    plausibility.refresh_from_db()
    assert plausibility.status == "submitted"


def test_a_form_with_an_unknown_severity_or_stage_is_refused():
    data = copy.deepcopy(ReportForm.objects.get(code="special-circumstances").definition)
    data["rules"][0]["severity"] = "fatal"
    with pytest.raises(ValueError, match="severity"):
        FormDefinition.parse(data)
    data["rules"][0]["severity"] = "error"
    data["rules"][0]["stage"] = "later"
    with pytest.raises(ValueError, match="stage"):
        FormDefinition.parse(data)


@given(
    st.one_of(
        st.booleans(),
        st.floats(allow_nan=True),
        st.text(max_size=5),
        st.lists(st.integers(), max_size=2),
    )
)
def test_anything_but_an_integer_in_a_count_cell_is_refused(value):
    definition = FormDefinition.parse(
        ReportForm.objects.get(code="special-circumstances").definition
    )
    assert check_values(definition, {("at_start", "a", ""): value}) != []

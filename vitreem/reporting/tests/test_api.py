import pytest

from vitreem.accounts.services import token_issue
from vitreem.reporting.models import Submission

pytestmark = pytest.mark.django_db


def api(client, user):
    headers = {"Authorization": f"Bearer {token_issue(user=user)}"}

    class Client:
        def get(self, path):
            return client.get(path, headers=headers)

        def put(self, path, body):
            return client.put(path, body, content_type="application/json", headers=headers)

        def post(self, path, body=None):
            return client.post(path, body or {}, content_type="application/json", headers=headers)

    return Client()


def test_rounds_list_the_two_tier_deadline(client, personas, province_round):
    body = api(client, personas.officer_a).get("/api/v1/rounds?year=2026").json()
    assert body["count"] == 1
    item = body["items"][0]
    assert (item["form_code"], item["receiving_unit_code"], item["period"]) == (
        "action-month-result",
        "19",
        "campaign",
    )
    assert item["deadline"] == "2026-07-20"


def test_values_submit_approve_and_the_consolidation_agree(client, personas, province_round):
    a = Submission.objects.get(round=province_round, unit=personas.unit_a, agency=None)
    b = Submission.objects.get(round=province_round, unit=personas.unit_b, agency=None)
    for user, sub, gifts in ((personas.officer_a, a, 40), (personas.officer_b, b, 25)):
        me = api(client, user)
        read = me.get(f"/api/v1/submissions/{sub.pk}").json()
        saved = me.put(
            f"/api/v1/submissions/{sub.pk}/values",
            {
                "version": read["version"],
                "values": [
                    {"element": "gifts_children", "value": gifts},
                    {"element": "gifts_cost", "category": "state", "value": gifts * 100_000},
                ],
            },
        )
        assert saved.status_code == 200, saved.json()
        assert me.post(f"/api/v1/submissions/{sub.pk}/submit").json()["status"] == "submitted"
    province = api(client, personas.supervisor)
    assert province.post(f"/api/v1/submissions/{a.pk}/approve").json()["status"] == "approved"
    body = province.get(f"/api/v1/rounds/{province_round.pk}/consolidated?unit=19").json()
    table2 = next(t for t in body["tables"] if t["code"] == "2")
    assert table2["total"]["gifts_children"] == 65
    assert table2["total"]["gifts_cost"] == 6_500_000
    rows = {r["unit_name"]: r["values"] for r in table2["rows"]}
    assert rows["Phường Bắc Kạn"]["gifts_children"] == 40
    assert [c["code"] for c in table2["columns"]][:2] == ["gifts_children", "gifts_cost"]
    stats = province.get(f"/api/v1/rounds/{province_round.pk}/completeness?unit=19").json()
    assert (stats["submitted"], stats["approved"], stats["missing"]) == (
        2,
        1,
        stats["expected"] - 2,
    )


def test_a_stale_version_and_an_unknown_cell_are_refused(client, personas, province_round):
    a = Submission.objects.get(round=province_round, unit=personas.unit_a, agency=None)
    me = api(client, personas.officer_a)
    me.put(
        f"/api/v1/submissions/{a.pk}/values",
        {"version": 0, "values": [{"element": "camps", "value": 1}]},
    )
    stale = me.put(
        f"/api/v1/submissions/{a.pk}/values",
        {"version": 0, "values": [{"element": "camps", "value": 9}]},
    )
    assert stale.status_code == 422
    assert "người khác sửa" in stale.json()["detail"]
    unknown = me.put(
        f"/api/v1/submissions/{a.pk}/values", {"values": [{"element": "ghost", "value": 1}]}
    )
    assert unknown.status_code == 422
    negative = me.put(
        f"/api/v1/submissions/{a.pk}/values", {"values": [{"element": "camps", "value": -3}]}
    )
    assert negative.status_code == 422
    assert me.get(f"/api/v1/submissions/{a.pk}").json()["values"] == [
        {"element": "camps", "row": "", "category": "", "value": 1}
    ]


def test_a_return_needs_a_reason(client, personas, province_round):
    a = Submission.objects.get(round=province_round, unit=personas.unit_a, agency=None)
    api(client, personas.officer_a).post(f"/api/v1/submissions/{a.pk}/submit")
    response = api(client, personas.supervisor).post(
        f"/api/v1/submissions/{a.pk}/return", {"reason": " "}
    )
    assert response.status_code == 422
    assert Submission.objects.get(pk=a.pk).status == "submitted"


def test_a_commune_cannot_read_its_siblings_report_or_the_provinces_consolidation(
    client, personas, province_round
):
    a = Submission.objects.get(round=province_round, unit=personas.unit_a, agency=None)
    b_user = api(client, personas.officer_b)
    assert b_user.get(f"/api/v1/submissions/{a.pk}").status_code == 404
    assert b_user.get(f"/api/v1/rounds/{province_round.pk}/consolidated?unit=19").status_code == 404
    assert (
        b_user.get(f"/api/v1/rounds/{province_round.pk}/consolidated?unit=05443").status_code == 200
    )


def test_consolidation_of_a_unit_outside_the_round_is_404(client, personas, province_round):
    response = api(client, personas.admin).get(
        f"/api/v1/rounds/{province_round.pk}/consolidated?unit=00001"
    )
    assert response.status_code == 404
    assert "00001" in response.json()["detail"]


def test_filed_values_leave_as_a_dhis2_data_value_set(client, personas, province_round):
    a = Submission.objects.get(round=province_round, unit=personas.unit_a, agency=None)
    me = api(client, personas.officer_a)
    me.put(
        f"/api/v1/submissions/{a.pk}/values",
        {
            "values": [
                {"element": "gifts_children", "value": 40},
                {"element": "gifts_cost", "category": "state", "value": 4_000_000},
            ]
        },
    )
    draft = (
        api(client, personas.supervisor)
        .get(f"/api/v1/rounds/{province_round.pk}/datavaluesets")
        .json()
    )
    assert draft["dataValues"] == []  # a draft is not data yet
    me.post(f"/api/v1/submissions/{a.pk}/submit")
    body = (
        api(client, personas.supervisor)
        .get(f"/api/v1/rounds/{province_round.pk}/datavaluesets")
        .json()
    )
    assert (body["dataSet"], body["period"], body["orgUnit"]) == (
        "action-month-result-2021",
        "202606",
        "19",
    )
    assert {
        (v["dataElement"], v["orgUnit"], v["categoryOptionCombo"], v["value"])
        for v in body["dataValues"]
    } == {
        ("gifts_children", "01843", "default", "40"),
        ("gifts_cost", "01843", "state", "4000000"),
    }


def test_consolidation_and_round_pages_cost_a_fixed_number_of_queries(
    client, personas, province_round, django_assert_max_num_queries
):
    from vitreem.reporting.services import submission_save, submission_submit

    for sub in Submission.objects.filter(round=province_round, agency=None)[:30]:
        submission_save(actor=personas.admin, submission=sub, cells={("camps", "", ""): 1})
        submission_submit(actor=personas.admin, submission=sub)
    province = api(client, personas.supervisor)
    with django_assert_max_num_queries(12):
        body = province.get(f"/api/v1/rounds/{province_round.pk}/consolidated?unit=19").json()
    assert next(t for t in body["tables"] if t["code"] == "3")["total"]["camps"] == 30
    client.force_login(personas.supervisor)
    with django_assert_max_num_queries(15):
        assert client.get(f"/reports/{province_round.pk}/consolidated/?unit=19").status_code == 200
    with django_assert_max_num_queries(15):
        page = client.get(f"/reports/{province_round.pk}/").content.decode()
    assert "Phường Bắc Kạn" in page

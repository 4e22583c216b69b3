"""The appendices through the API: read line by line in print order with a version; replaced in
one call (rewritten, added, removed, reordered) on a draft; a stale version answers 409, a bad
text 422, another unit 404, and nothing changes."""

import pytest

from vitreem.accounts.services import token_issue
from vitreem.plans.loaders import load_plan_files
from vitreem.plans.services import plan_copy_previous

pytestmark = pytest.mark.django_db

CITY = "bac-kan-city-2021-action-month"


@pytest.fixture
def draft(personas):
    city = load_plan_files([CITY])[0]
    return plan_copy_previous(actor=personas.old_officer, source=city, year=2022).plan


def api(client, user):
    headers = {"Authorization": f"Bearer {token_issue(user=user)}"}

    def call(method: str, path: str, body: dict | None = None):
        return getattr(client, method)(
            f"/api/v1/plans/{path}", body, content_type="application/json", headers=headers
        )

    return call


def _payload(read: dict) -> dict:
    """What a client sends back after reading, changing nothing."""
    return {
        "expected_version": read["version"],
        "appendices": [
            {
                "source": i,
                "title": a["title"],
                "reference": a["reference"] or "",
                "texts": [line["text"] for line in a["lines"] if line["editable"]],
            }
            for i, a in enumerate(read["appendices"])
        ],
    }


def test_an_integrator_reads_and_rewrites_the_appendices(client, personas, draft):
    call = api(client, personas.old_officer)
    read = call("get", f"{draft.pk}/appendices").json()
    assert [a["title"] for a in read["appendices"]] == [a["title"] for a in draft.appendices]
    first = read["appendices"][0]
    assert first["lines"][0] == {
        "kind": "text",
        "text": "PHÒNG, BAN, NGÀNH, ĐƠN VỊ, ĐỊA PHƯƠNG",
        "depth": 0,
        "editable": True,
    }
    figures = read["appendices"][1]  # the city's tables of figures, from the report form
    tables = sum(line["kind"] == "table" for line in figures["lines"])
    assert tables == 3
    assert all(not line["editable"] for line in figures["lines"] if line["kind"] == "table")

    body = _payload(read)
    body["appendices"][0]["title"] = "Mẫu báo cáo kết quả Tháng hành động vì trẻ em năm 2022"
    body["appendices"][0]["texts"][0] = "CƠ QUAN, ĐƠN VỊ BÁO CÁO"
    body["appendices"][0]["more"] = ["Báo cáo gửi trước ngày 05/7/2022."]
    # The second appendix first, the first after it, and a new one at the end.
    body["appendices"] = [
        *body["appendices"][1:],
        body["appendices"][0],
        {"source": None, "title": "Danh sách đơn vị", "reference": "", "texts": []},
    ]
    saved = call("put", f"{draft.pk}/appendices", body)
    assert saved.status_code == 200, saved.content
    got = saved.json()
    assert got["version"] != read["version"]
    moved = got["appendices"][len(read["appendices"]) - 1]
    assert moved["title"] == "Mẫu báo cáo kết quả Tháng hành động vì trẻ em năm 2022"
    assert moved["lines"][0]["text"] == "CƠ QUAN, ĐƠN VỊ BÁO CÁO"
    assert moved["lines"][-1] == {
        "kind": "text",
        "text": "Báo cáo gửi trước ngày 05/7/2022.",
        "depth": 0,
        "editable": True,
    }
    assert got["appendices"][0]["title"] == figures["title"]  # moved up, its tables kept
    assert sum(line["kind"] == "table" for line in got["appendices"][0]["lines"]) == tables
    assert got["appendices"][-1] == {"title": "Danh sách đơn vị", "reference": None, "lines": []}
    draft.refresh_from_db()
    assert [a["title"] for a in draft.appendices] == [a["title"] for a in got["appendices"]]


def test_a_stale_version_answers_409_and_changes_nothing(client, personas, draft):
    call = api(client, personas.old_officer)
    read = call("get", f"{draft.pk}/appendices").json()
    body = _payload(read)
    body["appendices"] = body["appendices"][:1]
    assert call("put", f"{draft.pk}/appendices", body).status_code == 200
    stale = _payload(read)
    stale["appendices"][0]["title"] = "Tên khác"
    refused = call("put", f"{draft.pk}/appendices", stale)
    assert refused.status_code == 409
    assert "người khác" in refused.json()["detail"]
    draft.refresh_from_db()
    assert len(draft.appendices) == 1
    assert draft.appendices[0]["title"] == read["appendices"][0]["title"]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"title": ""}, "không được để trống"),
        ({"title": "<b>Phụ lục</b>"}, ""),
        ({"texts": ["**chưa đóng"]}, ""),
        ({"texts": []}, "Số dòng gửi lên không khớp"),
        ({"source": 7}, ""),
    ],
)
def test_bad_input_is_refused_and_changes_nothing(client, personas, draft, change, message):
    call = api(client, personas.old_officer)
    read = call("get", f"{draft.pk}/appendices").json()
    body = _payload(read)
    body["appendices"][0].update(change)
    if change.get("texts"):
        body["appendices"][0]["texts"] = change["texts"] + body["appendices"][0]["texts"][1:]
    before = list(draft.appendices)
    refused = call("put", f"{draft.pk}/appendices", body)
    assert refused.status_code == 422, refused.content
    assert message in refused.json()["detail"]
    draft.refresh_from_db()
    assert draft.appendices == before


def test_another_unit_is_refused_and_an_issued_plan_is_not_rewritten(client, personas, draft):
    body = _payload(api(client, personas.old_officer)("get", f"{draft.pk}/appendices").json())
    other = api(client, personas.officer_b)
    assert other("get", f"{draft.pk}/appendices").status_code == 404
    assert other("put", f"{draft.pk}/appendices", body).status_code == 404
    city = draft.parent or load_plan_files([CITY])[0]
    issued = api(client, personas.old_officer)
    read = issued("get", f"{city.pk}/appendices").json()
    refused = issued("put", f"{city.pk}/appendices", _payload(read))
    assert refused.status_code in (403, 422)
    city.refresh_from_db()
    assert [a["title"] for a in city.appendices] == [a["title"] for a in read["appendices"]]

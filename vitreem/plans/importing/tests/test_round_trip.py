"""Each seed plan printed by the plan printer and imported back: the same structure."""

import pytest

from vitreem.documents.plans import render_plan_docx
from vitreem.plans.importing.reading import read_lines
from vitreem.plans.importing.recognise import recognise

from .seeds import SEEDS, data_file, expected_outline, flat


@pytest.fixture(scope="module", params=SEEDS)
def printed(request: pytest.FixtureRequest):
    data = data_file(request.param)
    docx = render_plan_docx(data)
    return data, recognise(read_lines(f"{request.param}.docx", docx)).data


def test_every_outline_node_comes_back(printed):
    data, got = printed
    assert flat(got["outline"]) == flat(expected_outline(data))


def test_the_facts_come_back(printed):
    data, got = printed
    assert got["title"] == data["title"]
    assert got["issuer"] == data["issuer"]["header_name"]
    assert got["place"] == data["place"]
    assert got["theme"] == (data.get("theme") or "")
    assert got["period_start"] == data["period"]["start"].isoformat()
    assert got["slogans"] == (data.get("slogans") or [])
    assert [(a["assignee"], a["tasks"]) for a in got["assignments"]] == [
        (a["assignee"], [t["text"] for t in a["tasks"]]) for a in data["assignments"]
    ]
    assert got["signer"]["name"] == data["signer"]["name"]
    subheadings = [r for r in data["recipients"] if r.endswith(":") and not r.startswith("Lưu")]
    assert got["recipients"] == [r for r in data["recipients"] if r not in subheadings]

"""The three shared seed plans, imported from their extracted text and compared field by field
with the data files transcribed from them by hand."""

import difflib
from typing import Any

import pytest

from vitreem.core.text import nfc
from vitreem.plans.importing.recognise import recognise

from .seeds import SEEDS, data_file, expected_outline, flat, seed_lines


def _sub_heading(line: str) -> bool:
    return line.endswith(":") and not line.startswith("Lưu")


@pytest.fixture(scope="module", params=SEEDS)
def seed(request: pytest.FixtureRequest) -> tuple[dict[str, Any], dict[str, Any]]:
    key = request.param
    return data_file(key), recognise(seed_lines(key)).data


def test_theme_period_scope(seed):
    data, got = seed
    assert got["theme"] == (data.get("theme") or "")
    assert got["period_start"] == data["period"]["start"].isoformat()
    assert got["period_end"] == data["period"]["end"].isoformat()


def test_title(seed):
    data, got = seed
    assert got["title"] == data["title"]
    assert got["subtitle"] == (data.get("subtitle") or "")


def test_slogans(seed):
    data, got = seed
    assert got["slogans"] == [nfc(s) for s in data.get("slogans") or []]


def test_assignees_and_their_task_counts(seed):
    data, got = seed
    expected = [(a["assignee"], len(a.get("tasks") or [])) for a in data["assignments"]]
    assert [(a["assignee"], len(a["tasks"])) for a in got["assignments"]] == expected


def test_reporting_deadline_and_recipient(seed):
    data, got = seed
    first = data["reporting"][0]
    assert got["reporting"]["deadline"] == (first["due"].isoformat() if first["due"] else None)
    assert got["reporting"]["recipient"] == (first.get("to") or "")


def test_recipients_without_their_sub_headings(seed):
    data, got = seed
    expected = [r for r in data["recipients"] if not _sub_heading(r)]
    assert got["recipients"] == expected
    headings = [r for r in data["recipients"] if _sub_heading(r)]
    assert [g["heading"] for g in got["recipient_groups"] if g["heading"]] == headings


def test_budget_lines_and_their_sources(seed):
    data, got = seed
    expected = [(b.get("sources") or [b["source"]], b["text"]) for b in data.get("budget") or []]
    assert [(b["sources"], b["text"]) for b in got["budget"]] == expected


def test_activities_and_their_groups(seed):
    from .test_round_trip import activities_of

    data, got = seed
    assert got["activities"] == activities_of(data)


def test_signer(seed):
    data, got = seed
    signer = data["signer"]
    assert got["signer"] == {
        "authority": signer.get("authority") or "",
        "deputy": signer.get("deputy") or "",
        "title": signer["title"],
        "name": signer["name"],
    }


def test_parent_plan_cited(seed):
    data, got = seed
    parent = data.get("parent_plan") or {}
    assert got["parent_reference"] == (parent.get("reference") or "")


def outline_agreement(data: dict[str, Any], got: dict[str, Any]) -> float:
    expected = [(kind, text) for _depth, kind, _marker, text in flat(expected_outline(data))]
    found = [(kind, text) for _depth, kind, _marker, text in flat(got["outline"])]
    matcher = difflib.SequenceMatcher(None, expected, found, autojunk=False)
    same = sum(block.size for block in matcher.get_matching_blocks())
    return same / len(expected)


def test_nine_in_ten_outline_nodes_equal(seed):
    data, got = seed
    assert outline_agreement(data, got) >= 0.9

"""Each plan of the data files printed by the plan printer and imported back: the same structure
(every node from Word; nine in ten through a PDF, where LibreOffice is installed to make one)."""

import difflib

import pytest

from vitreem.documents.pdf import docx_to_pdf, libreoffice
from vitreem.documents.plans import render_plan_docx
from vitreem.plans.importing.reading import _without_page_number, read_lines
from vitreem.plans.importing.recognise import recognise
from vitreem.plans.loaders import DATA_DIR

from .seeds import SEEDS, data_file, expected_outline, flat


@pytest.fixture(scope="module", params=SEEDS)
def printed(request: pytest.FixtureRequest):
    data = data_file(request.param)
    docx = render_plan_docx(data)
    return data, recognise(read_lines(f"{request.param}.docx", docx)).data


def activities_of(data: dict) -> list[dict[str, str]]:
    """The activity subsections of a data file, with their groups."""
    found = []
    for section in data["sections"]:
        for block in section["blocks"]:
            if block.get("type") == "subsection" and block.get("activity_group"):
                found.append({"heading": block["heading"], "group": block["activity_group"]})
    return found


ALL_PLANS = sorted(path.stem for path in DATA_DIR.glob("*.yaml"))


def budget_of(data: dict) -> list[tuple[str, str]]:
    """(main source, text) of each budget line: the first of its ``sources``, or its ``source``."""
    return [((b.get("sources") or [b["source"]])[0], b["text"]) for b in data.get("budget") or []]


def several_sources(data: dict) -> list[tuple[int, list[str]]]:
    """The lines a data file gives several sources, with them in order. A line of one ``source``
    names its main one (files transcribed before a line could have several keep that)."""
    return [(i, b["sources"]) for i, b in enumerate(data.get("budget") or []) if b.get("sources")]


@pytest.mark.parametrize("key", ALL_PLANS)
def test_every_outline_node_comes_back(key):
    """Every plan of the data files, the seeds and the plans written after them."""
    data = data_file(key)
    got = recognise(read_lines(f"{key}.docx", render_plan_docx(data))).data
    assert flat(got["outline"]) == flat(expected_outline(data))
    assert got["slogans"] == (data.get("slogans") or [])
    assert [len(a["tasks"]) for a in got["assignments"]] == [
        len(a["tasks"]) for a in data["assignments"]
    ]
    assert [(b["source"], b["text"]) for b in got["budget"]] == budget_of(data)
    assert all(b["sources"][0] == b["source"] for b in got["budget"])
    assert [(i, got["budget"][i]["sources"]) for i, _s in several_sources(data)] == (
        several_sources(data)
    )
    assert got["activities"] == activities_of(data)
    launch = data.get("launch") or {}
    if launch:
        assert got["launch"]["held"] == launch["held"]
        assert got["launch"]["agenda"] == (launch.get("agenda") or [])
        day = launch.get("date")
        assert got["launch"]["date"] == (day.isoformat() if day else None)


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


@pytest.mark.skipif(libreoffice() is None, reason="LibreOffice is not installed")
@pytest.mark.parametrize("key", ALL_PLANS)
def test_printed_to_pdf_the_outline_comes_back(key):
    """Every plan of the data files through a PDF: nine nodes in ten, none of them a page's
    number, and the facts that do not depend on where the lines wrap."""
    data = data_file(key)
    pdf = docx_to_pdf(render_plan_docx(data))
    assert pdf is not None
    got = recognise(read_lines(f"{key}.pdf", pdf)).data
    expected = [(kind, text) for _d, kind, _m, text in flat(expected_outline(data))]
    found = [(kind, text) for _d, kind, _m, text in flat(got["outline"])]
    matcher = difflib.SequenceMatcher(None, expected, found, autojunk=False)
    assert sum(b.size for b in matcher.get_matching_blocks()) / len(expected) >= 0.9
    assert not [text for _kind, text in found if text.strip().isdigit()]
    assert got["title"] == data["title"]
    assert [a["assignee"] for a in got["assignments"]] == [
        a.get("label") or a["assignee"] for a in data["assignments"]
    ]
    assert [(b["source"], b["text"]) for b in got["budget"]] == budget_of(data)


@pytest.mark.parametrize(
    ("lines", "number", "kept"),
    [
        (["2", "chống tai nạn, thương tích"], 2, ["chống tai nạn, thương tích"]),
        (["- 3 -", "a", "b"], 3, ["a", "b"]),
        (["a", "b", "Trang 4"], 4, ["a", "b"]),
        (["a", "5/7"], 5, ["a"]),
        (["4", "a"], 2, ["4", "a"]),  # not this page's number: a line of the text
        (["1. Mục đích", "2"], 1, ["1. Mục đích", "2"]),
    ],
)
def test_a_pages_number_is_not_read_as_text(lines, number, kept):
    assert _without_page_number(list(lines), number) == kept

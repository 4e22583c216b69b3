import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vitreem.plans.loaders import DATA_DIR, read_plan_file
from vitreem.plans.outline import (
    KINDS,
    MARKERS,
    OutlineError,
    heading_numbers,
    outline_from_body,
    parse_runs,
    validate_outline,
)


def node(kind="heading", text="Mục", children=(), **extra):
    return {"kind": kind, "text": text, "children": list(children), **extra}


def test_markup_is_bold_and_italic_runs():
    assert parse_runs("Căn cứ **Luật** *Trẻ em* 2016 \\*") == [
        ("Căn cứ ", False, False),
        ("Luật", True, False),
        (" ", False, False),
        ("Trẻ em", False, True),
        (" 2016 *", False, False),
    ]


def test_unclosed_markup_is_refused_with_the_path():
    with pytest.raises(OutlineError, match=r"outline\[0\]\.children\[0\].*chưa đóng"):
        validate_outline([node(children=[node("paragraph", "**đậm")])])


def test_unknown_key_is_refused():
    with pytest.raises(OutlineError, match=r"outline\[0\].*không được phép: html"):
        validate_outline([node(html="<b>x</b>")])


def test_over_deep_tree_is_refused():
    deep = node("item", "x", marker="-")
    for _ in range(9):
        deep = node("item", "x", [deep], marker="-")
    with pytest.raises(OutlineError, match="lồng quá 8 cấp"):
        validate_outline([deep])


def test_items_need_a_marker_and_only_items_have_one():
    with pytest.raises(OutlineError, match="marker"):
        validate_outline([node("item", "x")])
    with pytest.raises(OutlineError, match="chỉ item"):
        validate_outline([node(marker="-")])


def test_headings_number_as_decree_30():
    outline = validate_outline(
        [
            node(text="A", children=[node(text="a1", children=[node(text="x"), node(text="y")])]),
            node(
                text="B",
                children=[node(text="b1", children=[node(text="p", children=[node(text="q")])])],
            ),
        ]
    )
    numbers = [number for n, number in heading_numbers(outline)]
    assert numbers == ["I.", "1.", "a)", "b)", "II.", "1.", "1.1.", "a)"]


@pytest.mark.parametrize("path", sorted(DATA_DIR.glob("*.yaml")), ids=lambda p: p.stem)
def test_every_data_file_body_becomes_a_valid_outline(path):
    data = read_plan_file(path)
    outline = validate_outline(
        outline_from_body(
            data.get("opening") or [], data.get("sections") or [], data.get("closing") or []
        )
    )
    assert [n["kind"] for n in outline if n["role"] is None] == ["heading"] * len(data["sections"])


_texts = st.text(alphabet="aăâbcđêơưạ *\\", min_size=1, max_size=12)
_nodes = st.recursive(
    st.fixed_dictionaries(
        {"kind": st.sampled_from(KINDS), "text": _texts, "marker": st.sampled_from(MARKERS)}
    ),
    lambda children: st.fixed_dictionaries(
        {
            "kind": st.sampled_from(KINDS),
            "text": _texts,
            "marker": st.sampled_from(MARKERS),
            "children": st.lists(children, max_size=4),
        }
    ),
    max_leaves=30,
)
_NUMBER = re.compile(r"^([IVXL]+\.|\d+\.|\d+\.\d+\.|[a-z]\))$")


@settings(max_examples=200, deadline=None)
@given(st.lists(_nodes, max_size=5))
def test_an_accepted_outline_numbers_every_heading_as_decree_30(raw):
    for node in _walk(raw):
        if node["kind"] != "item":
            node.pop("marker")
    try:
        outline, refusal = validate_outline(raw), ""
    except OutlineError as error:
        outline, refusal = [], error.messages[0]
    if refusal:
        assert refusal.startswith("Nội dung kế hoạch, outline[")
        return
    numbered = list(heading_numbers(outline))
    assert len(numbered) == sum(1 for _ in _walk(outline))
    for node, number in numbered:
        assert bool(number) == (node["kind"] == "heading")
        if number:
            assert _NUMBER.match(number), number
        parse_runs(node["text"])


def _walk(nodes):
    for node in nodes:
        yield node
        yield from _walk(node.get("children", []))


def test_a_fact_item_gives_the_plans_rows_its_marker():
    from vitreem.plans.outline import printed, with_facts

    facts = {"slogans": ["Lắng nghe trẻ em.", "Mùa hè *an toàn*."]}
    as_items = validate_outline([node("item", "", role="slogans", marker="+")])
    assert [(n["number"], n["text"]) for n in printed(with_facts(as_items, facts))] == [
        ("+", "Lắng nghe trẻ em."),
        ("+", "Mùa hè \\*an toàn\\*."),
    ]
    usual = validate_outline([node("paragraph", "", role="slogans")])
    assert [n["number"] for n in printed(with_facts(usual, facts))] == ["1.", "2."]
    with pytest.raises(OutlineError, match="text không được để trống"):
        validate_outline([node("heading", "", role="slogans")])

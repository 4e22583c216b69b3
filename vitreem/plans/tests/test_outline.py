import pytest

from vitreem.plans.loaders import DATA_DIR, read_plan_file
from vitreem.plans.outline import (
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

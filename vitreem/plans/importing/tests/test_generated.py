"""Plan texts the recogniser was not written from: generated with hypothesis in the shape of
Decree 30 (header, title, bases, numbered sections, tasks per assignee, reporting, "Nơi nhận",
signature), wrapped at random widths, with blank lines or not and with the extraction damage
the seeds show. What was put in must come out."""

import copy
import functools
import textwrap
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vitreem.core.text import fold
from vitreem.documents.plans import render_plan_docx
from vitreem.plans.importing.reading import read_lines
from vitreem.plans.importing.recognise import _budget_sources, recognise, walk

from .seeds import data_file, expected_outline, flat

_VOCABULARY = (
    "tăng cường tuyên truyền vận động chăm sóc giáo dục bảo vệ trẻ em gia đình cộng đồng phòng "
    "chống tai nạn thương tích đuối nước bạo lực xâm hại hỗ trợ hoàn cảnh đặc biệt kiểm tra "
    "giám sát quyền tham gia vui chơi giải trí mùa hè an toàn lành mạnh kinh phí nguồn lực địa "
    "phương xây dựng kế hoạch tổ chức thực hiện hiệu quả thiết thực"
)
WORDS = tuple(_VOCABULARY.split(" "))
AGENCIES = (
    "Phòng Văn hóa - Xã hội",
    "Công an xã",
    "Trạm Y tế",
    "Trường Tiểu học Kim Đồng",
    "Đoàn Thanh niên Cộng sản Hồ Chí Minh xã",
    "Hội Liên hiệp Phụ nữ xã",
    "Ủy ban Mặt trận Tổ quốc Việt Nam xã",
    "Các thôn, tổ dân phố",
)
PLACES = ("Bắc Kạn", "Chợ Mới", "Na Rì", "Pác Nặm", "Ba Bể", "Ngân Sơn")
NAMES = ("Nguyễn Văn An", "Lê Thị Bình", "Hoàng Văn Cường", "Triệu Thị Dung", "Ma Văn Đức")


def sentence(draw: st.DrawFn, least: int = 6) -> str:
    words = draw(st.lists(st.sampled_from(WORDS), min_size=least, max_size=30))
    text = " ".join(words)
    return text[0].upper() + text[1:] + "."


@st.composite
def plans(draw: st.DrawFn) -> dict:
    year = draw(st.integers(2019, 2030))
    place = draw(st.sampled_from(PLACES))
    assignees = draw(st.lists(st.sampled_from(AGENCIES), min_size=2, max_size=6, unique=True))
    tasks = {a: [sentence(draw) for _ in range(draw(st.integers(1, 4)))] for a in assignees}
    due = date(year, 7, draw(st.integers(1, 28)))
    return {
        "year": year,
        "place": place,
        "number": draw(st.one_of(st.none(), st.integers(1, 999))),
        "title": f"Triển khai Tháng hành động vì trẻ em năm {year}",
        "theme": sentence(draw, 4).rstrip("."),
        "slogans": [sentence(draw, 4) for _ in range(draw(st.integers(2, 6)))],
        "assignees": assignees,
        "tasks": tasks,
        "due": due,
        "signer": draw(st.sampled_from(NAMES)),
        "recipients": [
            f"UBND huyện {p};"
            for p in draw(st.lists(st.sampled_from(PLACES), min_size=1, max_size=4, unique=True))
        ]
        + ["Lưu: VT."],
        "day": draw(st.sampled_from([None, "month", "full"])),
        "agency": draw(st.sampled_from([None, "PHÒNG VĂN HÓA - XÃ HỘI", "CÔNG AN XÃ"])),
        "width": draw(st.integers(50, 120)),
        "blank": draw(st.booleans()),
        "damage": draw(st.booleans()),
    }


def render(plan: dict) -> list[str]:
    year, place = plan["year"], plan["place"]
    number = plan["number"] or ""
    day, month = {None: ("     ", "    "), "month": ("     ", "5"), "full": ("20", "05")}[
        plan["day"]
    ]
    if plan["agency"]:
        header = [f"UBND XÃ {place.upper()}", plan["agency"]]
    else:
        header = ["ỦY BAN NHÂN DÂN", f"XÃ {place.upper()}"]
    lines = [
        *header,
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        f"Số: {number}/KH-UBND {place}, ngày {day} tháng {month} năm {year}",
        "KẾ HOẠCH",
        plan["title"],
    ]
    body = [
        f"Căn cứ Kế hoạch số 12/KH-UBND ngày 05/5/{year} của Ủy ban nhân dân huyện "
        "về việc triển khai;",
        "Ủy ban nhân dân xã xây dựng Kế hoạch, cụ thể như sau:",
        "I. MỤC ĐÍCH, YÊU CẦU",
        "- " + sentence_of(plan, 0),
        "II. CHỦ ĐỀ, THỜI GIAN, PHẠM VI TRIỂN KHAI",
        f"1. Chủ đề: “{plan['theme']}”.",
        f"2. Thời gian: Từ ngày 01/6/{year} đến ngày 30/6/{year}.",
        "3. Phạm vi triển khai: Trên địa bàn toàn xã.",
        "III. NỘI DUNG HOẠT ĐỘNG",
        "1. Hoạt động truyền thông",
        "* Các khẩu hiệu tuyên truyền:",
        *[f"+ {s}" for s in plan["slogans"]],
    ]
    sections = iter(["IV", "V", "VI"])
    if plan.get("budget") and plan.get("budget_inline"):  # "2. Kinh phí: …" with its first line
        first, *rest = plan["budget"]
        body.append(f"2. Kinh phí: {first['text']}")
        body.extend(f"- {line['text']}" for line in rest)
    elif plan.get("budget"):
        body.append(f"{next(sections)}. KINH PHÍ THỰC HIỆN")
        body.extend(f"- {line['text']}" for line in plan["budget"])
    body.append(f"{next(sections)}. TỔ CHỨC THỰC HIỆN")
    markers = plan.get("markers") or {}
    for n, assignee in enumerate(plan["assignees"], start=1):
        body.append(f"{n}. {assignee}")
        marker = markers.get(assignee, "-")
        for k, task in enumerate(plan["tasks"][assignee]):
            prefix = {"paragraph": "", "number": f"{k + 1}. ", "letter": f"{'abcd'[k]}) "}
            body.append(f"{prefix.get(marker, f'{marker} ')}{task}")
    due = plan["due"]
    body += [
        f"{next(sections)}. CHẾ ĐỘ BÁO CÁO",
        "Các thôn, tổ dân phố báo cáo kết quả thực hiện gửi về Ủy ban nhân dân xã trước ngày "
        f"{due.day:02d}/{due.month}/{due.year} để tổng hợp./.",
    ]
    for text in body:
        # a width of None: the text of a Word document, one paragraph a line
        wrapped = textwrap.wrap(text, plan["width"]) if plan["width"] else [text]
        for piece in wrapped:
            lines.append(piece)
            if plan["blank"]:
                lines.append(" ")
    lines.append("Nơi nhận:")
    lines.extend(f"- {r}" for r in plan["recipients"])
    lines += ["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH", plan["signer"]]
    if plan["damage"]:  # the ư of a legacy font, as in the seeds
        lines = [line.replace("ư", "ƣ") for line in lines]
    return lines


def sentence_of(plan: dict, index: int) -> str:
    return plan["tasks"][plan["assignees"][index]][0]


@settings(max_examples=60, deadline=None)
@given(plans())
def test_what_was_written_is_recognised(plan):
    got = recognise(render(plan)).data
    year = plan["year"]
    if plan["agency"]:
        assert got["issuer"] == plan["agency"]
        assert got["issuer_above"] == f"UBND XÃ {plan['place'].upper()}"
    else:
        assert got["issuer"] == f"ỦY BAN NHÂN DÂN XÃ {plan['place'].upper()}"
        assert got["issuer_above"] == ""
    assert got["number"] == plan["number"]
    assert got["symbol"] == "KH-UBND"
    assert got["place"] == plan["place"]
    expected_date = {None: f"{year}", "month": f"{year}-05", "full": f"{year}-05-20"}
    assert got["date"] == expected_date[plan["day"]]
    assert got["title"] == plan["title"]
    assert got["theme"] == plan["theme"]
    assert (got["period_start"], got["period_end"]) == (f"{year}-06-01", f"{year}-06-30")
    assert got["scope"] == "Trên địa bàn toàn xã."
    assert got["slogans"] == plan["slogans"]
    assert [(a["assignee"], a["tasks"]) for a in got["assignments"]] == [
        (a, plan["tasks"][a]) for a in plan["assignees"]
    ]
    assert got["reporting"]["deadline"] == plan["due"].isoformat()
    assert got["reporting"]["recipient"] == "Ủy ban nhân dân xã"
    assert got["recipients"] == plan["recipients"]
    assert got["signer"] == {
        "authority": "TM. ỦY BAN NHÂN DÂN",
        "deputy": "",
        "title": "CHỦ TỊCH",
        "name": plan["signer"],
    }
    assert got["bases"][0].startswith("Căn cứ Kế hoạch số 12/KH-UBND")


# -- tasks printed with any marker or as plain paragraphs, budget lines of several sources ------

MARKERS = ("-", "+", "–", "•", "paragraph", "number", "letter")
# how a plan names each source of its money, as the plans of the data files do
SOURCE_WORDS = {
    "state": (
        "ngân sách xã bố trí trong dự toán năm",
        "nguồn ngân sách nhà nước",
        "dự toán chi thường xuyên của xã",
    ),
    "mobilised": (
        "nguồn vận động, tài trợ của các tổ chức, cá nhân",
        "nguồn xã hội hóa",
        "huy động từ cộng đồng",
        "nguồn viện trợ",
    ),
    "other": ("các nguồn hợp pháp khác", "nguồn khác theo quy định"),
}
PURPOSES = ("tổ chức Lễ phát động", "quà cho trẻ em", "sinh hoạt hè", "Diễn đàn trẻ em")


@st.composite
def budget_lines(draw: st.DrawFn) -> dict:
    sources = draw(
        st.lists(st.sampled_from(sorted(SOURCE_WORDS)), min_size=1, max_size=3, unique=True)
    )
    named = [draw(st.sampled_from(SOURCE_WORDS[s])) for s in sources]
    listed = named[0] if len(named) == 1 else f"{', '.join(named[:-1])} và {named[-1]}"
    if len(sources) == 1 and draw(st.booleans()):
        text = listed[0].upper() + listed[1:] + "."
    else:
        text = f"Kinh phí {draw(st.sampled_from(PURPOSES))}: từ {listed}."
    return {"sources": sources, "text": text}


@st.composite
def plans_with_markers(draw: st.DrawFn) -> dict:
    plan = draw(plans())
    plan["markers"] = {a: draw(st.sampled_from(MARKERS)) for a in plan["assignees"]}
    plan["budget"] = draw(st.lists(budget_lines(), min_size=1, max_size=4))
    plan["budget_inline"] = draw(st.booleans())
    plan["width"] = draw(st.one_of(st.none(), st.integers(50, 120)))
    return plan


def assignee_nodes(outline: list) -> list:
    section = next(n for n in outline if n["kind"] == "heading" and "TỔ CHỨC" in n["text"])
    return [n for n in section["children"] if n["kind"] == "heading"]


@settings(max_examples=60, deadline=None)
@given(plans_with_markers())
def test_tasks_with_any_marker_and_budget_lines_of_several_sources(plan):
    got = recognise(render(plan)).data
    assert [(a["assignee"], a["tasks"]) for a in got["assignments"]] == [
        (a, plan["tasks"][a]) for a in plan["assignees"]
    ]
    assert [(b["sources"], b["source"], b["text"]) for b in got["budget"]] == [
        (b["sources"], b["sources"][0], b["text"]) for b in plan["budget"]
    ]
    budget = next(
        n for n in walk(got["outline"]) if n["kind"] == "heading" and "kinh phi" in fold(n["text"])
    )
    assert [c["text"] for c in budget["children"]] == [b["text"] for b in plan["budget"]]
    if plan["width"] is None:  # a Word document's text: each task as it was printed
        for assignee, node in zip(plan["assignees"], assignee_nodes(got["outline"]), strict=True):
            marker = plan["markers"][assignee]
            kind = "paragraph" if marker == "paragraph" else "item"
            printed = None if marker == "paragraph" else {"–": "-", "•": "-"}.get(marker, marker)
            assert [(c["kind"], c["marker"]) for c in node["children"]] == [
                (kind, printed) for _task in plan["tasks"][assignee]
            ]
        assert [a["marker"] for a in got["assignments"]] == [
            {"–": "-", "•": "-"}.get(m, m) for m in (plan["markers"][a] for a in plan["assignees"])
        ]


# -- the same, printed by the plan printer and read back from its Word document ----------------

PRINTED_MARKERS = ("-", "+", "paragraph", "number", "letter")
# an agency's own sub-units, printed as a), b) headings under it with their own tasks
DIVISIONS = ("Phòng Văn hóa - Xã hội", "Bộ phận Tư pháp - Hộ tịch", "Tổ công tác xã", "Các thôn")
DIVISION_MARKERS = PRINTED_MARKERS  # a division's lettered tasks: a), b) under its own a)


def printed_tasks(draw: st.DrawFn) -> list[dict]:
    return [  # a task of one sentence or two
        {"text": " ".join(sentence(draw) for _ in range(draw(st.integers(1, 2))))}
        for _ in range(draw(st.integers(1, 4)))
    ]


@st.composite
def printed_plans(draw: st.DrawFn) -> dict:
    plan = copy.deepcopy(_base_plan())
    assignees = draw(st.lists(st.sampled_from(AGENCIES), min_size=1, max_size=6, unique=True))
    plan["assignments"] = []
    for assignee in assignees:
        names = draw(st.lists(st.sampled_from(DIVISIONS), max_size=2, unique=True))
        divisions = [
            {
                "assignee": name,
                "marker": draw(st.sampled_from(DIVISION_MARKERS)),
                "tasks": printed_tasks(draw),
            }
            for name in names
        ]
        plan["assignments"].append(
            {
                "assignee": assignee,
                "marker": draw(st.sampled_from(PRINTED_MARKERS)),
                "tasks": printed_tasks(draw),
                "children": divisions,
            }
        )
    plan["budget"] = draw(st.lists(budget_lines(), min_size=1, max_size=4))
    return plan


def as_written(assignment: dict) -> tuple:
    """An assignment of a plan's data as the recogniser should give it back: its name, its
    marker, its tasks and its divisions."""
    return (
        assignment["assignee"],
        assignment["marker"],
        [t["text"] for t in assignment["tasks"]],
        [as_written(child) for child in assignment.get("children") or []],
    )


def as_read(assignment: dict) -> tuple:
    return (
        assignment["assignee"],
        assignment["marker"],
        assignment["tasks"],
        [as_read(child) for child in assignment["assignments"]],
    )


@functools.cache
def _base_plan() -> dict:
    return data_file("thai-nguyen-2026-action-month")


@settings(max_examples=25, deadline=None)
@given(printed_plans())
def test_printed_and_read_back_every_task_and_budget_line_is_as_written(plan):
    got = recognise(read_lines("plan.docx", render_plan_docx(plan))).data
    assert flat(got["outline"]) == flat(expected_outline(plan))
    assert [as_read(a) for a in got["assignments"]] == [as_written(a) for a in plan["assignments"]]
    assert [(b["sources"], b["text"]) for b in got["budget"]] == [
        (b["sources"], b["text"]) for b in plan["budget"]
    ]


@pytest.mark.parametrize(
    ("text", "sources"),
    [
        ("Kinh phí Lễ phát động: từ ngân sách phường và nguồn vận động.", ["state", "mobilised"]),
        ("Nguồn vận động, tài trợ và ngân sách xã.", ["mobilised", "state"]),
        ("Kinh phí tuyên truyền, vận động được bố trí trong dự toán ngân sách xã.", ["state"]),
        ("Nguồn vận động ngoài ngân sách.", ["mobilised"]),
        ("Vận động các tổ chức, cá nhân ủng hộ.", ["mobilised"]),
        ("Kinh phí ngoài ngân sách nhà nước.", ["other"]),
        ("Kinh phí thường xuyên của cơ quan, đơn vị.", ["state"]),
        ("Ngân sách xã, nguồn xã hội hóa, nguồn hợp pháp khác.", ["state", "mobilised", "other"]),
    ],
)
def test_a_budget_line_names_its_sources_in_order(text, sources):
    assert _budget_sources(fold(text)) == sources


def _task(text: str) -> dict:
    return {"text": text}


@pytest.mark.parametrize("marker", ["number", "letter", "-", "paragraph"])
def test_numbered_and_lettered_tasks_are_told_from_divisions(marker):
    """An assignee of a single numbered or lettered task, one with divisions of their own tasks,
    and the next assignee numbered after them: each read back as printed."""
    plan = copy.deepcopy(_base_plan())
    one = "Chủ trì tổ chức các hoạt động vui chơi giải trí cho trẻ em."
    two = "Phối hợp kiểm tra giám sát. Báo cáo kết quả."
    plan["assignments"] = [
        {"assignee": "Công an xã", "marker": marker, "tasks": [_task(one)]},
        {
            "assignee": "Phòng Văn hóa - Xã hội",
            "marker": marker,
            "tasks": [_task(one), _task(two)],
            "children": [
                {"assignee": "Tổ công tác xã", "marker": "number", "tasks": [_task(two)]},
                {"assignee": "Các thôn", "marker": "letter", "tasks": [_task(one), _task(two)]},
                {"assignee": "Bộ phận Tư pháp - Hộ tịch", "marker": "-", "tasks": [_task(one)]},
            ],
        },
        {"assignee": "Trạm Y tế", "marker": marker, "tasks": [_task(two)]},
    ]
    got = recognise(read_lines("plan.docx", render_plan_docx(plan))).data
    assert flat(got["outline"]) == flat(expected_outline(plan))
    assert [as_read(a) for a in got["assignments"]] == [as_written(a) for a in plan["assignments"]]

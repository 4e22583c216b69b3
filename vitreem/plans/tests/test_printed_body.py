"""The body of each seed plan as the API gives it, the Word file prints it and the plan page
shows it, compared with a text of the body built here, independently, from the data file."""

import io
from datetime import date

import pytest
from docx import Document

from vitreem.documents.plans import render_plan_docx
from vitreem.plans.loaders import DATA_DIR, load_plan_files, read_plan_file
from vitreem.plans.models import Plan
from vitreem.plans.selectors import plan_document, plan_with_parts

pytestmark = pytest.mark.django_db

SEEDS = sorted(p.stem for p in DATA_DIR.glob("*.yaml"))
ROMAN = ["I.", "II.", "III.", "IV.", "V.", "VI.", "VII.", "VIII.", "IX.", "X."]


def _letter(index: int) -> str:
    return "abcdefghiklmnopqrstuvxy"[index] + ")"


def written(day: date | str | int) -> str:
    """A date as plans write it: "01/6/2026", "15/02/2021"; a month "5/2026"; a year "2026"."""
    if isinstance(day, date):
        month = f"{day.month:02d}" if day.month < 3 else str(day.month)
        return f"{day.day:02d}/{month}/{day.year}"
    parts = str(day).split("-")
    if len(parts) == 2:
        number = int(parts[1])
        return f"{number:02d}/{parts[0]}" if number < 3 else f"{number}/{parts[0]}"
    return str(day)


def assignee_lines(assignment: dict, number: str, level: int) -> list[tuple[str, str]]:
    """An assignee labelled as written, its tasks with its marker, its divisions lettered."""
    lines = [(number, assignment.get("label") or assignment["assignee"])]
    marker = assignment.get("marker") or "-"
    for index, task in enumerate(assignment.get("tasks") or []):
        mark = {"paragraph": "", "number": f"{index + 1}.", "letter": _letter(index)}.get(
            marker, marker
        )
        lines.append((mark, task["text"]))
    for index, child in enumerate(assignment.get("children") or []):
        lines.extend(assignee_lines(child, _letter(index), level + 1))
    return lines


def expected_body(data: dict) -> list[tuple[str, str]]:
    """(number as printed, text) of every line of the body, read straight from the data file."""
    lines: list[tuple[str, str]] = [("", p["text"]) for p in data.get("opening") or []]

    def heading(number: str, block: dict) -> tuple[str, str]:
        inline = block.get("inline")
        return number, f"{block['heading']}: {inline}" if inline else block["heading"]

    def bullets(items: list, mark: str) -> None:
        for item in items:
            if isinstance(item, dict):
                lines.append((mark, item["text"]))
                bullets(item.get("items") or [], "+")
            else:
                lines.append((mark, item))

    def blocks(items: list, level: int) -> None:
        count = 0

        def number() -> str:
            nonlocal count
            count += 1
            return f"{count}." if level == 2 else _letter(count - 1)

        for block in items:
            kind = block["type"]
            if kind == "subsection":
                n = number()
                lines.append(heading(n, block))
                blocks(block.get("blocks") or [], level + 1)
            elif kind == "text":
                lines.append(("", block["text"]))
            elif kind == "bullets":
                bullets(block["items"], "-")
            elif kind in ("targets", "budget", "awards"):
                for row in data.get(kind) or []:
                    lines.append((block.get("marker") or "-", row["text"]))
            elif kind == "slogans":
                for i, slogan in enumerate(data.get("slogans") or [], start=1):
                    lines.append((block.get("marker") or f"{i}.", slogan))
            elif kind == "launch":
                launch = data.get("launch") or {}
                if launch.get("note"):
                    lines.append(("-", launch["note"]))
                if launch.get("date"):
                    lines.append(("-", f"Thời gian: {written(launch['date'])}"))
                if launch.get("place"):
                    lines.append(("-", f"Địa điểm: {launch['place']}"))
                lines.extend(("+", item) for item in launch.get("agenda") or [])
                if launch.get("lead"):
                    lines.append(("-", f"Đơn vị chủ trì: {launch['lead']}"))
                if launch.get("cooperating"):
                    lines.append(("-", f"Đơn vị phối hợp: {', '.join(launch['cooperating'])}"))
                if launch.get("participants"):
                    lines.append(("-", "Thành phần tham dự:"))
                    lines.extend(("+", p) for p in launch["participants"])
            elif kind == "reporting":
                lines.extend(("", row["text"]) for row in data.get("reporting") or [])
            elif kind == "assignments":
                for assignment in data.get("assignments") or []:
                    lines.extend(assignee_lines(assignment, number(), level))

    for index, section in enumerate(data["sections"]):
        lines.append(heading(ROMAN[index], section))
        blocks(section.get("blocks") or [], 2)
    lines.extend(("", text) for text in data.get("closing") or [])
    return lines


def _plain(text: str) -> str:
    return text.replace("\\*", "\0").replace("*", "").replace("\0", "*")


def _flatten(nodes: list[dict]) -> list[tuple[str, str]]:
    lines = []
    for node in nodes:
        lines.append((node["number"], _plain(node["text"])))
        lines.extend(_flatten(node["children"]))
    return lines


def _printed(lines: list[tuple[str, str]]) -> list[str]:
    return [f"{number} {text}" if number else text for number, text in lines]


@pytest.fixture(scope="module")
def seeds(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        plans = {p.key: p.pk for p in load_plan_files()}
    yield plans
    with django_db_blocker.unblock():
        Plan.objects.filter(pk__in=plans.values(), parent__isnull=False).delete()
        Plan.objects.filter(pk__in=plans.values()).delete()


@pytest.mark.parametrize("key", SEEDS)
def test_the_api_gives_the_body_as_an_outline_numbered_as_printed(client, personas, seeds, key):
    client.force_login(personas.admin)
    body = client.get(f"/api/v1/plans/{seeds[key]}").json()
    expected = expected_body(read_plan_file(DATA_DIR / f"{key}.yaml"))
    assert _flatten(body["outline"]) == expected
    top = [node["number"] for node in body["outline"] if node["kind"] == "heading"]
    assert top == ROMAN[: len(top)]


@pytest.mark.parametrize("key", SEEDS)
def test_the_word_file_prints_the_body_line_by_line(seeds, key):
    plan = plan_with_parts(seeds[key])
    document = Document(io.BytesIO(render_plan_docx(plan_document(plan))))
    texts = [p.text for p in document.paragraphs]
    expected = _printed(expected_body(read_plan_file(DATA_DIR / f"{key}.yaml")))
    start = texts.index(expected[0])
    assert texts[start : start + len(expected)] == expected


# Lines as the source documents print them (the extraction's damaged letters restored).
SOURCE_LINES = {
    "bac-kan-city-2021-action-month": [
        "I. MỤC ĐÍCH, YÊU CẦU",
        "1. Mục đích",
        "2. Thời gian: Từ ngày 01/6/2021 đến ngày 30/6/2021.",
        "3. Phạm vi triển khai: Trên địa bàn toàn thành phố.",
        "- Không tổ chức Lễ phát động Tháng hành động vì trẻ em năm 2021.",
        "* Các khẩu hiệu và thông điệp tuyên truyền:",
        "+ Chung tay bảo đảm thực hiện quyền trẻ em, bảo vệ trẻ em trong thiên tai, dịch bệnh.",
        "+ Mùa hè an toàn, lành mạnh cho mọi trẻ em.",
        "4. Công tác kiểm tra",
        "IV. TỔ CHỨC THỰC HIỆN",
        "1. Phòng Lao động - Thương binh và Xã hội",
    ],
    "hai-phong-2024-action-month": [
        "II. CHỦ ĐỀ, THỜI GIAN, PHẠM VI TRIỂN KHAI",
        "2. Thời gian: Từ ngày 01/6/2024 đến ngày 30/6/2024.",
        "7. Chế độ báo cáo",
        "V. TỔ CHỨC THỰC HIỆN",
        "11. Uỷ ban nhân dân các quận, huyện",
        "1. Hành động thiết thực, ưu tiên nguồn lực cho trẻ em.",
        "12. Lắng nghe trẻ em để chăm sóc, giáo dục và bảo vệ trẻ em.",
    ],
    "tam-duong-2021-child-protection": [
        "I. MỤC ĐÍCH, YÊU CẦU",
        "2. Mục tiêu cụ thể",
        "3. Các hoạt động chủ yếu",
        "III. TỔ CHỨC THỰC HIỆN",
        "1. Phòng Lao động - TB&XH huyện",
        "14. Chế độ thông tin báo cáo",
    ],
}


@pytest.mark.parametrize("key", sorted(SOURCE_LINES))
def test_the_word_file_prints_key_lines_as_the_source_does(seeds, key):
    plan = plan_with_parts(seeds[key])
    texts = [p.text for p in Document(io.BytesIO(render_plan_docx(plan_document(plan)))).paragraphs]
    for line in SOURCE_LINES[key]:
        assert line in texts, line
    assert not any(t.startswith("1. Chung tay bảo đảm") for t in texts)


def _heading(text: str, *children: dict) -> dict:
    return {"kind": "heading", "role": None, "text": text, "marker": None, "children": [*children]}


def _item(text: str, marker: str, *children: dict) -> dict:
    return {"kind": "item", "role": None, "text": text, "marker": marker, "children": [*children]}


def _draft(personas, outline: list[dict]) -> Plan:
    """A draft of phường Bắc Kạn whose body is the outline."""
    return Plan.objects.create(
        issuer_unit=personas.unit_a,
        header_name="Ủy ban nhân dân phường Bắc Kạn",
        kind="action_month",
        year=2026,
        place="Bắc Kạn",
        title="Kế hoạch thử",
        period_start=date(2026, 6, 1),
        period_end=date(2026, 6, 30),
        outline=outline,
    )


def test_the_plan_page_shows_bold_and_italic_and_escapes_the_rest(client, personas):
    outline = [_heading("Mục đích", _item("**Đậm** và *nghiêng* <script>alert(1)</script>", "+"))]
    plan = _draft(personas, outline)
    client.force_login(personas.officer_a)
    page = client.get(f"/plans/{plan.pk}/").content.decode()
    assert '<p class="h1"><strong>I. Mục đích</strong></p>' in page
    assert "<p>+ <strong>Đậm</strong> và <em>nghiêng</em> &lt;script&gt;alert(1)" in page
    assert "<script>alert(1)" not in page
    client.force_login(personas.officer_b)
    assert client.get(f"/plans/{plan.pk}/").status_code == 404
    assert client.get(f"/api/v1/plans/{plan.pk}").status_code == 404


def test_the_word_file_prints_bold_and_italic_as_runs(personas):
    basis = {"kind": "paragraph", "role": "basis", "text": "Căn cứ **Luật** *Trẻ em* \\*"}
    plan = _draft(personas, [{**basis, "marker": None, "children": []}])
    document = Document(io.BytesIO(render_plan_docx(plan_document(plan_with_parts(plan.pk)))))
    line = next(p for p in document.paragraphs if p.text.startswith("Căn cứ"))
    assert [(r.text, bool(r.bold), bool(r.italic)) for r in line.runs] == [
        ("Căn cứ ", False, False),
        ("Luật", True, False),
        (" ", False, False),
        ("Trẻ em", False, True),
        (" *", False, False),
    ]


def test_four_levels_of_headings_number_one_point_one_in_the_api_and_the_word_file(
    client, personas
):
    outline = [
        _heading("NỘI DUNG", _heading("Hoạt động", _heading("Truyền thông", _heading("Ở xã")))),
        _heading(
            "TỔ CHỨC THỰC HIỆN",
            _heading(
                "Phòng Văn hóa - Xã hội", _item("Chủ trì", "number"), _item("Báo cáo", "number")
            ),
            _heading("Trạm Y tế", _item("Khám", "-", _item("cho trẻ em dưới 6 tuổi", "+"))),
        ),
    ]
    plan = _draft(personas, outline)
    client.force_login(personas.officer_a)
    body = client.get(f"/api/v1/plans/{plan.pk}").json()["outline"]
    expected = [
        ("I.", "NỘI DUNG"),
        ("1.", "Hoạt động"),
        ("1.1.", "Truyền thông"),
        ("a)", "Ở xã"),
        ("II.", "TỔ CHỨC THỰC HIỆN"),
        ("1.", "Phòng Văn hóa - Xã hội"),
        ("1.", "Chủ trì"),
        ("2.", "Báo cáo"),
        ("2.", "Trạm Y tế"),
        ("-", "Khám"),
        ("+", "cho trẻ em dưới 6 tuổi"),
    ]
    assert _flatten(body) == expected
    document = Document(io.BytesIO(render_plan_docx(plan_document(plan_with_parts(plan.pk)))))
    texts = [p.text for p in document.paragraphs]
    start = texts.index("I. NỘI DUNG")
    assert texts[start : start + len(expected)] == _printed(expected)
    slanted = document.paragraphs[start + 3]
    assert all(run.bold and run.italic for run in slanted.runs)

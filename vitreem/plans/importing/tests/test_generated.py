"""Plan texts the recogniser was not written from: generated with hypothesis in the shape of
Decree 30 (header, title, bases, numbered sections, tasks per assignee, reporting, "Nơi nhận",
signature), wrapped at random widths, with blank lines or not and with the extraction damage
the seeds show. What was put in must come out."""

import textwrap
from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from vitreem.plans.importing.recognise import recognise

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
        "IV. TỔ CHỨC THỰC HIỆN",
    ]
    for n, assignee in enumerate(plan["assignees"], start=1):
        body.append(f"{n}. {assignee}")
        body.extend(f"- {t}" for t in plan["tasks"][assignee])
    due = plan["due"]
    body += [
        "V. CHẾ ĐỘ BÁO CÁO",
        "Các thôn, tổ dân phố báo cáo kết quả thực hiện gửi về Ủy ban nhân dân xã trước ngày "
        f"{due.day:02d}/{due.month}/{due.year} để tổng hợp./.",
    ]
    for text in body:
        wrapped = textwrap.wrap(text, plan["width"])
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

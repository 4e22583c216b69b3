import io
from datetime import date

import pytest
from docx import Document

from vitreem.documents.decree30 import place_and_date
from vitreem.documents.plans import label, render_plan_docx

PLAN = {
    "key": "mau",
    "kind": "action_month",
    "issuer": {
        "header_above": "ỦY BAN NHÂN DÂN TỈNH THÁI NGUYÊN",
        "header_name": "Ủy ban nhân dân phường Bắc Kạn",
    },
    "number": 12,
    "symbol": "KH-UBND",
    "place": "Bắc Kạn",
    "issued_on": date(2026, 5, 8),
    "year": 2026,
    "title": "Triển khai Tháng hành động vì trẻ em năm 2026",
    "opening": [{"text": "Căn cứ Luật Trẻ em năm 2016;", "basis": True}],
    "slogans": ["Trẻ em hạnh phúc, an toàn, vững bước trong kỷ nguyên số."],
    "targets": [
        {"text": "100% trẻ em dưới 6 tuổi được cấp thẻ bảo hiểm y tế", "value": 100, "unit": "%"}
    ],
    "assignments": [
        {
            "assignee": "Phòng Văn hóa - Xã hội",
            "tasks": [{"text": "Chủ trì tham mưu tổ chức Tháng hành động.", "role": "lead"}],
        },
        {
            "assignee": "Trạm Y tế phường",
            "tasks": [{"text": "Khám sàng lọc cho trẻ em.", "role": "lead"}],
        },
    ],
    "reporting": [
        {"text": "Các cơ quan gửi báo cáo trước ngày 10/7/2026.", "due": date(2026, 7, 10)}
    ],
    "sections": [
        {
            "heading": "MỤC ĐÍCH, YÊU CẦU",
            "blocks": [
                {
                    "type": "subsection",
                    "heading": "Mục đích",
                    "blocks": [{"type": "bullets", "items": ["Nâng cao nhận thức."]}],
                },
                {"type": "subsection", "heading": "Chỉ tiêu", "blocks": [{"type": "targets"}]},
            ],
        },
        {
            "heading": "TỔ CHỨC THỰC HIỆN",
            "blocks": [{"type": "assignments"}, {"type": "reporting"}],
        },
    ],
    "recipients": ["UBND tỉnh (b/c);", "Lưu: VT, VHXH."],
    "signer": {
        "authority": "TM. ỦY BAN NHÂN DÂN",
        "deputy": "KT. CHỦ TỊCH",
        "title": "PHÓ CHỦ TỊCH",
        "name": "Hoàng Văn Tuấn",
    },
    "appendices": [
        {
            "title": "KHẨU HIỆU",
            "reference": "(Kèm theo Kế hoạch số 12/KH-UBND ngày 08/5/2026)",
            "blocks": [{"type": "slogans"}],
        }
    ],
}


def read(data: bytes):
    return Document(io.BytesIO(data))


def all_text(document) -> list[str]:
    texts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            texts.extend(cell.text for cell in row.cells)
    return texts


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2021, 5, 11), "Bắc Kạn, ngày 11 tháng 5 năm 2021"),
        (date(2021, 2, 5), "Bắc Kạn, ngày 05 tháng 02 năm 2021"),
        (date(2021, 12, 1), "Bắc Kạn, ngày 01 tháng 12 năm 2021"),
    ],
)
def test_place_and_date_follow_decree_30(day, expected):
    assert place_and_date("Bắc Kạn", day, day.year) == expected


def test_blank_date_leaves_room_to_write_it_in():
    assert place_and_date("Hải Phòng", None, 2024).startswith("Hải Phòng, ngày ")
    assert place_and_date("Hải Phòng", None, 2024).endswith("năm 2024")


def test_numbering_levels():
    assert [label(1, i) for i in range(4)] == ["I.", "II.", "III.", "IV."]
    assert label(2, 0) == "1."
    assert [label(3, i) for i in range(11)][-2:] == ["k)", "l)"]  # no j


def test_header_has_issuer_national_title_number_and_date():
    document = read(render_plan_docx(PLAN))
    header = document.tables[0]
    left, right = header.rows[0].cells
    # Each line whole: the body, then the unit's name on a line of its own, never broken inside.
    lines = left.text.replace("\u00a0", " ").split("\n")
    assert lines[:4] == ["ỦY BAN NHÂN DÂN", "TỈNH THÁI NGUYÊN", "ỦY BAN NHÂN DÂN", "PHƯỜNG BẮC KẠN"]
    assert "PHƯỜNG\u00a0BẮC\u00a0KẠN" in left.text
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in right.text
    assert "Độc lập - Tự do - Hạnh phúc" in right.text
    number, place = header.rows[1].cells
    assert number.text.strip() == "Số: 12/KH-UBND"
    assert place.text.strip() == "Bắc Kạn, ngày 08 tháng 5 năm 2026"
    assert all(run.italic for run in place.paragraphs[0].runs)


def test_body_numbering_and_structured_parts():
    texts = all_text(read(render_plan_docx(PLAN)))
    for expected in [
        "KẾ HOẠCH",
        "Triển khai Tháng hành động vì trẻ em năm 2026",
        "I. MỤC ĐÍCH, YÊU CẦU",
        "1. Mục đích",
        "- Nâng cao nhận thức.",
        "2. Chỉ tiêu",
        "- 100% trẻ em dưới 6 tuổi được cấp thẻ bảo hiểm y tế",
        "II. TỔ CHỨC THỰC HIỆN",
        "1. Phòng Văn hóa - Xã hội",
        "2. Trạm Y tế phường",
        "- Khám sàng lọc cho trẻ em.",
        "Các cơ quan gửi báo cáo trước ngày 10/7/2026.",
        "1. Trẻ em hạnh phúc, an toàn, vững bước trong kỷ nguyên số.",
        "(Kèm theo Kế hoạch số 12/KH-UBND ngày 08/5/2026)",
    ]:
        assert expected in texts, expected


def test_page_layout_fonts_and_first_page_without_number():
    document = read(render_plan_docx(PLAN))
    section = document.sections[0]

    def mm(length):
        return round(length.mm)

    assert (mm(section.page_width), mm(section.page_height)) == (210, 297)
    assert (mm(section.left_margin), mm(section.right_margin)) == (30, 15)
    assert mm(section.top_margin) == mm(section.bottom_margin) == 20
    assert section.different_first_page_header_footer
    assert section.first_page_header.paragraphs[0].text == ""
    assert "PAGE" in section.header.paragraphs[0]._p.xml
    assert document.styles["Normal"].font.name == "Times New Roman"


def test_recipients_and_signature_block():
    document = read(render_plan_docx(PLAN))
    block = document.tables[-1]
    recipients, signature = block.rows[0].cells
    assert recipients.paragraphs[0].text == "Nơi nhận:"
    assert recipients.paragraphs[0].runs[0].bold
    assert recipients.paragraphs[0].runs[0].italic
    assert [p.text for p in recipients.paragraphs[1:]] == ["- UBND tỉnh (b/c);", "- Lưu: VT, VHXH."]
    lines = [p.text for p in signature.paragraphs if p.text]
    assert lines == ["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "Hoàng Văn Tuấn"]

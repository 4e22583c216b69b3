"""The appendices step of the plan editor: an officer rewrites an appendix's title, reference
line and text lines (tables stay as the report form sets them), adds, removes and reorders
appendices; the Word document prints what was written. Refusals say why in Vietnamese and
change nothing; another unit's officer sees no such plan (404), a viewer may not write (403), an
issued plan's appendices are not edited."""

import copy
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from docx import Document

from vitreem.plans.appendices import appendices_version, appendix_lines, with_texts
from vitreem.plans.forms import AppendicesForm
from vitreem.plans.loaders import load_plan_files
from vitreem.plans.models import Plan
from vitreem.plans.services import plan_appendices_update, plan_copy_previous, plan_create

pytestmark = pytest.mark.django_db

CITY = "bac-kan-city-2021-action-month"
REPORT_TITLE = "báo cáo kết quả Tháng hành động vì trẻ em"
FIRST_LINE = "PHÒNG, BAN, NGÀNH, ĐƠN VỊ, ĐỊA PHƯƠNG"


@pytest.fixture
def city(db):
    return load_plan_files([CITY])[0]


@pytest.fixture
def city_draft(client, personas, city):
    """Next year's draft copied from the city's issued plan, with its two appendices."""
    client.force_login(personas.old_officer)
    return plan_copy_previous(actor=personas.old_officer, source=city, year=2022).plan


def step_data(plan, **changes):
    """What the step's form posts as the page shows it, with ``changes`` made."""
    plan.refresh_from_db()
    form = AppendicesForm(appendices=plan.appendices)
    data = {"part": "appendices", "version": appendices_version(plan.appendices)}
    for name, field in form.fields.items():
        if name == "version":
            continue
        value = field.initial
        if isinstance(value, bool):
            if value:
                data[name] = "on"
            continue
        data[name] = value if value is not None else ""
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def post(client, plan, **changes):
    return client.post(f"/plans/{plan.pk}/edit/", step_data(plan, **changes), follow=True)


def appendix_pages(client, plan):
    """The Word document's paragraphs from the first "PHỤ LỤC" line on, and its tables."""
    response = client.get(f"/plans/{plan.pk}/document.docx")
    assert response.status_code == 200
    document = Document(io.BytesIO(response.content))
    texts = [p.text for p in document.paragraphs]
    return texts[texts.index("PHỤ LỤC") :], document


def test_the_step_shows_each_appendix_its_lines_and_its_tables_read_only(client, city_draft):
    page = client.get(f"/plans/{city_draft.pk}/edit/?step=appendices")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'aria-current="step"' in html
    assert "Phụ lục 1" in html
    assert "Phụ lục 2" in html
    assert REPORT_TITLE in html
    assert FIRST_LINE in html
    assert "Công trình dành cho trẻ em" in html  # a table's header, shown
    assert "Bảng lấy theo mẫu báo cáo" in html
    # A table is no field: none of its cells can be posted.
    form = AppendicesForm(appendices=city_draft.appendices)
    assert not any(str(field.initial) == "Số công trình xây mới" for field in form.fields.values())


def test_an_officer_rewrites_the_city_appendix_and_the_word_file_prints_it(client, city_draft):
    tables_before = len(appendix_pages(client, city_draft)[1].tables)
    response = post(
        client,
        city_draft,
        a0_title="Mẫu báo cáo kết quả Tháng hành động vì trẻ em năm 2022",
        a0_reference="(Kèm theo Kế hoạch số …/KH-UBND ngày … tháng … năm 2022)",
        a0_t0="CƠ QUAN, ĐƠN VỊ BÁO CÁO",
        a0_t2="Tổ chức thực hiện",
        a0_more="Nơi nhận báo cáo: Phòng Lao động - Thương binh và Xã hội.",
    )
    assert response.status_code == 200
    assert "Đã lưu." in response.content.decode()
    city_draft.refresh_from_db()
    report = city_draft.appendices[0]
    assert report["title"] == "Mẫu báo cáo kết quả Tháng hành động vì trẻ em năm 2022"
    assert report["blocks"][0] == {"type": "text", "text": "CƠ QUAN, ĐƠN VỊ BÁO CÁO"}
    assert report["blocks"][2]["heading"] == "Tổ chức thực hiện"
    assert report["blocks"][2]["blocks"][0]["heading"].startswith("Công tác chỉ đạo")
    assert report["blocks"][-1]["text"].startswith("Nơi nhận báo cáo")
    lines, document = appendix_pages(client, city_draft)
    assert lines[1] == "Mẫu báo cáo kết quả Tháng hành động vì trẻ em năm 2022"
    assert lines[2] == "(Kèm theo Kế hoạch số …/KH-UBND ngày … tháng … năm 2022)"
    assert "CƠ QUAN, ĐƠN VỊ BÁO CÁO" in lines
    assert FIRST_LINE not in lines
    assert any(line.endswith("Tổ chức thực hiện") for line in lines)
    assert "Nơi nhận báo cáo: Phòng Lao động - Thương binh và Xã hội." in lines
    # The second appendix, and its tables, as they were.
    assert lines.count("PHỤ LỤC") == 2
    assert "Biểu tổng hợp số liệu" in lines
    assert len(document.tables) == tables_before


def test_a_paragraph_prints_its_bold_and_an_emptied_one_is_left_out(client, city_draft):
    post(client, city_draft, a0_t0="", a0_t1="Báo cáo **kết quả** Tháng hành động")
    city_draft.refresh_from_db()
    assert city_draft.appendices[0]["blocks"][0]["text"] == "Báo cáo **kết quả** Tháng hành động"
    response = client.get(f"/plans/{city_draft.pk}/document.docx")
    document = Document(io.BytesIO(response.content))
    line = next(p for p in document.paragraphs if p.text == "Báo cáo kết quả Tháng hành động")
    assert [(r.text, bool(r.bold)) for r in line.runs] == [
        ("Báo cáo ", False),
        ("kết quả", True),
        (" Tháng hành động", False),
    ]


def test_an_appendix_is_added_moved_and_removed(client, city_draft):
    post(
        client,
        city_draft,
        new_title="Danh sách trẻ em được tặng quà",
        new_reference="(Kèm theo Kế hoạch số …/KH-UBND)",
        new_lines="Danh sách do các xã, phường gửi về.\n\nTổng hợp trước ngày 15/6/2022.",
    )
    city_draft.refresh_from_db()
    assert [a["title"] for a in city_draft.appendices][-1] == "Danh sách trẻ em được tặng quà"
    assert city_draft.appendices[-1]["blocks"] == [
        {"type": "text", "text": "Danh sách do các xã, phường gửi về."},
        {"type": "text", "text": "Tổng hợp trước ngày 15/6/2022."},
    ]
    lines, _document = appendix_pages(client, city_draft)
    assert lines.count("PHỤ LỤC") == 3
    assert "Tổng hợp trước ngày 15/6/2022." in lines
    # Moved up, it prints second.
    post(client, city_draft, move="up-2")
    city_draft.refresh_from_db()
    assert [a["title"] for a in city_draft.appendices] == [
        REPORT_TITLE,
        "Danh sách trẻ em được tặng quà",
        "Biểu tổng hợp số liệu",
    ]
    # The report form's appendix removed: the other two remain, tables and all.
    tables = copy.deepcopy(city_draft.appendices[2]["blocks"])
    post(client, city_draft, a0_delete="on")
    city_draft.refresh_from_db()
    assert [a["title"] for a in city_draft.appendices] == [
        "Danh sách trẻ em được tặng quà",
        "Biểu tổng hợp số liệu",
    ]
    assert city_draft.appendices[1]["blocks"] == tables
    lines, _document = appendix_pages(client, city_draft)
    assert lines.count("PHỤ LỤC") == 2
    assert FIRST_LINE not in lines


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"a0_title": ""}, "Tên của phụ lục không được để trống."),
        ({"a0_title": "   "}, "Tên của phụ lục không được để trống."),
        ({"a0_title": "Phụ lục <b>một</b>"}, "thẻ HTML"),
        ({"a0_title": "x" * 301}, "300"),
        ({"a0_t0": "Báo cáo **kết quả"}, "mở mà chưa đóng"),
        ({"a0_t2": ""}, "Đề mục của phụ lục không để trống được"),
        ({"new_reference": "(Kèm theo)"}, "Tên của phụ lục không được để trống."),
        ({"version": "0" * 20}, "vừa được người khác"),
    ],
)
def test_a_bad_appendix_is_refused_in_vietnamese_and_nothing_changes(
    client, city_draft, changes, message
):
    before = copy.deepcopy(city_draft.appendices)
    response = post(client, city_draft, a0_reference="(Kèm theo)", **changes)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert "Đã lưu." not in response.content.decode()
    city_draft.refresh_from_db()
    assert city_draft.appendices == before


def test_the_service_refuses_lines_that_do_not_fit_the_appendix(personas, city_draft):
    before = copy.deepcopy(city_draft.appendices)
    version = appendices_version(before)
    given = {"source": 0, "title": "Báo cáo", "reference": "", "texts": ["một"], "more": []}
    for bad in (given, {**given, "source": 5, "texts": []}, {**given, "source": "0"}):
        with pytest.raises(ValidationError):
            plan_appendices_update(
                actor=personas.old_officer,
                plan=city_draft,
                appendices=[bad],
                expected_version=version,
            )
    city_draft.refresh_from_db()
    assert city_draft.appendices == before


def test_lines_are_read_and_written_back_in_print_order():
    blocks = [
        {"type": "text", "text": "Mở đầu"},
        {
            "type": "subsection",
            "heading": "Kinh phí",
            "inline": "theo dự toán",
            "blocks": [
                {"type": "bullets", "items": ["Ngân sách", {"text": "Vận động", "items": ["Tiền"]}]}
            ],
        },
        {"type": "table", "caption": "Bảng", "header_rows": [["A"]], "rows": [["1"]]},
    ]
    lines = appendix_lines({"blocks": blocks})
    assert [(line.kind, line.text, line.depth) for line in lines] == [
        ("text", "Mở đầu", 0),
        ("heading", "Kinh phí", 0),
        ("inline", "theo dự toán", 0),
        ("item", "Ngân sách", 1),
        ("item", "Vận động", 1),
        ("item", "Tiền", 2),
        ("table", "", 0),
    ]
    texts = [line.text for line in lines if line.editable]
    assert with_texts(blocks, texts) == blocks
    written = with_texts(blocks, ["", "Kinh phí thực hiện", "", "", "Xã hội hóa", "Hiện vật"])
    assert written == [
        {
            "type": "subsection",
            "heading": "Kinh phí thực hiện",
            "inline": None,
            "blocks": [
                {"type": "bullets", "items": [{"text": "Xã hội hóa", "items": ["Hiện vật"]}]}
            ],
        },
        blocks[2],
    ]


@pytest.fixture
def draft_a(personas):
    plan = plan_create(
        actor=personas.officer_a,
        issuer_unit=personas.unit_a,
        kind="action_month",
        year=2026,
        title="Triển khai Tháng hành động vì trẻ em năm 2026",
    )
    return plan_appendices_update(
        actor=personas.officer_a,
        plan=plan,
        appendices=[{"source": None, "title": "Mẫu báo cáo", "more": ["Đơn vị báo cáo"]}],
        expected_version=appendices_version([]),
    )


def test_another_units_officer_sees_no_such_plan_and_a_viewer_may_not_write(
    client, personas, draft_a
):
    before = copy.deepcopy(draft_a.appendices)
    client.force_login(personas.officer_b)
    assert client.get(f"/plans/{draft_a.pk}/edit/?step=appendices").status_code == 404
    data = step_data(draft_a, a0_title="Của đơn vị khác")
    assert client.post(f"/plans/{draft_a.pk}/edit/", data).status_code == 404
    client.force_login(personas.viewer)
    assert client.post(f"/plans/{draft_a.pk}/edit/", data).status_code == 403
    changes = [{"source": 0, "title": "Khác", "texts": ["x"]}]
    version = appendices_version(before)
    with pytest.raises(Http404):
        plan_appendices_update(
            actor=personas.officer_b, plan=draft_a, appendices=changes, expected_version=version
        )
    with pytest.raises(PermissionDenied):
        plan_appendices_update(
            actor=personas.viewer, plan=draft_a, appendices=changes, expected_version=version
        )
    draft_a.refresh_from_db()
    assert draft_a.appendices == before


def test_an_issued_plans_appendices_are_not_edited(client, personas, city):
    before = copy.deepcopy(city.appendices)
    client.force_login(personas.old_officer)
    page = client.get(f"/plans/{city.pk}/edit/?step=appendices", follow=True)
    assert "Kế hoạch đã ban hành" in page.content.decode()
    response = client.post(f"/plans/{city.pk}/edit/", step_data(city, a0_title="Sửa"), follow=True)
    assert "Kế hoạch đã ban hành" in response.content.decode()
    with pytest.raises(ValidationError):
        plan_appendices_update(
            actor=personas.old_officer,
            plan=city,
            appendices=[],
            expected_version=appendices_version(before),
        )
    assert Plan.objects.get(pk=city.pk).appendices == before

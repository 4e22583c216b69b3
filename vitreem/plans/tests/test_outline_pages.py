"""The outline editor's page without JavaScript: one form per operation, answers in Vietnamese,
the preview beside it; and the editor's other parts one step at a time."""

import io
import re

import pytest
from docx import Document

from vitreem.plans.editor import outline_version
from vitreem.plans.models import Plan
from vitreem.plans.services import plan_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(client, personas):
    client.force_login(personas.officer_a)
    return plan_create(
        actor=personas.officer_a,
        issuer_unit=personas.unit_a,
        kind="action_month",
        year=2026,
        title="Triển khai Tháng hành động vì trẻ em năm 2026",
    )


def url(plan):
    return f"/plans/{plan.pk}/outline/"


def post(client, plan, **data):
    plan.refresh_from_db()
    data.setdefault("version", outline_version(plan.outline))
    return client.post(url(plan), data)


def docx_lines(client, plan):
    document = Document(io.BytesIO(client.get(f"/plans/{plan.pk}/document.docx").content))
    return [p.text for p in document.paragraphs]


def test_the_page_shows_each_node_with_its_number_and_the_preview(client, draft):
    page = client.get(url(draft)).content.decode()
    title = re.search(r"<title>(.*?)</title>", page, re.S).group(1)
    assert len(title) < 150
    assert "<" not in title
    assert 'value="MỤC ĐÍCH, YÊU CẦU"' in page
    assert 'maxlength="5000"' in page  # not "5.000", which a browser reads as 5
    assert '<span class="num">VII.</span>' in page
    assert "Phân công nhiệm vụ" in page  # the part standing for the tasks, with its step's link
    assert 'class="paper"' in page  # the Decree-30 preview beside it
    assert 'src="/static/plans/editor.js"' in page
    assert "<script>" not in page


def test_renaming_and_adding_without_javascript(client, draft):
    response = post(client, draft, op="edit", path="2", text="MỤC TIÊU CỤ THỂ")
    assert response.status_code == 302
    assert response["Location"].startswith(f"/plans/{draft.pk}/outline/?focus=2")
    post(
        client, draft, op="add", path="2", where="after", kind="heading", marker="-", text="CĂN CỨ"
    )
    post(client, draft, op="add", path="3", where="child", kind="item", marker="+", text="Luật")
    draft.refresh_from_db()
    assert draft.outline[3]["children"] == [
        {"kind": "item", "role": None, "text": "Luật", "marker": "+", "children": []}
    ]
    page = client.get(url(draft)).content.decode()
    assert "III. MỤC TIÊU CỤ THỂ" in re.sub(r"<[^>]+>", "", page)
    lines = docx_lines(client, draft)
    assert "III. MỤC TIÊU CỤ THỂ" in lines
    assert "IV. CĂN CỨ" in lines
    assert "+ Luật" in lines
    assert "V. NỘI DUNG HOẠT ĐỘNG" in lines


def test_the_add_form_opens_under_its_row(client, draft):
    page = client.get(url(draft) + "?add=1").content.decode()
    assert page.count('<select name="where">') == 1
    assert 'id="new"' in page


def test_a_refusal_says_why_and_changes_nothing(client, draft):
    before = Plan.objects.get(pk=draft.pk).outline
    response = post(client, draft, op="edit", path="0", text="**MỤC ĐÍCH")
    assert response.status_code == 422
    assert "chưa đóng" in response.content.decode()
    for data in (
        {"op": "explode", "path": "0"},
        {"op": "delete", "path": "0.9.9"},
        {"op": "edit", "path": "0", "text": "<script>x</script>"},
    ):
        assert post(client, draft, **data).status_code == 422
    assert client.post(url(draft), {"op": "delete"}).status_code == 422  # no version
    assert Plan.objects.get(pk=draft.pk).outline == before


def test_a_stale_page_answers_409_and_keeps_the_other_change(client, draft, personas):
    seen = outline_version(draft.outline)
    post(client, draft, op="delete", path="0")
    kept = Plan.objects.get(pk=draft.pk).outline
    response = client.post(url(draft), {"op": "delete", "path": "1", "version": seen})
    assert response.status_code == 409
    assert "người khác" in response.content.decode()
    assert Plan.objects.get(pk=draft.pk).outline == kept


def test_undo_button_puts_back_the_last_change(client, draft):
    before = Plan.objects.get(pk=draft.pk).outline
    post(client, draft, op="delete", path="0")
    assert "Hoàn tác thay đổi vừa rồi" in client.get(url(draft)).content.decode()
    assert post(client, draft, op="undo").status_code == 302
    assert Plan.objects.get(pk=draft.pk).outline == before


def test_background_requests_get_the_panes_alone(client, draft):
    draft.refresh_from_db()
    response = client.post(
        url(draft),
        {"op": "down", "path": "0", "version": outline_version(draft.outline)},
        headers={"X-Requested-With": "fetch"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert html.startswith('<div class="editor-panes" data-focus="1"')
    assert "<html" not in html
    assert 'class="paper"' in html
    stale = client.post(
        url(draft),
        {"op": "down", "path": "0", "version": "x"},
        headers={"X-Requested-With": "fetch"},
    )
    assert stale.status_code == 409


def test_another_commune_and_a_viewer_are_refused(client, draft, personas):
    before = Plan.objects.get(pk=draft.pk).outline
    version = outline_version(before)
    client.force_login(personas.officer_b)
    assert client.get(url(draft)).status_code == 404
    assert (
        client.post(url(draft), {"op": "delete", "path": "0", "version": version}).status_code
        == 404
    )
    client.force_login(personas.viewer)
    assert client.get(url(draft)).status_code == 403
    assert (
        client.post(url(draft), {"op": "delete", "path": "0", "version": version}).status_code
        == 403
    )
    assert Plan.objects.get(pk=draft.pk).outline == before


def test_an_issued_plan_goes_to_its_page(client, draft):
    Plan.objects.filter(pk=draft.pk).update(status="issued")
    response = client.get(url(draft))
    assert response.status_code == 302
    assert response["Location"] == f"/plans/{draft.pk}/"


def test_the_editor_shows_one_step_at_a_time_and_a_short_title(client, draft):
    page = client.get(f"/plans/{draft.pk}/edit/").content.decode()
    title = re.search(r"<title>(.*?)</title>", page, re.S).group(1)
    assert len(title) < 150
    assert "<form" not in title
    assert page.count('name="part"') == 1
    assert 'value="header"' in page
    assert 'aria-current="step"' in page
    tasks = client.get(f"/plans/{draft.pk}/edit/?step=tasks").content.decode()
    assert 'name="part" value="tasks"' in tasks
    assert 'value="header"' not in tasks
    # Saved, a step stays where it was.
    response = client.post(
        f"/plans/{draft.pk}/edit/",
        {"part": "recipients", **_formset("recipients", [{"text": "Lưu: VT."}])},
    )
    assert response["Location"] == f"/plans/{draft.pk}/edit/?step=recipients"


def _formset(prefix, rows):
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(rows)),
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    for i, row in enumerate(rows):
        data.update({f"{prefix}-{i}-{k}": v for k, v in row.items()})
    return data

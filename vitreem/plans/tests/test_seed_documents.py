"""Each seed plan, loaded from its data file, prints as a Decree-30 Word document that holds
every heading, slogan, target, assignee with its tasks, reporting deadline, recipient and signer."""

import io

import pytest
from docx import Document

from vitreem.documents.decree30 import number_line, place_and_date
from vitreem.documents.plans import label, render_plan_docx
from vitreem.plans.loaders import DATA_DIR, load_plan, read_plan_file
from vitreem.plans.models import Plan, Task
from vitreem.plans.selectors import plan_document, plan_with_parts

pytestmark = pytest.mark.django_db

SEEDS = sorted(p.stem for p in DATA_DIR.glob("*.yaml"))


def document_texts(data: bytes) -> list[str]:
    document = Document(io.BytesIO(data))
    texts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            for cell in row.cells:
                texts.extend(p.text for p in cell.paragraphs)
    return texts


@pytest.fixture(params=SEEDS)
def seed(request):
    data = read_plan_file(DATA_DIR / f"{request.param}.yaml")
    plan = load_plan(data)
    rendered = render_plan_docx(plan_document(plan_with_parts(plan.pk)))
    return data, plan, document_texts(rendered)


def test_every_section_heading_is_printed_with_its_numeral(seed):
    data, _plan, texts = seed
    for index, section in enumerate(data["sections"]):
        assert f"{label(1, index)} {section['heading']}" in " ".join(texts), section["heading"]


def test_every_slogan_and_target_is_printed(seed):
    data, _plan, texts = seed
    joined = "\n".join(texts)
    for slogan in data.get("slogans", []):
        assert slogan in joined
    for target in data.get("targets", []):
        assert f"- {target['text']}" in texts


def test_every_assignee_with_every_task(seed):
    data, _plan, texts = seed
    joined = "\n".join(texts)
    for assignment in data.get("assignments", []):
        assert (assignment.get("label") or assignment["assignee"]) in joined
        dash = "" if assignment.get("marker") == "paragraph" else "- "
        for task in assignment["tasks"]:
            assert f"{dash}{task['text']}" in texts


def test_reporting_deadlines_recipients_and_signer(seed):
    data, _plan, texts = seed
    joined = "\n".join(texts)
    for requirement in data.get("reporting", []):
        assert requirement["text"] in joined
    for recipient in data["recipients"]:
        if isinstance(recipient, dict):  # a group: its sub-heading, then its recipients
            assert recipient["heading"] in texts
            assert all(f"- {item}" in texts for item in recipient["items"])
        else:
            assert f"- {recipient}" in texts
    for key in ("authority", "deputy", "title", "name"):
        if data["signer"].get(key):
            assert data["signer"][key] in texts


def test_header_carries_number_place_and_date(seed):
    data, _plan, texts = seed
    assert number_line(data.get("number"), data["symbol"]) in texts
    assert place_and_date(data["place"], data.get("issued_on"), data["year"]) in texts
    assert "KẾ HOẠCH" in texts
    assert data["title"] in texts


def test_loading_again_replaces_rather_than_duplicates(seed):
    data, plan, _texts = seed
    tasks = Task.objects.filter(assignment__plan=plan).count()
    load_plan(data)
    assert Plan.objects.filter(key=data["key"]).count() == 1
    assert Task.objects.filter(assignment__plan=plan).count() == tasks
    assert tasks == sum(len(a["tasks"]) for a in data.get("assignments", []))

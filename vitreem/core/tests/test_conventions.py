"""Conventions a reviewer would otherwise have to remember."""

import re
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2]
INTERFACE_FILES = sorted(
    p for p in PACKAGE.rglob("*.py") if p.name in {"views.py", "api.py"} and "tests" not in p.parts
)


def test_interface_code_reads_through_selectors_and_the_access_rule():
    offenders = [
        str(p.relative_to(PACKAGE))
        for p in INTERFACE_FILES
        if re.search(r"\.objects\.", p.read_text(encoding="utf-8"))
    ]
    assert INTERFACE_FILES, "no views or api modules found"
    assert offenders == []


def test_no_asset_is_loaded_from_another_host():
    templates = list(PACKAGE.rglob("templates/**/*.html"))
    assert templates
    pattern = re.compile(r"""(src|href)=["'](https?:)?//""")
    assert [str(t) for t in templates if pattern.search(t.read_text(encoding="utf-8"))] == []


CELL_WRITER = PACKAGE / "documents" / "cells.py"


def _sheet_writes(path: Path) -> list[str]:
    """Where a module writes a spreadsheet cell other than through the cell writer: a value given
    to ``.cell(…)``, an ``.append(…)`` to a worksheet, an assignment to a cell's ``.value`` or to
    ``sheet["A1"]``."""
    import ast

    tree = ast.parse(path.read_text(encoding="utf-8"))
    sheets = {"sheet", "ws", "worksheet"}  # plus every name bound to a worksheet below
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and isinstance(node.value, (ast.Call, ast.Attribute)):
            value = node.value.func if isinstance(node.value, ast.Call) else node.value
            if isinstance(value, ast.Attribute) and value.attr in {"active", "create_sheet"}:
                sheets |= {t.id for t in node.targets if isinstance(t, ast.Name)}
        if isinstance(node, ast.arg) and "Worksheet" in ast.unparse(node.annotation or ast.Pass()):
            sheets.add(node.arg)
    found = []
    for node in ast.walk(tree):
        where = f"{path.name}:{getattr(node, 'lineno', 0)}"
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            receiver = node.func.value
            named = isinstance(receiver, ast.Name) and receiver.id in sheets
            if (
                node.func.attr == "cell"
                and (len(node.args) >= 3 or any(k.arg == "value" for k in node.keywords))
            ) or (node.func.attr == "append" and named):
                found.append(where)
        elif isinstance(node, ast.Assign):
            for target in node.targets:
                if (isinstance(target, ast.Attribute) and target.attr == "value") or (
                    isinstance(target, ast.Subscript)
                    and isinstance(target.value, ast.Name)
                    and target.value.id in sheets
                ):
                    found.append(where)
    return found


def test_every_workbook_cell_is_written_through_the_one_cell_writer():
    writers = [
        p
        for p in PACKAGE.rglob("*.py")
        if "tests" not in p.parts and p != CELL_WRITER and "openpyxl" in p.read_text("utf-8")
    ]
    assert any(p.name == "exports.py" for p in writers), "no workbook writer found"
    assert [w for p in writers for w in _sheet_writes(p)] == []


def test_the_cell_writer_check_sees_a_direct_write(tmp_path):
    module = tmp_path / "writer.py"
    module.write_text(
        "def f(book, ws):\n"
        "    sheet = book.create_sheet('x')\n"
        "    sheet.append(['=1+1'])\n"
        "    ws.cell(row=1, column=1, value='=1')\n"
        "    ws.cell(1, 1).value = '=1'\n"
        "    sheet['A1'] = '=1'\n",
        encoding="utf-8",
    )
    assert len(_sheet_writes(module)) == 4


def test_a_civil_day_is_the_day_in_vietnam():
    # The server's clock runs in UTC: from 17:00 to 24:00 UTC the day in Vietnam is already the
    # next one. A day shown, printed or compared is timezone.localdate(value or now).
    pattern = re.compile(r"\bdate\.today\(\)|\bdatetime\.(now|today|utcnow)\(\)|now\(\)\.date\(\)")
    sources = [p for p in PACKAGE.rglob("*.py") if "tests" not in p.parts]
    assert sources
    assert [
        str(p.relative_to(PACKAGE)) for p in sources if pattern.search(p.read_text("utf-8"))
    ] == []

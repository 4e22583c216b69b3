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

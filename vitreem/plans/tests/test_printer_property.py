"""Whatever plan data the loader accepts prints: generated plans over the whole data-file schema
(plans/data/SCHEMA.md), with dates known to the day, the month or the year, several funding
sources, grouped recipients, nested assignees and reporting rules inside tasks, either load and
print to Word and to the plan's preview, or are refused with the file and the field named. Their
appendices, as the editor reads them line by line and writes them back rewritten, keep their
tables and print."""

import io
import string
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from docx import Document
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vitreem.documents.plans import render_plan_docx, render_plan_preview
from vitreem.plans.appendices import AppendixTextError, appendix_lines, with_texts
from vitreem.plans.datafile import check_plan_data
from vitreem.plans.loaders import DATA_DIR, load_plan, read_plan_file
from vitreem.plans.models import ActivityGroup, AssigneeGroup, BudgetSource, PlanKind, TaskMarker
from vitreem.plans.outline import MARKERS
from vitreem.plans.selectors import plan_document, plan_with_parts

WARD = read_plan_file(DATA_DIR / "phuong-bac-kan-2026-action-month.yaml")

# Vietnamese letters, the markup's own characters, breaks, and now and then any character at all.
_letters = st.sampled_from(
    list(string.ascii_letters + string.digits + " .,;:-+()/“”\"'")
    + list("ăâđêôơưàảãáạằẳẵắặầẩẫấậèẻẽéẹềểễếệìỉĩíịòỏõóọồổỗốộờởỡớợùủũúụừửữứựỳỷỹýỵĐƯ")
    + ["*", "**", "\\", "\n", "\t", "\u00a0", "<", "&"]
)
# Control characters are refused by the check (a test of their own in test_loader); any other.
_any = st.characters(blacklist_categories=("Cs", "Cc"))
text = st.lists(st.one_of(_letters, _letters, _letters, _any), min_size=0, max_size=30).map("".join)
filled = text.filter(lambda t: t.strip() != "")
maybe = st.none() | filled


def days() -> st.SearchStrategy[Any]:
    """A date as files write it: a day, a month ("2026-05") or a year (2026)."""
    day = st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 12, 31))
    return st.one_of(
        day,
        day.map(lambda d: f"{d.year}-{d.month:02d}"),
        day.map(lambda d: d.year),
    )


@st.composite
def period(draw: st.DrawFn) -> dict[str, Any]:
    start = draw(st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 12, 1)))
    end = start + timedelta(days=draw(st.integers(0, 400)))
    form = draw(st.sampled_from(["day", "month", "year"]))
    if form == "month":
        return {"start": f"{start.year}-{start.month:02d}", "end": f"{end.year}-{end.month:02d}"}
    if form == "year":
        return {"start": start.year, "end": end.year}
    return {"start": start, "end": end}


markers = st.none() | st.sampled_from(MARKERS)
fact_block = st.builds(
    lambda kind, marker: {"type": kind, **({"marker": marker} if marker else {})},
    st.sampled_from(
        ["theme", "targets", "slogans", "launch", "budget", "awards", "assignments", "reporting"]
    ),
    markers,
)
bullet = st.recursive(
    filled,
    lambda inner: st.builds(
        lambda t, items: {"text": t, "items": items}, filled, st.lists(inner, max_size=3)
    ),
    max_leaves=6,
)
leaf_block = st.one_of(
    st.builds(lambda t: {"type": "text", "text": t}, filled),
    st.builds(lambda items: {"type": "bullets", "items": items}, st.lists(bullet, max_size=4)),
    fact_block,
)


def subsection(blocks: st.SearchStrategy[Any]) -> st.SearchStrategy[dict[str, Any]]:
    return st.builds(
        lambda heading, inline, group, inner: {
            "type": "subsection",
            "heading": heading,
            "inline": inline,
            **({"activity_group": group} if group else {}),
            "blocks": inner,
        },
        filled,
        maybe,
        st.none() | st.sampled_from(ActivityGroup.values),
        st.lists(blocks, max_size=4),
    )


blocks = st.recursive(leaf_block, subsection, max_leaves=12)
section = st.builds(
    lambda heading, inline, inner: {"heading": heading, "inline": inline, "blocks": inner},
    filled,
    maybe,
    st.lists(blocks, max_size=6),
)
rule = st.fixed_dictionaries(
    {"report": filled, "text": filled},
    optional={"by": maybe, "to": maybe, "through": maybe, "due": st.none() | days()},
)
task = st.fixed_dictionaries(
    {"text": filled, "role": st.sampled_from(["lead", "cooperate"])},
    optional={
        "lead": maybe,
        "start": st.none() | days(),
        "due": st.none() | days(),
        "reporting": st.fixed_dictionaries(
            {"report": filled}, optional={"to": maybe, "due": st.none() | days()}
        ),
    },
)
assignee = st.recursive(
    st.fixed_dictionaries(
        {"assignee": filled, "tasks": st.lists(task, max_size=4)},
        optional={
            "label": maybe,
            "assignee_group": st.none() | st.sampled_from(AssigneeGroup.values),
            "marker": st.none() | st.sampled_from(TaskMarker.values),
        },
    ),
    lambda inner: st.fixed_dictionaries(
        {
            "assignee": filled,
            "tasks": st.lists(task, max_size=3),
            "children": st.lists(inner, max_size=3),
        }
    ),
    max_leaves=6,
)
recipient = st.one_of(
    filled,
    st.fixed_dictionaries({"heading": filled, "items": st.lists(filled, max_size=4)}),
)
budget_line = st.fixed_dictionaries(
    {"text": filled},
    optional={"amount": st.none() | st.integers(0, 10**12)},
).flatmap(
    lambda line: st.one_of(
        st.sampled_from(BudgetSource.values).map(lambda s: {**line, "source": s}),
        st.lists(st.sampled_from(BudgetSource.values), min_size=1, max_size=3).map(
            lambda ss: {**line, "sources": ss}
        ),
    )
)
target = st.fixed_dictionaries(
    {
        "text": filled,
        "value": st.integers(0, 10**6) | st.decimals(0, 10**6, places=2),
        "unit": st.sampled_from(["%", "count", "ratio", "point"]),
    },
    optional={"denominator": st.none() | st.integers(1, 10**6), "baseline": st.none()},
)
table = st.builds(
    lambda caption, header, rows: {
        "type": "table",
        "caption": caption,
        "header_rows": header,
        "rows": rows,
    },
    maybe,
    st.lists(
        st.lists(
            st.one_of(
                filled,
                st.fixed_dictionaries(
                    {"text": filled},
                    optional={"colspan": st.integers(1, 3), "rowspan": st.integers(1, 2)},
                ),
            ),
            min_size=1,
            max_size=4,
        ),
        max_size=2,
    ),
    st.lists(st.lists(st.none() | filled | st.integers(), max_size=5), max_size=4),
)
plans = st.fixed_dictionaries(
    {
        "key": st.just("sinh-ngau-nhien"),
        "kind": st.sampled_from(PlanKind.values),
        "issuer": st.fixed_dictionaries(
            {
                "unit_code": st.just(WARD["issuer"]["unit_code"]),
                "as_of": st.just(WARD["issuer"]["as_of"]),
                "header_name": filled,
            },
            optional={"header_above": maybe},
        ),
        "symbol": st.just("KH-UBND"),
        "place": filled,
        "year": st.just(2026),
        "title": filled,
        "period": period(),
        "sections": st.lists(section, min_size=1, max_size=4),
    },
    optional={
        "number": st.none() | st.integers(1, 9999),
        "issued_on": st.none() | days(),
        "subtitle": maybe,
        "theme": maybe,
        "scope": maybe,
        "opening": st.lists(
            st.fixed_dictionaries({"text": filled}, optional={"basis": st.booleans()}), max_size=3
        ),
        "closing": st.lists(filled, max_size=2),
        "recipients": st.lists(recipient, max_size=5),
        "signer": st.fixed_dictionaries(
            {}, optional={"authority": maybe, "deputy": maybe, "title": maybe, "name": maybe}
        ),
        "slogans": st.lists(filled, max_size=4),
        "targets": st.lists(target, max_size=3),
        "launch": st.fixed_dictionaries(
            {},
            optional={
                "held": st.booleans(),
                "date": st.none() | days(),
                "place": maybe,
                "note": maybe,
                "lead": maybe,
                "agenda": st.lists(filled, max_size=3),
                "participants": st.lists(filled, max_size=3),
                "cooperating": st.lists(filled, max_size=3),
            },
        ),
        "budget": st.lists(budget_line, max_size=3),
        "awards": st.lists(
            st.fixed_dictionaries({"text": filled}, optional={"threshold": st.none()}), max_size=2
        ),
        "assignments": st.lists(assignee, max_size=4),
        "reporting": st.lists(rule, max_size=3),
        "appendices": st.lists(
            st.fixed_dictionaries(
                {"title": filled, "blocks": st.lists(st.one_of(blocks, table), max_size=3)},
                optional={"reference": maybe},
            ),
            max_size=2,
        ),
    },
)


def _prints(data: dict[str, Any]) -> None:
    document = Document(io.BytesIO(render_plan_docx(data)))
    assert document.paragraphs
    assert render_plan_preview(data).head["issuer_lines"]


def _refusal(load: Callable[[], Any]) -> tuple[Any, str | None]:
    """What ``load`` returns, or the message it is refused with."""
    try:
        return load(), None
    except ImproperlyConfigured as error:
        return None, str(error)


@settings(max_examples=100, deadline=None)
@given(data=plans)
def test_a_plan_file_the_check_accepts_prints_as_it_stands(data):
    _, refused = _refusal(lambda: check_plan_data(data, "sinh-ngau-nhien.yaml"))
    if refused is not None:
        assert refused.startswith("sinh-ngau-nhien.yaml: ")
        return
    _prints(data)


@pytest.mark.django_db
@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=plans)
def test_a_plan_the_loader_accepts_prints_from_what_it_stored(data):
    def load() -> Any:
        with transaction.atomic():
            return load_plan(data, "sinh-ngau-nhien.yaml")

    plan, refused = _refusal(load)
    if refused is not None:
        assert refused.startswith("sinh-ngau-nhien.yaml: ")
        return
    stored = plan_with_parts(plan.pk)
    assert stored is not None
    _prints(plan_document(stored))


def _tables(blocks: list[Any]) -> list[Any]:
    found = []
    for block in blocks:
        if block.get("type") == "table":
            found.append(block)
        found += _tables(block.get("blocks") or [])
    return found


@settings(max_examples=100, deadline=None)
@given(data=plans, texts=st.lists(text, min_size=1, max_size=20))
def test_appendices_the_editor_rewrites_keep_their_tables_and_print(data, texts):
    _, refused = _refusal(lambda: check_plan_data(data, "sinh-ngau-nhien.yaml"))
    if refused is not None:
        return
    rewritten = []
    for appendix in data.get("appendices", []):
        lines = [line for line in appendix_lines(appendix) if line.editable]
        # Read and written back unchanged, the appendix is what it was.
        assert with_texts(appendix["blocks"], [line.text for line in lines]) == appendix["blocks"]
        new = [texts[i % len(texts)] for i in range(len(lines))]
        try:
            blocks = with_texts(appendix["blocks"], new)
        except AppendixTextError:
            continue  # an emptied heading: refused, as the editor refuses it
        assert _tables(blocks) == _tables(appendix["blocks"])
        rewritten.append({**appendix, "blocks": blocks})
    _prints({**data, "appendices": rewritten})

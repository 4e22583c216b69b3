"""The consolidated totals kept at filing equal the sums recomputed from the values, at every
level, whatever the order of entries, submissions, returns and resubmissions."""

import random
from collections import defaultdict
from datetime import date

import pytest

from conftest import PRE_REFORM_DAY, unit
from vitreem.accounts.models import User
from vitreem.reporting.models import ReportForm, Submission
from vitreem.reporting.rollups import rebuild
from vitreem.reporting.selectors import consolidate, consolidate_national
from vitreem.reporting.services import (
    round_create,
    submission_return,
    submission_save,
    submission_submit,
)
from vitreem.units.services import agencies_create_standard

pytestmark = pytest.mark.django_db
CODES = ["gifts_children", "camps", "recreation_children"]


def expected_rows(round_, node) -> dict[str, dict[str, int]]:
    """Row key → element → total, straight from the filed values."""
    rows: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for sub in Submission.objects.filter(
        round=round_, status__in=["submitted", "approved"]
    ).select_related("unit"):
        u = sub.unit
        if u.pk == node.pk:
            if not sub.agency_id:
                continue
            key = f"a{sub.agency_id}"
        elif node.pk in (u.province_id, u.district_id):
            # The unit directly below the node on the way to the reporter.
            key = (
                f"u{u.district_id}"
                if node.level == 1 and u.district_id and u.district_id != u.pk
                else f"u{u.pk}"
            )
        else:
            continue
        for value in sub.values.select_related("element"):
            rows[key][value.element.code] += value.value
    return {k: dict(v) for k, v in rows.items() if v}


def actual_rows(round_, node) -> dict[str, dict[str, int]]:
    rows: dict[str, dict[str, int]] = {}
    for table in consolidate(round_, node):
        for row in table.rows:
            if row.values:
                rows.setdefault(row.key, {}).update(row.values)
    return rows


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_totals_equal_the_values_at_every_level(seed):
    rng = random.Random(seed)
    province = unit("06", PRE_REFORM_DAY)
    for code in ("06", "058", "060"):
        agencies_create_standard(actor=None, unit=unit(code, PRE_REFORM_DAY))
    admin = User.objects.create_superuser("quantri.rollup", password="x")
    round_ = round_create(
        actor=admin,
        form=ReportForm.objects.get(code="action-month-result"),
        receiving_unit=province,
        title="Bắc Kạn 2021",
        period_kind="campaign",
        period_start=date(2021, 6, 1),
        period_end=date(2021, 6, 30),
    )
    subs = list(Submission.objects.filter(round=round_).select_related("unit"))
    chosen = rng.sample(subs, 40)
    for sub in chosen:
        cells = {(code, "", ""): rng.randint(0, 50) for code in CODES}
        cost = rng.randint(0, 9) * 1000
        cells[("gifts_cost", "", rng.choice(["state", "mobilised"]))] = cost
        if cost:  # the form's rule: a cost needs a number of children
            cells[("gifts_children", "", "")] = max(cells[("gifts_children", "", "")], 1)
        submission_save(actor=admin, submission=sub, cells=cells)
        submission_submit(actor=admin, submission=sub)
    for sub in rng.sample(chosen, 12):
        submission_return(actor=admin, submission=sub, reason="Kiểm tra lại")
        if rng.random() < 0.5:
            submission_save(
                actor=admin, submission=sub, cells={("camps", "", ""): rng.randint(0, 9)}
            )
            submission_submit(actor=admin, submission=sub)
    nodes = [province, unit("058", PRE_REFORM_DAY), unit("060", PRE_REFORM_DAY)]
    nodes += [s.unit for s in chosen if s.unit.level == 3][:3]
    for node in nodes:
        assert actual_rows(round_, node) == expected_rows(round_, node), node.name
    # The national tables read each province's own total row: it equals the sum of its rows.
    for national, provincial in zip(
        consolidate_national(round_.form, round_.period_start, round_.period_end),
        consolidate(round_, province),
        strict=True,
    ):
        assert national.total == provincial.total
    before = {node.pk: actual_rows(round_, node) for node in nodes}
    rebuild(round_)
    assert {node.pk: actual_rows(round_, node) for node in nodes} == before

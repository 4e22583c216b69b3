"""One commune's data for the hostile suites: a value for every path parameter of the API and
the pages, so generated requests reach real objects as well as absent ones."""

from dataclasses import dataclass

from vitreem.accounts.tests.test_access_matrix import (
    child_of,
    draft_plan_of,
    fund_of,
    issued_task_of,
    report_of,
    token_of,
)


@dataclass
class World:
    """Real objects of unit A, by the name their parameter has in paths."""

    values: dict[str, object]

    def fill(self, names: list[str]) -> dict[str, object] | None:
        """The value of each named parameter, or None when one is unknown here."""
        if any(name not in self.values for name in names):
            return None
        return {name: self.values[name] for name in names}


def world_of(personas) -> World:
    fund = fund_of(personas)
    plan = draft_plan_of(personas.unit_a)
    draft = report_of(personas, filed=False)
    return World(
        {
            "code": personas.unit_a.code,
            "plan_id": plan.pk,
            "task_id": plan.assignments.first().tasks.first().pk,
            "issued_task_id": issued_task_of(personas.unit_a).pk,
            "submission_id": draft.pk,
            "filed_submission_id": report_of(personas, filed=True).pk,
            "round_id": draft.round_id,
            "fund_id": fund.pk,
            "donation_id": fund.donation,
            "public_id": child_of(personas).public_id,
            "token_id": token_of(personas.leader_a),
            "membership_id": personas.officer_a.memberships.get().pk,
        }
    )

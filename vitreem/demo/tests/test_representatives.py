"""The demo's children have legal representatives that fit their circumstances: an orphan of
both parents is never represented by her father."""

from collections import Counter

import pytest

from vitreem.accounts.tests.factories import UserFactory
from vitreem.children.models import Child
from vitreem.demo.children import demo_registry

pytestmark = pytest.mark.django_db

PARENTS = {"father", "mother"}
# Groups and sub-groups whose children have no parent to represent them (Law on Children 2016
# Art. 10(1): a orphaned of both parents, b abandoned, c with no one to rely on, o migrant or
# refugee without known parents or carer; Decree 56/2017: h1 out of school with no carer, m2
# trafficked and in alternative care); a2 lives in a care facility, whose head is its guardian.
WITHOUT_PARENTS = {"a", "b", "c", "o", "h1", "m2"}
GUARDIAN_ONLY = {"a1", "a2", "b1"}
WITH_PARENTS = {"m1"}  # trafficked, back with the parents


def test_every_generated_childs_representative_fits_its_groups():
    demo_registry(UserFactory(username="quantri.demo", is_superuser=True))
    children = Child.objects.prefetch_related("circumstances")
    assert children.count() > 100
    seen: Counter[str] = Counter()
    for child in children:
        relation = child.representative_relation
        assert relation, child
        for c in child.circumstances.all():
            codes = {c.group, c.subgroup} - {""}
            seen.update(codes)
            if codes & WITHOUT_PARENTS:
                assert relation not in PARENTS, (child.full_name, c.group, c.subgroup, relation)
            if codes & GUARDIAN_ONLY:
                assert relation == "guardian", (child.full_name, c.subgroup, relation)
            if codes & WITH_PARENTS:
                assert relation in PARENTS, (child.full_name, c.subgroup, relation)
    # The demo has children of these circumstances for the check to bite on.
    assert min(seen["a"], seen["b"], seen["c"]) > 0
    # Children of other groups still have parents among their representatives.
    assert {c.representative_relation for c in children} >= PARENTS

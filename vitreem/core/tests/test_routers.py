"""Reads of the reports go to the read replica when there is one; writes, other models and
reads inside a transaction stay on the primary. The tests' replica mirrors the test database."""

import pytest
from django.db import connections, transaction
from django.test.utils import CaptureQueriesContext

from vitreem.core.routers import ReportsReplicaRouter
from vitreem.reporting.models import ConsolidatedValue, Round


def test_without_a_replica_everything_is_on_the_primary(settings):
    settings.REPORTS_DATABASE = "default"
    router = ReportsReplicaRouter()
    assert router.db_for_read(ConsolidatedValue) is None
    assert router.db_for_write(ConsolidatedValue) == "default"


@pytest.mark.django_db(transaction=True, databases=["default", "replica"])
def test_consolidated_totals_are_read_from_the_replica(settings):
    settings.REPORTS_DATABASE = "replica"
    router = ReportsReplicaRouter()
    assert router.db_for_read(ConsolidatedValue) == "replica"
    assert router.db_for_read(Round) is None
    assert router.db_for_write(ConsolidatedValue) == "default"
    assert router.allow_migrate("replica", "reporting") is False
    with CaptureQueriesContext(connections["replica"]) as replica:
        assert list(ConsolidatedValue.objects.filter(round_id=-1)) == []
    assert len(replica) == 1
    # A service reading what it is about to change reads the primary.
    with transaction.atomic(), CaptureQueriesContext(connections["replica"]) as replica:
        assert ConsolidatedValue.objects.filter(round_id=-1).db == "default"
        list(ConsolidatedValue.objects.filter(round_id=-1))
    assert len(replica) == 0

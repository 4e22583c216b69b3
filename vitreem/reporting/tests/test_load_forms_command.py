import pytest
from django.core.management import call_command

from vitreem.reporting.models import DataElement, ReportForm

pytestmark = pytest.mark.django_db


def test_the_command_loads_every_form_file_and_again_changes_nothing(capsys):
    ReportForm.objects.all().delete()
    call_command("load_forms")
    assert "action-month-result/2021" in capsys.readouterr().out
    counts = (ReportForm.objects.count(), DataElement.objects.count())
    assert counts[0] == 3  # the Action Month, child-protection and self-assessment forms
    call_command("load_forms")
    assert (ReportForm.objects.count(), DataElement.objects.count()) == counts

import pytest
from django.core.exceptions import ImproperlyConfigured

from vitreem.accounts.models import User
from vitreem.demo.services import demo_load
from vitreem.plans.models import Plan
from vitreem.reporting.models import DataValue, Round, Submission

pytestmark = pytest.mark.django_db


def test_demo_data_loads_twice_to_the_same_state(settings):
    settings.DEMO_MODE = True
    demo_load()
    counts = (
        User.objects.count(),
        Plan.objects.count(),
        Round.objects.count(),
        DataValue.objects.count(),
    )
    demo_load()
    assert (
        User.objects.count(),
        Plan.objects.count(),
        Round.objects.count(),
        DataValue.objects.count(),
    ) == counts
    city = Round.objects.get(title__contains="thành phố Bắc Kạn")
    statuses = set(city.submissions.values_list("status", flat=True))
    assert {"approved", "submitted", "returned", "draft"} <= statuses
    assert Submission.objects.get(round=city, unit__code="01852", agency=None).status == "draft"
    assert User.objects.get(username="admin").check_password("vitreem")
    ward_2026 = Submission.objects.get(
        round__title__contains="Thái Nguyên", unit__code="01843", agency=None
    )
    assert ward_2026.status == "draft"  # left for the demo officer to enter


def test_demo_data_refuses_to_load_outside_demo_mode(settings):
    settings.DEMO_MODE = False
    with pytest.raises(ImproperlyConfigured):
        demo_load()

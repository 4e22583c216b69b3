"""Shared test set-up: the real administrative units loaded once, and the named personas."""

from datetime import date

import pytest
from django.conf import settings as django_settings
from django.db import connections

from vitreem.assessments.loaders import load_criteria
from vitreem.reporting.loaders import load_forms
from vitreem.units.loaders import load_units

PRE_REFORM_DAY = date(2021, 6, 1)
CURRENT_DAY = date(2026, 6, 1)


# The test client and the live server speak plain HTTP: no redirect to HTTPS, no HSTS (set here,
# before the live server loads its middleware; the headers' test turns them on for itself).
django_settings.SECURE_SSL_REDIRECT = False
django_settings.SECURE_HSTS_SECONDS = 0

# Reads of reports may go to a read replica (vitreem.core.routers): tests give it an alias that
# mirrors the test database, and the router's tests turn the routing on.
if "replica" not in django_settings.DATABASES:
    django_settings.DATABASES["replica"] = {
        **django_settings.DATABASES["default"],
        "TEST": {"MIRROR": "default"},
    }
    connections.__dict__.pop("settings", None)  # forget the aliases, should they have been read


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        load_units()
        load_forms()
        load_criteria()


@pytest.fixture(autouse=True)
def _fast_test_settings(settings):
    # Argon2 is the real hasher (tested on its own); a cheap one keeps the suite fast.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    # Jobs run in the test's process when its transaction commits; one test runs a real worker.
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend", "QUEUES": []}
    }


def unit(code: str, as_of: date = CURRENT_DAY):
    from vitreem.units.selectors import unit_by_code

    found = unit_by_code(code, as_of)
    assert found is not None, f"unit {code} missing on {as_of}"
    return found


class Personas:
    """Named people of the tests.

    - officer_a, leader_a: officer and leader of phường Bắc Kạn (Thái Nguyên, current era), both
      allowed to see children's sensitive data
    - officer_b: officer of phường Phan Đình Phùng, same province: must see nothing of A's
    - supervisor: leader of tỉnh Thái Nguyên (reads the whole province, writes only the province)
    - viewer: viewer of tỉnh Thái Nguyên
    - old_officer: officer of thành phố Bắc Kạn (pre-reform era)
    - admin: superuser
    """

    def __init__(self) -> None:
        from vitreem.accounts.tests.factories import MembershipFactory, UserFactory

        self.unit_a = unit("01843")
        self.unit_b = unit("05443")
        self.province = unit("19")
        self.old_city = unit("058", PRE_REFORM_DAY)

        def member(username: str, unit_, role: str, sensitive: bool = False):
            return MembershipFactory(
                user=UserFactory(username=username), unit=unit_, role=role, sensitive_data=sensitive
            ).user

        # A's officer and leader work with the commune's children: they see sensitive data.
        self.officer_a = member("canbo.a", self.unit_a, "officer", sensitive=True)
        self.leader_a = member("lanhdao.a", self.unit_a, "leader", sensitive=True)
        self.officer_b = member("canbo.b", self.unit_b, "officer")
        self.supervisor = member("giamsat.tinh", self.province, "leader")
        self.viewer = member("xem.tinh", self.province, "viewer")
        self.old_officer = member("canbo.cu", self.old_city, "officer")
        self.admin = UserFactory(username="quantri", is_superuser=True, is_staff=True)


@pytest.fixture
def personas(db) -> Personas:
    return Personas()


@pytest.fixture
def api_client(client):
    """A Django test client that speaks to the API with a bearer token."""

    class ApiClient:
        def __init__(self) -> None:
            self.headers: dict[str, str] = {}

        def login(self, user) -> None:
            from vitreem.accounts.services import token_issue

            self.headers = {"Authorization": f"Bearer {token_issue(user=user)}"}

        def get(self, path: str, **kw):
            return client.get(path, headers=self.headers, **kw)

        def post(self, path: str, data=None, **kw):
            return client.post(
                path, data=data or {}, content_type="application/json", headers=self.headers, **kw
            )

    return ApiClient()


@pytest.fixture
def province_round(personas):
    """The 2026 Action Month round of tỉnh Thái Nguyên, opened by its supervisor."""
    from vitreem.reporting.models import ReportForm
    from vitreem.reporting.services import round_create

    return round_create(
        actor=personas.supervisor,
        form=ReportForm.objects.get(code="action-month-result"),
        receiving_unit=personas.province,
        title="Tháng hành động 2026",
        period_kind="campaign",
        period_start=date(2026, 6, 1),
        period_end=date(2026, 6, 30),
    )

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction

from vitreem.accounts.models import Membership, User
from vitreem.plans.loaders import load_plan_files
from vitreem.units.models import AdministrativeUnit
from vitreem.units.selectors import unit_by_code, unit_children
from vitreem.units.services import agencies_create_standard

from .personas import AGENCY_UNITS, DEMO_PASSWORD, PERSONAS


def _unit(code: str, as_of: object) -> AdministrativeUnit:
    unit = unit_by_code(code, as_of)  # type: ignore[arg-type]
    if unit is None:
        raise ImproperlyConfigured(f"demo unit {code} missing: run load_units first")
    return unit


@transaction.atomic
def demo_load() -> dict[str, int]:
    """Demo accounts and agencies; running it again changes nothing more."""
    if not settings.DEMO_MODE:
        raise ImproperlyConfigured("demo data loads only in demo mode (VITREEM_DEMO=1)")
    admin, _ = User.objects.get_or_create(
        username="admin", defaults={"full_name": "Quản trị hệ thống"}
    )
    admin.is_superuser = admin.is_staff = True
    admin.set_password(DEMO_PASSWORD)
    admin.save()
    for persona in PERSONAS:
        user, _ = User.objects.update_or_create(
            username=persona.username,
            defaults={"full_name": persona.full_name, "position": persona.position},
        )
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
        Membership.objects.update_or_create(
            user=user, unit=_unit(persona.unit_code, persona.as_of), defaults={"role": persona.role}
        )
    agencies = 0
    for code, as_of in AGENCY_UNITS:
        unit = _unit(code, as_of)
        for target in [unit, *unit_children(unit, as_of)]:
            agencies += len(agencies_create_standard(actor=None, unit=target))
    plans = load_plan_files()  # after the agencies, so that assignees find theirs
    return {"personas": len(PERSONAS) + 1, "agencies_created": agencies, "plans": len(plans)}

from datetime import date

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction

from vitreem.accounts.models import Membership, User
from vitreem.plans.loaders import load_plan_files
from vitreem.plans.models import Plan, Task
from vitreem.plans.services import plan_derive, plan_issue, task_assign
from vitreem.reporting.loaders import load_forms
from vitreem.units.models import AdministrativeUnit, Agency
from vitreem.units.selectors import unit_by_code, unit_children
from vitreem.units.services import agencies_create_standard

from .agencies import demo_agency_members, demo_inboxes
from .assessments import demo_assessments
from .children import demo_registry
from .personas import (
    AGENCY_UNITS,
    CITY_PLAN_KEY,
    COMMUNE_PLANS,
    COMMUNE_TASK_AGENCIES,
    DEMO_PASSWORD,
    PERSONAS,
    PRE_REFORM_DAY,
)
from .reports import demo_rounds


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
            user=user,
            unit=_unit(persona.unit_code, persona.as_of),
            defaults={"role": persona.role, "sensitive_data": persona.sensitive},
        )
    agencies = 0
    for code, as_of in AGENCY_UNITS:
        unit = _unit(code, as_of)
        for target in [unit, *unit_children(unit, as_of)]:
            agencies += len(agencies_create_standard(actor=None, unit=target))
    agency_members = demo_agency_members(admin)
    plans = load_plan_files()  # after the agencies, so that assignees find theirs
    derived = _derive_commune_plans(admin)
    load_forms()
    registry = demo_registry(admin)  # before the rounds: their reports are filled from it
    rounds = demo_rounds(admin)
    assessments = demo_assessments(admin)  # after the rounds: criteria 11-12 read table 3
    demo_inboxes()
    return {
        "children": registry["children"],
        "funds": registry["funds"],
        "rounds": rounds,
        "assessments": assessments,
        "personas": len(PERSONAS) + agency_members + 1,
        "agencies_created": agencies,
        "plans": len(plans) + derived,
    }


def _derive_commune_plans(admin: User) -> int:
    """Two wards of Bắc Kạn city implement the city plan: Sông Cầu issued, Nông Thượng a draft."""
    city_plan = Plan.objects.filter(key=CITY_PLAN_KEY).first()
    if city_plan is None:
        return 0
    made = 0
    for code, issue in COMMUNE_PLANS:
        ward = _unit(code, PRE_REFORM_DAY)
        if Plan.objects.filter(parent=city_plan, issuer_unit=ward).exists():
            continue
        plan = plan_derive(actor=admin, parent=city_plan, issuer_unit=ward)
        agencies = {a.name: a for a in Agency.objects.filter(unit=ward)}
        tasks = Task.objects.filter(assignment__plan=plan).order_by("assignment__order", "order")
        for task, agency_name in zip(tasks, COMMUNE_TASK_AGENCIES, strict=False):
            if agency_name in agencies:
                task_assign(actor=admin, task=task, agency=agencies[agency_name])
        if issue:
            # Signed by the ward's leader when the demo has one (Sông Cầu's: lanhdao.songcau).
            leader = (
                User.objects.filter(memberships__unit=ward, memberships__role="leader")
                .order_by("username")
                .first()
            )
            plan_issue(
                actor=leader or admin,
                plan=plan,
                issued_on=date(2021, 5, 25),
                signer_name=str(leader) if leader else "Lường Văn Thắng",
            )
        made += 1
    return made

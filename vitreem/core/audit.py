from typing import Any

from django.db import models

from vitreem.accounts.models import User
from vitreem.core.models import AuditEvent
from vitreem.units.models import AdministrativeUnit


def audit_record(
    *,
    actor: User | None,
    action: str,
    target: models.Model,
    unit: AdministrativeUnit | None = None,
    data: dict[str, Any] | None = None,
) -> AuditEvent:
    """Record a business operation; call inside the operation's transaction."""
    return AuditEvent.objects.create(
        actor=actor,
        action=action,
        target_type=target._meta.label_lower,
        target_id=str(target.pk),
        unit=unit,
        data=data or {},
    )

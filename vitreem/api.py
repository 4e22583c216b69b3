"""Mounts each app's router under /api/v1/."""

from vitreem.accounts.api import router as accounts_router
from vitreem.assessments.api import router as assessments_router
from vitreem.children.api import router as children_router
from vitreem.core.api import api, health_router
from vitreem.fund.api import router as fund_router
from vitreem.jobs.api import router as jobs_router
from vitreem.notifications.api import router as notifications_router
from vitreem.plans.api import router as plans_router
from vitreem.plans.api import tasks_router
from vitreem.reporting.api import router as reporting_router
from vitreem.units.api import router as units_router

api.add_router("/", health_router)
api.add_router("/", accounts_router)
api.add_router("/units", units_router)
api.add_router("/plans", plans_router)
api.add_router("/", tasks_router)
api.add_router("/", reporting_router)
api.add_router("/children", children_router)
api.add_router("/funds", fund_router)
api.add_router("/", notifications_router)
api.add_router("/", jobs_router)
api.add_router("/assessments", assessments_router)

__all__ = ["api"]

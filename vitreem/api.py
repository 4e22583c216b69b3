"""Mounts each app's router under /api/v1/."""

from vitreem.accounts.api import router as accounts_router
from vitreem.core.api import api, health_router
from vitreem.units.api import router as units_router

api.add_router("/", health_router)
api.add_router("/", accounts_router)
api.add_router("/units", units_router)

__all__ = ["api"]

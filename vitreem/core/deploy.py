"""Refuse to serve an unsafe configuration outside demo mode."""

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


def check_production_settings() -> None:
    if settings.DEMO_MODE:
        return
    if settings.SECRET_KEY == settings.DEMO_SECRET_KEY or len(settings.SECRET_KEY) < 32:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set to a long random value outside demo mode "
            "(see .env.example); refusing to start with the demo secret."
        )
    if settings.DEBUG:
        raise ImproperlyConfigured("DEBUG must be off outside demo mode; refusing to start.")

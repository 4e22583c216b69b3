import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vitreem.settings")
application = get_asgi_application()

from vitreem.core.deploy import check_production_settings  # noqa: E402  (needs settings loaded)

check_production_settings()

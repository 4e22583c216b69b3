import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vitreem.settings")
application = get_wsgi_application()

from vitreem.core.deploy import check_production_settings  # noqa: E402  (needs settings loaded)

check_production_settings()

"""What the hostile suites assert after each request: the domain's row counts, and that no
text the database holds carries NUL or a lone surrogate."""

import re
import unicodedata

from django.apps import apps
from django.db import models

DOMAIN_APPS = {"accounts", "core", "units", "plans", "reporting", "children", "fund"}
FORBIDDEN = re.compile("[\x00\ud800-\udfff]")
# Reference data loaded for the whole session: thousands of rows no request writes.
LOADED = {"AdministrativeUnit", "ReportForm", "DataElement"}


def domain_models() -> list[type[models.Model]]:
    return [m for m in apps.get_models() if m._meta.app_label in DOMAIN_APPS]


# Showing a child's record logs the read, whatever the form on the page then does.
READ_LOG = {"children.ChildRead"}


def counts() -> dict[str, int]:
    return {
        m._meta.label: m._default_manager.count()
        for m in domain_models()
        if m._meta.label not in READ_LOG
    }


def _texts(value: object):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield str(key)
            yield from _texts(item)
    elif isinstance(value, list):
        for item in value:
            yield from _texts(item)


def forbidden_texts() -> list[str]:
    """Model.field of every stored text with NUL or a lone surrogate, or not in NFC (read in
    Python: a query for NUL is itself refused by PostgreSQL)."""
    found = []
    kinds = (models.CharField, models.TextField, models.JSONField)
    for model in domain_models():
        if model.__name__ in LOADED:
            continue
        fields = [f.attname for f in model._meta.concrete_fields if isinstance(f, kinds)]
        if not fields:
            continue
        for row in model._default_manager.values_list(*fields):
            for name, value in zip(fields, row, strict=True):
                if any(
                    FORBIDDEN.search(t) or not unicodedata.is_normalized("NFC", t)
                    for t in _texts(value)
                ):
                    found.append(f"{model.__name__}.{name}")
    return found

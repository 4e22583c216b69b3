"""Load the report forms of reporting/forms/*.yaml (idempotent: by code and year)."""

from pathlib import Path
from typing import Any

import yaml
from django.db import transaction

from .definitions import FormDefinition
from .models import DataElement, ReportForm

FORMS_DIR = Path(__file__).with_name("forms")


def read_form_file(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return data


@transaction.atomic
def load_form(data: dict[str, Any]) -> ReportForm:
    definition = FormDefinition.parse(data)  # refuses a malformed file before anything is written
    form, _ = ReportForm.objects.update_or_create(
        code=definition.code,
        year=definition.year,
        defaults={
            "title": definition.title,
            "title_en": data.get("title_en", ""),
            "definition": data,
            "source": data.get("source", ""),
        },
    )
    order = 0
    for table in definition.tables:
        for column in table.columns:
            DataElement.objects.update_or_create(
                form=form,
                code=column.code,
                defaults={
                    "table_code": table.code,
                    "label": column.label,
                    "label_en": column.label_en,
                    "group": column.group,
                    "value_type": column.type,
                    "disaggregation": column.disaggregation,
                    "order": order,
                },
            )
            order += 1
    return form


def load_forms() -> list[ReportForm]:
    return [load_form(read_form_file(path)) for path in sorted(FORMS_DIR.glob("*.yaml"))]


def definition_of(form: ReportForm) -> FormDefinition:
    return FormDefinition.parse(form.definition)

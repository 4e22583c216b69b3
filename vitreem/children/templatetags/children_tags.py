from typing import Any

from django import template

from vitreem.children.prefill import FORMS
from vitreem.reporting.models import Submission

register = template.Library()


@register.inclusion_tag("children/_prefill_link.html")
def prefill_link(submission: Submission, editable: bool) -> dict[str, Any]:
    """On a report the registry can fill: the way to its proposals."""
    return {"submission": submission, "show": editable and submission.round.form.code in FORMS}

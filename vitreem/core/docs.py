"""The API's documentation page, light first: the operations listed by the server from the OpenAPI
document, and the interactive viewer (Swagger UI, ~1.7 MB from the django-ninja package) fetched
only when the reader asks for it. On a slow line the reference is readable at once."""

import json
from typing import TYPE_CHECKING, Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from ninja.openapi.docs import Swagger, _csrf_needed

if TYPE_CHECKING:
    from ninja import NinjaAPI

METHODS = ("get", "post", "put", "patch", "delete")


def operations_by_tag(schema: dict[str, Any]) -> list[tuple[str, list[dict[str, Any]]]]:
    """The operations of an OpenAPI document grouped by their first tag, in document order."""
    groups: dict[str, list[dict[str, Any]]] = {}
    for path, item in schema.get("paths", {}).items():
        for method in METHODS:
            operation = item.get(method)
            if operation is None:
                continue
            tag = (operation.get("tags") or ["default"])[0]
            groups.setdefault(tag, []).append(
                {
                    "method": method.upper(),
                    "path": path,
                    "summary": operation.get("summary", ""),
                    "description": operation.get("description", ""),
                    "open": not operation.get("security"),
                }
            )
    return list(groups.items())


class LightDocs(Swagger):
    template = "core/api_docs.html"

    def render_page(self, request: HttpRequest, api: "NinjaAPI", **kwargs: Any) -> HttpResponse:
        self.settings["url"] = self.get_openapi_url(api, kwargs)
        schema = api.get_openapi_schema(path_params=kwargs)
        context = {
            "swagger_settings": json.dumps(self.settings),
            "api": api,
            "info": schema.get("info", {}),
            "groups": operations_by_tag(schema),
            "openapi_url": self.settings["url"],
            "add_csrf": _csrf_needed(api),
        }
        return render(request, self.template, context)

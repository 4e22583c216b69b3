"""Hostile values in every field of every form of every page, and hostile files on every upload
field, signed in as the leader of unit A: the URL patterns are walked, so a new page is covered.
Never a server error; a refusal (4xx, or the page shown again) changes nothing; no NUL or lone
surrogate is ever stored."""

import os
import re
from html.parser import HTMLParser
from urllib.parse import quote, urljoin

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vitreem.accounts.tests.test_access_matrix import ENDPOINTS, issued_task_of, placeholders
from vitreem.core.tests.guard import counts, forbidden_texts
from vitreem.core.tests.hostile import form_texts, hostile_files
from vitreem.core.tests.world import world_of

pytestmark = pytest.mark.django_db

EXAMPLES = int(os.environ.get("HOSTILE_EXAMPLES", 10))  # per page; derandomized
SKIPPED = ("admin/", "api/", "i18n/", "accounts/logout/", "accounts/login/")
FILES = hostile_files()


def _routes(patterns, prefix=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _routes(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern)


ROUTES = sorted(r for r in _routes(get_resolver().url_patterns) if not r.startswith(SKIPPED))
# A plan's pages are also fuzzed on an issued plan, whose forms the services refuse.
CASES = [pytest.param(r, False, id=r) for r in ROUTES] + [
    pytest.param(r, True, id=f"{r} (issued)") for r in ROUTES if "<int:plan_id>" in r
]


class Forms(HTMLParser):
    """The forms of a page: method, action, and each field's name, type and default value."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict] = []
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            method = (a.get("method") or "get").lower()
            self.forms.append({"method": method, "action": a.get("action") or "", "fields": {}})
        if not self.forms:
            return
        fields = self.forms[-1]["fields"]
        name = a.get("name")
        if tag == "input" and name and a.get("type") not in {"submit", "button", "image"}:
            kind = a.get("type") or "text"
            if kind in {"checkbox", "radio"} and "checked" not in a:
                fields.setdefault(name, ("choice", ""))
            else:
                fields[name] = (kind, a.get("value") or "")
        elif tag == "select" and name:
            self._select = name
            fields[name] = ("select", "")
        elif tag == "option" and self._select:
            kind, value = self.forms[-1]["fields"][self._select]
            if not value or "selected" in a:
                fields[self._select] = (kind, a.get("value", ""))
        elif tag == "textarea" and name:
            self._textarea = name
            fields[name] = ("textarea", "")

    def handle_data(self, data):
        if self._textarea and self.forms:
            self.forms[-1]["fields"][self._textarea] = ("textarea", data)

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def _page(route: str, world) -> str:
    def value(match):
        return str(world.values.get(match.group(2), 0))

    path = "/" + re.sub(r"<(?:(\w+):)?(\w+)>", value, route)
    if "kind" in route:
        path = path.replace("/0.xlsx", "/children.xlsx")
    return path


def _baseline(personas, path: str) -> dict:
    """A valid body for the form, from the access matrix's requests of the same page."""
    for endpoint in ENDPOINTS:
        if endpoint.api or endpoint.method != "POST":
            continue
        names = placeholders(personas, endpoint)
        if endpoint.path.format(**names).partition("?")[0] == path:
            return {k.format(**names): str(v).format(**names) for k, v in endpoint.body.items()}
    return {}


def _encoded(data: dict) -> str:
    """A form body as a client may send it: a lone surrogate goes as its (invalid) UTF-8."""
    return "&".join(
        f"{quote(k)}={quote(v, safe='', errors='surrogatepass')}" for k, v in data.items()
    )


@pytest.mark.parametrize(("route", "issued"), CASES)
def test_hostile_values_in_every_form_of_every_page(client, personas, route, issued):
    world = world_of(personas)
    if issued:
        task = issued_task_of(personas.unit_a)
        world.values.update(plan_id=task.assignment.plan_id, task_id=task.pk)
    client.force_login(personas.leader_a)
    path = _page(route, world)
    page = client.get(path, {"unit": personas.unit_a.code})
    assert page.status_code < 500 or page.status_code == 503  # 503: no PDF converter here
    if page.status_code != 200 or "html" not in page.get("Content-Type", ""):
        return
    parser = Forms()
    parser.feed(page.content.decode())
    forms = [f for f in parser.forms if any(n != "csrfmiddlewaretoken" for n in f["fields"])]
    if not forms:
        return
    base_url = page.wsgi_request.get_full_path()
    # Made once: the matrix's helpers expect the world as it was before any request.
    baselines = [
        _baseline(personas, urljoin(base_url, f["action"]).partition("?")[0]) for f in forms
    ]

    def send(index, name, value):
        form = forms[index]
        fields = {n: v for n, (_, v) in form["fields"].items() if n != "csrfmiddlewaretoken"}
        url = urljoin(base_url, form["action"])
        if form["method"] == "post":
            fields.update(baselines[index])
        data = {k: v for k, v in fields.items() if form["fields"].get(k, ("",))[0] != "file"}
        data[name] = value
        before = counts()
        if isinstance(value, SimpleUploadedFile):
            response = client.post(url, data)
        elif form["method"] == "post":
            response = client.generic(
                "POST", url, _encoded(data), content_type="application/x-www-form-urlencoded"
            )
        else:
            response = client.get(url.partition("?")[0] + "?" + _encoded(data))
        assert response.status_code < 500, (url, name, value)
        refused = response.status_code >= 400 or (
            form["method"] == "post" and response.status_code == 200
        )
        if refused:
            assert counts() == before, (url, name, value, response.status_code)

    targets = [
        (index, name)
        for index, form in enumerate(forms)
        for name, (kind, _) in form["fields"].items()
        if name != "csrfmiddlewaretoken"
    ]
    # Every hostile file on every file field, then hostile text over the fields at random.
    for index, name in targets:
        if forms[index]["fields"][name][0] == "file":
            for filename, content in FILES.items():
                send(index, name, SimpleUploadedFile(filename, content))

    @settings(
        max_examples=EXAMPLES,
        derandomize=True,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        database=None,
    )
    @given(target=st.sampled_from(targets), value=form_texts)
    def fuzz(target, value):
        index, name = target
        if forms[index]["fields"][name][0] == "file":
            return
        send(index, name, value)

    fuzz()
    assert forbidden_texts() == []


def test_a_refusal_a_page_lets_through_is_a_422_page_that_changes_nothing(client, personas):
    # Found by the suite above: assigning a task of a plan issued meanwhile was a server error.
    from vitreem.units.models import Agency

    task = issued_task_of(personas.unit_a)
    agency = Agency.objects.create(
        unit=personas.unit_a, name="Trạm Y tế", kind="health", valid_from=personas.unit_a.valid_from
    )
    client.force_login(personas.leader_a)
    before = counts()
    response = client.post(
        f"/plans/{task.assignment.plan_id}/tasks/{task.pk}/assign/",
        {f"t{task.pk}-agency": agency.pk},
    )
    assert response.status_code == 422
    assert "muốn sửa hãy ban hành văn bản sửa đổi" in response.content.decode()
    assert counts() == before

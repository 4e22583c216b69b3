"""Users meet our Vietnamese error pages, with the site's menu, never Django's."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied
from django.db import DatabaseError
from django.urls import path
from django.utils.functional import SimpleLazyObject

import vitreem.urls
from vitreem.plans.models import Plan

pytestmark = pytest.mark.django_db


def boom(request):
    raise RuntimeError("something broke")


def boom_without_database(request):
    # The database is gone: even loading the session's user fails.
    def unreachable():
        raise DatabaseError("connection refused")

    request.user = SimpleLazyObject(unreachable)
    raise DatabaseError("connection refused")


def forbidden(request):
    raise PermissionDenied


urlpatterns = [
    path("test/boom/", boom),
    path("test/boom-db/", boom_without_database),
    path("test/forbidden/", forbidden),
    *vitreem.urls.urlpatterns,
]
handler500 = vitreem.urls.handler500


def menu_shown(page: str) -> bool:
    return 'aria-label="Điều hướng chính"' in page and "Trẻ em" in page


def test_another_units_plan_is_our_404_page_with_the_menu(client, settings, personas):
    assert settings.DEBUG is False
    plan = Plan.objects.create(
        issuer_unit=personas.unit_a,
        header_name="UBND PHƯỜNG BẮC KẠN",
        kind="action_month",
        status="draft",
        year=2026,
        place="Bắc Kạn",
        title="Kế hoạch của phường Bắc Kạn",
        period_start=date(2026, 6, 1),
        period_end=date(2026, 6, 30),
    )
    client.force_login(personas.officer_b)
    response = client.get(f"/plans/{plan.pk}/")
    assert response.status_code == 404
    page = response.content.decode()
    assert "Không tìm thấy trang" in page
    assert menu_shown(page)
    assert "Kế hoạch của phường Bắc Kạn" not in page
    assert "Page not found" not in page
    assert "Traceback" not in page


def test_an_unknown_address_is_our_404_page(client, personas):
    client.force_login(personas.officer_a)
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    assert "Không tìm thấy trang" in response.content.decode()


@pytest.mark.urls(__name__)
def test_forbidden_is_our_403_page_with_the_menu(client, personas):
    client.force_login(personas.viewer)
    response = client.get("/test/forbidden/")
    assert response.status_code == 403
    page = response.content.decode()
    assert "Không được phép" in page
    assert menu_shown(page)


@pytest.mark.urls(__name__)
def test_a_failing_view_gives_our_500_page_with_the_menu(client, personas):
    client.raise_request_exception = False
    client.force_login(personas.officer_a)
    response = client.get("/test/boom/", headers={"X-Request-ID": "req-0123456789"})
    assert response.status_code == 500
    page = response.content.decode()
    assert "Lỗi hệ thống" in page
    assert menu_shown(page)
    assert "req-0123456789" in page  # the id to quote to the administrator
    assert "something broke" not in page
    assert "Traceback" not in page


@pytest.mark.urls(__name__)
def test_the_500_page_renders_when_the_database_is_gone(client, personas):
    client.raise_request_exception = False
    client.force_login(personas.officer_a)
    response = client.get("/test/boom-db/")
    assert response.status_code == 500
    page = response.content.decode()
    assert "Lỗi hệ thống" in page
    assert not menu_shown(page)  # the user could not be loaded: no menu, but our page


def test_a_stale_form_gets_our_page_not_djangos_csrf_page(personas):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    response = client.post("/accounts/login/", {"username": "canbo.a", "password": "x"})
    assert response.status_code == 403
    page = response.content.decode()
    assert "Phiên làm việc đã hết hạn" in page
    assert "CSRF verification failed" not in page


@pytest.mark.urls(__name__)
def test_when_even_the_500_page_fails_a_plain_vietnamese_page_is_sent(client, monkeypatch):
    from vitreem.web import views

    def broken(name):
        raise ValueError("Missing staticfiles manifest entry")

    monkeypatch.setattr(views.loader, "get_template", broken)
    client.raise_request_exception = False
    response = client.get("/test/boom/", headers={"X-Request-ID": "req-<b>0123456789"})
    assert response.status_code == 500
    page = response.content.decode()
    assert "Lỗi hệ thống" in page
    assert "Missing" not in page

"""Site-wide response headers: the Content-Security-Policy, Permissions-Policy and no-store on the portal."""

import pytest
from django.test import Client

from invoices.services import invoice_issue
from invoices.tests.factories import paid_order
from orders.tests.factories import TableFactory

pytestmark = pytest.mark.django_db

STAFF_LOGIN = "/admin/login/"
STEP = "staff_login_view-current_step"
REQUIRED_DIRECTIVES = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'none'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}


def policy(response) -> dict[str, str]:
    header = response.headers.get("Content-Security-Policy")
    assert header, f"no Content-Security-Policy on {response.status_code} {response.request['PATH_INFO']}"
    return dict(part.strip().split(" ", 1) for part in header.split(";") if part.strip())


def assert_site_headers(response) -> None:
    directives = policy(response)
    for name, value in REQUIRED_DIRECTIVES.items():
        assert directives.get(name) == value, (name, directives)
    assert "unsafe-inline" not in response.headers["Content-Security-Policy"]
    assert "unsafe-eval" not in response.headers["Content-Security-Policy"]
    permissions = response.headers["Permissions-Policy"]
    for feature in ("camera=()", "microphone=()", "geolocation=()", "payment=()"):
        assert feature in permissions


def too_many_staff_logins(client):
    # The staff login's per-IP limit: guesses at 20 different addresses, then one more.
    for n in range(21):
        response = client.post(
            STAFF_LOGIN, {STEP: "auth", "auth-username": f"guess{n}@example.com", "auth-password": "wrong"}
        )
    return response


def test_menu_portal_admin_login_and_error_pages_carry_the_policy(client, customer_client, settings):
    settings.STAFF_REQUIRE_MFA = False
    table = TableFactory()
    menu = client.get(f"/menu/{table.token}/")
    assert menu.status_code == 200
    assert_site_headers(menu)

    dashboard = customer_client.get("/customer/")
    assert dashboard.status_code == 200
    assert_site_headers(dashboard)

    admin_login = Client().get(STAFF_LOGIN)
    assert admin_login.status_code == 200
    assert_site_headers(admin_login)

    not_found = client.get("/menu/no-such-table/")
    assert not_found.status_code == 404
    assert_site_headers(not_found)
    # Answered by a middleware before any view (a NUL byte in the URL): still under the policy.
    refused = client.get("/menu/%00/")
    assert refused.status_code == 404
    assert_site_headers(refused)

    limited = too_many_staff_logins(Client())
    assert limited.status_code == 429
    assert_site_headers(limited)


def test_portal_pages_with_personal_data_are_never_stored(customer_client, customer, restaurant_a):
    invoice = invoice_issue(order=paid_order(customer=customer, restaurant=restaurant_a), customer=customer)
    for path in [
        "/customer/",
        "/customer/profile",
        "/customer/orders",
        f"/customer/orders/{invoice.order_id}",
        "/customer/invoices",
        f"/customer/invoices/{invoice.pk}",
        f"/customer/invoices/{invoice.pk}/download",
    ]:
        response = customer_client.get(path)
        assert response.status_code == 200, path
        assert "no-store" in response.headers.get("Cache-Control", ""), path
    # The sign-in pages live under /customer/ too and hold typed-in addresses.
    assert "no-store" in Client().get("/customer/login").headers["Cache-Control"]

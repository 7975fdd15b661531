import pytest

from customers.tests.factories import DEFAULT_PASSWORD, CustomerFactory

pytestmark = pytest.mark.django_db


def test_dashboard_shows_name_state_links_and_the_shared_sections(customer_client, customer, settings):
    response = customer_client.get("/customer/")
    assert response.status_code == 200
    html = response.content.decode()
    assert customer.full_name in html
    assert "state-ok" in html and ">verified<" in html
    for href in (
        "/customer/orders",
        "/customer/invoices",
        "/customer/profile",
        "/customer/change-email",
        "/customer/change-password",
        "#security",
    ):
        assert f'href="{href}"' in html
    templates = [t.name for t in response.templates]
    assert "customers/mfa/_security_section.html" in templates
    assert "orders/portal/_session_claim_offer.html" in templates
    assert 'id="verify-banner"' not in html


def test_unverified_customer_sees_state_banner_and_a_resend_button(client):
    customer = CustomerFactory(verified=False)
    client.post("/customer/login", {"login": customer.user.email, "password": DEFAULT_PASSWORD})
    html = client.get("/customer/").content.decode()
    assert "not verified" in html
    assert 'id="verify-banner"' in html
    assert 'action="/customer/resend-verification"' in html


def test_dashboard_needs_a_customer(client, staff_a):
    assert client.get("/customer/")["Location"] == "/customer/login?next=/customer/"
    client.force_login(staff_a)
    assert client.get("/customer/").status_code == 403

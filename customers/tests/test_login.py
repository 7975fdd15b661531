import pytest

from customers.models import Customer
from customers.tests.factories import DEFAULT_PASSWORD, CustomerFactory, StaffFactory

pytestmark = pytest.mark.django_db

LOGIN = "/customer/login"


def login(client, email, password=DEFAULT_PASSWORD):
    return client.post(LOGIN, {"login": email, "password": password})


def test_login_page_renders_in_our_style(client):
    html = client.get(LOGIN).content.decode()
    assert 'class="card auth-card"' in html
    assert 'class="form-row' in html
    assert 'href="/customer/forgot-password"' in html
    assert 'href="/customer/register"' in html


def test_customer_logs_in_and_lands_on_the_dashboard(client, customer):
    response = login(client, customer.user.email.upper())
    assert response.status_code == 302
    assert response["Location"] == "/customer/"
    assert client.session["_auth_user_id"] == str(customer.user.pk)


def test_login_returns_to_the_page_that_asked_for_it(client, customer):
    response = client.get("/customer/profile")
    assert response.status_code == 302
    assert response["Location"] == "/customer/login?next=/customer/profile"
    response = client.post(
        f"{LOGIN}?next=/customer/profile",
        {"login": customer.user.email, "password": DEFAULT_PASSWORD, "next": "/customer/profile"},
    )
    assert response["Location"] == "/customer/profile"


def test_wrong_password_and_unknown_email_get_the_same_answer(client, customer):
    wrong = login(client, customer.user.email, "not the password")
    unknown = login(client, "nobody@example.com", "not the password")
    assert wrong.status_code == unknown.status_code == 200
    message = "The email address and/or password you specified are not correct."
    assert message in wrong.content.decode()
    assert message in unknown.content.decode()
    assert "_auth_user_id" not in client.session


def test_staff_signing_in_here_gets_no_customer_profile(client, restaurant_a):
    staff = StaffFactory(restaurants=[restaurant_a])
    response = login(client, staff.email)
    assert response.status_code == 302
    page = client.get("/customer/")
    assert page.status_code == 403
    assert b"no customer profile" in page.content
    assert not Customer.objects.filter(user=staff).exists()


def test_staff_signing_in_to_the_admin_gets_no_customer_profile(client, restaurant_a):
    staff = StaffFactory(restaurants=[restaurant_a])
    client.post("/admin/login/", {"username": staff.email, "password": DEFAULT_PASSWORD})
    client.get("/admin/")
    assert not Customer.objects.filter(user=staff).exists()


def test_logout_is_a_post_and_ends_the_session(client, customer):
    login(client, customer.user.email)
    page = client.get("/customer/logout")
    assert page.status_code == 200
    assert b"Do you want to log out" in page.content
    assert "_auth_user_id" in client.session
    response = client.post("/customer/logout")
    assert response.status_code == 302
    assert response["Location"] == "/customer/login"
    assert "_auth_user_id" not in client.session


def test_nav_offers_portal_links_and_a_logout_form(customer_client):
    html = customer_client.get("/customer/").content.decode()
    for href in (
        'href="/customer/"',
        'href="/customer/orders"',
        'href="/customer/invoices"',
        'href="/customer/profile"',
    ):
        assert href in html
    assert 'action="/customer/logout"' in html


def test_inactive_customer_cannot_log_in(client):
    customer = CustomerFactory(user__is_active=False)
    response = login(client, customer.user.email)
    assert "_auth_user_id" not in client.session
    assert response.status_code in (200, 302)

"""A NUL byte anywhere a visitor can type is a 404 or a form error, never a 500.

PostgreSQL refuses NUL in text (``DataError``) where SQLite stores it, so these
run on PostgreSQL. The URL cases are stopped before any view (token converters,
``RefuseNulInUrlMiddleware``); submitted fields by the forms (Django's
``CharField`` refuses NUL, ``validate_document_text`` other control characters).
"""

import pytest
from django_otp import DEVICE_ID_SESSION_KEY

from customers.mfa import services as mfa_services
from customers.tests.factories import DEFAULT_PASSWORD
from customers.tests.helpers import code_for, staff_force_login
from orders.models import Order, Restaurant
from orders.tests.factories import MenuItemFactory, OrderFactory, TableFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

NUL = "\x00"

GUEST_URLS = [
    "/menu/%00/",
    "/menu/a%00b/",
    "/order/%00/",
    "/menu/{table}%00/",
    "/customer/login?next=%00",
    "/customer/register?next=/customer/%00",
    "/customer/verify-email/%00",
    "/customer/reset-password/1-%00",
    "/customer/reset-password/%00-abc",
]
CUSTOMER_URLS = [
    "/customer/orders?status=%00",
    "/customer/orders?restaurant=%00",
    "/customer/orders?date_from=%00&date_to=%00",
    "/customer/orders?page=%00",
    "/customer/orders/%00",
    "/customer/invoices?status=%00&date_from=%00",
    "/customer/invoices/%00",
    "/customer/invoices/%00/download",
    "/customer/profile?x=%00",
]
ADMIN_URLS = [
    "/admin/orders/order/?q=%00",
    "/admin/orders/order/?status=%00",
    "/admin/orders/order/?status__exact=%00",
    "/admin/orders/order/?restaurant__id__exact=%00",
    "/admin/orders/order/?o=%00",
    "/admin/orders/order/%00/change/",
    "/admin/orders/menuitem/?q=%00",
    "/admin/orders/table/?q=%00&is_active__exact=%00",
    "/admin/orders/restaurant/?q=%00",
    "/admin/invoices/invoice/?q=%00",
    "/admin/invoices/invoice/?status__exact=%00",
    "/admin/invoices/invoice/?kind__exact=%00",
    "/admin/invoices/invoice/?issue_date__gte=%00",
    "/admin/customers/customer/?q=%00",
    "/admin/customers/user/?q=%00&is_staff__exact=%00",
    "/admin/autocomplete/?term=%00&app_label=orders&model_name=menuitem&field_name=category",
    "/admin/audit/auditentry/?q=%00&action__exact=%00",
    "/admin/login/?next=%00",
]


@pytest.fixture
def table(db):
    return TableFactory()


def _url(template: str, table) -> str:
    return template.format(table=table.token)


@pytest.mark.parametrize("url", GUEST_URLS)
def test_nul_in_a_guest_url_is_a_404(client, table, url):
    response = client.get(_url(url, table))
    assert response.status_code == 404
    assert "find that page" in response.content.decode()


@pytest.mark.parametrize("url", CUSTOMER_URLS)
def test_nul_in_a_portal_url_is_a_404(customer_client, url):
    assert customer_client.get(url).status_code == 404


@pytest.mark.parametrize("url", ADMIN_URLS)
def test_nul_in_an_admin_url_is_a_404(client, superuser, url):
    staff_force_login(client, superuser)
    assert client.get(url).status_code == 404


def test_ordering_at_a_nul_token_is_a_404_and_places_nothing(client, table):
    item = MenuItemFactory(restaurant=table.restaurant)
    for url in ("/menu/%00/order", f"/menu/{table.token}%00/order"):
        assert client.post(url, {f"qty_{item.pk}": "1"}).status_code == 404
    assert not Order.objects.exists()


# --- Submitted fields: a form error, nothing stored -----------------------------------------

GUEST_FORMS = [
    ("/customer/login", {"login": f"a{NUL}@example.com", "password": f"x{NUL}"}),
    ("/customer/register", {"full_name": f"A{NUL}", "email": f"a{NUL}@example.com", "password1": f"p{NUL}ss"}),
    ("/customer/forgot-password", {"email": f"a{NUL}@example.com"}),
    ("/customer/resend-verification", {"email": f"a{NUL}@example.com"}),
    ("/admin/login/", {"staff_login_view-current_step": "auth", "auth-username": f"a{NUL}", "auth-password": "x"}),
]
CUSTOMER_FORMS = [
    ("/customer/orders/claim", {"code": f"ABCDE{NUL}12345"}),
    ("/customer/profile", {"full_name": f"Ada{NUL}", "city": f"Ber{NUL}lin"}),
    ("/customer/change-email", {"action_add": "1", "email": f"new{NUL}@example.com"}),
    ("/customer/change-password", {"oldpassword": f"x{NUL}", "password1": f"y{NUL}", "password2": f"y{NUL}"}),
    ("/customer/reauthenticate", {"password": f"x{NUL}"}),
    ("/customer/mfa/setup", {"code": f"12{NUL}456"}),
]
MFA_FORMS = [
    ("/customer/mfa/backup-codes", {"password": f"x{NUL}", "code": f"1{NUL}"}),
    ("/customer/mfa/disable", {"password": f"x{NUL}", "code": f"1{NUL}"}),
]


def _is_form_error(response) -> bool:
    # The page is shown again (200 or 400) with the form's errors; nothing redirected onwards.
    return response.status_code in (200, 400)


@pytest.mark.parametrize(("url", "data"), GUEST_FORMS)
def test_nul_in_a_signed_out_form_is_a_form_error(client, customer, url, data):
    assert _is_form_error(client.post(url, data))


@pytest.mark.parametrize(("url", "data"), CUSTOMER_FORMS)
def test_nul_in_a_portal_form_is_a_form_error(customer_client, customer, url, data):
    full_name = customer.full_name
    assert _is_form_error(customer_client.post(url, data))
    customer.refresh_from_db()
    assert customer.full_name == full_name


@pytest.mark.parametrize(("url", "data"), MFA_FORMS)
def test_nul_in_an_mfa_form_is_a_form_error(client, customer, url, data):
    device = mfa_services.mfa_setup_device(user=customer.user)
    device, _codes = mfa_services.mfa_setup_confirm(user=customer.user, code=code_for(device))
    client.force_login(customer.user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    assert _is_form_error(client.post(url, data))


def test_nul_in_the_mfa_code_step_is_a_form_error(client, customer):
    device = mfa_services.mfa_setup_device(user=customer.user)
    mfa_services.mfa_setup_confirm(user=customer.user, code=code_for(device))
    client.post("/customer/login", {"login": customer.user.email, "password": DEFAULT_PASSWORD})
    assert _is_form_error(client.post("/customer/mfa/verify", {"code": f"12{NUL}456"}))


def test_nul_in_an_order_note_is_a_form_error(client, table):
    item = MenuItemFactory(restaurant=table.restaurant)
    response = client.post(f"/menu/{table.token}/order", {f"qty_{item.pk}": "1", "note": f"no{NUL}onions"})
    assert _is_form_error(response)
    assert not Order.objects.exists()


def test_nul_in_admin_fields_is_a_form_error(client, superuser, table):
    staff_force_login(client, superuser)
    restaurant = table.restaurant
    data = {
        "name": f"Evil{NUL}",
        "currency": "EUR",
        "timezone": "Europe/Berlin",
        "company": restaurant.company_id,
        "street": "Street 1",
        "postal_code": "10115",
        "city": "Berlin",
        "country": "DE",
        "email": "evil@example.com",
    }
    assert _is_form_error(client.post(f"/admin/orders/restaurant/{restaurant.pk}/change/", data))
    restaurant.refresh_from_db()
    assert NUL not in restaurant.name
    order = OrderFactory(restaurant=restaurant, table=table)
    response = client.post(
        "/admin/orders/order/", {"action": "delete_selected", "_selected_action": [NUL, str(order.pk)]}
    )
    assert response.status_code < 500
    assert Restaurant.objects.count() == 1

"""The admin accepts only sessions opened by the staff login.

A staff account that signed in through the customer login (password, and
the customer code step when it has MFA) skipped the staff login's limits;
it must get the admin's login page, never the admin.
"""

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from common.sessions import STAFF_SESSION_KEY
from customers.tests.factories import DEFAULT_PASSWORD
from customers.tests.helpers import code_for, is_logged_in

pytestmark = pytest.mark.django_db

ADMIN = "/admin/"
STAFF_LOGIN = "/admin/login/"
STEP = "staff_login_view-current_step"


@pytest.fixture(autouse=True)
def _no_otp_backoff(settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0


def customer_login(client, user):
    response = client.post("/customer/login", {"login": user.email, "password": DEFAULT_PASSWORD})
    assert response.status_code == 302
    return response


def assert_sent_to_the_staff_login(client, url=ADMIN):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(STAFF_LOGIN)


def test_password_only_customer_login_of_staff_gets_the_admin_login(client, staff_a, settings):
    settings.STAFF_REQUIRE_MFA = False
    customer_login(client, staff_a)
    assert is_logged_in(client) and STAFF_SESSION_KEY not in client.session
    assert_sent_to_the_staff_login(client)
    assert_sent_to_the_staff_login(client, "/admin/orders/order/")
    assert_sent_to_the_staff_login(client, "/admin/mfa/setup/")
    # The staff login page shows its form instead of waving the session through.
    page = client.get(STAFF_LOGIN)
    assert page.status_code == 200 and "auth-password" in page.content.decode()


def test_customer_login_with_code_step_of_staff_gets_the_admin_login(client, staff_a, settings):
    settings.STAFF_REQUIRE_MFA = True
    device = TOTPDevice.objects.create(user=staff_a, name="default", confirmed=True)
    response = customer_login(client, staff_a)
    assert response["Location"] == "/customer/mfa/verify"
    response = client.post("/customer/mfa/verify", {"code": code_for(device)})
    assert response.status_code == 302 and is_logged_in(client)
    assert client.session.get("otp_device_id") == device.persistent_id  # a verified session...
    assert_sent_to_the_staff_login(client)  # ...but not from the staff login


def test_the_staff_login_then_opens_the_admin(client, staff_a, settings):
    settings.STAFF_REQUIRE_MFA = False
    customer_login(client, staff_a)
    response = client.post(
        STAFF_LOGIN, {STEP: "auth", "auth-username": staff_a.email, "auth-password": DEFAULT_PASSWORD}
    )
    assert response.status_code == 302 and response["Location"] == ADMIN
    assert client.get(ADMIN).status_code == 200

"""allauth's pages of a signed-in account follow the portal rule (customer_required) too."""

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from common.sessions import STAFF_SESSION_KEY
from customers.mfa import services
from customers.tests.factories import DEFAULT_PASSWORD, CustomerFactory
from customers.tests.helpers import code_for, is_logged_in

pytestmark = pytest.mark.django_db

LOGIN = "/customer/login"
ACCOUNT_PAGES = [
    "/customer/change-email",
    "/customer/change-password",
    "/customer/set-password",
    "/customer/reauthenticate",
]


@pytest.fixture(autouse=True)
def _no_otp_backoff(settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0


def staff_admin_login(client, user) -> None:
    client.post(
        "/admin/login/",
        {"staff_login_view-current_step": "auth", "auth-username": user.email, "auth-password": DEFAULT_PASSWORD},
    )
    assert client.session[STAFF_SESSION_KEY] is True


@pytest.mark.parametrize("url", ACCOUNT_PAGES)
def test_a_customer_can_use_the_account_pages(customer_client, url):
    response = customer_client.get(url)
    assert response.status_code in (200, 302), url
    if response.status_code == 302:  # set-password sends an account that has one to change-password
        assert response["Location"] == "/customer/change-password"


@pytest.mark.parametrize("url", ACCOUNT_PAGES)
def test_guests_are_sent_to_the_customer_login(client, url):
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith(f"{LOGIN}?next={url}")


@pytest.mark.parametrize("url", ACCOUNT_PAGES)
def test_a_staff_account_without_customer_profile_is_refused(client, staff_a, url):
    client.force_login(staff_a)
    response = client.get(url)
    assert response.status_code == 403
    assert "This is the customer portal" in response.content.decode()


@pytest.mark.parametrize("url", ACCOUNT_PAGES)
def test_a_staff_admin_session_is_refused_even_with_a_customer_profile(client, staff_a, settings, url):
    settings.STAFF_REQUIRE_MFA = False
    CustomerFactory(user=staff_a)
    staff_admin_login(client, staff_a)
    response = client.get(url)
    assert response.status_code == 403
    assert "signed in to the staff admin" in response.content.decode()


def test_a_staff_admin_session_cannot_change_the_password_there(client, staff_a, settings):
    settings.STAFF_REQUIRE_MFA = False
    staff_admin_login(client, staff_a)
    new = "Neues-Passwort-2024"
    response = client.post(
        "/customer/change-password", {"oldpassword": DEFAULT_PASSWORD, "password1": new, "password2": new}
    )
    assert response.status_code == 403
    staff_a.refresh_from_db()
    assert staff_a.check_password(DEFAULT_PASSWORD)


@pytest.mark.parametrize("url", ACCOUNT_PAGES)
def test_a_session_from_before_mfa_was_turned_on_is_logged_out(customer_client, customer, url):
    device = services.mfa_setup_device(user=customer.user)
    services.mfa_setup_confirm(user=customer.user, code=code_for(device))
    assert TOTPDevice.objects.get(user=customer.user).confirmed
    response = customer_client.get(url)
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)
    assert not is_logged_in(customer_client)


def test_a_staff_admin_session_can_still_sign_out_here(client, staff_a, settings):
    """The "signed in to the staff admin" page offers exactly this button."""
    settings.STAFF_REQUIRE_MFA = False
    staff_admin_login(client, staff_a)
    response = client.post("/customer/logout", {"next": LOGIN})
    assert response.status_code == 302 and response["Location"] == LOGIN
    assert not is_logged_in(client)

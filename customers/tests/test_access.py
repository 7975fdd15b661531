"""The one portal access rule (customers.access.portal_customer) and customer_required built on it.

Every persona is asked: a customer, a customer with MFA (verified session or
not), a staff account without a profile, a staff admin session, a guest.
Codes are real, computed from the device secret.
"""

import pytest
from django.contrib.sessions.backends.base import SessionBase
from django.utils.module_loading import import_string
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from customers.access import PortalRefusal, portal_access, portal_customer
from customers.mfa import services
from customers.tests.factories import DEFAULT_PASSWORD, CustomerFactory
from customers.tests.helpers import code_for, is_logged_in

pytestmark = pytest.mark.django_db

LOGIN = "/customer/login"
DASHBOARD = "/customer/"
SETUP = "/customer/mfa/setup"
VERIFY = "/customer/mfa/verify"
# A public page that runs the full middleware stack: its request is a real one to ask.
NEUTRAL_PAGE = "/customer/resend-verification"


@pytest.fixture(autouse=True)
def _no_otp_backoff(settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    settings.OTP_STATIC_THROTTLE_FACTOR = 0


def real_request(client):
    """The request object of a real page view (session, user, django-otp's is_verified all set up)."""
    response = client.get(NEUTRAL_PAGE)
    assert response.status_code == 200
    return response.wsgi_request


def enable_mfa(user) -> TOTPDevice:
    """MFA turned on from somewhere else (another browser); returns the confirmed device."""
    device = services.mfa_setup_device(user=user)
    device, _ = services.mfa_setup_confirm(user=user, code=code_for(device, steps_ahead=-1))
    TOTPDevice.objects.filter(pk=device.pk).update(drift=0)
    device.refresh_from_db()
    return device


def session_exists(session_key: str) -> bool:
    from django.conf import settings

    store: SessionBase = import_string(f"{settings.SESSION_ENGINE}.SessionStore")()
    return store.exists(session_key)


# --- portal_customer ----------------------------------------------------------------------------
def test_a_customer_session_gets_its_customer(customer_client, customer):
    assert portal_customer(real_request(customer_client)) == customer


def test_a_guest_gets_none(client):
    access = portal_access(real_request(client))
    assert access.customer is None and access.refusal is PortalRefusal.ANONYMOUS


def test_a_staff_account_without_profile_gets_none(client, staff_a):
    client.force_login(staff_a)
    access = portal_access(real_request(client))
    assert access.customer is None and access.refusal is PortalRefusal.NOT_A_CUSTOMER


def test_a_staff_admin_session_gets_none_even_with_a_profile(client, staff_a, settings):
    settings.STAFF_REQUIRE_MFA = False
    CustomerFactory(user=staff_a)
    client.post(
        "/admin/login/",
        {"staff_login_view-current_step": "auth", "auth-username": staff_a.email, "auth-password": DEFAULT_PASSWORD},
    )
    access = portal_access(real_request(client))
    assert access.customer is None and access.refusal is PortalRefusal.STAFF_SESSION


def test_a_session_opened_before_mfa_was_turned_on_gets_none(customer_client, customer):
    enable_mfa(customer.user)
    access = portal_access(real_request(customer_client))
    assert access.customer is None and access.refusal is PortalRefusal.MFA_NOT_VERIFIED


def test_a_session_that_passed_the_code_step_gets_its_customer(client, customer):
    device = enable_mfa(customer.user)
    client.post(LOGIN, {"login": customer.user.email, "password": DEFAULT_PASSWORD})
    client.post(VERIFY, {"code": code_for(device)})
    assert is_logged_in(client)
    assert portal_customer(real_request(client)) == customer


def test_a_hand_built_request_without_otp_middleware_fails_closed_for_mfa_accounts(rf, customer):
    request = rf.get(DASHBOARD)
    request.session = {}
    request.user = customer.user
    assert portal_customer(request) == customer
    enable_mfa(customer.user)
    request = rf.get(DASHBOARD)
    request.session = {}
    request.user = customer.user
    assert portal_customer(request) is None


def test_asking_twice_in_one_request_costs_one_query(customer_client, customer, django_assert_num_queries):
    request = real_request(customer_client)
    with django_assert_num_queries(1):
        assert portal_customer(request) == customer
    with django_assert_num_queries(0):
        assert portal_customer(request) == customer
        assert request.user.customer == customer
        assert request.user.customer.user.email == customer.user.email


# --- customer_required --------------------------------------------------------------------------
def test_session_opened_before_mfa_was_turned_on_is_logged_out_and_sent_to_login(customer_client, customer):
    assert customer_client.get(DASHBOARD).status_code == 200
    enable_mfa(customer.user)
    response = customer_client.get("/customer/profile")
    assert response.status_code == 302
    assert response["Location"].startswith(f"{LOGIN}?next=/customer/profile")
    assert not is_logged_in(customer_client)
    assert customer_client.get(DASHBOARD)["Location"].startswith(LOGIN)


def test_other_persona_pages_keep_their_answers(client, staff_a):
    assert client.get(DASHBOARD)["Location"].startswith(LOGIN)
    client.force_login(staff_a)
    response = client.get(DASHBOARD)
    assert response.status_code == 403 and "This is the customer portal" in response.content.decode()
    assert is_logged_in(client)  # not a customer, but nothing to log out of


# --- Turning MFA on ends the account's other sessions -------------------------------------------------
def test_turning_mfa_on_ends_other_sessions_and_keeps_this_one_verified(client, customer):
    from django.test import Client

    elsewhere, here = Client(), client
    for browser in (elsewhere, here):
        browser.post(LOGIN, {"login": customer.user.email, "password": DEFAULT_PASSWORD})
        assert browser.get(DASHBOARD).status_code == 200
    elsewhere_key, here_key = elsewhere.session.session_key, here.session.session_key

    here.get(SETUP)
    device = TOTPDevice.objects.get(user=customer.user, confirmed=False)
    assert here.post(SETUP, {"code": code_for(device)}).status_code == 302

    # Gone from the session store itself (database and cache), not only refused.
    assert not session_exists(elsewhere_key)
    assert session_exists(here_key)
    assert here.session[DEVICE_ID_SESSION_KEY] == device.persistent_id
    assert here.get(DASHBOARD).status_code == 200
    assert elsewhere.get(DASHBOARD)["Location"].startswith(LOGIN)

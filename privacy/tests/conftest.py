"""Fixtures for the privacy tests: private invoice storage, an MFA customer, a customer with history."""

import pytest
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from customers.mfa import services as mfa
from customers.tests.helpers import code_for
from invoices.services import invoice_issue
from invoices.tests.factories import paid_order

EXPORT_URL = "/customer/privacy/export"
DELETE_URL = "/customer/privacy/delete"
REAUTH_URL = "/customer/reauthenticate"


@pytest.fixture(autouse=True)
def private_invoice_storage(settings, tmp_path):
    """Invoice PDFs go to the test's own directory, never to the real media root."""
    location = tmp_path / "private-media"
    settings.STORAGES = {
        **settings.STORAGES,
        "invoices": {"BACKEND": "invoices.storage.PrivateFileSystemStorage", "OPTIONS": {"location": str(location)}},
    }
    return location


@pytest.fixture(autouse=True)
def _no_otp_backoff(settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    settings.OTP_STATIC_THROTTLE_FACTOR = 0


def enable_mfa(customer):
    """MFA on through the real set-up service; the current and next code steps stay unused."""
    device = mfa.mfa_setup_device(user=customer.user)
    device, codes = mfa.mfa_setup_confirm(user=customer.user, code=code_for(device, steps_ahead=-1))
    TOTPDevice.objects.filter(pk=device.pk).update(drift=0)
    device.refresh_from_db()
    customer.device, customer.codes = device, codes
    return customer


def login_verified(client, customer):
    """A session that passed both steps (like force_login: no code spent)."""
    client.force_login(customer.user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = customer.device.persistent_id
    session.save()
    return client


def with_invoice(*, customer, restaurant=None, note=""):
    """A paid order of ``customer`` and its issued invoice (real services)."""
    order = paid_order(customer=customer, restaurant=restaurant, note=note)
    return order, invoice_issue(order=order, customer=customer)


@pytest.fixture
def history(customer, restaurant_a, restaurant_b):
    """The customer persona with orders at two restaurants, two invoices and one open order."""
    from orders.tests.factories import order_with_lines

    first = with_invoice(customer=customer, restaurant=restaurant_a, note="window seat please")
    second = with_invoice(customer=customer, restaurant=restaurant_b)
    open_order = order_with_lines(customer=customer, restaurant=restaurant_a, note="nut allergy")
    return {"orders": [first[0], second[0], open_order], "invoices": [first[1], second[1]]}


@pytest.fixture
def other_history(other_customer, restaurant_a):
    order, invoice = with_invoice(customer=other_customer, restaurant=restaurant_a, note="other note 4711")
    return {"order": order, "invoice": invoice}

"""The staff login costs exactly one password hash whatever the account and outcome.

Before, ``authenticate()`` asked both backends in turn: a wrong password (or
an unknown email) paid for two hashes, a customer's *right* password for one
and was then refused as "not staff", so the answer time told an attacker the
customer's password was right. Timing is noisy in CI; what is deterministic is
the number of hasher runs, counted by a real hasher configured as the default
(``encode`` also runs inside ``verify``).
"""

import pytest
from django.test import Client

from customers.tests.factories import DEFAULT_PASSWORD, CustomerFactory, StaffFactory
from customers.tests.helpers import CountingPasswordHasher, is_logged_in

pytestmark = pytest.mark.django_db

STAFF_LOGIN = "/admin/login/"
STEP = "staff_login_view-current_step"


@pytest.fixture(autouse=True)
def counting_hasher(settings):
    settings.PASSWORD_HASHERS = ["customers.tests.helpers.CountingPasswordHasher"]
    settings.STAFF_REQUIRE_MFA = False
    CountingPasswordHasher.calls = 0
    return CountingPasswordHasher


def attempt(client, email, password):
    return client.post(STAFF_LOGIN, {STEP: "auth", "auth-username": email, "auth-password": password})


def account(kind):
    if kind == "unknown":
        return "nobody@example.com"
    if kind == "customer":
        return CustomerFactory().user.email
    if kind == "inactive staff":
        return StaffFactory(is_active=False).email
    if kind == "staff without password":
        staff = StaffFactory()
        staff.set_unusable_password()
        staff.save()
        return staff.email
    return StaffFactory().email


REFUSED = [
    ("unknown", DEFAULT_PASSWORD),
    ("customer", DEFAULT_PASSWORD),
    ("customer", "wrong password"),
    ("staff", "wrong password"),
    ("inactive staff", DEFAULT_PASSWORD),
    ("staff without password", DEFAULT_PASSWORD),
]


@pytest.mark.parametrize(("kind", "password"), REFUSED)
def test_a_refused_staff_login_hashes_exactly_once(client, counting_hasher, kind, password):
    email = account(kind)
    counting_hasher.calls = 0
    response = attempt(client, email, password)
    assert response.status_code == 200
    assert "staff account" in response.content.decode()
    assert not is_logged_in(client)
    assert counting_hasher.calls == 1


def test_a_staff_members_right_password_hashes_exactly_once(client, counting_hasher):
    email = account("staff")
    counting_hasher.calls = 0
    response = attempt(client, email, DEFAULT_PASSWORD)
    assert response.status_code == 302 and is_logged_in(client)
    assert counting_hasher.calls == 1


def test_the_email_is_matched_without_regard_to_case(client):
    email = account("staff")
    assert attempt(client, email.upper(), DEFAULT_PASSWORD).status_code == 302


def test_an_outdated_staff_hash_is_upgraded_after_a_right_password_but_a_customers_is_not(client, settings):
    from django.contrib.auth.hashers import MD5PasswordHasher

    settings.PASSWORD_HASHERS = [*settings.PASSWORD_HASHERS, "django.contrib.auth.hashers.MD5PasswordHasher"]
    staff, customer = StaffFactory(), CustomerFactory().user
    for user in (staff, customer):
        user.password = MD5PasswordHasher().encode(DEFAULT_PASSWORD, "salt")
        user.save()
    assert attempt(client, staff.email, DEFAULT_PASSWORD).status_code == 302
    assert attempt(Client(), customer.email, DEFAULT_PASSWORD).status_code == 200
    staff.refresh_from_db()
    customer.refresh_from_db()
    assert staff.password.startswith("counting_md5$") and staff.check_password(DEFAULT_PASSWORD)
    assert customer.password.startswith("md5$")

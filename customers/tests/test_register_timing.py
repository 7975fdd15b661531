"""Registering a known address must cost the same password hash as a new one.

Otherwise the time of the "check your inbox" answer (an Argon2 hash takes
tens of milliseconds) tells whether an address is registered. Timing itself
is noisy in CI; what is deterministic is that both paths hash once, counted
by a real hasher configured as the default.
"""

import pytest

from customers.models import User
from customers.tests.factories import CustomerFactory, StaffFactory
from customers.tests.helpers import CountingPasswordHasher

pytestmark = pytest.mark.django_db

REGISTER = "/customer/register"
PASSWORD = "Tafelrunde-2024!"


@pytest.fixture(autouse=True)
def counting_hasher(settings):
    settings.PASSWORD_HASHERS = ["customers.tests.helpers.CountingPasswordHasher"]
    CountingPasswordHasher.calls = 0
    return CountingPasswordHasher


def register(client, email):
    response = client.post(REGISTER, {"email": email, "password1": PASSWORD, "full_name": "Ada Lovelace"})
    assert response.status_code == 302 and response["Location"] == "/customer/verify-email"
    return response


def test_a_new_address_costs_one_password_hash(client, counting_hasher):
    register(client, "new@example.com")
    assert counting_hasher.calls == 1
    assert User.objects.get(email="new@example.com").password.startswith("counting_md5$")


@pytest.mark.parametrize("owner", ["customer", "staff"])
def test_a_known_address_costs_the_same_hash_and_changes_no_password(client, counting_hasher, owner):
    user = CustomerFactory().user if owner == "customer" else StaffFactory()
    stored = user.password
    counting_hasher.calls = 0
    register(client, user.email.upper())
    assert counting_hasher.calls == 1
    user.refresh_from_db()
    assert user.password == stored

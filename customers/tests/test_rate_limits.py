"""Every limited account action answers 429 with our page once its limit is used up.

Limits are counted in the default cache; run with REDIS_URL=redis://.../11 to
check them against Redis (as CI does). The numbers are the production
settings, not test overrides, so these tests also document them.
"""

import pytest
from django.core import mail

from customers.tests.factories import DEFAULT_PASSWORD, CustomerFactory

pytestmark = pytest.mark.django_db

TOO_MANY = "Too many attempts"


def assert_429(response):
    assert response.status_code == 429
    assert TOO_MANY in response.content.decode()


LOGIN = "/customer/login"
OWNER_IP, STRANGER_IP = "10.0.0.1", "10.6.6.6"


@pytest.fixture
def clock(monkeypatch):
    """allauth's rate-limit clock, to move past the per-minute IP window without sleeping."""
    import time

    from allauth.core.internal import ratelimit

    class Clock:
        offset = 0.0

        def time(self):
            return time.time() + self.offset

        def __getattr__(self, name):  # monotonic, sleep: the real ones
            return getattr(time, name)

    fake = Clock()
    monkeypatch.setattr(ratelimit, "time", fake)
    return fake


def fail_login(client, email, ip):
    response = client.post(LOGIN, {"login": email, "password": "wrong"}, REMOTE_ADDR=ip)
    assert response.status_code == 200
    return response


def test_a_strangers_failed_logins_do_not_lock_the_owner_out(client, customer):
    email = customer.user.email
    for _ in range(10):
        fail_login(client, email, STRANGER_IP)
    assert (
        client.post(LOGIN, {"login": email, "password": DEFAULT_PASSWORD}, REMOTE_ADDR=STRANGER_IP).status_code == 429
    )
    owner = client.post(LOGIN, {"login": email, "password": DEFAULT_PASSWORD}, REMOTE_ADDR=OWNER_IP)
    assert owner.status_code == 302
    assert "_auth_user_id" in client.session


def test_failed_logins_are_limited_per_account_and_address(client, customer, clock):
    email = customer.user.email
    for _ in range(5):
        fail_login(client, email, STRANGER_IP)
    clock.offset += 61
    for _ in range(5):
        fail_login(client, email, STRANGER_IP)
    clock.offset += 61
    # The per-IP minute is clear, yet the 11th try for this account from this address is refused,
    # even with the right password.
    blocked = client.post(LOGIN, {"login": email, "password": DEFAULT_PASSWORD}, REMOTE_ADDR=STRANGER_IP)
    assert blocked.status_code == 429
    assert "Too many failed login attempts" in blocked.content.decode()
    assert "_auth_user_id" not in client.session
    # Another account from the same address is unaffected.
    other = CustomerFactory()
    response = client.post(LOGIN, {"login": other.user.email, "password": DEFAULT_PASSWORD}, REMOTE_ADDR=STRANGER_IP)
    assert response.status_code == 302
    # Ten minutes later the address may try again.
    client.logout()
    clock.offset += 600
    assert (
        client.post(LOGIN, {"login": email, "password": DEFAULT_PASSWORD}, REMOTE_ADDR=STRANGER_IP).status_code == 302
    )


def test_failed_logins_spread_over_many_addresses_are_limited_per_account(client, customer):
    email = customer.user.email
    for address in range(10):  # 10 addresses x 10 failures: no address reaches its own limits
        for _ in range(10):
            fail_login(client, email, f"10.1.{address}.1")
    # The 101st failure in the hour is refused from anywhere, the owner's address included.
    assert client.post(LOGIN, {"login": email, "password": DEFAULT_PASSWORD}, REMOTE_ADDR=OWNER_IP).status_code == 429
    assert "_auth_user_id" not in client.session
    other = CustomerFactory()
    assert (
        client.post(LOGIN, {"login": other.user.email, "password": DEFAULT_PASSWORD}, REMOTE_ADDR=OWNER_IP).status_code
        == 302
    )


def test_a_successful_login_does_not_use_up_the_failure_limits(client, customer):
    for _ in range(15):
        assert client.post(LOGIN, {"login": customer.user.email, "password": DEFAULT_PASSWORD}).status_code == 302
        client.logout()


def test_failed_logins_from_one_ip_are_limited_per_ip(client):
    accounts = [CustomerFactory() for _ in range(11)]
    statuses = [
        client.post("/customer/login", {"login": c.user.email, "password": "wrong"}).status_code for c in accounts
    ]
    assert statuses[:10] == [200] * 10
    assert statuses[10] == 429


def test_logins_per_ip_are_limited(client, customer):
    for _ in range(30):
        client.post("/customer/login", {"login": customer.user.email, "password": DEFAULT_PASSWORD})
        client.logout()
    assert_429(client.post("/customer/login", {"login": customer.user.email, "password": DEFAULT_PASSWORD}))


def test_registrations_per_address_are_limited(client):
    data = {"email": "spam@example.com", "password1": "Tafelrunde-2024!", "full_name": "S"}
    for _ in range(5):
        assert client.post("/customer/register", data).status_code == 302
    assert_429(client.post("/customer/register", {**data, "email": "SPAM@example.com"}))


def test_registrations_per_ip_are_limited(client):
    for n in range(20):
        data = {"email": f"guest{n}@example.com", "password1": "Tafelrunde-2024!", "full_name": "G"}
        assert client.post("/customer/register", data).status_code == 302
    assert_429(client.post("/customer/register", {**data, "email": "one-more@example.com"}))
    # Another IP (another restaurant's Wi-Fi) can still register.
    other_ip = client.post("/customer/register", {**data, "email": "elsewhere@example.com"}, REMOTE_ADDR="10.1.1.1")
    assert other_ip.status_code == 302


def test_password_resets_per_address_are_limited(client, customer):
    for _ in range(5):
        assert client.post("/customer/forgot-password", {"email": customer.user.email}).status_code == 302
    assert_429(client.post("/customer/forgot-password", {"email": customer.user.email}))
    assert len(mail.outbox) == 5


def test_password_resets_per_ip_are_limited(client):
    for n in range(20):
        client.post("/customer/forgot-password", {"email": f"x{n}@example.com"})
    assert_429(client.post("/customer/forgot-password", {"email": "y@example.com"}))


def test_resend_per_address_is_limited_whether_or_not_the_address_exists(client):
    for email in ("nobody@example.com", CustomerFactory(verified=False).user.email):
        for _ in range(3):
            assert client.post("/customer/resend-verification", {"email": email}).status_code == 302
        assert_429(client.post("/customer/resend-verification", {"email": email.upper()}))


def test_resend_per_ip_is_limited(client):
    for n in range(20):
        assert client.post("/customer/resend-verification", {"email": f"r{n}@example.com"}).status_code == 302
    assert_429(client.post("/customer/resend-verification", {"email": "r-last@example.com"}))


def test_limits_live_in_the_shared_cache(client, customer):
    from django.core.cache import cache

    for _ in range(5):
        client.post("/customer/login", {"login": customer.user.email, "password": "wrong"})
    cache.clear()  # what another process sees is what the cache holds
    assert (
        client.post("/customer/login", {"login": customer.user.email, "password": DEFAULT_PASSWORD}).status_code == 302
    )


def test_behind_a_proxy_the_forwarded_client_ip_counts(client, settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    for n in range(20):
        response = client.post(
            "/customer/resend-verification",
            {"email": f"p{n}@example.com"},
            HTTP_X_FORWARDED_FOR="198.51.100.7",
            REMOTE_ADDR="10.0.0.1",
        )
        assert response.status_code == 302
    same_guest = client.post(
        "/customer/resend-verification",
        {"email": "p-last@example.com"},
        HTTP_X_FORWARDED_FOR="198.51.100.7",
        REMOTE_ADDR="10.0.0.1",
    )
    assert_429(same_guest)
    # Another guest behind the same load balancer is not affected.
    other_guest = client.post(
        "/customer/resend-verification",
        {"email": "q@example.com"},
        HTTP_X_FORWARDED_FOR="198.51.100.8",
        REMOTE_ADDR="10.0.0.1",
    )
    assert other_guest.status_code == 302

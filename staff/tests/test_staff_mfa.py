"""Staff MFA in the admin (django-two-factor-auth) and its separation from the customer portal."""

from base64 import b32decode

import pytest
from django.core.management import call_command
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from common.sessions import STAFF_SESSION_KEY
from customers.mfa import services
from customers.tests.factories import DEFAULT_PASSWORD, CustomerFactory
from customers.tests.helpers import staff_force_login

STAFF_LOGIN = "/admin/login/"
ADMIN = "/admin/"
STEP = "staff_login_view-current_step"


@pytest.fixture(autouse=True)
def _no_otp_backoff(settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    settings.OTP_STATIC_THROTTLE_FACTOR = 0


def code_for(device, *, steps_ahead: int = 0) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=steps_ahead):06d}"


def password_step(client, user, password=DEFAULT_PASSWORD, **extra):
    return client.post(STAFF_LOGIN, {STEP: "auth", "auth-username": user.email, "auth-password": password}, **extra)


def token_step(client, code):
    return client.post(STAFF_LOGIN, {STEP: "token", "token-otp_token": code})


def staff_device(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="default", confirmed=True)


def is_logged_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_admin_sends_anonymous_visitors_to_the_staff_login(client, db):
    response = client.get(ADMIN)
    assert response.status_code == 302
    assert response["Location"].startswith(STAFF_LOGIN)
    page = client.get(STAFF_LOGIN)
    assert page.status_code == 200
    assert "Sign in to the admin" in page.content.decode()


def test_staff_password_only_when_mfa_not_required(client, staff_a, settings):
    settings.STAFF_REQUIRE_MFA = False
    response = password_step(client, staff_a)
    assert response.status_code == 302 and response["Location"] == ADMIN
    assert client.get(ADMIN).status_code == 200


def test_customer_cannot_sign_in_through_the_staff_login(client, customer, settings):
    settings.STAFF_REQUIRE_MFA = False
    response = password_step(client, customer.user)
    assert response.status_code == 200
    assert "staff account" in response.content.decode()
    assert not is_logged_in(client)


def test_customer_with_mfa_cannot_skip_it_through_the_staff_login(client, customer, settings):
    settings.STAFF_REQUIRE_MFA = False
    staff_device(customer.user)
    password_step(client, customer.user)
    assert not is_logged_in(client)


def test_staff_login_session_is_refused_by_the_customer_portal(client, staff_a, settings):
    """Even a staff member with a customer profile must use the customer login for the portal."""
    settings.STAFF_REQUIRE_MFA = False
    CustomerFactory(user=staff_a)
    password_step(client, staff_a)
    assert client.session[STAFF_SESSION_KEY] is True
    response = client.get("/customer/")
    assert response.status_code == 403
    assert "signed in to the staff admin" in response.content.decode()
    assert client.get("/customer/mfa/setup").status_code == 403


def test_customer_login_of_the_same_person_opens_the_portal(client, staff_a):
    CustomerFactory(user=staff_a)
    client.post("/customer/login", {"login": staff_a.email, "password": DEFAULT_PASSWORD})
    assert STAFF_SESSION_KEY not in client.session
    assert client.get("/customer/").status_code == 200


def test_required_mfa_blocks_the_admin_for_a_password_only_session(client, staff_a, settings):
    settings.STAFF_REQUIRE_MFA = True
    staff_force_login(client, staff_a)
    response = client.get(ADMIN)
    assert response.status_code == 302 and response["Location"].startswith(STAFF_LOGIN)
    # Without a device, the login sends the member to set one up.
    assert client.get(response["Location"])["Location"] == "/admin/mfa/setup/"


def test_required_mfa_asks_for_the_code_and_verifies_the_session(client, staff_a, settings):
    settings.STAFF_REQUIRE_MFA = True
    device = staff_device(staff_a)
    response = password_step(client, staff_a)
    assert response.status_code == 200
    assert "6-digit code" in response.content.decode()
    assert not is_logged_in(client)
    assert client.get(ADMIN).status_code == 302

    wrong = token_step(client, f"{(int(code_for(device)) + 1) % 1_000_000:06d}")
    assert wrong.status_code == 200 and not is_logged_in(client)

    response = token_step(client, code_for(device))
    assert response.status_code == 302 and response["Location"] == ADMIN
    assert client.session[DEVICE_ID_SESSION_KEY] == device.persistent_id
    assert client.get(ADMIN).status_code == 200


def test_staff_backup_code_works_once(client, staff_a, settings):
    settings.STAFF_REQUIRE_MFA = True
    staff_device(staff_a)
    backup = StaticDevice.objects.create(user=staff_a, name="backup", confirmed=True)
    backup.token_set.create(token="abcd2345")
    password_step(client, staff_a)
    client.post(STAFF_LOGIN, {"wizard_goto_step": "backup"})
    response = client.post(STAFF_LOGIN, {STEP: "backup", "backup-otp_token": "abcd2345"})
    assert response.status_code == 302
    assert client.get(ADMIN).status_code == 200
    assert not backup.token_set.exists()


def test_staff_sets_up_a_device_with_the_wizard(client, staff_a, settings):
    settings.STAFF_REQUIRE_MFA = True
    password_step(client, staff_a)  # password-only session: may only set up a device
    setup = "/admin/mfa/setup/"
    step = "staff_setup_view-current_step"
    assert client.get(setup).status_code == 200
    page = client.post(setup, {step: "welcome"})
    secret = page.context["secret_key"]
    assert secret in page.content.decode()
    qr = client.get("/admin/mfa/qrcode/")
    assert qr.status_code == 200 and b"<svg" in qr.content
    code = f"{totp(b32decode(secret), drift=0):06d}"
    response = client.post(setup, {step: "generator", "generator-token": code})
    assert response.status_code == 302
    device = TOTPDevice.objects.get(user=staff_a, confirmed=True)
    assert device.name == "default"
    assert client.session[DEVICE_ID_SESSION_KEY] == device.persistent_id
    assert client.get(ADMIN).status_code == 200


def test_staff_pages_are_not_for_customers(customer_client):
    assert customer_client.get("/admin/mfa/setup/").status_code == 403
    assert not TOTPDevice.objects.exists()


def assert_429(response):
    assert response.status_code == 429
    assert "Too many attempts" in response.content.decode()


def test_staff_login_is_rate_limited_per_ip(client, staff_a, settings):
    settings.STAFF_REQUIRE_MFA = False
    # Guesses spread over 20 addresses (none reaches its own limit) from one IP.
    for n in range(20):
        response = client.post(
            STAFF_LOGIN, {STEP: "auth", "auth-username": f"guess{n}@example.com", "auth-password": "wrong"}
        )
        assert response.status_code == 200
    assert_429(password_step(client, staff_a))


def test_failed_passwords_lock_the_account_for_that_address_only(client, staff_a, staff_b, settings):
    settings.STAFF_REQUIRE_MFA = False
    # Ten wrong passwords from one address, the email written differently each time.
    for n in range(10):
        email = f"  {staff_a.email.upper()} " if n % 2 else staff_a.email
        response = client.post(STAFF_LOGIN, {STEP: "auth", "auth-username": email, "auth-password": "wrong"})
        assert response.status_code == 200
    # That address may not try this account again, not even with the right password...
    assert_429(password_step(client, staff_a))
    assert not is_logged_in(client)
    # ...but the attacker cannot lock the staff member out: from their own address they sign in.
    response = password_step(client, staff_a, REMOTE_ADDR="10.2.0.1")
    assert response.status_code == 302 and is_logged_in(client)


def test_failed_passwords_from_many_addresses_lock_the_account(client, staff_a, staff_b, settings):
    settings.STAFF_REQUIRE_MFA = False
    for n in range(50):  # a botnet: every address stays under its own limits
        response = client.post(
            STAFF_LOGIN,
            {STEP: "auth", "auth-username": staff_a.email, "auth-password": f"guess-{n}"},
            REMOTE_ADDR=f"10.1.{n // 200}.{n % 200}",
        )
        assert response.status_code == 200
    assert_429(password_step(client, staff_a, REMOTE_ADDR="10.2.0.1"))
    # Another member signs in from the same address as usual.
    response = password_step(client, staff_b, REMOTE_ADDR="10.2.0.1")
    assert response.status_code == 302 and is_logged_in(client)


def test_successful_sign_ins_do_not_count_against_the_account(client, staff_a, settings):
    from django.test import Client

    settings.STAFF_REQUIRE_MFA = False
    for n in range(12):
        fresh = Client()
        assert password_step(fresh, staff_a, REMOTE_ADDR=f"10.4.0.{n}").status_code == 302
    assert password_step(client, staff_a, REMOTE_ADDR="10.4.1.1").status_code == 302


def test_code_steps_do_not_share_one_account_bucket(client, staff_a, settings):
    """The code steps carry no email; they must not all count against one empty-email key."""
    from django.test import Client

    settings.STAFF_REQUIRE_MFA = True
    device = staff_device(staff_a)
    stranger = Client()
    for n in range(12):
        stranger.post(STAFF_LOGIN, {STEP: "token", "token-otp_token": "000000"}, REMOTE_ADDR=f"10.3.0.{n}")
    password_step(client, staff_a)
    response = token_step(client, code_for(device))
    assert response.status_code == 302 and is_logged_in(client)


def test_the_account_key_is_normalised_and_never_the_address_in_clear(rf):
    from staff.ratelimits import _submitted_account

    keys = {
        _submitted_account("g", rf.post(STAFF_LOGIN, {"auth-username": email}))
        for email in ("Staff@Example.com", " staff@example.com ", "STAFF@EXAMPLE.COM")
    }
    assert len(keys) == 1
    (key,) = keys
    assert "staff" not in key.lower() and "example" not in key.lower()
    assert key != _submitted_account("g", rf.post(STAFF_LOGIN, {"auth-username": "other@example.com"}))


def test_customer_mfa_device_also_guards_that_staff_members_admin_login(client, staff_a, settings):
    """A staff member who turned on MFA in the portal gets asked for it in the admin too."""
    settings.STAFF_REQUIRE_MFA = False
    device = services.mfa_setup_device(user=staff_a)
    device, _ = services.mfa_setup_confirm(user=staff_a, code=code_for(device, steps_ahead=-1))
    response = password_step(client, staff_a)
    assert response.status_code == 200 and not is_logged_in(client)
    # The set-up used the previous step (and synced the drift to it); the current one is free.
    token_step(client, code_for(device))
    assert is_logged_in(client)


def test_seed_demo_staff_can_sign_in_to_the_demo_admin(client, db, settings):
    settings.STAFF_REQUIRE_MFA = False
    call_command("seed_demo", force=True, stdout=open("/dev/null", "w"))  # noqa: SIM115
    response = client.post(
        STAFF_LOGIN, {STEP: "auth", "auth-username": "staff@demo.example", "auth-password": "demo-staff-2026"}
    )
    assert response.status_code == 302
    assert client.get(ADMIN).status_code == 200


def test_staff_profile_and_disable_pages_render_for_a_verified_member(client, staff_a, settings):
    settings.STAFF_REQUIRE_MFA = True
    device = staff_device(staff_a)
    password_step(client, staff_a)
    token_step(client, code_for(device))
    profile = client.get("/admin/mfa/")
    assert profile.status_code == 200 and "On" in profile.content.decode()
    page = client.get("/admin/mfa/disable/")
    assert "set it up again" in page.content.decode()
    response = client.post("/admin/mfa/disable/", {"understand": "on"})
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=staff_a).exists()
    # With MFA required, the admin is closed again until a new device is set up.
    assert client.get(ADMIN).status_code == 302

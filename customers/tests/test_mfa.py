"""Customer MFA: set-up, the login code step on every allauth path, codes, limits.

Codes are real: computed from the device secret with django_otp.oath.totp.
"""

import re
import threading
from datetime import timedelta
from urllib.parse import unquote

import pytest
from django.core import mail
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from customers.mfa import services
from customers.tests.factories import DEFAULT_PASSWORD, CustomerFactory

LOGIN_URL = "/customer/login"
VERIFY_URL = "/customer/mfa/verify"
SETUP_URL = "/customer/mfa/setup"
BACKUP_URL = "/customer/mfa/backup-codes"
DISABLE_URL = "/customer/mfa/disable"
DASHBOARD_URL = "/customer/"


@pytest.fixture(autouse=True)
def _no_otp_backoff(settings):
    # django-otp's exponential back-off would make every second wrong code wait;
    # test_throttling_* turns it back on to prove it.
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    settings.OTP_STATIC_THROTTLE_FACTOR = 0


# --- Helpers ----------------------------------------------------------------------------
def code_for(device, *, steps_ahead: int = 0) -> str:
    """The real TOTP code of ``device``, optionally for a later time step (a second, unused code)."""
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=steps_ahead):06d}"


def enable_mfa(user) -> tuple[TOTPDevice, list[str]]:
    device = services.mfa_setup_device(user=user)
    return services.mfa_setup_confirm(user=user, code=code_for(device))


def password_step(client, user, *, ip="10.0.0.1"):
    return client.post(LOGIN_URL, {"login": user.email, "password": DEFAULT_PASSWORD}, REMOTE_ADDR=ip)


def is_logged_in(client) -> bool:
    return "_auth_user_id" in client.session


@pytest.fixture
def mfa_customer(customer):
    """The customer persona with MFA on; ``.codes`` are the plain backup codes."""
    device = services.mfa_setup_device(user=customer.user)
    # Confirm with the previous step's code, so the current and the next step
    # are still unused for the test; then say the phone's clock is exact.
    device, codes = services.mfa_setup_confirm(user=customer.user, code=code_for(device, steps_ahead=-1))
    TOTPDevice.objects.filter(pk=device.pk).update(drift=0)
    device.refresh_from_db()
    customer.device = device
    customer.codes = codes
    return customer


@pytest.fixture
def mfa_client(client, mfa_customer):
    """A session of the MFA persona that passed both steps (like force_login: no code spent)."""
    client.force_login(mfa_customer.user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = mfa_customer.device.persistent_id
    session.save()
    return client


# --- Set-up -------------------------------------------------------------------------------
def test_setup_page_shows_inline_qr_and_grouped_secret(customer_client, customer):
    response = customer_client.get(SETUP_URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<svg" in html and "<img" not in html.split("<main", 1)[1]
    device = TOTPDevice.objects.get(user=customer.user, confirmed=False)
    groups = services.mfa_secret_groups(device=device)
    assert " ".join(groups) in html
    assert all(len(group) == 4 for group in groups)
    # Reloading keeps the same secret: someone may already have scanned it.
    customer_client.get(SETUP_URL)
    assert TOTPDevice.objects.filter(user=customer.user).count() == 1


def test_setup_with_wrong_code_keeps_mfa_off(customer_client, customer, smtp_server):
    customer_client.get(SETUP_URL)
    device = TOTPDevice.objects.get(user=customer.user)
    wrong = f"{(int(code_for(device)) + 1) % 1_000_000:06d}"
    response = customer_client.post(SETUP_URL, {"code": wrong})
    assert response.status_code == 200
    assert "not correct" in response.content.decode()
    assert not services.mfa_is_enabled(user=customer.user)
    assert not StaticDevice.objects.filter(user=customer.user).exists()
    assert smtp_server.messages == []


def test_setup_with_malformed_code_is_refused(customer_client, customer):
    customer_client.get(SETUP_URL)
    response = customer_client.post(SETUP_URL, {"code": "12ab"})
    assert "6-digit code" in response.content.decode()
    assert not services.mfa_is_enabled(user=customer.user)


def test_setup_with_valid_code_enables_mfa_shows_backup_codes_once_and_mails(
    customer_client, customer, smtp_server, django_capture_on_commit_callbacks
):
    customer_client.get(SETUP_URL)
    device = TOTPDevice.objects.get(user=customer.user)
    with django_capture_on_commit_callbacks(execute=True):
        response = customer_client.post(SETUP_URL, {"code": code_for(device)})
    assert response.status_code == 302
    assert response["Location"] == reverse("customers:mfa_backup_codes_new")
    assert services.mfa_is_enabled(user=customer.user)
    # This session proved the factor, so it is OTP-verified.
    assert customer_client.session[DEVICE_ID_SESSION_KEY] == TOTPDevice.objects.get(user=customer.user).persistent_id

    page = customer_client.get(response["Location"])
    html = page.content.decode()
    shown = re.findall(r"<li>([a-z2-7]{4}-[a-z2-7]{4})</li>", html)
    assert len(shown) == 10
    stored = set(StaticToken.objects.filter(device__user=customer.user).values_list("token", flat=True))
    assert {code.replace("-", "") for code in shown} == stored
    # The download is a text file holding the same codes.
    download = re.search(r'download="backup-codes.txt" href="data:text/plain;charset=utf-8,([^"]+)"', html)
    assert download and all(code in unquote(download.group(1)) for code in shown)
    # Shown once: a reload does not show them again.
    again = customer_client.get(reverse("customers:mfa_backup_codes_new"))
    assert again.status_code == 302 and shown[0] not in again.content.decode()

    messages = smtp_server.wait_for(1)
    assert messages[0]["Subject"] == "Two-factor authentication enabled"
    assert messages[0]["To"] == customer.user.email


def test_setup_when_already_enabled_redirects(mfa_client, mfa_customer):
    response = mfa_client.get(SETUP_URL)
    assert response.status_code == 302 and response["Location"] == DASHBOARD_URL
    assert TOTPDevice.objects.filter(user=mfa_customer.user).count() == 1


def test_mfa_pages_need_a_signed_in_customer(client, db):
    for url in (SETUP_URL, BACKUP_URL, DISABLE_URL):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(LOGIN_URL)


# --- The login step -------------------------------------------------------------------------
def test_login_without_mfa_is_not_stopped(client, customer):
    response = password_step(client, customer.user)
    assert response.status_code == 302 and response["Location"] != VERIFY_URL
    assert is_logged_in(client)


def test_login_with_mfa_stops_at_code_step_and_no_portal_page_is_reachable(client, mfa_customer):
    response = password_step(client, mfa_customer.user)
    assert response.status_code == 302
    assert response["Location"] == VERIFY_URL
    assert not is_logged_in(client)
    for url in (DASHBOARD_URL, SETUP_URL, BACKUP_URL, DISABLE_URL, reverse("customers:mfa_backup_codes_new")):
        page = client.get(url)
        assert page.status_code == 302, url
        assert page["Location"].startswith(LOGIN_URL), url
    # The login page itself sends the half-signed-in visitor back to the code step.
    assert client.get(LOGIN_URL)["Location"] == VERIFY_URL
    page = client.get(VERIFY_URL)
    assert page.status_code == 200
    assert mfa_customer.user.email in page.content.decode()


def test_correct_totp_code_completes_login_with_verified_session(client, mfa_customer):
    password_step(client, mfa_customer.user)
    response = client.post(VERIFY_URL, {"code": code_for(mfa_customer.device)})
    assert response.status_code == 302
    assert response["Location"] == DASHBOARD_URL
    assert is_logged_in(client)
    assert client.session[DEVICE_ID_SESSION_KEY] == mfa_customer.device.persistent_id
    assert client.get(DASHBOARD_URL).status_code == 200


def test_wrong_code_keeps_visitor_logged_out(client, mfa_customer):
    password_step(client, mfa_customer.user)
    wrong = f"{(int(code_for(mfa_customer.device, steps_ahead=1)) + 7) % 1_000_000:06d}"
    response = client.post(VERIFY_URL, {"code": wrong})
    assert response.status_code == 200
    assert "not correct" in response.content.decode()
    assert not is_logged_in(client)


def test_totp_code_works_once_per_time_step(client, mfa_customer):
    code = code_for(mfa_customer.device)
    password_step(client, mfa_customer.user)
    client.post(VERIFY_URL, {"code": code})
    assert is_logged_in(client)
    client.post("/customer/logout")
    assert not is_logged_in(client)

    password_step(client, mfa_customer.user)
    replay = client.post(VERIFY_URL, {"code": code})
    assert replay.status_code == 200 and not is_logged_in(client)
    assert "already been used" in replay.content.decode()
    # The code of the next time step is still accepted (±1 step of drift).
    client.post(VERIFY_URL, {"code": code_for(mfa_customer.device, steps_ahead=1)})
    assert is_logged_in(client)


def test_older_step_is_refused_after_a_newer_one_was_used(mfa_customer):
    user = mfa_customer.user
    services.mfa_code_verify(user=user, code=code_for(mfa_customer.device, steps_ahead=1))
    with pytest.raises(services.MFACodeError):
        services.mfa_code_verify(user=user, code=code_for(mfa_customer.device))


def test_codes_beyond_one_step_of_drift_are_refused(mfa_customer):
    # Three steps ahead stays outside the window even if a step boundary passes mid-test.
    with pytest.raises(services.MFACodeError):
        services.mfa_code_verify(user=mfa_customer.user, code=code_for(mfa_customer.device, steps_ahead=3))
    device = services.mfa_code_verify(user=mfa_customer.user, code=code_for(mfa_customer.device))
    assert device == mfa_customer.device


def test_backup_code_logs_in_once_and_mails(client, mfa_customer, smtp_server, django_capture_on_commit_callbacks):
    code = mfa_customer.codes[0]
    password_step(client, mfa_customer.user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(VERIFY_URL, {"code": code.upper().replace("-", " ")})
    assert response.status_code == 302 and is_logged_in(client)
    static = StaticDevice.objects.get(user=mfa_customer.user)
    assert client.session[DEVICE_ID_SESSION_KEY] == static.persistent_id
    assert static.token_set.count() == 9
    mails = smtp_server.wait_for(1)
    assert mails[-1]["Subject"] == "A backup code was used to sign in"
    assert "9 unused backup codes left" in mails[-1].get_body(("plain",)).get_content()

    client.post("/customer/logout")
    password_step(client, mfa_customer.user)
    again = client.post(VERIFY_URL, {"code": code})
    assert again.status_code == 200 and not is_logged_in(client)
    assert "already been used" in again.content.decode()


def test_backup_code_is_not_counted_as_a_failed_totp_attempt(mfa_customer, settings):
    services.mfa_code_verify(user=mfa_customer.user, code=mfa_customer.codes[1])
    with pytest.raises(services.MFACodeError):
        services.mfa_code_verify(user=mfa_customer.user, code="zzzz-zzzz")
    mfa_customer.device.refresh_from_db()
    assert mfa_customer.device.throttling_failure_count == 0
    assert StaticDevice.objects.get(user=mfa_customer.user).throttling_failure_count == 1


def test_code_step_is_never_cached(client, mfa_customer):
    password_step(client, mfa_customer.user)
    for response in (client.get(VERIFY_URL), client.post(VERIFY_URL, {"code": "000000"})):
        assert response.status_code == 200
        assert {"no-cache", "no-store", "private"} <= {part.strip() for part in response["Cache-Control"].split(",")}


def test_verify_without_pending_login_goes_to_login(client, db):
    response = client.get(VERIFY_URL)
    assert response.status_code == 302 and response["Location"] == LOGIN_URL


def test_cancel_drops_the_pending_login(client, mfa_customer):
    password_step(client, mfa_customer.user)
    response = client.post(reverse("customers:mfa_verify_cancel"))
    assert response["Location"] == LOGIN_URL
    assert client.get(VERIFY_URL)["Location"] == LOGIN_URL
    assert client.get(LOGIN_URL).status_code == 200


# --- Other allauth login paths ---------------------------------------------------------------
def _reset_link_from_outbox() -> str:
    body = mail.outbox[-1].body
    return re.search(r"https?://[^\s]+/customer/reset-password/[^\s]+", body).group(0)


def test_password_reset_login_also_needs_the_code(client, mfa_customer, settings):
    settings.ACCOUNT_LOGIN_ON_PASSWORD_RESET = True
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    mail.outbox.clear()
    client.post("/customer/forgot-password", {"email": mfa_customer.user.email})
    link = _reset_link_from_outbox()
    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200
    new_password = "a brand new passphrase 42"
    response = client.post(
        form_page.redirect_chain[-1][0] if form_page.redirect_chain else link,
        {"password1": new_password, "password2": new_password},
    )
    assert response.status_code == 302
    assert response["Location"] == VERIFY_URL
    assert not is_logged_in(client)
    assert client.get(DASHBOARD_URL).status_code == 302

    client.post(VERIFY_URL, {"code": code_for(mfa_customer.device, steps_ahead=1)})
    assert is_logged_in(client)
    assert client.session[DEVICE_ID_SESSION_KEY] == mfa_customer.device.persistent_id


def test_login_after_email_confirmation_also_needs_the_code(client, settings, db):
    settings.ACCOUNT_EMAIL_VERIFICATION = "mandatory"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    customer = CustomerFactory(verified=False)
    device, _ = enable_mfa(customer.user)
    mail.outbox.clear()
    # Password step: allauth's email verification stage pauses the login and mails a link.
    password_step(client, customer.user)
    assert not is_logged_in(client)
    link = re.search(r"https?://[^\s]+/customer/verify-email/[^\s]+", mail.outbox[-1].body).group(0)
    response = client.get(link)
    if response.status_code == 200:  # a confirmation page (ACCOUNT_CONFIRM_EMAIL_ON_GET off)
        response = client.post(link)
    assert response.status_code == 302
    assert response["Location"] == VERIFY_URL
    assert not is_logged_in(client)
    client.post(VERIFY_URL, {"code": code_for(device, steps_ahead=1)})
    assert is_logged_in(client)


# --- Brute force ---------------------------------------------------------------------------------
def test_throttling_with_the_real_factor_blocks_even_the_right_code(client, mfa_customer, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 1
    device = mfa_customer.device
    password_step(client, mfa_customer.user)
    right = code_for(device, steps_ahead=1)
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"
    client.post(VERIFY_URL, {"code": wrong})
    response = client.post(VERIFY_URL, {"code": right})
    assert "Too many wrong codes" in response.content.decode()
    assert not is_logged_in(client)
    device.refresh_from_db()
    assert device.throttling_failure_count == 1
    # Once the back-off (1 s after one failure) has passed, the right code works.
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_timestamp=timezone.now() - timedelta(seconds=2))
    client.post(VERIFY_URL, {"code": right})
    assert is_logged_in(client)


def test_rate_limit_per_account_answers_429_whatever_the_ip(client, mfa_customer):
    password_step(client, mfa_customer.user)
    for attempt in range(10):
        response = client.post(VERIFY_URL, {"code": "000000"}, REMOTE_ADDR=f"10.1.0.{attempt}")
        assert response.status_code == 200
    blocked = client.post(VERIFY_URL, {"code": code_for(mfa_customer.device, steps_ahead=1)}, REMOTE_ADDR="10.2.0.1")
    assert blocked.status_code == 429
    assert "Too many attempts" in blocked.content.decode()
    assert not is_logged_in(client)


def test_rate_limit_per_ip_across_accounts(client, db):
    victims = [CustomerFactory() for _ in range(4)]
    for victim in victims:
        enable_mfa(victim.user)
    statuses = []
    for victim in victims:
        client.post("/customer/mfa/verify/cancel")
        password_step(client, victim.user, ip="10.9.9.9")
        for _ in range(8):
            statuses.append(client.post(VERIFY_URL, {"code": "000000"}, REMOTE_ADDR="10.9.9.9").status_code)
    assert statuses[:30] == [200] * 30
    assert set(statuses[30:]) == {429}


# --- Backup codes ------------------------------------------------------------------------------
def test_regenerate_with_password_replaces_codes_at_once_and_mails(
    mfa_client, mfa_customer, smtp_server, django_capture_on_commit_callbacks
):
    old = mfa_customer.codes
    with django_capture_on_commit_callbacks(execute=True):
        response = mfa_client.post(BACKUP_URL, {"password": DEFAULT_PASSWORD})
    assert response.status_code == 302
    new_page = mfa_client.get(response["Location"]).content.decode()
    new = re.findall(r"<li>([a-z2-7]{4}-[a-z2-7]{4})</li>", new_page)
    assert len(new) == 10 and not set(new) & set(old)
    with pytest.raises(services.MFACodeError):
        services.mfa_code_verify(user=mfa_customer.user, code=old[2])
    assert services.mfa_code_verify(user=mfa_customer.user, code=new[0])
    # The new codes' notice, then (outside a request the hook runs at once) the alert for the code just used.
    assert [m["Subject"] for m in smtp_server.wait_for(2)] == [
        "New backup codes made",
        "A backup code was used to sign in",
    ]


def test_signed_in_with_a_backup_code_regenerating_keeps_the_session_and_ends_others(client, mfa_customer):
    # Lost phone: sign in with a backup code, then make new codes right away.
    from django.test import Client

    other = Client()
    password_step(other, mfa_customer.user)
    assert other.post(VERIFY_URL, {"code": mfa_customer.codes[1]}).status_code == 302
    password_step(client, mfa_customer.user)
    assert client.post(VERIFY_URL, {"code": mfa_customer.codes[0]}).status_code == 302

    response = client.post(BACKUP_URL, {"password": DEFAULT_PASSWORD})
    assert response.status_code == 302
    new_page = client.get(response["Location"])
    assert new_page.status_code == 200 and is_logged_in(client)
    assert len(re.findall(r"<li>([a-z2-7]{4}-[a-z2-7]{4})</li>", new_page.content.decode())) == 10
    assert client.get("/customer/orders").status_code == 200
    # A session that used an old backup code no longer counts as verified.
    assert other.get("/customer/orders").status_code == 302


def test_regenerate_with_fresh_code_instead_of_password(mfa_client, mfa_customer):
    response = mfa_client.post(BACKUP_URL, {"code": code_for(mfa_customer.device, steps_ahead=1)})
    assert response.status_code == 302
    assert not StaticToken.objects.filter(device__user=mfa_customer.user, token=mfa_customer.codes[0].replace("-", ""))


def test_regenerate_with_wrong_password_changes_nothing(mfa_client, mfa_customer):
    before = set(StaticToken.objects.filter(device__user=mfa_customer.user).values_list("token", flat=True))
    response = mfa_client.post(BACKUP_URL, {"password": "not my password"})
    assert response.status_code == 200
    assert "password is not correct" in response.content.decode()
    after = set(StaticToken.objects.filter(device__user=mfa_customer.user).values_list("token", flat=True))
    assert before == after
    empty = mfa_client.post(BACKUP_URL, {})
    assert "Enter your password or a current code" in empty.content.decode()


def test_backup_codes_page_shows_age_and_remaining(mfa_client, mfa_customer):
    services.mfa_code_verify(user=mfa_customer.user, code=mfa_customer.codes[0])
    html = mfa_client.get(BACKUP_URL).content.decode()
    assert "<strong>9</strong> of 10 unused" in html


# --- Disabling ------------------------------------------------------------------------------------
def test_disable_needs_password_and_code(mfa_client, mfa_customer, smtp_server, django_capture_on_commit_callbacks):
    user = mfa_customer.user
    code = code_for(mfa_customer.device, steps_ahead=1)
    # Right code, wrong password: refused, and the code is not spent.
    response = mfa_client.post(DISABLE_URL, {"password": "wrong password", "code": code})
    assert response.status_code == 200 and services.mfa_is_enabled(user=user)
    # Right password, wrong code: refused.
    response = mfa_client.post(DISABLE_URL, {"password": DEFAULT_PASSWORD, "code": "123456x"})
    assert response.status_code == 200 and services.mfa_is_enabled(user=user)
    # Password alone: refused by the form.
    response = mfa_client.post(DISABLE_URL, {"password": DEFAULT_PASSWORD})
    assert response.status_code == 200 and services.mfa_is_enabled(user=user)

    with django_capture_on_commit_callbacks(execute=True):
        response = mfa_client.post(DISABLE_URL, {"password": DEFAULT_PASSWORD, "code": code})
    assert response.status_code == 302
    assert not services.mfa_is_enabled(user=user)
    assert not TOTPDevice.objects.filter(user=user).exists()
    assert not StaticDevice.objects.filter(user=user).exists()
    assert [m["Subject"] for m in smtp_server.wait_for(1)] == ["Two-factor authentication turned off"]


def test_disable_accepts_a_backup_code(mfa_client, mfa_customer):
    response = mfa_client.post(DISABLE_URL, {"password": DEFAULT_PASSWORD, "code": mfa_customer.codes[4]})
    assert response.status_code == 302
    assert not services.mfa_is_enabled(user=mfa_customer.user)


def test_after_disabling_login_needs_only_the_password(client, mfa_customer):
    services.mfa_disable(user=mfa_customer.user)
    password_step(client, mfa_customer.user)
    assert is_logged_in(client)


# --- Dashboard security section -------------------------------------------------------------------------
def _render_section(user) -> str:
    request = RequestFactory().get(DASHBOARD_URL)
    request.user = user
    template = Template('{% include "customers/mfa/_security_section.html" %}')
    return template.render(Context({"request": request, "user": user}))


def test_security_section_suggests_setup_when_off(customer):
    html = _render_section(customer.user)
    assert "Off" in html and SETUP_URL in html


def test_security_section_shows_on_with_backup_code_facts(mfa_customer, django_assert_max_num_queries):
    services.mfa_code_verify(user=mfa_customer.user, code=mfa_customer.codes[0])
    with django_assert_max_num_queries(3):
        html = _render_section(mfa_customer.user)
    assert "On" in html
    assert "<strong>9</strong> of 10 left" in html
    assert timezone.localdate().strftime("%Y") in html
    assert BACKUP_URL in html and DISABLE_URL in html


def test_backup_code_counts_shown_come_from_the_service(mfa_client, mfa_customer, monkeypatch):
    # The pages say "of N" with the N the service makes, not a number of their own.
    monkeypatch.setattr(services, "BACKUP_CODE_COUNT", 12)
    codes = services.mfa_backup_codes_regenerate(user=mfa_customer.user)
    assert len(codes) == 12
    assert "<strong>12</strong> of 12 left" in _render_section(mfa_customer.user)
    assert "<strong>12</strong> of 12 unused" in mfa_client.get(BACKUP_URL).content.decode()


@pytest.mark.parametrize(("used", "low"), [(6, False), (7, True)])
def test_security_section_suggests_new_codes_when_three_or_fewer_are_left(mfa_customer, used, low):
    for code in mfa_customer.codes[:used]:
        services.mfa_code_verify(user=mfa_customer.user, code=code)
    assert ("Make new ones soon." in _render_section(mfa_customer.user)) is low


# --- Concurrency (PostgreSQL) ---------------------------------------------------------------------
def _race(user, code, attempts=4) -> list[bool]:
    from django.db import connection

    barrier = threading.Barrier(attempts)
    results: list[bool] = []

    def attempt():
        try:
            barrier.wait()
            services.mfa_code_verify(user=user, code=code)
            results.append(True)
        except services.MFACodeError:
            results.append(False)
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt) for _ in range(attempts)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_same_code_sent_concurrently_is_accepted_once():
    """The device row lock: without it, parallel requests with one code would all pass."""
    customer = CustomerFactory()
    device, codes = enable_mfa(customer.user)
    assert sorted(_race(customer.user, codes[0])) == [False, False, False, True]
    assert sorted(_race(customer.user, code_for(device, steps_ahead=1))) == [False, False, False, True]

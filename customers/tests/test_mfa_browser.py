"""Journey in Chromium at a phone viewport: turn MFA on, sign in with a code, then with a backup code."""

import re
from base64 import b32decode
from pathlib import Path

import pytest
from django_otp.oath import totp
from playwright.sync_api import expect

from customers.tests.factories import DEFAULT_PASSWORD, CustomerFactory

SCREENSHOTS = Path(__file__).resolve().parents[2] / "screenshots"


@pytest.fixture(autouse=True)
def _no_otp_backoff(settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    settings.OTP_STATIC_THROTTLE_FACTOR = 0


def shot(page, name):
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"mfa-{name}.png"), full_page=True)


def log_in(page, base, email):
    page.goto(f"{base}/customer/login")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", DEFAULT_PASSWORD)
    page.get_by_role("button", name="Log in").click()


def log_out(page):
    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("button", name="Log out")).to_have_count(0)


@pytest.mark.browser
def test_customer_turns_on_mfa_and_signs_in_with_code_then_backup_code(live_server, phone_page, settings, tmp_path):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    page = phone_page
    base = live_server.url
    customer = CustomerFactory()
    email = customer.user.email

    log_in(page, base, email)
    expect(page).to_have_url(f"{base}/customer/")
    expect(page.get_by_test_id("mfa-section")).to_contain_text("Off")
    page.get_by_test_id("mfa-section").get_by_role("link", name="Set up two-factor authentication").click()

    # Set-up: the QR code is inline SVG; read the secret the way a person would type it.
    expect(page.get_by_role("heading", name="Set up two-factor authentication")).to_be_visible()
    expect(page.locator(".mfa-qr svg")).to_be_visible()
    shot(page, "setup")
    page.get_by_text("Can't scan? Enter the key by hand").click()
    secret = page.get_by_test_id("mfa-secret").inner_text().replace(" ", "")
    assert re.fullmatch(r"[A-Z2-7]{32}", secret)
    key = b32decode(secret)

    page.fill("input[name=code]", "000000" if f"{totp(key):06d}" != "000000" else "111111")
    page.get_by_role("button", name="Turn on two-factor authentication").click()
    expect(page.locator(".field-error")).to_contain_text("not correct")
    shot(page, "setup-error")

    page.fill("input[name=code]", f"{totp(key):06d}")
    page.get_by_role("button", name="Turn on two-factor authentication").click()
    expect(page.get_by_role("heading", name="Save your backup codes")).to_be_visible()
    codes = page.get_by_test_id("backup-codes").locator("li").all_inner_texts()
    assert len(codes) == 10
    shot(page, "backup-codes")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download as .txt").click()
    download = download_info.value
    assert download.suggested_filename == "backup-codes.txt"
    saved = tmp_path / "codes.txt"
    download.save_as(saved)
    assert all(code in saved.read_text() for code in codes)

    page.get_by_role("link", name="I have saved them — done").click()
    expect(page.get_by_test_id("mfa-section")).to_contain_text("10 of 10 left")
    shot(page, "dashboard-on")

    # Sign in again: the password alone stops at the code step.
    log_out(page)
    log_in(page, base, email)
    expect(page).to_have_url(f"{base}/customer/mfa/verify")
    expect(page.get_by_role("heading", name="Enter your code")).to_be_visible()
    shot(page, "verify")
    page.goto(f"{base}/customer/")  # no way around it by URL
    expect(page).to_have_url(f"{base}/customer/mfa/verify")
    # The set-up used the current time step; the next one is a fresh code (±1 step allowed).
    page.fill("input[name=code]", f"{totp(key, drift=1):06d}")
    page.get_by_role("button", name="Sign in", exact=True).click()
    expect(page).to_have_url(f"{base}/customer/")

    # Lost phone: a backup code works (once).
    log_out(page)
    log_in(page, base, email)
    expect(page).to_have_url(f"{base}/customer/mfa/verify")
    page.fill("input[name=code]", codes[0])
    page.get_by_role("button", name="Sign in", exact=True).click()
    expect(page).to_have_url(f"{base}/customer/")
    expect(page.get_by_test_id("mfa-section")).to_contain_text("9 of 10 left")

    log_out(page)
    log_in(page, base, email)
    page.fill("input[name=code]", codes[0])
    page.get_by_role("button", name="Sign in", exact=True).click()
    expect(page.locator(".field-error")).to_contain_text("already been used")
    expect(page).to_have_url(f"{base}/customer/mfa/verify")
    shot(page, "verify-error")

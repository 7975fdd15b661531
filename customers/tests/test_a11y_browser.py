"""axe-core (WCAG 2.1 A/AA) on every portal, account and MFA page at 390x844, normal and with errors.

Each page is checked as it first appears and after a submission with bad input, so the
error markup (field errors, aria-invalid, aria-describedby, alerts) is checked too.
``axe_check`` fails on any serious or critical violation (common/tests/a11y.py).
"""

import pytest
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from customers.tests.factories import DEFAULT_PASSWORD, CustomerFactory
from customers.tests.helpers import code_for
from invoices.services import invoice_issue
from invoices.tests.factories import paid_order

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ERRORS = ".field-error, .alert-error, [aria-invalid=true]"


@pytest.fixture(autouse=True)
def _no_otp_backoff(settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    settings.OTP_STATIC_THROTTLE_FACTOR = 0
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


def submit(page, button: str, **fields: str) -> None:
    for name, value in fields.items():
        page.locator(f"main [name={name}]").fill(value)
    page.locator("main").get_by_role("button", name=button, exact=True).click()
    page.wait_for_load_state()


def check_page(page, axe_check, url: str, heading: str) -> None:
    page.goto(url)
    expect(page.locator("h1")).to_contain_text(heading)
    axe_check(page, state="as it opens")


def check_errors(page, axe_check, button: str, **fields: str) -> None:
    submit(page, button, **fields)
    expect(page.locator(ERRORS).first).to_be_visible()
    axe_check(page, state="after a bad submission")


def log_in(page, base: str, email: str) -> None:
    page.goto(f"{base}/customer/login")
    submit(page, "Log in", login=email, password=DEFAULT_PASSWORD)


def test_public_account_pages_pass_axe_normal_and_with_errors(live_server, phone_page, axe_check):
    page, base = phone_page, live_server.url
    CustomerFactory(user__email="taken@example.com")

    check_page(page, axe_check, f"{base}/customer/login", "Log in")
    check_errors(page, axe_check, "Log in", login="taken@example.com", password="wrong-password")

    check_page(page, axe_check, f"{base}/customer/register", "Create your account")
    check_errors(page, axe_check, "Create account", email="not-an-email", password1="short")

    check_page(page, axe_check, f"{base}/customer/forgot-password", "Forgot your password?")
    check_errors(page, axe_check, "Send reset link", email="not-an-email")

    check_page(page, axe_check, f"{base}/customer/resend-verification", "Get a new verification link")
    check_errors(page, axe_check, "Send link", email="not-an-email")

    check_page(page, axe_check, f"{base}/customer/verify-email", "Check your inbox")
    # The link from the mail confirms on opening and lands on a page with a flash message.
    from allauth.account.models import EmailAddress, EmailConfirmationHMAC

    unverified = CustomerFactory(verified=False)
    key = EmailConfirmationHMAC(EmailAddress.objects.get(user=unverified.user)).key
    page.goto(f"{base}/customer/verify-email/{key}")
    expect(page.locator(".messages .message").first).to_be_visible()
    axe_check(page, state="after confirming the address, with its message")
    # The error states of the links from the mails: a broken verification or reset link.
    check_page(page, axe_check, f"{base}/customer/verify-email/broken-key", "This link doesn't work")
    check_page(page, axe_check, f"{base}/customer/reset-password/1-broken", "This link doesn't work")


def test_password_reset_form_passes_axe_normal_and_with_errors(live_server, phone_page, axe_check):
    from allauth.account.forms import default_token_generator
    from allauth.account.utils import user_pk_to_url_str

    page, base = phone_page, live_server.url
    user = CustomerFactory().user
    key = default_token_generator.make_token(user)
    check_page(page, axe_check, f"{base}/customer/reset-password/{user_pk_to_url_str(user)}-{key}", "new password")
    check_errors(page, axe_check, "Save new password", password1="Long-enough-1", password2="Different-2")


def test_signed_in_portal_pages_pass_axe_normal_and_with_errors(live_server, phone_page, axe_check):
    page, base = phone_page, live_server.url
    customer = CustomerFactory()
    order = paid_order(customer=customer)
    invoice = invoice_issue(order=order, customer=customer)
    log_in(page, base, customer.user.email)
    expect(page).to_have_url(f"{base}/customer/")

    check_page(page, axe_check, f"{base}/customer/", "Hello,")  # with the security (MFA) section
    check_page(page, axe_check, f"{base}/customer/orders", "Your orders")
    page.goto(f"{base}/customer/orders?date_from=2025-03-15&date_to=2025-03-14")
    expect(page.locator(ERRORS).first).to_be_visible()
    axe_check(page, state="a filter with the end before the start")
    check_page(page, axe_check, f"{base}/customer/orders/{order.pk}", order.restaurant.name)

    check_page(page, axe_check, f"{base}/customer/orders/claim", "Add an order")
    check_errors(page, axe_check, "Add to my account", code="!!")

    check_page(page, axe_check, f"{base}/customer/invoices", "Invoices")
    page.goto(f"{base}/customer/invoices?date_from=2025-03-15&date_to=2025-03-14")
    expect(page.locator(ERRORS).first).to_be_visible()
    axe_check(page, state="a filter with the end before the start")
    check_page(page, axe_check, f"{base}/customer/invoices/{invoice.pk}", "Invoice")

    check_page(page, axe_check, f"{base}/customer/profile", "Business profile")
    check_errors(page, axe_check, "Save details", full_name="", postal_code="")

    check_page(page, axe_check, f"{base}/customer/change-email", "Change email address")
    check_errors(page, axe_check, "Change email", email="not-an-email")

    check_page(page, axe_check, f"{base}/customer/change-password", "Change password")
    check_errors(page, axe_check, "Change password", oldpassword="wrong-password", password1="x", password2="y")


def test_mfa_pages_pass_axe_normal_and_with_errors(live_server, phone_page, axe_check):
    page, base = phone_page, live_server.url
    customer = CustomerFactory()
    log_in(page, base, customer.user.email)

    check_page(page, axe_check, f"{base}/customer/mfa/setup", "Set up two-factor authentication")
    check_errors(page, axe_check, "Turn on two-factor authentication", code="000000")
    device = TOTPDevice.objects.get(user=customer.user, confirmed=False)
    submit(page, "Turn on two-factor authentication", code=code_for(device))
    expect(page.locator("h1")).to_contain_text("Save your backup codes")
    axe_check(page, state="the new backup codes")
    page.get_by_role("link", name="I have saved them — done").click()
    expect(page.get_by_test_id("mfa-section")).to_contain_text("On")
    axe_check(page, state="dashboard with MFA on")

    # Signing in again stops at the code step.
    page.get_by_role("button", name="Log out").click()
    log_in(page, base, customer.user.email)
    expect(page.locator("h1")).to_contain_text("Enter")
    axe_check(page, state="the code step")
    check_errors(page, axe_check, "Sign in", code="000000" if code_for(device) != "000000" else "111111")
    TOTPDevice.objects.filter(pk=device.pk).update(last_t=-1)
    submit(page, "Sign in", code=code_for(device))
    expect(page).to_have_url(f"{base}/customer/")

    check_page(page, axe_check, f"{base}/customer/mfa/backup-codes", "Backup codes")
    check_errors(page, axe_check, "Make new backup codes", password="wrong-password")

    check_page(page, axe_check, f"{base}/customer/mfa/disable", "Turn off two-factor authentication")
    check_errors(page, axe_check, "Turn off two-factor authentication", password="wrong-password", code="000000")
    assert timezone.now()  # the session is still signed in: the checks above ran on real pages

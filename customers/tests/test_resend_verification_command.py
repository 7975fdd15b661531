from datetime import timedelta
from io import StringIO

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.core.management import CommandError, call_command
from django.utils import timezone

from customers.tests.factories import CustomerFactory, StaffFactory, UserFactory
from customers.tests.helpers import link_from_mail

pytestmark = pytest.mark.django_db


def run(*args):
    out = StringIO()
    call_command("resend_verification", *args, stdout=out)
    return out.getvalue()


def registered(hours_ago, verified=False, **kwargs):
    customer = CustomerFactory(verified=verified, **kwargs)
    customer.user.date_joined = timezone.now() - timedelta(hours=hours_ago)
    customer.user.save(update_fields=["date_joined"])
    return customer


def test_one_address(settings):
    settings.SITE_URL = "https://order.example.com"
    customer = registered(1)
    output = run("--email", customer.user.email.upper())
    assert f"{customer.user.email}: sent" in output
    assert "1 address(es): 1 sent" in output
    assert mail.outbox[0].to == [customer.user.email]
    # Links point at the real site, not at a test host.
    assert link_from_mail(mail.outbox[0], "/customer/verify-email/").startswith(
        "https://order.example.com/customer/verify-email/"
    )


def test_older_than_picks_unverified_customers_registered_before_the_cutoff():
    old = registered(30)
    new = registered(2)
    verified = registered(50, verified=True)
    staff = StaffFactory()
    EmailAddress.objects.create(user=staff, email=staff.email, verified=False, primary=True)
    output = run("--older-than", "24")
    assert f"{old.user.email}: sent" in output
    for skipped in (new.user.email, verified.user.email, staff.email):
        assert skipped not in output
    assert [m.to for m in mail.outbox] == [[old.user.email]]


def test_dry_run_prints_and_sends_nothing_and_spends_no_limit():
    customer = registered(30)
    output = run("--older-than", "24", "--dry-run")
    assert f"{customer.user.email}: would send (dry run)" in output
    assert output.strip().endswith("Dry run: 1 address(es): 1 would send (dry run)")
    assert mail.outbox == []
    assert "sent" in run("--email", customer.user.email)


def test_respects_the_rate_limits():
    customer = registered(30)
    first = run("--email", customer.user.email)
    second = run("--email", customer.user.email)
    assert ": sent" in first
    assert "skipped (a mail was sent less than 3 minutes ago)" in second
    assert len(mail.outbox) == 1


def test_hourly_per_address_limit_is_shared_with_the_resend_page(client):
    customer = registered(30)
    for _ in range(3):
        client.post("/customer/resend-verification", {"email": customer.user.email})
    assert "rate limited" in run("--email", customer.user.email)


def test_reports_unknown_and_verified_addresses():
    verified = registered(1, verified=True)
    assert "nobody@example.com: no such address" in run("--email", "nobody@example.com")
    assert f"{verified.user.email}: already verified" in run("--email", verified.user.email)
    assert mail.outbox == []


def test_reports_a_mail_server_failure(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2
    customer = registered(30)
    assert "failed (mail server error, logged)" in run("--email", customer.user.email)


@pytest.mark.parametrize("args", [[], ["--email", "a@example.com", "--older-than", "3"], ["--older-than", "-1"]])
def test_needs_exactly_one_selection(args):
    with pytest.raises(CommandError):
        run(*args)


def test_users_without_customer_profile_are_not_selected():
    user = UserFactory()
    user.date_joined = timezone.now() - timedelta(days=3)
    user.save()
    EmailAddress.objects.create(user=user, email=user.email, verified=False, primary=True)
    assert "nothing to do" in run("--older-than", "1")


def test_one_staff_address_is_reported_unknown_and_gets_no_mail():
    staff = StaffFactory()
    EmailAddress.objects.create(user=staff, email=staff.email, verified=False, primary=True)
    output = run("--email", staff.email)
    assert f"{staff.email}: no such address" in output
    assert mail.outbox == []

import time
from unittest import mock

import pytest
from allauth.account.models import EmailAddress, EmailConfirmationHMAC
from django.core import mail

from customers.services import customer_email_verified
from customers.tests.factories import DEFAULT_PASSWORD, CustomerFactory
from customers.tests.helpers import last_mail_to, link_from_mail, path_of

pytestmark = pytest.mark.django_db


def register(client, email="verify@example.com"):
    client.post("/customer/register", {"email": email, "password1": "Tafelrunde-2024!", "full_name": "Vera Verify"})
    return path_of(link_from_mail(last_mail_to(email), "/customer/verify-email/"))


def test_link_from_the_mail_verifies_and_logs_in_the_browser_that_registered(client):
    link = register(client)
    response = client.get(link)
    assert response.status_code == 302
    assert response["Location"] == "/customer/"
    address = EmailAddress.objects.get(email="verify@example.com")
    assert address.verified
    assert customer_email_verified(user=address.user)
    assert client.session["_auth_user_id"] == str(address.user.pk)
    dashboard = client.get("/customer/")
    assert b"verified" in dashboard.content
    assert b"Please verify your email address" not in dashboard.content


def test_link_opened_in_another_browser_verifies_without_logging_in(client, django_user_model):
    from django.test import Client

    link = register(client)
    other = Client()
    response = other.get(link)
    assert response.status_code == 302
    assert response["Location"] == "/customer/login"
    assert EmailAddress.objects.get(email="verify@example.com").verified
    assert "_auth_user_id" not in other.session


def test_wrong_key_shows_a_clear_page_with_a_way_to_a_new_mail(client):
    response = client.get("/customer/verify-email/not-a-real-key")
    assert response.status_code == 200
    html = response.content.decode()
    assert "This link doesn't work" in html
    assert 'href="/customer/resend-verification"' in html


def test_tampered_key_verifies_nothing(client):
    customer = CustomerFactory(verified=False)
    address = EmailAddress.objects.get(user=customer.user)
    key = EmailConfirmationHMAC(address).key
    response = client.get(f"/customer/verify-email/{key[:-2]}xx")
    assert b"This link doesn't work" in response.content
    address.refresh_from_db()
    assert not address.verified


def test_expired_key_shows_the_clear_page_and_verifies_nothing(client, settings):
    customer = CustomerFactory(verified=False)
    address = EmailAddress.objects.get(user=customer.user)
    four_days_ago = time.time() - 4 * 24 * 3600
    # The key embeds its creation time; make one as if mailed four days ago.
    with mock.patch("django.core.signing.time.time", return_value=four_days_ago):
        key = EmailConfirmationHMAC(address).key
    response = client.get(f"/customer/verify-email/{key}")
    assert response.status_code == 200
    assert b"This link doesn't work" in response.content
    assert b"valid for 3 days" in response.content
    address.refresh_from_db()
    assert not address.verified
    # The same key minted now works, so the page above really was about age.
    client.get(f"/customer/verify-email/{EmailConfirmationHMAC(address).key}")
    address.refresh_from_db()
    assert address.verified


def test_unverified_customer_can_log_in_sees_the_banner_and_is_not_verified_for_invoices(client):
    customer = CustomerFactory(verified=False)
    response = client.post("/customer/login", {"login": customer.user.email, "password": DEFAULT_PASSWORD})
    assert response.status_code == 302
    page = client.get("/customer/")
    html = page.content.decode()
    assert 'id="verify-banner"' in html
    assert "not verified" in html
    assert not customer_email_verified(user=customer.user)


def test_banner_disappears_once_verified_elsewhere(client):
    customer = CustomerFactory(verified=False)
    client.post("/customer/login", {"login": customer.user.email, "password": DEFAULT_PASSWORD})
    assert b'id="verify-banner"' in client.get("/customer/profile").content
    EmailAddress.objects.filter(user=customer.user).update(verified=True)
    assert b'id="verify-banner"' not in client.get("/customer/profile").content
    assert client.session["customer_email_verified"] is True


def test_verified_customer_pages_cost_no_query_for_the_banner(client, django_assert_num_queries):
    customer = CustomerFactory()
    client.post("/customer/login", {"login": customer.user.email, "password": DEFAULT_PASSWORD})
    from django.template import Context, Template
    from django.test import RequestFactory

    request = RequestFactory().get("/")
    request.session = client.session
    assert request.session["customer_email_verified"] is True  # loads the session before counting
    request.user = customer.user
    with django_assert_num_queries(0):
        html = Template("{% load customer_account %}{% customer_verify_banner %}").render(Context({"request": request}))
    assert "verify-banner" not in html


def test_mail_link_is_the_only_verification_no_mail_no_verify(client):
    register(client)
    assert len(mail.outbox) == 1
    assert not EmailAddress.objects.get(email="verify@example.com").verified


@pytest.mark.parametrize(("days", "text"), [(5, "valid for 5 days"), (1, "valid for 1 day.")])
def test_the_link_lifetime_shown_is_the_one_allauth_enforces(client, settings, days, text):
    settings.ACCOUNT_EMAIL_CONFIRMATION_EXPIRE_DAYS = days
    register(client)
    sent = last_mail_to("verify@example.com")
    assert text in sent.body and text in sent.alternatives[0][0]
    address = EmailAddress.objects.get(email="verify@example.com")
    with mock.patch("django.core.signing.time.time", return_value=time.time() - (days + 1) * 24 * 3600):
        key = EmailConfirmationHMAC(address).key
    page = client.get(f"/customer/verify-email/{key}").content.decode()
    assert "This link doesn't work" in page and f"valid for {days} day" in page

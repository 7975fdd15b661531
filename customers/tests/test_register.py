import logging
import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail

from customers.models import Customer, User
from customers.tests.factories import CustomerFactory, StaffFactory

pytestmark = pytest.mark.django_db

REGISTER = "/customer/register"
PASSWORD = "Tafelrunde-2024!"


def register(client, email="new@example.com", password=PASSWORD, full_name="Ada Lovelace", **extra):
    return client.post(REGISTER, {"email": email, "password1": password, "full_name": full_name, **extra})


def test_register_page_shows_the_form(client):
    response = client.get(REGISTER)
    assert response.status_code == 200
    html = response.content.decode()
    for name in ("full_name", "email", "password1"):
        assert f'name="{name}"' in html
    assert 'autocomplete="new-password"' in html


def test_registration_creates_user_customer_and_unverified_address_and_sends_the_mail(client):
    response = register(client, email="Ada@Example.com")
    assert response.status_code == 302
    assert response["Location"] == "/customer/verify-email"
    user = User.objects.get(email="ada@example.com")
    assert user.check_password(PASSWORD)
    assert user.password.startswith("md5$")  # tests hash fast; production uses Argon2 (test_passwords)
    assert Customer.objects.get(user=user).full_name == "Ada Lovelace"
    address = EmailAddress.objects.get(user=user)
    assert (address.email, address.verified, address.primary) == ("ada@example.com", False, True)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["ada@example.com"]
    assert message.subject == "Please verify your email address"
    assert re.search(r"http://testserver/customer/verify-email/[-:\w]+", message.body)
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert "Verify my email" in html and "Ada Lovelace" in html


def test_new_account_is_not_logged_in_by_the_registration_itself(client):
    register(client)
    # Logging in straight away would tell a visitor the address was free.
    assert "_auth_user_id" not in client.session
    page = client.get("/customer/verify-email")
    assert b"Check your inbox" in page.content


def test_duplicate_registration_creates_nothing_and_looks_the_same(client):
    existing = CustomerFactory(user__email="taken@example.com")
    first = register(client, email="fresh@example.com")
    mail.outbox.clear()
    client.logout()
    second = register(client, email="TAKEN@example.com", full_name="Someone Else")
    assert second.status_code == first.status_code == 302
    assert second["Location"] == first["Location"]
    assert User.objects.filter(email__iexact="taken@example.com").count() == 1
    assert Customer.objects.filter(user=existing.user).get().full_name == existing.full_name
    # The owner of the address learns about it; the visitor does not.
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["taken@example.com"]
    assert mail.outbox[0].subject == "You already have an account"
    assert "/customer/forgot-password" in mail.outbox[0].body


def test_registering_with_a_staff_address_does_not_touch_the_staff_account(client):
    staff = StaffFactory(email="waiter@restaurant.example")
    response = register(client, email="waiter@restaurant.example")
    assert response.status_code == 302
    assert not Customer.objects.filter(user=staff).exists()
    assert User.objects.filter(email="waiter@restaurant.example").count() == 1


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("short1!", "at least 8 characters"),
        ("password123", "too common"),
        ("8429173650", "entirely numeric"),
        ("newexample", "too similar"),
    ],
)
def test_weak_passwords_are_refused_with_a_reason(client, password, message):
    response = register(client, email="new@example.com", password=password)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not User.objects.filter(email="new@example.com").exists()
    assert mail.outbox == []


def test_full_name_is_required(client):
    response = register(client, full_name="   ")
    assert response.status_code == 200
    assert "Please enter your name." in response.content.decode() or "This field is required." in (
        response.content.decode()
    )
    assert not User.objects.exists()


def test_invalid_email_is_refused(client):
    response = register(client, email="not-an-address")
    assert response.status_code == 200
    assert "Enter a valid email address." in response.content.decode()
    assert not User.objects.exists()


def test_registration_survives_a_mail_server_that_is_down(client, settings, caplog):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = 9  # discard port: nothing listens, the connection is refused
    settings.EMAIL_TIMEOUT = 2
    with caplog.at_level(logging.WARNING, logger="common.mail"):
        response = register(client, email="offline@example.com")
    assert response.status_code == 302
    user = User.objects.get(email="offline@example.com")
    assert Customer.objects.filter(user=user).exists()
    assert not EmailAddress.objects.get(user=user).verified
    assert "Could not send email_confirmation_signup mail to offline@example.com" in caplog.text
    assert PASSWORD not in caplog.text

    # Once the server is back the customer can ask again straight away.
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    response = client.post("/customer/resend-verification", {"email": "offline@example.com"})
    assert response.status_code == 302
    assert [m.to for m in mail.outbox] == [["offline@example.com"]]
    assert "/customer/verify-email/" in mail.outbox[0].body


def test_logged_in_customer_visiting_register_is_sent_to_the_dashboard(customer_client):
    response = customer_client.get(REGISTER)
    assert response.status_code == 302
    assert response["Location"] == "/customer/"

import pytest
from allauth.account.models import EmailAddress
from django.core import mail

from customers.tests.factories import CustomerFactory, StaffFactory
from customers.tests.helpers import link_from_mail, path_of

pytestmark = pytest.mark.django_db

RESEND = "/customer/resend-verification"


def test_page_prefills_the_address_of_a_logged_in_customer(client):
    customer = CustomerFactory(verified=False)
    client.force_login(customer.user)
    html = client.get(RESEND).content.decode()
    assert f'value="{customer.user.email}"' in html


def test_unverified_address_gets_a_new_working_link(client):
    customer = CustomerFactory(verified=False)
    response = client.post(RESEND, {"email": customer.user.email.upper()}, follow=True)
    assert response.status_code == 200
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [customer.user.email]
    assert message.alternatives[0][1] == "text/html"
    client.get(path_of(link_from_mail(message, "/customer/verify-email/")))
    assert EmailAddress.objects.get(user=customer.user).verified


@pytest.mark.parametrize("who", ["unknown", "verified", "unverified"])
def test_answer_is_the_same_whoever_asks(client, who):
    if who == "unknown":
        email = "nobody@example.com"
    else:
        email = CustomerFactory(verified=(who == "verified")).user.email
    response = client.post(RESEND, {"email": email}, follow=True)
    assert response.status_code == 200
    assert response.redirect_chain == [(RESEND, 302)]
    text = response.content.decode()
    assert f"If {email} belongs to an account that still needs verifying, a new link is on its way." in text
    assert len(mail.outbox) == (1 if who == "unverified" else 0)


def test_second_request_within_the_cooldown_sends_no_second_mail(client):
    customer = CustomerFactory(verified=False)
    client.post(RESEND, {"email": customer.user.email})
    response = client.post(RESEND, {"email": customer.user.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1


def test_invalid_address_re_renders_with_a_message(client):
    response = client.post(RESEND, {"email": "nope"})
    assert response.status_code == 200
    assert "Enter a valid email address." in response.content.decode()


def test_a_staff_address_gets_no_mail_and_the_same_answer(client):
    """Staff never registered here: their unverified address is treated as unknown."""
    staff = StaffFactory()
    EmailAddress.objects.create(user=staff, email=staff.email, verified=False, primary=True)
    response = client.post(RESEND, {"email": staff.email}, follow=True)
    assert response.redirect_chain == [(RESEND, 302)]
    assert f"If {staff.email} belongs to an account that still needs verifying" in response.content.decode()
    assert mail.outbox == []

import pytest
from allauth.account.models import EmailAddress
from django.core import mail

from customers.services import customer_email_verified
from customers.tests.factories import CustomerFactory
from customers.tests.helpers import last_mail_to, link_from_mail, path_of

pytestmark = pytest.mark.django_db

CHANGE = "/customer/change-email"


def test_new_address_replaces_the_old_one_only_after_verification(customer_client, customer):
    old = customer.user.email
    response = customer_client.post(CHANGE, {"email": "New@Example.com", "action_add": ""})
    assert response.status_code == 302
    customer.user.refresh_from_db()
    # Until verified, the old (verified) address stays the login and invoice address.
    assert customer.user.email == old
    assert customer_email_verified(user=customer.user)
    pending = EmailAddress.objects.get(email="new@example.com")
    assert not pending.verified and not pending.primary
    page = customer_client.get(CHANGE).content.decode()
    assert "new@example.com" in page and "Send the link again" in page

    message = last_mail_to("new@example.com")
    assert message.subject == "Please verify your email address"
    customer_client.get(path_of(link_from_mail(message, "/customer/verify-email/")))

    customer.user.refresh_from_db()
    assert customer.user.email == "new@example.com"
    assert customer_email_verified(user=customer.user)
    assert list(EmailAddress.objects.filter(user=customer.user).values_list("email", flat=True)) == ["new@example.com"]
    assert any(m.subject == "Your email address was changed" and m.to == [old] for m in mail.outbox)


def test_address_of_another_account_is_not_revealed_and_not_taken(customer_client, customer):
    other = CustomerFactory(user__email="other@example.com")
    response = customer_client.post(CHANGE, {"email": "other@example.com", "action_add": ""})
    assert response.status_code in (200, 302)
    assert not EmailAddress.objects.filter(user=customer.user, email="other@example.com", verified=True).exists()
    assert EmailAddress.objects.get(user=other.user).verified

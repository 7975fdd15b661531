import pytest
from django.core import mail

from customers.tests.factories import DEFAULT_PASSWORD
from customers.tests.helpers import link_from_mail, path_of

pytestmark = pytest.mark.django_db

FORGOT = "/customer/forgot-password"
NEW_PASSWORD = "Neues-Passwort-2024"


def test_reset_by_emailed_link_end_to_end(client, customer):
    response = client.post(FORGOT, {"email": customer.user.email})
    assert response.status_code == 302
    assert response["Location"] == "/customer/forgot-password/sent"
    message = mail.outbox[0]
    assert message.to == [customer.user.email]
    assert message.subject == "Reset your password"
    assert message.alternatives[0][1] == "text/html"
    link = path_of(link_from_mail(message, "/customer/reset-password/"))

    # allauth swaps the token out of the URL (so it can't leak via Referer).
    response = client.get(link)
    assert response.status_code == 302
    form_url = response["Location"]
    assert form_url.startswith("/customer/reset-password/") and form_url.endswith("-set-password")
    page = client.get(form_url)
    assert b"Choose a new password" in page.content

    response = client.post(form_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == "/customer/reset-password/done"
    customer.user.refresh_from_db()
    assert customer.user.check_password(NEW_PASSWORD)
    assert mail.outbox[-1].subject == "Your password was reset"

    # The link is single-use: the password hash it was made from has changed.
    again = client.get(link, follow=True)
    assert b"This link doesn't work" in again.content


def test_unknown_address_gets_the_same_page_and_no_account_is_revealed(client, customer):
    known = client.post(FORGOT, {"email": customer.user.email})
    unknown = client.post(FORGOT, {"email": "nobody@example.com"})
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"]
    page = client.get(unknown["Location"]).content.decode()
    assert "If an account exists for that address" in page
    # The owner of the unknown mailbox learns someone tried; the visitor learns nothing.
    assert mail.outbox[-1].to == ["nobody@example.com"]
    assert mail.outbox[-1].subject == "No account for this address"


def test_bad_token_shows_a_clear_page_with_a_new_request_link(client, customer):
    response = client.get("/customer/reset-password/2-bogus-token", follow=True)
    html = response.content.decode()
    assert "This link doesn't work" in html
    assert 'href="/customer/forgot-password"' in html


def test_weak_new_password_is_refused(client, customer):
    client.post(FORGOT, {"email": customer.user.email})
    link = path_of(link_from_mail(mail.outbox[0], "/customer/reset-password/"))
    form_url = client.get(link)["Location"]
    response = client.post(form_url, {"password1": "12345678", "password2": "12345678"})
    assert response.status_code == 200
    assert "entirely numeric" in response.content.decode()
    customer.user.refresh_from_db()
    assert customer.user.check_password(DEFAULT_PASSWORD)

import pytest
from django.core import mail

from customers.tests.factories import DEFAULT_PASSWORD

pytestmark = pytest.mark.django_db

CHANGE = "/customer/change-password"
NEW_PASSWORD = "Neues-Passwort-2024"


def test_change_password_keeps_the_session_and_sends_a_notice(customer_client, customer):
    response = customer_client.post(
        CHANGE, {"oldpassword": DEFAULT_PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    )
    assert response.status_code == 302
    customer.user.refresh_from_db()
    assert customer.user.check_password(NEW_PASSWORD)
    assert customer_client.get("/customer/").status_code == 200
    message = mail.outbox[-1]
    assert message.subject == "Your password was changed"
    assert message.to == [customer.user.email]
    html = message.alternatives[0][0]
    assert "IP address" in html and "/customer/forgot-password" in html
    assert NEW_PASSWORD not in message.body and NEW_PASSWORD not in html


def test_wrong_current_password_changes_nothing(customer_client, customer):
    response = customer_client.post(
        CHANGE, {"oldpassword": "wrong", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    )
    assert response.status_code == 200
    assert "Please type your current password." in response.content.decode()
    customer.user.refresh_from_db()
    assert customer.user.check_password(DEFAULT_PASSWORD)
    assert mail.outbox == []


def test_change_password_needs_login(client):
    response = client.get(CHANGE)
    assert response.status_code == 302
    assert response["Location"].startswith("/customer/login")

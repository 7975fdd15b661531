"""The verification mail through a real SMTP server on loopback (aiosmtpd)."""

import pytest
from allauth.account.models import EmailAddress

from customers.tests.helpers import link_from_mail, path_of

pytestmark = pytest.mark.django_db


def test_verification_mail_over_smtp_has_text_and_html_and_its_link_verifies(client, smtp_server):
    response = client.post(
        "/customer/register",
        {"email": "smtp@example.com", "password1": "Tafelrunde-2024!", "full_name": "Sam Smtp"},
    )
    assert response.status_code == 302
    (message,) = smtp_server.wait_for(1)
    assert message["To"] == "smtp@example.com"
    assert message["Subject"] == "Please verify your email address"
    assert message.get_content_type() == "multipart/alternative"
    html = message.get_body(("html",)).get_content()
    assert "Verify my email" in html and "Sam Smtp" in html
    link = link_from_mail(message, "/customer/verify-email/")
    assert link in html

    assert not EmailAddress.objects.get(email="smtp@example.com").verified
    client.get(path_of(link))
    assert EmailAddress.objects.get(email="smtp@example.com").verified

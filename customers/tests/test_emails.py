"""Every allauth mail we send has a subject, a text part and an HTML part on our layout."""

import pytest
from allauth.account.adapter import get_adapter
from allauth.core import context
from django.test import RequestFactory
from django.utils import timezone

pytestmark = pytest.mark.django_db

MAILS = {
    "email_confirmation_signup": {"activate_url": "http://x/customer/verify-email/K?a=1&b=2"},
    "email_confirmation": {"activate_url": "http://x/customer/verify-email/K?a=1&b=2"},
    "password_reset_key": {"password_reset_url": "http://x/customer/reset-password/1-K?a=1&b=2"},
    "password_changed": {},
    "password_reset": {},
    "password_set": {},
    "email_changed": {"from_email": "old@example.com", "to_email": "new@example.com"},
    "email_confirm": {},
    "email_deleted": {"deleted_email": "old@example.com"},
    "account_already_exists": {"password_reset_url": "http://x/customer/forgot-password?a=1&b=2"},
    "unknown_account": {"signup_url": "http://x/customer/register?a=1&b=2"},
}


@pytest.mark.parametrize("name", sorted(MAILS))
def test_mail_has_text_and_html_parts(name, customer):
    request = RequestFactory().get("/")
    ctx = {
        "user": customer.user,
        "email": customer.user.email,
        "timestamp": timezone.now(),
        "ip": "203.0.113.7",
        "user_agent": "Firefox",
        **MAILS[name],
    }
    with context.request_context(request):
        message = get_adapter(request).render_mail(f"account/email/{name}", customer.user.email, ctx)
    assert message.subject and "\n" not in message.subject
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert "QR Table Ordering" in html and "QR Table Ordering" in message.body
    assert html.lstrip().startswith("<!doctype html>")
    for url in MAILS[name].values():
        if url.startswith("http"):
            # Text parts are not HTML-escaped: the link must be copyable as is.
            assert url in message.body
            assert url.replace("&", "&amp;") in html
    # The details block names the address; a bare "ip" would also match a name such as "Philip".
    if "IP address:" in message.body or name in {"password_changed", "email_changed"}:
        assert "203.0.113.7" in message.body

"""Markup the accessibility rules need on every page, checked without a browser (axe checks them in one)."""

import re

import pytest

DESCRIPTION_RE = re.compile(r'<meta name="description" content="([^"]+)">')

PUBLIC_PAGES = [
    "/customer/login",
    "/customer/register",
    "/customer/forgot-password",
    "/customer/resend-verification",
    "/customer/verify-email",
    "/customer/verify-email/broken-key",
    "/customer/reset-password/1-broken",
]


@pytest.mark.django_db
def test_public_account_pages_describe_themselves(client):
    descriptions = {}
    for path in PUBLIC_PAGES:
        html = client.get(path).content.decode()
        found = DESCRIPTION_RE.findall(html)
        assert len(found) == 1, f"{path} has {len(found)} meta descriptions"
        descriptions[path] = found[0]
    # Login and register say what they are for, not the site's general line.
    assert "Log in" in descriptions["/customer/login"]
    assert "Create" in descriptions["/customer/register"]


def test_flash_messages_are_a_list_inside_a_status_region(customer_client):
    # MFA is off, so "turn it off" redirects to the dashboard with an info message.
    html = customer_client.get("/customer/mfa/disable", follow=True).content.decode()
    region = re.search(r'<div class="messages-region" role="status">\s*<ul class="messages">\s*<li', html)
    assert region, "the messages' <ul> must sit inside the role=status region"
    assert not re.search(r"<ul[^>]*role=", html), "a role on the <ul> hides its list semantics"

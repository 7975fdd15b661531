"""A new customer's journey in Chromium at phone size: register, verify, log in, profile, log out."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from playwright.sync_api import expect

from customers.models import Customer
from customers.tests.browser import shot
from customers.tests.helpers import link_from_mail, path_of

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "Tafelrunde-2024!"


def test_register_verify_login_profile_logout(live_server, phone_page):
    page = phone_page
    page.goto(f"{live_server.url}/customer/register")
    expect(page.get_by_role("heading", name="Create your account")).to_be_visible()
    page.get_by_label("Full name").fill("Grace Hopper")
    page.get_by_label("Email", exact=True).fill("grace@example.com")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Show password").click()
    expect(page.get_by_label("Password", exact=True)).to_have_attribute("type", "text")
    shot(page, "register")
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("heading", name="Check your inbox")).to_be_visible()

    # Log in before verifying: allowed, with a banner asking to verify.
    page.goto(f"{live_server.url}/customer/login")
    expect(page.get_by_role("heading", name="Log in")).to_be_visible()
    shot(page, "login")
    page.get_by_label("Email", exact=True).fill("grace@example.com")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Hello, Grace Hopper")).to_be_visible()
    expect(page.locator("#verify-banner")).to_contain_text("Please verify your email address")
    shot(page, "dashboard-banner")

    # Open the link from the mail.
    (message,) = [m for m in mail.outbox if m.to == ["grace@example.com"]]
    page.goto(live_server.url + path_of(link_from_mail(message, "/customer/verify-email/")))
    expect(page.get_by_role("heading", name="Hello, Grace Hopper")).to_be_visible()
    expect(page.locator("#verify-banner")).to_have_count(0)
    expect(page.locator(".state-ok")).to_have_text("verified")
    assert EmailAddress.objects.get(email="grace@example.com").verified

    # Fill in the business profile; a mistake first, explained on the page.
    page.get_by_role("link", name=re.compile("Business profile")).click()
    expect(page.get_by_role("heading", name="Business profile")).to_be_visible()
    page.get_by_label("Business name").fill("Hopper Consulting GmbH")
    page.get_by_label("VAT ID").fill("DE 136 695 976")
    page.get_by_label("Street and number").fill("Unter den Linden 1")
    page.get_by_role("button", name="Save details").click()
    expect(page.get_by_text("Please add the city too, or leave the whole address empty.")).to_be_visible()
    shot(page, "profile-errors")
    page.get_by_label("Postal code").fill("10117")
    page.get_by_label("City").fill("Berlin")
    page.get_by_label("Country").select_option("DE")
    page.get_by_role("button", name="Save details").click()
    expect(page.get_by_text("Your details are saved.")).to_be_visible()
    shot(page, "profile")
    customer = Customer.objects.get(user__email="grace@example.com")
    assert (customer.business_name, customer.vat_id, customer.city, customer.country) == (
        "Hopper Consulting GmbH",
        "DE136695976",
        "Berlin",
        "DE",
    )
    assert customer.has_billing_details

    # Log out from the navigation (a POST form).
    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("heading", name="Log in")).to_be_visible()
    page.goto(f"{live_server.url}/customer/")
    expect(page).to_have_url(re.compile(r"/customer/login\?next=/customer/$"))

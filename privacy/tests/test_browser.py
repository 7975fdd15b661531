"""Both privacy flows in Chromium at a phone viewport: download my data, then delete my account."""

import io
import json
import zipfile
from pathlib import Path

import pytest
from playwright.sync_api import expect

from customers.models import User
from customers.tests.factories import DEFAULT_PASSWORD
from customers.tests.helpers import code_for
from invoices.models import Invoice
from privacy.tests.conftest import enable_mfa, with_invoice

SHOTS = Path(__file__).resolve().parents[2] / "screenshots"


def shot(page, name: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"privacy-{name}.png"), full_page=True)


def log_in(page, base, email):
    page.goto(f"{base}/customer/login")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", DEFAULT_PASSWORD)
    page.get_by_role("button", name="Log in").click()


@pytest.mark.browser
def test_customer_downloads_their_data_then_deletes_the_account(
    live_server, phone_page, customer, restaurant_a, tmp_path
):
    page, base = phone_page, live_server.url
    email = customer.user.email
    _, invoice = with_invoice(customer=customer, restaurant=restaurant_a)

    log_in(page, base, email)
    expect(page).to_have_url(f"{base}/customer/")
    section = page.get_by_test_id("privacy-section")
    section.scroll_into_view_if_needed()
    shot(page, "1-dashboard")

    # Export: confirm it's you, then the ZIP.
    section.get_by_role("link", name="Download my data").click()
    expect(page.get_by_role("heading", name="Confirm it's you")).to_be_visible()
    page.fill("input[name=password]", "not my password")
    page.get_by_role("button", name="Continue").click()
    expect(page.locator(".field-error")).to_be_visible()
    shot(page, "2-reauth-error")
    page.fill("input[name=password]", DEFAULT_PASSWORD)
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="Download my data")).to_be_visible()
    shot(page, "3-export")
    with page.expect_download() as info:
        page.get_by_role("button", name="Download ZIP").click()
    download = info.value
    assert download.suggested_filename.startswith("my-data-") and download.suggested_filename.endswith(".zip")
    saved = tmp_path / "export.zip"
    download.save_as(saved)
    archive = zipfile.ZipFile(io.BytesIO(saved.read_bytes()))
    assert f"invoices/{invoice.pdf_filename}" in archive.namelist()
    assert json.loads(archive.read("profile.json"))["account"]["email"] == email

    # Deletion: without the confirmation nothing happens; with it the account is gone.
    page.goto(f"{base}/customer/")
    page.get_by_test_id("privacy-section").get_by_role("link", name="Delete my account").click()
    expect(page.get_by_role("heading", name="Delete my account", exact=True)).to_be_visible()
    shot(page, "4-delete")
    page.fill("input[name=password]", DEFAULT_PASSWORD)
    page.get_by_role("button", name="Delete my account for good").click()
    expect(page.locator(".field-error")).to_contain_text("Tick the box")
    shot(page, "5-delete-unconfirmed")
    assert User.objects.filter(email=email).exists()
    page.fill("input[name=password]", DEFAULT_PASSWORD)
    page.get_by_label("I understand").check()
    page.get_by_role("button", name="Delete my account for good").click()
    expect(page).to_have_url(f"{base}/customer/privacy/deleted")
    expect(page.get_by_role("heading", name="Your account is deleted")).to_be_visible()
    expect(page.get_by_role("button", name="Log out")).to_have_count(0)
    shot(page, "6-deleted")
    assert not User.objects.filter(email=email).exists()
    assert Invoice.objects.get(pk=invoice.pk).customer_id is None

    log_in(page, base, email)
    expect(page).to_have_url(f"{base}/customer/login")


@pytest.mark.browser
def test_with_mfa_on_both_flows_ask_for_the_code(live_server, phone_page, customer):
    page, base = phone_page, live_server.url
    email = customer.user.email
    enable_mfa(customer)
    device = customer.device

    log_in(page, base, email)
    page.fill("input[name=code]", code_for(device))
    page.get_by_role("button", name="Sign in", exact=True).click()
    expect(page).to_have_url(f"{base}/customer/")

    page.goto(f"{base}/customer/privacy/export")
    expect(page.get_by_text("a code from your authenticator app")).to_be_visible()
    page.fill("input[name=password]", DEFAULT_PASSWORD)
    page.fill("input[name=code]", customer.codes[0])
    shot(page, "7-reauth-mfa")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="Download my data")).to_be_visible()

    page.goto(f"{base}/customer/privacy/delete")
    page.fill("input[name=password]", DEFAULT_PASSWORD)
    page.fill("input[name=code]", customer.codes[1])
    page.get_by_label("I understand").check()
    shot(page, "8-delete-mfa")
    page.get_by_role("button", name="Delete my account for good").click()
    expect(page).to_have_url(f"{base}/customer/privacy/deleted")
    assert not User.objects.filter(email=email).exists()

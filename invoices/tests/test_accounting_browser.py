"""Browser journey (desktop): staff download the accountant's export from the admin."""

import zipfile
from pathlib import Path

import pytest
from playwright.sync_api import expect

from customers.tests.factories import DEFAULT_PASSWORD, StaffFactory
from invoices.tests.test_accounting import month  # noqa: F401 - the data set fixture

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path("/work/wt/shots-datev")


def shot(page, name):
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_staff_download_the_months_export_in_the_admin(live_server, desktop_page, month, axe_check):  # noqa: F811
    staff = StaffFactory(restaurants=list(month.restaurants.all()))
    page = desktop_page
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("input[name='auth-username']", staff.email)
    page.fill("input[name='auth-password']", DEFAULT_PASSWORD)
    page.get_by_role("button", name="Continue").click()
    expect(page.locator("#site-name")).to_be_visible()

    page.goto(f"{live_server.url}/admin/invoices/invoice/")
    page.get_by_role("link", name="Accountant's export (DATEV)").click()
    expect(page.get_by_role("heading", name="Accountant's export")).to_be_visible()
    axe_check(page)
    shot(page, "export-form")
    page.get_by_label("Company").select_option(label=month.legal_name)
    page.get_by_label("From").fill("2026-11-01")
    page.get_by_label("To (inclusive)").fill("2026-11-30")
    with page.expect_download() as info:
        page.get_by_role("button", name="Download ZIP").click()
    download = info.value
    assert download.suggested_filename == f"accounting-{month.pk}-20261101-20261130.zip"
    with zipfile.ZipFile(Path(download.path())) as archive:
        assert "EXTF_Buchungsstapel_20261101_20261130.csv" in archive.namelist()
        assert b"Missing numbers: none" in archive.read("summary.txt")

    # A period across two fiscal years is explained on the page, no download.
    page.get_by_label("From").fill("2026-12-01")
    page.get_by_label("To (inclusive)").fill("2027-01-31")
    page.get_by_role("button", name="Download ZIP").click()
    expect(page.get_by_role("alert")).to_contain_text("one fiscal year")
    axe_check(page, state="export refused")
    shot(page, "export-refused")

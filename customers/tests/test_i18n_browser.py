"""Languages in Chromium: the switcher on a phone without JavaScript, the portal in three languages, the German admin.

Screenshots go to /work/wt/shots-i18nportal/ (looked at by hand; not compared).
"""

from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import expect

from conftest import PHONE_VIEWPORT, watch_csp
from customers.tests.helpers import staff_force_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path("/work/wt/shots-i18nportal")
HEADINGS = {
    "login": {"en": "Log in", "de": "Anmelden", "fr": "Se connecter"},
    "register": {"en": "Create your account", "de": "Konto erstellen", "fr": "Créez votre compte"},
    "mfa": {
        "en": "Set up two-factor authentication",
        "de": "Zwei-Faktor-Authentifizierung einrichten",
        "fr": "Configurer l\u2019authentification à deux facteurs",
    },
}


def _shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def _phone_context(browser, live_server, csp_violations, *, javascript=True, client=None):
    context = browser.new_context(
        viewport=PHONE_VIEWPORT, device_scale_factor=2, is_mobile=True, has_touch=True, java_script_enabled=javascript
    )
    watch_csp(context, csp_violations)
    if client is not None:
        cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
        context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}])
    return context


def _assert_fits(page) -> None:
    """No sideways scrolling, and the switcher does not sit on top of the nav links."""
    assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")
    switcher = page.locator(".language-switcher").bounding_box()
    assert switcher["x"] >= 0 and switcher["x"] + switcher["width"] <= PHONE_VIEWPORT["width"]
    for link in page.locator(".topnav a, .topnav button").all():
        box = link.bounding_box()
        overlaps = not (
            box["x"] + box["width"] <= switcher["x"]
            or switcher["x"] + switcher["width"] <= box["x"]
            or box["y"] + box["height"] <= switcher["y"]
            or switcher["y"] + switcher["height"] <= box["y"]
        )
        assert not overlaps, link.inner_text()


def test_the_switcher_works_on_a_phone_without_javascript_and_keeps_the_page(browser, live_server, csp_violations):
    context = _phone_context(browser, live_server, csp_violations, javascript=False)
    page = context.new_page()
    page.goto(f"{live_server.url}/customer/login?next=/customer/profile")
    for language in ("en", "de", "fr"):
        if language != "en":
            page.locator(f'.language-switcher button[value="{language}"]').click()
        expect(page.locator("html")).to_have_attribute("lang", language)
        expect(page.get_by_role("heading", level=1)).to_have_text(HEADINGS["login"][language])
        # The same page, query string included.
        assert page.url == f"{live_server.url}/customer/login?next=/customer/profile"
        expect(page.locator(f'.language-switcher button[value="{language}"]')).to_have_attribute("aria-pressed", "true")
        _assert_fits(page)
        _shot(page, f"login-{language}")
    context.close()


@pytest.mark.parametrize("page_name", ["register"])
def test_signed_out_pages_on_a_phone_in_each_language(browser, live_server, csp_violations, page_name):
    context = _phone_context(browser, live_server, csp_violations)
    page = context.new_page()
    for language in ("en", "de", "fr"):
        context.clear_cookies()
        context.set_extra_http_headers({"Accept-Language": language})
        page.goto(f"{live_server.url}/customer/register")
        expect(page.get_by_role("heading", level=1)).to_have_text(HEADINGS[page_name][language])
        # The password field's show/hide button (static/js/password-toggle.js) speaks the page's language.
        toggle = page.locator(".password-toggle").first
        expect(toggle).to_have_text({"en": "Show", "de": "Anzeigen", "fr": "Afficher"}[language])
        toggle.click()
        expect(toggle).to_have_text({"en": "Hide", "de": "Verbergen", "fr": "Masquer"}[language])
        toggle.click()
        _assert_fits(page)
        _shot(page, f"{page_name}-{language}")
    context.close()


def test_dashboard_and_mfa_set_up_on_a_phone_in_each_language(browser, live_server, csp_violations, customer):
    client = Client()
    client.force_login(customer.user)
    context = _phone_context(browser, live_server, csp_violations, client=client)
    page = context.new_page()
    page.goto(f"{live_server.url}/customer/")
    for language in ("en", "de", "fr"):
        # The signed-in customer's switch is saved on the account.
        page.locator(f'.language-switcher button[value="{language}"]').click()
        expect(page.locator("html")).to_have_attribute("lang", language)
        customer.user.refresh_from_db()
        assert customer.user.language == language
        _assert_fits(page)
        _shot(page, f"dashboard-{language}")
        page.goto(f"{live_server.url}/customer/mfa/setup")
        expect(page.get_by_role("heading", level=1)).to_have_text(HEADINGS["mfa"][language])
        _assert_fits(page)
        _shot(page, f"mfa-setup-{language}")
        page.goto(f"{live_server.url}/customer/")
    context.close()


@pytest.mark.parametrize("how", ["saved", "browser"])
def test_a_german_staff_member_sees_the_admin_in_german(browser, live_server, csp_violations, staff_a, how):
    if how == "saved":
        staff_a.language = "de"
        staff_a.save(update_fields=["language"])
    client = Client()
    staff_force_login(client, staff_a)
    context = browser.new_context(
        viewport={"width": 1024, "height": 768},
        extra_http_headers={"Accept-Language": "fr" if how == "saved" else "de"},
    )
    watch_csp(context, csp_violations)
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    page = context.new_page()
    page.goto(f"{live_server.url}/admin/")
    expect(page.locator("html")).to_have_attribute("lang", "de")
    expect(page.locator("#site-name")).to_contain_text("QR Table Ordering · Mitarbeiter")
    expect(page.locator("#user-tools")).to_contain_text("Willkommen")
    expect(page.get_by_role("button", name="Abmelden")).to_be_visible()
    expect(page.locator("#staff-account caption")).to_have_text("Ihr Konto")
    expect(page.locator("#content h1")).to_have_text("Ihr Restaurant")
    _shot(page, f"admin-de-{how}")
    # Choosing the language on the admin's own page.
    page.get_by_role("link", name="Sprache", exact=True).click()
    page.get_by_label("Sprache").select_option("fr")
    page.get_by_role("button", name="Speichern").click()
    expect(page.locator("#staff-account caption")).to_have_text("Votre compte")
    staff_a.refresh_from_db()
    assert staff_a.language == "fr"
    context.close()

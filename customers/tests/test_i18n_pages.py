"""The portal's key pages in German and French: no sentence of the English page left (names aside)."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.sessions.backends.signed_cookies import SessionStore
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation

from common.tests.i18n import english_leftovers, visible_text_nodes
from common.views import ratelimited
from customers.tests.helpers import staff_force_login

pytestmark = pytest.mark.django_db

LANGUAGES = ["de", "fr"]


@pytest.fixture(autouse=True)
def _no_language_left_active():
    translation.deactivate()
    yield
    translation.deactivate()


def _get(client, url: str, language: str, status: int = 200) -> str:
    response = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == status, (url, language, response.status_code)
    html = response.content.decode()
    assert f'<html lang="{language}"' in html
    return html


def _assert_translated(client, url: str, language: str, *, allowed=frozenset(), status: int = 200) -> str:
    english = _get(client, url, "en", status)
    translated = _get(client, url, language, status)
    assert english_leftovers(english, translated, allowed=allowed) == []
    return translated


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize(
    "url_name", ["account_login", "account_signup", "account_reset_password", "customers:resend_verification"]
)
def test_signed_out_pages_are_translated(client, url_name, language):
    _assert_translated(client, reverse(url_name), language)


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize(
    "url_name",
    [
        "customers:dashboard",
        "customers:profile",
        "account_change_password",
        "account_email",
        "account_reauthenticate",
        "privacy:delete",
    ],
)
def test_portal_pages_are_translated(customer_client, customer, url_name, language):
    from common.countries import country_choices

    # Country names that read the same in both languages (Afghanistan, Aruba) and "(optional)", German too.
    with translation.override("en"):
        countries = {name for _code, name in country_choices()}
    allowed = {customer.full_name, f"Hello, {customer.full_name}", customer.city, customer.street, "(optional)"}
    allowed |= countries
    _assert_translated(customer_client, reverse(url_name), language, allowed=allowed)


@pytest.mark.parametrize("language", LANGUAGES)
def test_mfa_set_up_page_is_translated(customer_client, customer, language):
    url = reverse("customers:mfa_setup")
    english = _get(customer_client, url, "en")
    translated = _get(customer_client, url, language)
    # The secret (same device on both renders) is a code, not a sentence.
    secret = english.split('data-testid="mfa-secret">', 1)[1].split("<", 1)[0]
    assert english_leftovers(english, translated, allowed={secret}) == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_404_page_is_translated(client, language):
    html = _assert_translated(client, "/no-such-page/", language, status=404)
    expected = {"de": "Diese Seite haben wir nicht gefunden", "fr": "Nous n\u2019avons pas trouvé cette page"}
    assert expected[language] in html


@pytest.mark.parametrize("language", LANGUAGES)
def test_429_page_is_translated(language):
    def render(code: str) -> str:
        request = RequestFactory().get("/", HTTP_ACCEPT_LANGUAGE=code)
        request.user, request.session = AnonymousUser(), SessionStore()
        with translation.override(code):
            response = ratelimited(request)
        assert response.status_code == 429
        return response.content.decode()

    translated = render(language)
    assert english_leftovers(render("en"), translated) == []
    assert {"de": "Zu viele Versuche", "fr": "Trop de tentatives"}[language] in translated


def test_the_profile_language_choice_is_saved_and_used(customer_client, customer):
    form = customer_client.get(reverse("customers:profile")).content.decode()
    assert "Browser language" in form and 'value="de"' in form
    data = {
        "full_name": customer.full_name,
        "business_name": customer.business_name,
        "vat_id": customer.vat_id,
        "street": customer.street,
        "postal_code": customer.postal_code,
        "city": customer.city,
        "country": customer.country,
        "phone": customer.phone,
        "language": "fr",
    }
    response = customer_client.post(reverse("customers:profile"), data, follow=True, HTTP_ACCEPT_LANGUAGE="de")
    customer.user.refresh_from_db()
    assert customer.user.language == "fr"
    html = response.content.decode()
    assert '<html lang="fr">' in html and "Vos informations sont enregistrées." in html
    assert '<option value="fr" selected>' in html
    # The empty choice gives the browser its say again.
    customer_client.post(reverse("customers:profile"), {**data, "language": ""})
    customer.user.refresh_from_db()
    assert customer.user.language == ""
    assert '<html lang="de">' in _get(customer_client, reverse("customers:dashboard"), "de")


def test_an_unknown_profile_language_is_a_form_error(customer_client, customer):
    response = customer_client.post(reverse("customers:profile"), {"full_name": customer.full_name, "language": "xx"})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    customer.user.refresh_from_db()
    assert customer.user.language == ""


def test_staff_admin_index_in_german(client, staff_a):
    staff_force_login(client, staff_a)
    english = _get(client, reverse("admin:index"), "en")
    german = _get(client, reverse("admin:index"), "de")
    for word in ("Willkommen", "Abmelden", "Ihr Restaurant", "Ihr Konto", "Sprache", "Sprache des Browsers"):
        assert word in german, word
    own = {node for node in visible_text_nodes(english) if node in {"Your restaurant", "Your account", "Language"}}
    assert own and not own & set(visible_text_nodes(german))


def test_staff_choose_their_admin_language(client, staff_a):
    staff_force_login(client, staff_a)
    url = reverse("admin:staff_language")
    assert "Browser language" in client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    response = client.post(url, {"language": "de"}, follow=True, HTTP_ACCEPT_LANGUAGE="fr")
    staff_a.refresh_from_db()
    assert staff_a.language == "de"
    html = response.content.decode()
    assert '<html lang="de"' in html and "Ihre Sprache für die Verwaltung ist gespeichert." in html
    assert client.post(url, {"language": "xx"}).status_code == 200
    staff_a.refresh_from_db()
    assert staff_a.language == "de"


def test_the_staff_language_page_is_for_signed_in_staff_only(client, customer):
    url = reverse("admin:staff_language")
    assert client.get(url).status_code == 302
    client.force_login(customer.user)
    response = client.post(url, {"language": "de"})
    assert response.status_code == 302
    customer.user.refresh_from_db()
    assert customer.user.language == ""


@pytest.mark.parametrize("language", LANGUAGES)
def test_staff_sign_in_page_is_translated(client, language):
    _assert_translated(client, reverse("two_factor:login"), language, allowed={"Admin"})


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_home_page_is_translated(client, language):
    _assert_translated(client, reverse("home"), language)


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize(
    "url",
    [
        "/customer/verify-email/not-a-key",
        "/customer/reset-password/1-not-a-key",
        "/customer/forgot-password/sent",
        "/customer/reset-password/done",
        "/customer/verify-email",
    ],
)
def test_link_and_inbox_pages_are_translated(client, url, language):
    html = _assert_translated(client, url, language)
    assert "QR Table Ordering" in html

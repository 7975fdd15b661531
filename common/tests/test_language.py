"""Which language a page is in: browser, switcher cookie, a signed-in user's saved preference."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def _lang(response) -> str:
    html = response.content.decode()
    start = html.index('<html lang="') + len('<html lang="')
    return html[start : html.index('"', start)]


def test_a_guest_gets_the_browsers_language_and_english_otherwise(client):
    assert _lang(client.get("/", HTTP_ACCEPT_LANGUAGE="fr-FR,fr;q=0.9,en;q=0.5")) == "fr"
    assert _lang(client.get("/", HTTP_ACCEPT_LANGUAGE="de-AT")) == "de"
    assert _lang(client.get("/", HTTP_ACCEPT_LANGUAGE="es")) == "en"
    assert _lang(client.get("/")) == "en"


def test_every_page_has_the_switcher_as_a_plain_form(client):
    html = client.get("/").content.decode()
    assert f'action="{reverse("set_language")}"' in html
    for code in ("en", "de", "fr"):
        assert f'name="language" value="{code}"' in html


def test_the_switcher_sets_a_cookie_that_wins_over_the_browser(client):
    response = client.post(reverse("set_language"), {"language": "de", "next": "/menu/x/"})
    assert response.status_code == 302 and response["Location"] == "/menu/x/"
    assert response.cookies["language"].value == "de"
    assert response.cookies["language"]["httponly"]
    assert _lang(client.get("/", HTTP_ACCEPT_LANGUAGE="fr")) == "de"


@pytest.mark.parametrize("language", ["xx", "", "de\x00", "../../etc"])
def test_an_unknown_language_changes_nothing(client, language):
    response = client.post(reverse("set_language"), {"language": language, "next": "/"})
    assert response.status_code == 302
    assert "language" not in response.cookies


@pytest.mark.parametrize("next_url", ["https://evil.example/", "//evil.example/x", "javascript:alert(1)"])
def test_the_switcher_never_redirects_elsewhere(client, next_url):
    response = client.post(reverse("set_language"), {"language": "fr", "next": next_url})
    assert response["Location"] == "/"


def test_the_switcher_is_post_only(client):
    assert client.get(reverse("set_language") + "?language=de").status_code == 405


def test_a_signed_in_users_choice_is_saved_and_wins_over_cookie_and_browser(client, customer):
    client.force_login(customer.user)
    client.post(reverse("set_language"), {"language": "fr", "next": "/"})
    customer.user.refresh_from_db()
    assert customer.user.language == "fr"
    client.cookies["language"] = "de"
    assert _lang(client.get("/", HTTP_ACCEPT_LANGUAGE="de")) == "fr"


def test_without_a_saved_preference_a_signed_in_user_gets_the_browsers_language(client, customer):
    assert customer.user.language == ""
    client.force_login(customer.user)
    assert _lang(client.get("/", HTTP_ACCEPT_LANGUAGE="de")) == "de"

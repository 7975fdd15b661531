"""Error pages a visitor can reach with bad input: readable, in their language, and changing nothing."""

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import translation
from django.views.defaults import server_error

from common.tests.i18n import english_leftovers
from customers.tests.factories import StaffFactory
from customers.tests.helpers import staff_force_login
from orders.models import Order
from orders.tests.factories import MenuItemFactory, TableFactory

pytestmark = pytest.mark.django_db


def test_a_form_without_its_csrf_token_gets_a_readable_page_and_places_no_order():
    table = TableFactory()
    item = MenuItemFactory(restaurant=table.restaurant)
    browser = Client(enforce_csrf_checks=True)
    url = reverse("orders:order_create", args=[table.token])
    response = browser.post(url, {f"qty_{item.pk}": 1})
    assert response.status_code == 403
    html = response.content.decode()
    assert "This form has expired" in html
    assert "reload the page and send the form again" in html
    assert "CSRF" not in html  # the technical reason is logged, never shown
    assert Order.objects.count() == 0
    back = browser.post(url, {f"qty_{item.pk}": 1}, HTTP_REFERER=f"http://testserver/menu/{table.token}/")
    assert f'href="http://testserver/menu/{table.token}/">Open the page again</a>' in back.content.decode()
    elsewhere = browser.post(url, {f"qty_{item.pk}": 1}, HTTP_REFERER="https://evil.example/phish")
    assert "evil.example" not in elsewhere.content.decode()


@pytest.mark.parametrize(
    "language, heading", [("de", "Dieses Formular ist abgelaufen"), ("fr", "Ce formulaire a expiré")]
)
def test_the_csrf_page_speaks_the_browsers_language(language, heading):
    table = TableFactory()
    browser = Client(enforce_csrf_checks=True)
    response = browser.post(reverse("orders:order_create", args=[table.token]), HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 403
    assert heading in response.content.decode()
    with translation.override("en"):
        english = Client(enforce_csrf_checks=True).post(reverse("orders:order_create", args=[table.token])).content
    assert english_leftovers(english.decode(), response.content.decode()) == []


def test_an_unknown_host_gets_the_400_page(client, settings):
    settings.ALLOWED_HOSTS = ["testserver"]
    response = client.get("/", HTTP_HOST="evil.example", HTTP_ACCEPT_LANGUAGE="de")
    assert response.status_code == 400
    html = response.content.decode()
    assert "Wir konnten diese Anfrage nicht verstehen" in html
    assert 'href="/"' in html


def test_staff_without_the_permission_get_the_403_page_in_their_language(client, restaurant_a, settings):
    settings.STAFF_REQUIRE_MFA = False
    waiter = StaffFactory(restaurants=[restaurant_a], language="fr")
    waiter.groups.clear()  # staff of the restaurant, but not allowed to take payments
    staff_force_login(client, waiter)
    response = client.get(reverse("admin:orders_payment_tables"))
    assert response.status_code == 403
    assert "Vous ne pouvez pas ouvrir cette page" in response.content.decode()


@pytest.mark.parametrize(
    "language, heading",
    [
        ("en", "Something went wrong on our side"),
        ("de", "Bei uns ist etwas schiefgelaufen"),
        ("fr", "Une erreur s’est produite de notre côté"),
    ],
)
def test_the_500_page_renders_without_a_request_context_in_the_active_language(language, heading):
    with translation.override(language):
        response = server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    html = response.content.decode()
    assert heading in html
    assert f'<html lang="{language}">' in html


PROJECT_APPS = {"audit", "common", "customers", "invoices", "orders", "privacy", "staff", "ops"}


@pytest.mark.parametrize("language", ["de", "fr"])
def test_every_admin_section_and_model_of_ours_is_named_in_the_staffs_language(language):
    """The admin index lists app and model names; none of ours may stay English (e.g. "Invoices")."""
    from django.apps import apps
    from django.contrib import admin

    def names(model, code):
        with translation.override(code):
            app = apps.get_app_config(model._meta.app_label)
            return {str(app.verbose_name), str(model._meta.verbose_name), str(model._meta.verbose_name_plural)}

    ours = [model for model in admin.site._registry if model._meta.app_label in PROJECT_APPS]
    assert ours
    same_word = {"restaurant", "restaurants", "table", "tables"}  # French for them is the same word
    untranslated = {model._meta.label: names(model, "en") & names(model, language) - same_word for model in ours}
    assert {label: same for label, same in untranslated.items() if same} == {}

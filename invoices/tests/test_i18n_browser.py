"""On a phone: the invoice page and the issue form in German and French, nothing sideways, screenshots kept."""

from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import expect

from customers.tests.factories import CustomerFactory
from invoices.models import Invoice
from invoices.tests.factories import paid_order
from orders.tests.factories import RestaurantFactory

SCREENSHOTS = Path(__file__).resolve().parents[2] / "screenshots"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LINES = ((2, 1250, "7.00"), (1, 1170, "19.00"))


def signed_in(page, live_server, user) -> None:
    client = Client()
    client.force_login(user)
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )


def no_sideways_scroll(page) -> bool:
    return page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")


@pytest.mark.parametrize(
    ("language", "button", "title", "total"),
    [
        ("de", "Rechnung erstellen", "Rechnungsnummer", "36,70\xa0€"),
        ("fr", "Générer la facture", "Numéro de facture", "36,70\xa0€"),
        ("en", "Generate invoice", "Invoice no.", "€36.70"),
    ],
)
def test_customer_issues_an_invoice_in_their_language_on_a_phone(
    phone_page, live_server, language, button, title, total
):
    restaurant = RestaurantFactory(
        name="Lindenblatt", company__legal_name="Café Lindenblatt GmbH", invoice_language=language
    )
    customer = CustomerFactory(full_name="Jana Schmidt", business_name="Schmidt Consulting GmbH")
    customer.user.language = language
    customer.user.save(update_fields=["language"])
    order = paid_order(customer=customer, restaurant=restaurant, lines=LINES)
    signed_in(phone_page, live_server, customer.user)

    phone_page.goto(f"{live_server.url}/customer/orders/{order.pk}")
    expect(phone_page.get_by_test_id("document-language")).to_have_value(language)
    SCREENSHOTS.mkdir(exist_ok=True)
    phone_page.screenshot(path=str(SCREENSHOTS / f"invoices-issue-{language}.png"), full_page=True)
    phone_page.get_by_role("button", name=button).click()

    invoice = Invoice.objects.get(order=order)
    assert invoice.language == language
    expect(phone_page.get_by_test_id("invoice-document")).to_contain_text(title)
    expect(phone_page.get_by_test_id("invoice-total")).to_have_text(total)
    assert no_sideways_scroll(phone_page)
    phone_page.screenshot(path=str(SCREENSHOTS / f"invoices-detail-{language}.png"), full_page=True)

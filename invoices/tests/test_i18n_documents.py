"""Documents in their language: issued in the restaurant's invoice language or the customer's choice, stored
with the invoice, and every rendering (PDF, the invoice page's document, a re-render) in that language."""

import io

import pytest
from django.utils import translation
from pypdf import PdfReader

from common.tests.i18n import english_leftover_lines, english_leftovers
from customers.tests.factories import CustomerFactory
from invoices.models import Invoice
from invoices.pdf import invoice_render_html, invoice_render_pdf
from invoices.services import invoice_issue
from invoices.tests.factories import paid_order
from orders.guest_session import GUEST_ORDERS_SESSION_KEY
from orders.models import Restaurant
from orders.services_payment import payment_record
from orders.tests.factories import RestaurantFactory, TableFactory, order_with_lines

pytestmark = pytest.mark.django_db

# 2 × 12.50 at 7 % + 11.70 at 19 % = 36.70 gross.
LINES = ((2, 1250, "7.00"), (1, 1170, "19.00"))
SELLER = "Café Lindenblatt GmbH"
NAMES = {
    SELLER,
    "Lindenblatt",
    "Kastanienallee 12",
    "10435 Berlin",
    "Lindenblatt, Kastanienallee 12, 10435 Berlin",
    "Lindenblatt, Kastanienallee 12, 10435 Berlin, France",
    "Jana Schmidt",
    "Schmidt Consulting GmbH",
    "Hauptstraße 1",
    "10115 Berlin",
    "EUR",
    "Participants",  # the same word in French
    "Status",  # the same word in German
    "Date",  # the same word in French
}
# The portal's chrome around the invoice (base.html, the form field partial) is translated by the i18nportal
# branch; until it is merged these are English here. Harmless once they are translated.
PORTAL_CHROME = {
    "(optional)",
    "Account",
    "Invoices",
    "Language",
    "Log in",
    "Log out",
    "Register",
    "My account",
    "Order from your table · pay at the counter or with your server",
    "Orders",
    "Profile",
}


def pdf_text(data: bytes) -> str:
    """The PDF's text; Babel's no-break spaces ("36,70\xa0€") read as plain spaces."""
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    return text.replace("\xa0", " ").replace("\u202f", " ")


@pytest.fixture
def restaurant():
    # invoice_language "" = from the country: German for a restaurant in Germany.
    return RestaurantFactory(
        name="Lindenblatt", company__legal_name=SELLER, company__vat_id="DE123456789", invoice_language=""
    )


@pytest.fixture
def buyer():
    return CustomerFactory(full_name="Jana Schmidt", business_name="Schmidt Consulting GmbH", city="Berlin")


def issue(order, customer, capture, **kwargs) -> Invoice:
    with capture(execute=True):
        invoice = invoice_issue(order=order, customer=customer, **kwargs)
    invoice.refresh_from_db()
    return invoice


def english_copy(invoice: Invoice) -> Invoice:
    """The same frozen document as if issued in English (not saved): the reference for leftover checks."""
    copy = Invoice.objects.get(pk=invoice.pk)
    copy.language = "en"
    return copy


@pytest.mark.parametrize(
    ("country", "language"),
    [("DE", "de"), ("AT", "de"), ("CH", "de"), ("FR", "fr"), ("BE", "fr"), ("LU", "fr"), ("IT", "en"), ("US", "en")],
)
def test_a_restaurants_invoice_language_defaults_from_its_country(country, language):
    assert Restaurant(country=country, invoice_language="").document_language == language
    # A chosen language wins over the country.
    assert Restaurant(country=country, invoice_language="en").document_language == "en"


def test_german_pdf_shows_the_german_legal_labels_and_german_money(
    restaurant, buyer, django_capture_on_commit_callbacks
):
    order = paid_order(customer=buyer, restaurant=restaurant, lines=LINES)
    invoice = issue(order, buyer, django_capture_on_commit_callbacks)
    assert invoice.language == "de"
    text = pdf_text(invoice_render_pdf(invoice))
    for label in ["Rechnung", "Rechnungsnummer", "Rechnungsdatum", "Leistungsdatum", "Nettobetrag"]:
        assert label in text, label
    assert "USt-IdNr.: DE123456789" in text
    assert "Umsatzsteuer 7 % auf 23,36 €" in text  # 25.00 gross at 7 %: VAT 1.64
    assert "Umsatzsteuer 19 % auf 9,83 €" in text  # 11.70 gross at 19 %: VAT 1.87
    assert "Bruttobetrag (EUR) 36,70 €" in text
    assert "€" + "36.70" not in text
    assert f"{invoice.number} · Seite 1 von 1" in text
    # Dates written out in German, also in the frozen note.
    month = translation.override("de")
    with month:
        from django.utils.dateformat import format as date_format

        assert f"Leistungsdatum {date_format(invoice.supply_date, 'j. F Y')}" in text
    assert "Vollständig bezahlt am" in text
    # The note is frozen at issue in the document's language, so the English copy shows it too.
    allowed = NAMES | {" ".join(invoice.notes.replace("\xa0", " ").split())}
    assert english_leftover_lines(pdf_text(invoice_render_pdf(english_copy(invoice))), text, allowed=allowed) == []


def test_french_pdf_shows_the_french_legal_labels_and_french_money(buyer, django_capture_on_commit_callbacks):
    restaurant = RestaurantFactory(
        name="Lindenblatt",
        company__legal_name=SELLER,
        company__vat_id="FR40303265045",
        country="FR",
        invoice_language="",
    )
    order = paid_order(customer=buyer, restaurant=restaurant, lines=LINES)
    invoice = issue(order, buyer, django_capture_on_commit_callbacks)
    assert invoice.language == "fr"
    text = pdf_text(invoice_render_pdf(invoice))
    for label in ["Facture", "Numéro de facture", "Date de facture", "Date de la prestation", "Montant HT"]:
        assert label in text, label
    assert "N° TVA intracommunautaire : FR40303265045" in text  # French spacing before the colon
    assert "TVA 7 % sur 23,36 €" in text
    assert "Montant TTC (EUR)" in text and "36,70" in text
    # The note is frozen at issue in the document's language, so the English copy shows it too.
    allowed = NAMES | {" ".join(invoice.notes.replace("\xa0", " ").split())}
    assert english_leftover_lines(pdf_text(invoice_render_pdf(english_copy(invoice))), text, allowed=allowed) == []


def test_a_german_document_re_renders_in_german_whatever_the_active_language(
    restaurant, buyer, django_capture_on_commit_callbacks
):
    order = paid_order(customer=buyer, restaurant=restaurant, lines=LINES)
    invoice = issue(order, buyer, django_capture_on_commit_callbacks)
    with translation.override("en"):
        html = invoice_render_html(Invoice.objects.get(pk=invoice.pk)).replace("\xa0", " ")
        assert translation.get_language() == "en"  # the override ends with the rendering
    assert '<html lang="de">' in html
    assert "Rechnungsnummer" in html and "36,70 €" in html and "Invoice no." not in html
    with translation.override("fr"):
        assert invoice_render_html(invoice).replace("\xa0", " ") == html  # the same document, byte for byte


def test_invoice_page_shows_the_document_in_its_language_and_the_page_in_the_viewers(
    client, restaurant, buyer, django_capture_on_commit_callbacks
):
    order = paid_order(customer=buyer, restaurant=restaurant, lines=LINES)
    invoice = issue(order, buyer, django_capture_on_commit_callbacks)
    client.force_login(buyer.user)
    english_viewer = client.get(f"/customer/invoices/{invoice.pk}", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Download PDF" in english_viewer  # the page chrome: the viewer's language
    assert "Rechnungsnummer" in english_viewer and "Bruttobetrag" in english_viewer  # the document: German
    assert "Invoice no." not in english_viewer


@pytest.mark.parametrize("language", ["de", "fr"])
def test_invoice_page_has_no_english_leftovers(client, buyer, language, django_capture_on_commit_callbacks):
    # Documents in the viewer's language: every word on the page must change.
    restaurant = RestaurantFactory(name="Lindenblatt", company__legal_name=SELLER, invoice_language=language)
    english_restaurant = RestaurantFactory(name="Lindenblatt", company__legal_name=SELLER, invoice_language="en")
    translated = issue(
        paid_order(customer=buyer, restaurant=restaurant, lines=LINES), buyer, django_capture_on_commit_callbacks
    )
    english = issue(
        paid_order(customer=buyer, restaurant=english_restaurant, lines=LINES),
        buyer,
        django_capture_on_commit_callbacks,
    )
    client.force_login(buyer.user)
    english_html = client.get(f"/customer/invoices/{english.pk}", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    buyer.user.language = language
    buyer.user.save(update_fields=["language"])
    translated_html = client.get(f"/customer/invoices/{translated.pk}").content.decode()
    allowed = NAMES | PORTAL_CHROME | {english.number, translated.number}
    assert english_leftovers(english_html, translated_html, allowed=allowed) == []
    list_en = client.get("/customer/invoices", HTTP_ACCEPT_LANGUAGE="en")
    buyer.user.language = "en"
    buyer.user.save(update_fields=["language"])
    list_en = client.get("/customer/invoices").content.decode()
    buyer.user.language = language
    buyer.user.save(update_fields=["language"])
    list_translated = client.get("/customer/invoices").content.decode()
    assert english_leftovers(list_en, list_translated, allowed=allowed) == []


def test_customer_picks_french_on_the_issue_form(client, restaurant, buyer, django_capture_on_commit_callbacks):
    order = paid_order(customer=buyer, restaurant=restaurant, lines=LINES)
    client.force_login(buyer.user)
    page = client.get(f"/customer/orders/{order.pk}").content.decode()
    # The form offers the languages, the restaurant's (German) preselected.
    assert '<option value="de" lang="de" selected>' in page and '<option value="fr" lang="fr">' in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/customer/orders/{order.pk}/invoice", {"language": "fr"})
    assert response.status_code == 302
    invoice = Invoice.objects.get(order=order)
    assert invoice.language == "fr"
    assert "Numéro de facture" in pdf_text(invoice_render_pdf(invoice))


def test_an_unknown_language_on_the_issue_form_is_refused_without_issuing(client, restaurant, buyer):
    order = paid_order(customer=buyer, restaurant=restaurant, lines=LINES)
    client.force_login(buyer.user)
    response = client.post(f"/customer/orders/{order.pk}/invoice", {"language": "xx"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert "Please choose English, German or French for the invoice." in response.content.decode()
    assert not Invoice.objects.exists()


def test_without_a_choice_the_restaurants_language_is_used(
    client, restaurant, buyer, django_capture_on_commit_callbacks
):
    order = paid_order(customer=buyer, restaurant=restaurant, lines=LINES)
    client.force_login(buyer.user)
    buyer.user.language = "fr"  # the customer's own language is for pages and mails, not the document
    buyer.user.save(update_fields=["language"])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/customer/orders/{order.pk}/invoice")
    assert Invoice.objects.get(order=order).language == "de"


def test_guest_chooses_the_receipt_language(client, restaurant, django_capture_on_commit_callbacks):
    table = TableFactory(restaurant=restaurant)
    order = order_with_lines(restaurant=restaurant, table=table, lines=LINES)
    session = client.session
    session[GUEST_ORDERS_SESSION_KEY] = [order.pk]
    session.save()
    payment_record(order_ids=[order.pk], method="card", tip_cents=330)
    url = f"/customer/orders/{order.public_token}/receipt"
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<option value="de" lang="de" selected>' in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"action": "receipt", "language": "fr"})
    assert response["Content-Type"] == "application/pdf"
    receipt = Invoice.objects.get(kind="receipt")
    assert receipt.language == "fr"
    text = pdf_text(response.content)
    assert "Reçu" in text and "Pourboire" in text and "FACTURE SIMPLIFIÉE" in text  # a label in capitals (CSS)
    assert "Total payé (Carte)" in text


def test_a_cancellation_is_printed_in_its_invoices_language(restaurant, buyer, django_capture_on_commit_callbacks):
    from invoices.services import invoice_cancel

    order = paid_order(customer=buyer, restaurant=restaurant, lines=LINES)
    invoice = issue(order, buyer, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        cancellation = invoice_cancel(invoice=invoice, reason="Falsche Anschrift")
    assert cancellation.language == "de"
    text = pdf_text(invoice_render_pdf(cancellation))
    assert "Stornorechnung" in text and f"Diese Stornorechnung storniert die Rechnung {invoice.number} vom" in text
    assert "Storno zu Rechnung" in text
    assert "Gutschrift" not in text


def test_invoice_mail_in_german_over_smtp(client, restaurant, buyer, smtp_server, django_capture_on_commit_callbacks):
    order = paid_order(customer=buyer, restaurant=restaurant, lines=LINES)
    issue(order, buyer, django_capture_on_commit_callbacks)
    (message,) = smtp_server.wait_for(1)
    invoice = Invoice.objects.get(order=order)
    assert message["Subject"].strip() == f"Ihre Rechnung {invoice.number} von {SELLER} ist fertig"
    text = message.get_body(preferencelist=("plain",)).get_content().replace("\xa0", " ")
    html = message.get_body(preferencelist=("html",)).get_content().replace("\xa0", " ")
    assert "Guten Tag Jana Schmidt," in text and "36,70 €" in text and "Anmeldung erforderlich" in text
    assert "Rechnung ansehen" in html and "36,70 €" in html


def test_invoice_mail_follows_the_customers_saved_language(
    buyer, restaurant, smtp_server, django_capture_on_commit_callbacks
):
    buyer.user.language = "fr"
    buyer.user.save(update_fields=["language"])
    order = paid_order(customer=buyer, restaurant=restaurant, lines=LINES)
    invoice = issue(order, buyer, django_capture_on_commit_callbacks)
    assert invoice.language == "de"  # the document is the restaurant's
    (message,) = smtp_server.wait_for(1)
    assert message["Subject"].strip() == f"Votre facture {invoice.number} de {SELLER} est prête"
    assert "Voir votre facture" in message.get_body(preferencelist=("html",)).get_content()


def test_staff_issue_in_the_restaurants_language_and_the_buyer_mail_follows(
    client, restaurant, smtp_server, django_capture_on_commit_callbacks
):
    from customers.tests.factories import StaffFactory
    from customers.tests.helpers import staff_force_login

    staff = StaffFactory(restaurants=[restaurant])
    table = TableFactory(restaurant=restaurant)
    order = order_with_lines(restaurant=restaurant, table=table, lines=LINES)
    payment = payment_record(order_ids=[order.pk], method="cash", tip_cents=0)
    staff_force_login(client, staff)
    buyer = {
        "buyer_name": "Jana Schmidt",
        "buyer_street": "Torstraße 1",
        "buyer_postal_code": "10119",
        "buyer_city": "Berlin",
        "buyer_country": "DE",
        "buyer_email": "jana@example.com",
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/admin/orders/payment/{payment.pk}/invoice/", buyer, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 302
    invoice = Invoice.objects.get(payment=payment)
    assert invoice.language == "de"  # staff (English admin) issue in the restaurant's language
    (message,) = smtp_server.wait_for(1)
    assert message["Subject"].strip() == f"Ihre Rechnung {invoice.number} von {SELLER}"
    text = message.get_body(preferencelist=("plain",)).get_content().replace("\xa0", " ")
    assert "Guten Tag Jana Schmidt," in text and "Gesamtbetrag: 36,70 €" in text
    attachment = next(part for part in message.iter_attachments())
    assert "Rechnungsnummer" in pdf_text(attachment.get_content())


@pytest.mark.parametrize("language", ["de", "fr"])
def test_guest_receipt_page_has_no_english_leftovers(client, restaurant, language):
    table = TableFactory(restaurant=restaurant)
    order = order_with_lines(restaurant=restaurant, table=table, lines=LINES)
    session = client.session
    session[GUEST_ORDERS_SESSION_KEY] = [order.pk]
    session.save()
    payment_record(order_ids=[order.pk], method="card", tip_cents=330)
    url = f"/customer/orders/{order.public_token}/receipt"
    english = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    translated = client.get(url, HTTP_ACCEPT_LANGUAGE=language).content.decode()
    allowed = NAMES | PORTAL_CHROME | {"Lindenblatt"}
    assert english_leftovers(english, translated, allowed=allowed) == []
    code_en = client.get("/customer/receipt", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    code_translated = client.get("/customer/receipt", HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert english_leftovers(code_en, code_translated, allowed=allowed) == []


@pytest.mark.parametrize("language", ["de", "fr"])
def test_refusal_page_has_no_english_leftovers(client, restaurant, language):
    customer = CustomerFactory(street="")  # billing details incomplete
    order = paid_order(customer=customer, restaurant=restaurant, lines=LINES)
    client.force_login(customer.user)
    url = f"/customer/orders/{order.pk}/invoice"
    customer.user.language = "en"
    customer.user.save(update_fields=["language"])
    english = client.post(url).content.decode()
    customer.user.language = language
    customer.user.save(update_fields=["language"])
    translated = client.post(url).content.decode()
    assert "Rechnung" in translated or "facture" in translated
    # The names of the missing fields are the profile's (customers app, translated there).
    missing = {name.capitalize() for name in customer.missing_billing_fields}
    allowed = NAMES | PORTAL_CHROME | missing
    assert english_leftovers(english, translated, allowed=allowed) == []


def test_the_restaurants_invoice_language_is_a_setting_in_the_admin(client, superuser, restaurant):
    from customers.tests.helpers import staff_force_login

    staff_force_login(client, superuser)
    url = f"/admin/orders/restaurant/{restaurant.pk}/change/"
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert (
        'name="invoice_language"' in page
        and "Rechnungssprache" in page
        and "Die eigene Sprache des Restaurants" in page
    )
    form = client.get(url).context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None and name != "staff"}
    data.update(invoice_language="fr", company=restaurant.company_id)
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    restaurant.refresh_from_db()
    assert restaurant.invoice_language == "fr" and restaurant.document_language == "fr"


def test_staff_see_the_document_language_in_the_invoice_admin(
    client, superuser, restaurant, buyer, django_capture_on_commit_callbacks
):
    from customers.tests.helpers import staff_force_login

    invoice = issue(
        paid_order(customer=buyer, restaurant=restaurant, lines=LINES), buyer, django_capture_on_commit_callbacks
    )
    staff_force_login(client, superuser)
    page = client.get(f"/admin/invoices/invoice/{invoice.pk}/change/", HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert "Belegsprache" in page and "Deutsch" in page

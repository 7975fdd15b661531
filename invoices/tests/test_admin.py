"""Staff admin: scoped to their restaurants, read-only numbers and amounts, status actions, download."""

from decimal import Decimal

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME

from customers.tests.helpers import staff_force_login
from invoices.models import Invoice
from invoices.services import invoice_issue
from invoices.tests.factories import paid_order

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/invoices/invoice/"


@pytest.fixture
def invoice_a(customer, restaurant_a):
    return invoice_issue(order=paid_order(customer=customer, restaurant=restaurant_a), customer=customer)


@pytest.fixture
def invoice_b(other_customer, restaurant_b):
    return invoice_issue(order=paid_order(customer=other_customer, restaurant=restaurant_b), customer=other_customer)


def test_staff_see_only_their_restaurants_invoices(client, staff_a, invoice_a, invoice_b):
    staff_force_login(client, staff_a)
    response = client.get(CHANGELIST)
    assert response.status_code == 200
    shown = {obj.pk for obj in response.context["cl"].result_list}
    assert shown == {invoice_a.pk}
    assert client.get(f"{CHANGELIST}{invoice_b.pk}/change/").status_code == 302  # admin: "doesn't exist" redirect


def test_superuser_sees_all(client, superuser, invoice_a, invoice_b):
    staff_force_login(client, superuser)
    shown = {obj.pk for obj in client.get(CHANGELIST).context["cl"].result_list}
    assert shown == {invoice_a.pk, invoice_b.pk}


def test_numbers_and_amounts_are_read_only(client, staff_a, invoice_a):
    staff_force_login(client, staff_a)
    page = client.get(f"{CHANGELIST}{invoice_a.pk}/change/")
    assert page.status_code == 200
    form = page.context["adminform"].form
    assert list(form.fields) == []  # nothing editable at all
    body = page.content.decode()
    assert invoice_a.number in body and "€41.87" in body
    for line in invoice_a.lines.all():
        assert line.description in body  # the lines are visible to staff, read-only
    client.post(f"{CHANGELIST}{invoice_a.pk}/change/", {"number": "HACKED", "total_cents": "1", "status": "paid"})
    fresh = Invoice.objects.get(pk=invoice_a.pk)
    assert (fresh.number, fresh.total_cents, fresh.status) == (invoice_a.number, invoice_a.total_cents, "draft")


def test_no_add_and_no_delete(client, superuser, invoice_a):
    staff_force_login(client, superuser)
    assert client.get(f"{CHANGELIST}add/").status_code == 403
    assert client.get(f"{CHANGELIST}{invoice_a.pk}/delete/").status_code == 403
    actions = client.get(CHANGELIST).context["action_form"].fields["action"].choices
    assert "delete_selected" not in [name for name, _ in actions]


def act(client, action, *invoices):
    return client.post(CHANGELIST, {"action": action, ACTION_CHECKBOX_NAME: [i.pk for i in invoices]}, follow=True)


def test_staff_mark_sent_paid_and_cancel(client, staff_a, invoice_a, customer):
    staff_force_login(client, staff_a)
    act(client, "mark_sent", invoice_a)
    assert Invoice.objects.get(pk=invoice_a.pk).status == "sent"
    act(client, "mark_paid", invoice_a)
    assert Invoice.objects.get(pk=invoice_a.pk).status == "paid"
    # Cancelling is a new document with a reason, from the invoice's correction page (test_corrections_admin).
    assert "mark_cancelled" not in [
        name for name, _ in client.get(CHANGELIST).context["action_form"].fields["action"].choices
    ]
    form = {"mode": "full", "reason": "Wrong table"}
    response = client.post(f"{CHANGELIST}{invoice_a.pk}/correct/", {**form, "confirm": "1"}, follow=True)
    cancellation = Invoice.objects.get(cancels=invoice_a)
    assert f"{cancellation.number} issued for {invoice_a.number}" in response.content.decode()
    assert Invoice.objects.get(pk=invoice_a.pk).status == "cancelled"
    response = client.post(f"{CHANGELIST}{invoice_a.pk}/correct/", {**form, "confirm": "1"}, follow=True)
    assert "already cancelled" in response.content.decode()
    assert Invoice.objects.filter(cancels=invoice_a).count() == 1


def test_staff_cannot_act_on_another_restaurants_invoice(client, staff_a, invoice_b):
    staff_force_login(client, staff_a)
    response = client.post(f"{CHANGELIST}{invoice_b.pk}/correct/", {"mode": "full", "reason": "x", "confirm": "1"})
    assert response.status_code == 404
    assert Invoice.objects.get(pk=invoice_b.pk).status == "draft"
    assert not Invoice.objects.filter(cancels=invoice_b).exists()


def test_staff_download_their_invoice_only(client, staff_a, invoice_a, invoice_b):
    staff_force_login(client, staff_a)
    response = client.get(f"{CHANGELIST}{invoice_a.pk}/download/")
    assert response.status_code == 200 and response.content.startswith(b"%PDF-")
    assert f'filename="{invoice_a.number}.pdf"' in response["Content-Disposition"]
    assert client.get(f"{CHANGELIST}{invoice_b.pk}/download/").status_code == 404


def test_changelist_filters(client, staff_a, invoice_a):
    staff_force_login(client, staff_a)
    assert client.get(CHANGELIST, {"status__exact": "draft"}).context["cl"].result_count == 1
    assert client.get(CHANGELIST, {"status__exact": "paid"}).context["cl"].result_count == 0
    assert client.get(CHANGELIST, {"q": invoice_a.number}).context["cl"].result_count == 1


def test_accountant_export_has_one_row_per_rate_and_only_own_restaurants(
    client, staff_a, customer, restaurant_a, invoice_b
):
    import csv
    import io

    from invoices.services import invoice_cancel

    customer.full_name = '=HYPERLINK("http://evil")'  # a hostile name, frozen into the invoice at issue
    customer.save()
    invoice_a = invoice_issue(order=paid_order(customer=customer, restaurant=restaurant_a), customer=customer)
    cancellation = invoice_cancel(invoice=invoice_a, reason="Wrong billing address")
    staff_force_login(client, staff_a)
    response = client.post(
        CHANGELIST,
        {"action": "export_csv", ACTION_CHECKBOX_NAME: [invoice_a.pk, cancellation.pk, invoice_b.pk]},
    )
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith('attachment; filename="invoices-')
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    for row in rows:  # decimal comma by default, as German spreadsheets read it
        for key in ("Net", "VAT", "Gross", "VAT rate"):
            assert "." not in row[key]
            row[key] = row[key].replace(",", ".")
    assert {row["Number"] for row in rows} == {invoice_a.number, cancellation.number}  # not restaurant B's
    original = [row for row in rows if row["Number"] == invoice_a.number]
    assert len(original) == len(invoice_a.vat_rows())  # one row per VAT rate
    for row in original:
        assert Decimal(row["Net"]) + Decimal(row["VAT"]) == Decimal(row["Gross"])
    assert sum(Decimal(row["Gross"]) for row in original) * 100 == invoice_a.total_cents
    assert all(Decimal(row["Gross"]) < 0 for row in rows if row["Number"] == cancellation.number)
    assert original[0]["Buyer"].startswith("'=")  # never a live formula in the spreadsheet


@pytest.mark.parametrize(
    ("language", "labels"),
    [
        ("de", ["Name des Verkäufers", "USt-IdNr. des Käufers", "Leistungsdatum", "Ort der Leistung"]),
        ("fr", ["nom du vendeur", "N° TVA intracommunautaire de l’acheteur", "date de la prestation"]),
    ],
)
def test_the_frozen_fields_are_labelled_in_the_staff_members_language(client, staff_a, invoice_a, language, labels):
    staff_force_login(client, staff_a)
    page = client.get(f"{CHANGELIST}{invoice_a.pk}/change/", HTTP_ACCEPT_LANGUAGE=language).content.decode()
    for label in labels:
        assert label.lower() in page.lower(), label
    assert "Seller name" not in page and "seller name" not in page

"""Data export: re-authentication first, then a ZIP with one JSON file per kind and the invoice PDFs."""

import io
import json
import zipfile

import pytest
from allauth.account.models import EmailAddress
from django.db import connection
from django.test.utils import CaptureQueriesContext
from pypdf import PdfReader

from audit.models import AuditEntry
from audit.services import audit_record
from customers.tests.factories import DEFAULT_PASSWORD, CustomerFactory
from customers.tests.helpers import code_for
from invoices.services.payment_documents import business_meal_declare
from orders.tests.factories import order_with_lines
from privacy.export import export_build
from privacy.tests.conftest import EXPORT_URL, REAUTH_URL, enable_mfa, login_verified

pytestmark = pytest.mark.django_db

EXPECTED_JSON = {"profile.json", "email_addresses.json", "orders.json", "invoices.json", "audit_log.json"}


def reauthenticate(client, *, password=DEFAULT_PASSWORD, code=None):
    data = {"password": password, "next": EXPORT_URL}
    if code is not None:
        data["code"] = code
    return client.post(REAUTH_URL, data)


def download(client) -> zipfile.ZipFile:
    response = client.post(EXPORT_URL)
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"].startswith('attachment; filename="my-data-')
    assert "no-store" in response["Cache-Control"]
    content = b"".join(response.streaming_content)
    assert response["Content-Length"] == str(len(content))
    return zipfile.ZipFile(io.BytesIO(content))


def read_json(archive, name):
    return json.loads(archive.read(name))


# --- Re-authentication --------------------------------------------------------------------
def test_export_page_asks_to_confirm_its_you_first(customer_client):
    response = customer_client.get(EXPORT_URL)
    assert response.status_code == 302
    assert response["Location"].startswith(f"{REAUTH_URL}?next=")


def test_download_without_recent_reauthentication_gives_no_data(customer_client, history):
    response = customer_client.post(EXPORT_URL)
    assert response.status_code == 302 and response["Location"].startswith(REAUTH_URL)
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.DATA_EXPORTED).exists()


def test_wrong_password_does_not_unlock_the_export(customer_client):
    response = reauthenticate(customer_client, password="wrong password")
    assert response.status_code == 200
    assert "password" in response.context["form"].errors
    assert customer_client.get(EXPORT_URL).status_code == 302


def test_right_password_unlocks_the_export_page(customer_client):
    response = reauthenticate(customer_client)
    assert response.status_code == 302 and response["Location"] == EXPORT_URL
    page = customer_client.get(EXPORT_URL)
    assert page.status_code == 200
    assert b"Download ZIP" in page.content


def test_signed_out_visitor_goes_to_the_login(client, db):
    response = client.post(EXPORT_URL)
    assert response.status_code == 302 and response["Location"].startswith("/customer/login")


def test_with_mfa_on_the_password_alone_is_not_enough(client, customer):
    enable_mfa(customer)
    login_verified(client, customer)
    form = client.get(REAUTH_URL + "?next=" + EXPORT_URL).context["form"]
    assert "code" in form.fields
    response = reauthenticate(client)  # no code
    assert response.status_code == 200 and "code" in response.context["form"].errors
    assert client.get(EXPORT_URL).status_code == 302
    response = reauthenticate(client, code="000000" if code_for(customer.device) != "000000" else "111111")
    assert "code" in response.context["form"].errors
    assert client.get(EXPORT_URL).status_code == 302


def test_with_mfa_on_password_and_code_unlock_the_export(client, customer):
    enable_mfa(customer)
    login_verified(client, customer)
    response = reauthenticate(client, code=code_for(customer.device))
    assert response.status_code == 302 and response["Location"] == EXPORT_URL
    assert client.get(EXPORT_URL).status_code == 200


def test_a_backup_code_works_as_the_second_factor(client, customer):
    enable_mfa(customer)
    login_verified(client, customer)
    assert reauthenticate(client, code=customer.codes[0]).status_code == 302
    assert client.get(EXPORT_URL).status_code == 200


# --- Contents -------------------------------------------------------------------------------
def test_zip_holds_each_kind_as_json_and_the_invoice_pdfs(customer_client, customer, history, other_history):
    EmailAddress.objects.create(user=customer.user, email="second@example.com", verified=False)
    audit_record(action=AuditEntry.Action.PASSWORD_CHANGED, actor=customer.user, subject=customer.user)
    for host in ("Dr. Anna Example", "Dr. Anna Beispiel"):  # an edit adds a row; both are the customer's data
        business_meal_declare(
            invoice=history["invoices"][0], host=host, occasion="Project kick-off", participants="Bob Partner"
        )
    reauthenticate(customer_client)

    archive = download(customer_client)

    invoices = history["invoices"]
    names = set(archive.namelist())
    pdf_names = {n for n in names if n.startswith("invoices/")}
    assert names - pdf_names == EXPECTED_JSON
    # Both restaurants number from 1: the second PDF name gets the invoice id instead of overwriting the first.
    assert invoices[0].number == invoices[1].number
    assert pdf_names == {f"invoices/{invoices[0].pdf_filename}", f"invoices/{invoices[1].number}-{invoices[1].pk}.pdf"}

    profile = read_json(archive, "profile.json")
    assert profile["account"]["email"] == customer.user.email
    assert profile["account"]["two_factor_authentication"] is False
    assert profile["profile"]["full_name"] == customer.full_name
    assert profile["profile"]["city"] == "Berlin"
    assert "password" not in json.dumps(profile)

    addresses = read_json(archive, "email_addresses.json")
    assert addresses == [
        {"email": customer.user.email, "primary": True, "verified": True},
        {"email": "second@example.com", "primary": False, "verified": False},
    ]

    orders = read_json(archive, "orders.json")
    assert [o["id"] for o in orders] == sorted(o.pk for o in history["orders"])
    first = next(o for o in orders if o["id"] == history["orders"][0].pk)
    assert first["note"] == "window seat please"
    assert first["total_cents"] == history["orders"][0].total_cents
    assert sum(line["total_cents"] for line in first["lines"]) == first["total_cents"]
    assert {line["quantity"] for line in first["lines"]} == {2, 1, 3}
    # Bearer tokens of the order pages are credentials, not personal data.
    assert all("claim_code" not in o and "public_token" not in o for o in orders)

    listed = read_json(archive, "invoices.json")
    assert [i["number"] for i in listed] == [inv.number for inv in invoices]
    assert listed[0]["buyer"]["name"] == customer.full_name
    assert listed[0]["gross_cents"] == invoices[0].total_cents
    assert listed[0]["net_cents"] + listed[0]["vat_cents"] == listed[0]["gross_cents"]
    assert {i["pdf"] for i in listed} == pdf_names
    meals = listed[0]["business_meal_declarations"]
    assert [(m["host"], m["occasion"], m["participants"]) for m in meals] == [
        ("Dr. Anna Example", "Project kick-off", "Bob Partner"),
        ("Dr. Anna Beispiel", "Project kick-off", "Bob Partner"),
    ]
    assert listed[1]["business_meal_declarations"] == []
    for entry in listed:
        pdf = PdfReader(io.BytesIO(archive.read(entry["pdf"])))
        text = "".join(page.extract_text() for page in pdf.pages)
        assert entry["number"] in text
        assert customer.full_name in text
        # Same number at both restaurants: each file must be its own restaurant's document.
        assert entry["seller"]["name"] in text

    audit = read_json(archive, "audit_log.json")
    # The sign-in of this session (recorded by the login), then the entry made above;
    # issuing the two invoices was the customer's own action too.
    assert [e["action"] for e in audit if e["action"] != "document_issued"] == ["login", "password_changed"]
    assert sorted(e["object_id"] for e in audit if e["action"] == "document_issued") == sorted(
        str(i.pk) for i in invoices
    )
    assert all(e["by_you"] for e in audit)


def test_each_pdf_is_its_own_invoice_on_every_download(customer, history):
    """Same number at two restaurants shares one stored file (known invoices bug): the export re-renders."""
    for _ in range(2):
        export = export_build(customer=customer)
        archive = zipfile.ZipFile(export.file)
        for entry in read_json(archive, "invoices.json"):
            pdf = PdfReader(io.BytesIO(archive.read(entry["pdf"])))
            assert entry["seller"]["name"] in "".join(page.extract_text() for page in pdf.pages)


def test_another_customers_data_is_never_in_the_zip(customer_client, customer, history, other_history, other_customer):
    audit_record(action=AuditEntry.Action.LOGIN, actor=other_customer.user, subject=other_customer.user)
    reauthenticate(customer_client)
    archive = download(customer_client)
    everything = b"".join(archive.read(name) for name in archive.namelist() if name.endswith(".json"))
    pdf_text = "".join(
        page.extract_text()
        for name in archive.namelist()
        if name.endswith(".pdf")
        for page in PdfReader(io.BytesIO(archive.read(name))).pages
    )
    for secret in (other_customer.user.email, other_customer.full_name, "other note 4711"):
        assert secret.encode() not in everything
        assert secret not in pdf_text
    orders = read_json(archive, "orders.json")
    assert other_history["order"].pk not in {o["id"] for o in orders}
    # Only this session's own sign-in and invoices, not the other customer's.
    assert [e["action"] for e in read_json(archive, "audit_log.json") if e["action"] != "document_issued"] == ["login"]
    issued = {e["object_id"] for e in read_json(archive, "audit_log.json") if e["action"] == "document_issued"}
    assert issued == {str(i.pk) for i in history["invoices"]}


def test_mfa_secrets_and_backup_codes_are_not_exported(client, customer):
    enable_mfa(customer)
    login_verified(client, customer)
    reauthenticate(client, code=code_for(customer.device))
    archive = download(client)
    everything = b"".join(archive.read(name) for name in archive.namelist())
    assert read_json(archive, "profile.json")["account"]["two_factor_authentication"] is True
    assert customer.device.key.encode() not in everything
    for code in customer.codes:
        assert code.replace("-", "").encode() not in everything


# --- Side effects: audit, mail, limit -----------------------------------------------------------
def test_export_is_audited_and_mailed(
    customer_client, customer, history, smtp_server, django_capture_on_commit_callbacks
):
    reauthenticate(customer_client)
    with django_capture_on_commit_callbacks(execute=True):
        download(customer_client)
    entry = AuditEntry.objects.get(action=AuditEntry.Action.DATA_EXPORTED)
    assert entry.subject == customer.user and entry.actor == customer.user
    assert entry.data == {"orders": 3, "invoices": 2, "audit_entries": 3}  # the sign-in, the two invoices issued
    [message] = smtp_server.wait_for(1)
    assert message["To"] == customer.user.email
    assert message["Subject"] == "A copy of your data was downloaded"
    assert "forgot-password" in message.get_body(("plain",)).get_content()


def test_fourth_download_in_an_hour_is_429(customer_client, customer):
    reauthenticate(customer_client)
    for _ in range(3):
        download(customer_client)
    response = customer_client.post(EXPORT_URL)
    assert response.status_code == 429
    assert b"Too many attempts" in response.content
    assert AuditEntry.objects.filter(action=AuditEntry.Action.DATA_EXPORTED).count() == 3


def test_the_limit_is_per_account(client, customer, other_customer):
    client.force_login(customer.user)
    reauthenticate(client)
    for _ in range(3):
        download(client)
    client.force_login(other_customer.user)
    reauthenticate(client)
    download(client)


# --- Cost --------------------------------------------------------------------------------------------
def test_queries_do_not_grow_with_the_number_of_orders(customer, restaurant_a):
    def queries_for(customer):
        with CaptureQueriesContext(connection) as ctx:
            export_build(customer=customer).file.close()
        return len(ctx.captured_queries)

    order_with_lines(customer=customer, restaurant=restaurant_a)
    few = queries_for(customer)
    bigger = CustomerFactory()
    for _ in range(25):
        order_with_lines(customer=bigger, restaurant=restaurant_a)
    assert queries_for(bigger) == few

"""The accountant's export: the DATEV file byte for byte, encoding, bookings from the takings, the ZIP, gaps."""

import csv
import io
import zipfile
from datetime import date, datetime
from pathlib import Path
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.utils import translation

from invoices.accounting import datev
from invoices.accounting.bookings import ExportRefused, export_entries
from invoices.accounting.export import export_zip_write, number_gaps
from invoices.models import Invoice
from invoices.services import invoice_cancel
from invoices.services.payment_documents import payment_invoice_issue, receipt_issue
from orders.models import Order, Payment
from orders.services_payment import payment_record
from orders.takings import takings_compute
from orders.tests.factories import CompanyFactory, RestaurantFactory, order_with_lines

DATA = Path(__file__).parent / "data"
BERLIN = ZoneInfo("Europe/Berlin")
NOV_FROM, NOV_TO = date(2026, 11, 1), date(2026, 11, 30)
EXPORTED_AT = datetime(2026, 12, 1, 9, 30, 15, 123000, tzinfo=BERLIN)
BUYER = {
    "buyer_name": "Erika Mustermann",
    "buyer_street": "Hauptstraße 1",
    "buyer_postal_code": "10115",
    "buyer_city": "Berlin",
    "buyer_country": "DE",
}


def berlin(*args) -> datetime:
    return datetime(*args, tzinfo=BERLIN)


def pay(orders, method, tip, paid_at) -> Payment:
    # A recorded payment is frozen (recorded_at too): record it at that moment instead of moving it later.
    with mock.patch.object(Payment._meta.get_field("recorded_at"), "get_default", return_value=paid_at):
        payment = payment_record(order_ids=[o.pk for o in orders], method=method, tip_cents=tip)
    Order.objects.filter(payment=payment).update(paid_at=paid_at)
    payment.refresh_from_db()
    return payment


@pytest.fixture
def month(db):
    """November 2026 of one company, by hand (Berlin time; amounts gross):

      Mon 2  20:00 card, tip 1.50: 20.00 at 19 % + 13.00 at 7 %          (payment 1)
      Mon 2  21:00 cash:           12.00 at 7 %; receipt INV-2026-0001   (payment 2)
      Tue 3  12:00 cash, tip 0.50:  9.90 at 19 % + 3.00 at 0 %           (payment 3)
      Tue 3        full invoice INV-2026-0002 for payment 1
      Wed 4        INV-2026-0002 cancelled by INV-2026-0003: reverses 20.00 (19 %) and 13.00 (7 %), card
      Thu 5        full invoice for payment 2: cancels the receipt (INV-2026-0004, reverses 12.00 at 7 %, cash)
                   and issues INV-2026-0005, which books the 12.00 again
      1 December   a payment outside the period: 50.00 at 19 %, card
    The restaurant's name has a CJK part, a quote and a euro sign (text replacement and escaping).
    """
    company = CompanyFactory(legal_name="Gaststätte Löwe GmbH", datev_adviser_number=29098, datev_client_number=55003)
    restaurant = RestaurantFactory(company=company, name='Zum "Löwen" 東京 €', timezone="Europe/Berlin")
    first = order_with_lines(restaurant=restaurant, lines=((1, 2000, "19.00"), (2, 650, "7.00")))
    payment_1 = pay([first], "card", 150, berlin(2026, 11, 2, 20, 0))
    payment_2 = pay(
        [order_with_lines(restaurant=restaurant, lines=((1, 1200, "7.00"),))], "cash", 0, berlin(2026, 11, 2, 21)
    )
    pay(
        [order_with_lines(restaurant=restaurant, lines=((1, 990, "19.00"), (1, 300, "0.00")))],
        "cash",
        50,
        berlin(2026, 11, 3, 12, 0),
    )
    pay([order_with_lines(restaurant=restaurant, lines=((1, 5000, "19.00"),))], "card", 0, berlin(2026, 12, 1, 12))
    receipt_issue(payment=payment_2, now=berlin(2026, 11, 2, 21, 5))
    invoice, _none = payment_invoice_issue(payment=payment_1, buyer=BUYER, now=berlin(2026, 11, 3, 10, 0))
    invoice_cancel(invoice=invoice, reason="Wrong table", now=berlin(2026, 11, 4, 11, 0))
    payment_invoice_issue(payment=payment_2, buyer=BUYER, now=berlin(2026, 11, 5, 9, 0))
    return company


def test_the_documents_of_the_data_set_have_the_numbers_the_bookings_expect(month):
    numbers = dict(Invoice.objects.filter(company=month).values_list("number", "kind"))
    assert numbers == {
        "INV-2026-0001": "receipt",
        "INV-2026-0002": "invoice",
        "INV-2026-0003": "cancellation",
        "INV-2026-0004": "cancellation",
        "INV-2026-0005": "invoice",
    }


def extf_bytes(company) -> bytes:
    out = io.BytesIO()
    with translation.override("en"):
        export_zip_write(company=company, date_from=NOV_FROM, date_to=NOV_TO, out=out, now=EXPORTED_AT)
    with zipfile.ZipFile(out) as archive:
        return archive.read("EXTF_Buchungsstapel_20261101_20261130.csv")


def test_the_datev_file_is_byte_equal_to_the_expected_file(month):
    assert extf_bytes(month) == (DATA / "EXTF_Buchungsstapel_expected.csv").read_bytes()


def test_the_datev_file_is_windows_1252_with_crlf_and_the_defined_replacement(month):
    raw = extf_bytes(month)
    lines = raw.split(b"\r\n")
    assert lines[-1] == b"" and all(b"\n" not in line for line in lines)
    assert lines[0].startswith(
        b'"EXTF";700;21;"Buchungsstapel";13;20261201093015123;;"RE";"";"";29098;55003;20260101;4;'
    )
    assert b";20261101;20261130;" in lines[0]
    assert len(lines[1].split(b";")) == len(datev.COLUMN_TITLES) == 125
    text = raw.decode("cp1252")
    # The euro sign is byte 0x80 in Windows-1252; CJK characters become "?", one each; quotes are doubled.
    assert "\u20ac".encode("cp1252") == b"\x80" and b"\x80" in raw
    assert '"Takings 19 % Card, Zum ""Löwen"" ?? €"' in text
    assert "東" not in text
    for line in lines[2:-1]:
        assert len(line.split(b";")) >= 125  # quoted ";" never appears in our texts: 125 fields


def test_text_fields_escape_replace_and_cut():
    assert datev.extf_text('a "b" c') == '"a ""b"" c"'
    assert datev.extf_text("東京 €") == '"?? €"'
    assert datev.extf_text("Gru\u0308n") == '"Grün"'  # decomposed umlaut: NFC first, so no "?"
    assert datev.extf_text("two\r\nlines") == '"two lines"'
    assert datev.extf_text("x" * 80, max_length=60) == '"' + "x" * 60 + '"'
    assert datev.extf_document_field("INV_2026 0001") == '"INV-2026-0001"'
    assert datev.extf_amount(123456) == "1234,56" and datev.extf_amount(-5) == "0,05"
    with pytest.raises(ValueError):
        datev.Booking(
            amount_cents=-1,
            debit_credit="S",
            account=1000,
            contra_account=8400,
            document_date=date(2026, 11, 1),
            document_field="x",
            text="",
        )


def test_sales_are_booked_once_from_the_takings_with_the_same_rounding(month):
    entries = list(export_entries(company=month, date_from=NOV_FROM, date_to=NOV_TO))
    sales = [e for e in entries if e.kind == "sale"]
    takings = takings_compute(restaurant=month.restaurants.get(), date_from=NOV_FROM, date_to=NOV_TO)
    # Per rate the sales bookings are exactly the takings page's gross, document or not.
    by_rate = {}
    for entry in sales:
        by_rate[entry.rate] = by_rate.get(entry.rate, 0) + entry.amount_cents
    assert by_rate == {rate: row.gross_cents for rate, row in takings.total.rates.items()}
    assert sum(e.amount_cents for e in entries if e.kind == "tip") == takings.total.tip_cents == 200
    # Documents: two cancellations reversed, the re-issue booked again; the first invoice and the receipt book nothing.
    documents = [(e.document_number, e.kind, e.amount_cents, e.contra_account) for e in entries if e.kind != "sale"]
    assert [d for d in documents if d[1] != "tip"] == [
        ("INV-2026-0003", "reversal", -2000, 8400),
        ("INV-2026-0003", "reversal", -1300, 8300),
        ("INV-2026-0004", "reversal", -1200, 8300),
        ("INV-2026-0005", "rebooking", 1200, 8300),
    ]


def test_the_period_must_fit_one_fiscal_year_and_the_company_needs_datev_numbers(month):
    with pytest.raises(ExportRefused, match="one fiscal year"):
        list(export_entries(company=month, date_from=date(2026, 12, 1), date_to=date(2027, 1, 31)))
    month.fiscal_year_start_month = 7
    with pytest.raises(ExportRefused, match="one fiscal year"):
        list(export_entries(company=month, date_from=date(2026, 6, 1), date_to=date(2026, 7, 31)))
    month.datev_client_number = None
    with pytest.raises(ExportRefused, match="client numbers"):
        list(export_entries(company=month, date_from=NOV_FROM, date_to=NOV_TO))


def read_zip(company, **kwargs) -> zipfile.ZipFile:
    out = io.BytesIO()
    with translation.override("en"):
        export_zip_write(company=company, date_from=NOV_FROM, date_to=NOV_TO, out=out, now=EXPORTED_AT, **kwargs)
    return zipfile.ZipFile(out)


def csv_rows(archive, name) -> list[list[str]]:
    return list(csv.reader(io.StringIO(archive.read(name).decode("utf-8-sig")), delimiter=";"))


def test_the_zip_has_the_bookings_the_documents_an_index_and_a_summary(month):
    archive = read_zip(month)
    names = set(archive.namelist())
    documents = {f"documents/INV-2026-000{n}.pdf" for n in range(1, 6)}
    assert names >= {"EXTF_Buchungsstapel_20261101_20261130.csv", "bookings.csv", "documents/index.csv", "summary.txt"}
    assert documents <= names
    for name in documents:
        assert archive.read(name).startswith(b"%PDF-")
    # The e-invoice XML beside the PDF of every document that has one (not the receipt and its cancellation).
    xml = {name for name in names if name.endswith(".xml")}
    assert xml == {f"documents/INV-2026-000{n}.xml" for n in (2, 3, 5)}
    assert archive.read("documents/INV-2026-0003.xml").startswith(b"<?xml")
    assert b"<ram:TypeCode>381</ram:TypeCode>" in archive.read("documents/INV-2026-0003.xml")

    index = csv_rows(archive, "documents/index.csv")
    header, rows = index[0], {row[0]: dict(zip(index[0], row, strict=True)) for row in index[1:]}
    assert header[:8] == ["Number", "Kind", "Status", "Issue date", "Date of supply", "Restaurant", "Payment", "Orders"]
    assert set(rows) == {f"INV-2026-000{n}" for n in range(1, 6)}
    cancellation = rows["INV-2026-0003"]
    assert cancellation["Kind"] == "cancellation" and cancellation["Corrects"] == "INV-2026-0002"
    assert cancellation["Status"] == "Issued" and rows["INV-2026-0002"]["Status"] == "Cancelled"
    assert cancellation["Files"] == "INV-2026-0003.pdf INV-2026-0003.xml"
    assert rows["INV-2026-0001"]["Files"] == "INV-2026-0001.pdf"
    assert cancellation["Gross 19 %"] == "-20,00" and cancellation["Gross 7 %"] == "-13,00"
    assert cancellation["Net 7 %"] == "-12,15" and cancellation["VAT 7 %"] == "-0,85"
    assert rows["INV-2026-0001"]["Issue date"] == "2026-11-02" and rows["INV-2026-0001"]["Gross 19 %"] == ""

    bookings = csv_rows(archive, "bookings.csv")
    assert bookings[0][:3] == ["Date", "Restaurant", "Type"]
    reversal = next(row for row in bookings if row[2] == "reversal" and row[3] == "19")
    # A reversal debits the revenue account and credits the card account.
    assert reversal[5:8] == ["8400", "1360", "20,00"] and reversal[9] == "INV-2026-0003"

    summary = archive.read("summary.txt").decode("utf-8")
    assert "First document number: INV-2026-0001" in summary
    assert "Last document number: INV-2026-0005" in summary
    assert "Missing numbers: none" in summary
    # 19 %: 20.00 + 9.90 - 20.00 reversed; tips 1.50 card + 0.50 cash.
    assert "19 %: 9,90 EUR" in summary and "Tips (not revenue)" in summary and "  Total: 2,00 EUR" in summary


def test_the_plain_csvs_can_use_a_decimal_point(month):
    archive = read_zip(month, decimal_comma=False)
    bookings = csv_rows(archive, "bookings.csv")
    assert any(row[7] == "20.00" for row in bookings[1:])
    # The DATEV file keeps its decimal comma whatever the option.
    assert b";20,00;" not in archive.read("EXTF_Buchungsstapel_20261101_20261130.csv")
    assert b"\r\n20,00;" in archive.read("EXTF_Buchungsstapel_20261101_20261130.csv")


def test_a_number_removed_by_sql_shows_up_in_the_gap_report(month):
    target = Invoice.objects.get(company=month, number="INV-2026-0004")
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Replica mode skips triggers, the foreign-key checks and any trigger that refuses DELETE on
            # issued documents (tamper evidence): the test plays an attacker with database rights.
            cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute("DELETE FROM invoices_invoiceline WHERE invoice_id = %s", [target.pk])
        cursor.execute("DELETE FROM invoices_invoice WHERE id = %s", [target.pk])
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL session_replication_role = DEFAULT")
    gaps = number_gaps(company=month, date_from=NOV_FROM, date_to=NOV_TO)
    assert gaps.missing == ["INV-2026-0004"]
    summary = read_zip(month).read("summary.txt").decode("utf-8")
    assert "Missing numbers (gap in the range): INV-2026-0004" in summary


def test_a_lost_last_number_is_reported_from_the_counter(month):
    target = Invoice.objects.get(company=month, number="INV-2026-0005")
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL session_replication_role = replica")  # see the test above
        cursor.execute("DELETE FROM invoices_invoiceline WHERE invoice_id = %s", [target.pk])
        cursor.execute("DELETE FROM invoices_invoice WHERE id = %s", [target.pk])
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL session_replication_role = DEFAULT")
    assert number_gaps(company=month, date_from=NOV_FROM, date_to=NOV_TO).missing == ["INV-2026-0005"]


def test_the_query_count_does_not_grow_with_payments(month, django_assert_max_num_queries):
    def count() -> int:
        from django.db import connection as conn
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(conn) as ctx:
            list(export_entries(company=month, date_from=NOV_FROM, date_to=NOV_TO))
        return len(ctx.captured_queries)

    before = count()
    restaurant = month.restaurants.get()
    for hour in range(10, 20):
        pay(
            [order_with_lines(restaurant=restaurant, lines=((1, 800, "19.00"), (1, 400, "7.00")))],
            "card" if hour % 2 else "cash",
            hour,
            berlin(2026, 11, 10, hour),
        )
    assert count() == before
    with django_assert_max_num_queries(8):
        list(export_entries(company=month, date_from=NOV_FROM, date_to=NOV_TO))


def test_company_accounts_default_to_skr03_and_must_have_the_account_length(db):
    from django.core.exceptions import ValidationError

    company = CompanyFactory()
    assert (company.account_revenue_19, company.account_revenue_7, company.account_revenue_0) == (8400, 8300, 8200)
    assert (company.account_cash, company.account_card, company.account_tips) == (1000, 1360, 1590)
    company.account_revenue_19 = 840
    with pytest.raises(ValidationError) as error:
        company.full_clean()
    assert "account_revenue_19" in error.value.message_dict
    company.datev_account_length, company.account_revenue_19 = 5, 84000
    with pytest.raises(ValidationError) as error:
        company.full_clean()
    assert "account_revenue_19" not in error.value.message_dict and "account_cash" in error.value.message_dict


def test_a_rate_without_a_revenue_account_is_refused_with_its_rate(month):
    from decimal import Decimal

    from invoices.accounting.bookings import revenue_account

    assert revenue_account(company=month, rate=Decimal("19.00")) == 8400
    with pytest.raises(ExportRefused, match="VAT rate 5.5 %"):
        revenue_account(company=month, rate=Decimal("5.50"))


def test_a_partial_correction_books_the_reverse_of_its_lines_with_its_number(month):
    """A correction document (kind "correction", negative lines) as the correction service issues it.

    Built here from the original's frozen fields with a number from the company's range, so this
    test does not depend on how the correction form chooses lines.
    """
    from django.db import transaction

    from invoices.models import InvoiceLine
    from invoices.services import numbering

    original = Invoice.objects.get(company=month, number="INV-2026-0005")
    frozen = {
        f.name: getattr(original, f.name)
        for f in Invoice._meta.fields
        if f.name.startswith(("seller_", "buyer_", "place_"))
    }
    with transaction.atomic():
        _moment, issue_date, sequence, number = numbering.invoice_number_and_date_allocate(
            restaurant=original.restaurant, now=berlin(2026, 11, 20, 18, 0)
        )
        correction = Invoice.objects.create(
            kind=Invoice.Kind.CORRECTION, corrects=original, company=month, restaurant=original.restaurant,
            order=original.order, payment=original.payment, year=issue_date.year, sequence=sequence, number=number,
            issue_date=issue_date, supply_date=original.supply_date, currency="EUR",
            subtotal_cents=-374, tax_cents=-26, total_cents=-400, correction_reason="Dessert returned", **frozen,
        )  # fmt: skip
        InvoiceLine.objects.create(
            invoice=correction, position=1, description="Dessert", quantity=-1, unit_price_gross_cents=400,
            vat_rate="7.00", gross_cents=-400, vat_cents=-26,
        )  # fmt: skip
    entries = list(export_entries(company=month, date_from=NOV_FROM, date_to=NOV_TO))
    booked = [e for e in entries if e.document_number == "INV-2026-0006"]
    assert [(e.day, e.kind, e.amount_cents, e.account, e.contra_account) for e in booked] == [
        (date(2026, 11, 20), "reversal", -400, 1000, 8300)
    ]
    assert booked[0].booking().debit_credit == "H"
    index = csv_rows(read_zip(month), "documents/index.csv")
    row = next(dict(zip(index[0], r, strict=True)) for r in index[1:] if r[0] == "INV-2026-0006")
    assert row["Kind"] == "correction" and row["Corrects"] == "INV-2026-0005" and row["Gross 7 %"] == "-4,00"

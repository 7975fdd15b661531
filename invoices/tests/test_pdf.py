"""The PDF, read back with pypdf: content an accountant needs, Unicode, re-rendering."""

import io
import time

import pytest
from pypdf import PdfReader

from customers.tests.factories import CustomerFactory
from invoices.models import Invoice
from invoices.pdf import invoice_render_html, invoice_render_pdf
from invoices.services import invoice_issue, invoice_pdf_bytes
from invoices.storage import invoice_storage
from invoices.tests.factories import paid_order
from orders.tests.factories import RestaurantFactory

pytestmark = pytest.mark.django_db

LINES = ((2, 1250, "7.00"), (1, 490, "19.00"), (3, 399, "19.00"))


@pytest.fixture
def unicode_invoice(django_capture_on_commit_callbacks):
    restaurant = RestaurantFactory(
        company__legal_name="Café Müller & Søn GmbH", street="Große Straße 5", company__vat_id="DE123456789"
    )
    customer = CustomerFactory(
        full_name="Ζωή Παπαδοπούλου",
        business_name="Восток ООО",
        vat_id="EL999999999",
        street="Ερμού 12",
        postal_code="10563",
        city="Αθήνα",
        country="GR",
    )
    order = paid_order(customer=customer, restaurant=restaurant, lines=LINES)
    line = order.lines.first()
    line.name = "Crème brûlée «maison»"
    line.save()
    with django_capture_on_commit_callbacks(execute=True):
        invoice = invoice_issue(order=order, customer=customer)
    invoice.refresh_from_db()
    return invoice


def pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() for page in reader.pages)


def test_pdf_holds_number_parties_lines_vat_and_total(unicode_invoice):
    invoice = unicode_invoice
    data = invoice_storage().open(invoice.pdf_path).read()
    assert data.startswith(b"%PDF-")
    text = pdf_text(data)
    assert invoice.number in text
    assert "Café Müller & Søn GmbH" in text
    assert "DE123456789" in text
    assert "Ζωή Παπαδοπούλου" in text
    assert "Восток ООО" in text
    assert "EL999999999" in text
    assert "Crème brûlée «maison»" in text
    # 2 × 12.50 at 7 %: VAT 1.64; 4.90 + 3 × 3.99 = 16.87 at 19 %: VAT 2.69; total 41.87.
    assert "VAT 7 % on €23.36" in text
    assert "VAT 19 % on €14.18" in text
    assert "€1.64" in text and "€2.69" in text
    assert "€37.54" in text  # net total
    assert "Total (EUR)" in text and "€41.87" in text
    assert "Date of supply" in text


def test_pdf_is_a4_with_footer_on_every_page(unicode_invoice):
    reader = PdfReader(io.BytesIO(invoice_render_pdf(unicode_invoice)))
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)  # A4 in points
    assert f"{unicode_invoice.number} · Page 1 of 1" in reader.pages[0].extract_text()


def test_pdf_embeds_the_shipped_fonts_only(unicode_invoice):
    reader = PdfReader(io.BytesIO(invoice_render_pdf(unicode_invoice)))
    fonts = set()
    for obj in reader.pages[0]["/Resources"]["/Font"].values():
        fonts.add(str(obj.get_object()["/BaseFont"]))
    # The @font-face family from static/fonts, not a system font picked by fontconfig.
    assert fonts and all(name.endswith(("+Invoice-Sans", "+Invoice-Sans-Bold")) for name in fonts), fonts
    assert any(name.endswith("-Bold") for name in fonts), "the shipped bold face must be used, not a synthesized one"


@pytest.fixture
def cjk_invoice(django_capture_on_commit_callbacks):
    restaurant = RestaurantFactory(
        name="東京ラーメン",
        company__legal_name="東京ラーメン株式会社",
        company__street="渋谷区道玄坂1-2-3",
        company__postal_code="150-0043",
        company__city="東京",
        company__country="JP",
        company__vat_id="",
        company__tax_number="T1234567890123",
        street="渋谷区道玄坂1-2-3",
        postal_code="150-0043",
        city="東京",
        country="JP",
        currency="JPY",
        timezone="Asia/Tokyo",
    )
    customer = CustomerFactory(full_name="山田太郎", business_name="김민준 상사", city="大阪", country="JP")
    order = paid_order(
        customer=customer, restaurant=restaurant, currency="JPY", lines=((2, 980, "10.00"), (1, 1200, "8.00"))
    )
    line = order.lines.first()
    line.name = "味噌ラーメン"
    line.save()
    with django_capture_on_commit_callbacks(execute=True):
        invoice = invoice_issue(order=order, customer=customer)
    invoice.refresh_from_db()
    return invoice


def embedded_fonts(reader: PdfReader) -> set[str]:
    return {str(font.get_object()["/BaseFont"]) for font in reader.pages[0]["/Resources"]["/Font"].values()}


def test_chinese_japanese_and_korean_names_are_printed_with_the_shipped_fallback_font(cjk_invoice):
    reader = PdfReader(io.BytesIO(invoice_storage().open(cjk_invoice.pdf_path).read()))
    text = reader.pages[0].extract_text()
    for name in ["山田太郎", "김민준 상사", "大阪", "東京ラーメン株式会社", "渋谷区道玄坂1-2-3", "味噌ラーメン"]:
        assert name in text
    assert f"{cjk_invoice.number} · Page 1 of 1" in text
    fonts = embedded_fonts(reader)
    # Latin text stays in DejaVu; CJK comes from the shipped fallback, never from a system font.
    assert any(name.endswith("+Invoice-Sans") for name in fonts), fonts
    assert any(name.endswith("+Invoice-Sans-Fallback") for name in fonts), fonts
    shipped = ("+Invoice-Sans", "+Invoice-Sans-Bold", "+Invoice-Sans-Fallback", "+Invoice-Sans-Fallback-Bold")
    assert all(name.endswith(shipped) for name in fonts), fonts


def test_missing_file_is_rendered_again_on_download(unicode_invoice):
    storage = invoice_storage()
    storage.delete(unicode_invoice.pdf_path)
    assert not storage.exists(unicode_invoice.pdf_path)

    data = invoice_pdf_bytes(invoice=unicode_invoice)

    assert unicode_invoice.number in pdf_text(data)
    assert storage.exists(unicode_invoice.pdf_path)


def test_failed_render_leaves_the_invoice_and_download_retries(customer, django_capture_on_commit_callbacks, settings):
    order = paid_order(customer=customer)
    # Break the renderer for real: without the project template dir pdf.html is not found.
    working_templates = settings.TEMPLATES
    settings.TEMPLATES = [{**working_templates[0], "DIRS": []}]
    with django_capture_on_commit_callbacks(execute=True):
        invoice = invoice_issue(order=order, customer=customer)
    invoice.refresh_from_db()
    assert Invoice.objects.filter(pk=invoice.pk).exists()
    assert invoice.pdf_path == ""
    assert "TemplateDoesNotExist" in invoice.pdf_error

    settings.TEMPLATES = working_templates  # the renderer works again
    data = invoice_pdf_bytes(invoice=invoice)
    invoice.refresh_from_db()
    assert invoice.number in pdf_text(data)
    assert invoice.pdf_path and invoice.pdf_error == ""


def test_renderer_refuses_to_fetch_anything_but_the_fonts(unicode_invoice, tmp_path):
    from invoices.pdf import invoice_html_to_pdf

    secret = tmp_path / "secret.css"
    secret.write_text("body { background: red }")
    html = invoice_render_html(unicode_invoice).replace(
        "</head>", f'<link rel="stylesheet" href="{secret.as_uri()}"><img src="http://127.0.0.1:9/x.png"></head>'
    )
    # Renders (blocked resources are skipped with a warning), and nothing was fetched.
    assert invoice_html_to_pdf(html).startswith(b"%PDF-")


def test_render_time_is_reported(unicode_invoice, capsys):
    invoice_render_pdf(unicode_invoice)  # warm-up: fonts parsed once per process
    start = time.perf_counter()
    invoice_render_pdf(unicode_invoice)
    elapsed_ms = (time.perf_counter() - start) * 1000
    with capsys.disabled():
        print(f"\ninvoice render: {elapsed_ms:.0f} ms")  # noqa: T201 - reported, not asserted


def test_first_page_turns_into_an_a4_png_for_review(unicode_invoice, tmp_path):
    import shutil
    import struct
    import subprocess
    from pathlib import Path

    if shutil.which("pdftoppm") is None:
        pytest.skip("poppler-utils (pdftoppm) is not installed")
    pdf = tmp_path / "invoice.pdf"
    pdf.write_bytes(invoice_render_pdf(unicode_invoice))
    subprocess.run(["pdftoppm", "-png", "-r", "80", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "page")], check=True)
    png = next(tmp_path.glob("page*.png")).read_bytes()
    width, height = struct.unpack(">II", png[16:24])
    assert (width, height) == (662, 936)  # A4 at 80 dpi
    screenshots = Path(__file__).resolve().parents[2] / "screenshots"
    screenshots.mkdir(exist_ok=True)
    (screenshots / "invoices-pdf-test-page1.png").write_bytes(png)  # for a human to look at


def test_a_brazilian_customers_invoice_prints_the_country_names(django_capture_on_commit_callbacks):
    # The invoice once had its own list of 39 countries and printed a bare "BR" for Brazil.
    restaurant = RestaurantFactory(country="MX", company__country="MX")
    customer = CustomerFactory(city="São Paulo", country="BR")
    order = paid_order(customer=customer, restaurant=restaurant)
    with django_capture_on_commit_callbacks(execute=True):
        invoice = invoice_issue(order=order, customer=customer)
    invoice.refresh_from_db()
    lines = [line.strip() for line in pdf_text(invoice_storage().open(invoice.pdf_path).read()).splitlines()]
    assert "Brazil" in lines and "Mexico" in lines
    assert "BR" not in lines and "MX" not in lines

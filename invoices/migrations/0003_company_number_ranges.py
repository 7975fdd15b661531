"""Number ranges per company (taxable person) instead of per restaurant; seller = company, place of supply.

Each existing restaurant got its own company (orders 0005), so every counter
and invoice maps to exactly one company and existing numbers stay unique and
unchanged. Frozen fields of existing invoices are not touched: the new seller
and place fields stay empty on them.
"""

import django.db.models.deletion
from django.db import migrations, models


def company_fill(apps, schema_editor):
    Invoice = apps.get_model("invoices", "Invoice")
    Counter = apps.get_model("invoices", "InvoiceNumberCounter")
    Restaurant = apps.get_model("orders", "Restaurant")
    for restaurant_id, company_id in Restaurant.objects.values_list("pk", "company_id"):
        # QuerySet.update bypasses the model's refusal to edit issued invoices;
        # only the new reference is set, no frozen field changes.
        Invoice.objects.filter(restaurant_id=restaurant_id).update(company_id=company_id)
        Counter.objects.filter(restaurant_id=restaurant_id).update(company_id=company_id)


class Migration(migrations.Migration):
    dependencies = [
        ("invoices", "0002_invoice_pdf_sha256"),
        ("orders", "0005_company"),
    ]

    operations = [
        migrations.RemoveConstraint(model_name="invoice", name="invoice_number_unique"),
        migrations.RemoveConstraint(model_name="invoice", name="invoice_sequence_unique"),
        migrations.RemoveConstraint(model_name="invoicenumbercounter", name="invoice_counter_unique"),
        migrations.AddField(
            model_name="invoice",
            name="company",
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name="invoices", to="orders.company"),
        ),
        migrations.AddField(
            model_name="invoicenumbercounter",
            name="company",
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name="+", to="orders.company"),
        ),
        migrations.RunPython(company_fill, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="invoice",
            name="company",
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="invoices", to="orders.company"),
        ),
        migrations.AlterField(
            model_name="invoicenumbercounter",
            name="company",
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="+", to="orders.company"),
        ),
        migrations.RemoveField(model_name="invoicenumbercounter", name="restaurant"),
        migrations.AddConstraint(
            model_name="invoicenumbercounter",
            constraint=models.UniqueConstraint(fields=("company", "year"), name="invoice_counter_company_unique"),
        ),
        migrations.AddConstraint(
            model_name="invoice",
            constraint=models.UniqueConstraint(fields=("company", "number"), name="invoice_company_number_unique"),
        ),
        migrations.AddConstraint(
            model_name="invoice",
            constraint=models.UniqueConstraint(fields=("company", "year", "sequence"), name="invoice_company_sequence_unique"),
        ),
        migrations.AddField(
            model_name="invoice",
            name="order_paid_on",
            field=models.DateField(blank=True, help_text='The day the order was paid, in the restaurant\'s time zone ("Paid on").', null=True),
        ),
        migrations.AlterField(
            model_name="invoice",
            name="seller_vat_id",
            field=models.CharField(blank=True, max_length=50),
        ),
        migrations.AddField(model_name="invoice", name="seller_tax_number", field=models.CharField(blank=True, max_length=50)),
        migrations.AddField(model_name="invoice", name="seller_register_court", field=models.CharField(blank=True, max_length=200)),
        migrations.AddField(model_name="invoice", name="seller_register_number", field=models.CharField(blank=True, max_length=50)),
        migrations.AddField(model_name="invoice", name="seller_managing_directors", field=models.CharField(blank=True, max_length=300)),
        migrations.AddField(model_name="invoice", name="place_name", field=models.CharField(blank=True, max_length=200)),
        migrations.AddField(model_name="invoice", name="place_street", field=models.CharField(blank=True, max_length=200)),
        migrations.AddField(model_name="invoice", name="place_postal_code", field=models.CharField(blank=True, max_length=20)),
        migrations.AddField(model_name="invoice", name="place_city", field=models.CharField(blank=True, max_length=100)),
        migrations.AddField(model_name="invoice", name="place_country", field=models.CharField(blank=True, max_length=2)),
        migrations.AlterField(
            model_name="invoice",
            name="sequence",
            field=models.PositiveIntegerField(editable=False, help_text="Position in the company's yearly sequence."),
        ),
        migrations.AlterField(
            model_name="invoice",
            name="supply_date",
            field=models.DateField(help_text="Date of supply: the day the meal was served (placed, if never marked served)."),
        ),
    ]

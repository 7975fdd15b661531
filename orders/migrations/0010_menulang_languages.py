

import common.text
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('orders', '0009_datev_company_accounts'),
    ]

    operations = [
        migrations.AddField(
            model_name='menucategory',
            name='name_de',
            field=models.CharField(max_length=100, null=True, validators=[common.text.validate_document_text]),
        ),
        migrations.AddField(
            model_name='menucategory',
            name='name_en',
            field=models.CharField(max_length=100, null=True, validators=[common.text.validate_document_text]),
        ),
        migrations.AddField(
            model_name='menucategory',
            name='name_fr',
            field=models.CharField(max_length=100, null=True, validators=[common.text.validate_document_text]),
        ),
        migrations.AddField(
            model_name='menuitem',
            name='description_de',
            field=models.TextField(blank=True, null=True, validators=[common.text.validate_document_text]),
        ),
        migrations.AddField(
            model_name='menuitem',
            name='description_en',
            field=models.TextField(blank=True, null=True, validators=[common.text.validate_document_text]),
        ),
        migrations.AddField(
            model_name='menuitem',
            name='description_fr',
            field=models.TextField(blank=True, null=True, validators=[common.text.validate_document_text]),
        ),
        migrations.AddField(
            model_name='menuitem',
            name='name_de',
            field=models.CharField(max_length=200, null=True, validators=[common.text.validate_document_text]),
        ),
        migrations.AddField(
            model_name='menuitem',
            name='name_en',
            field=models.CharField(max_length=200, null=True, validators=[common.text.validate_document_text]),
        ),
        migrations.AddField(
            model_name='menuitem',
            name='name_fr',
            field=models.CharField(max_length=200, null=True, validators=[common.text.validate_document_text]),
        ),
        migrations.AddField(
            model_name='orderline',
            name='names',
            field=models.JSONField(blank=True, default=dict, editable=False),
        ),
        migrations.AddField(
            model_name='restaurant',
            name='language',
            field=models.CharField(blank=True, choices=[('en', 'English'), ('de', 'Deutsch'), ('fr', 'Français')], help_text="The menu's base language (its names are required; guests whose language has no text see these) and the language staff read order lines in. Empty: chosen from the country.", max_length=8, verbose_name='own language'),
        ),
    ]

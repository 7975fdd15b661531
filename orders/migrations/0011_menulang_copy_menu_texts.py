"""Existing menus were typed in one language: copy their texts into the restaurant's own language.

Each restaurant gets its own language from its country (DE/AT/CH/LI: de, FR/BE/LU/MC: fr, else en);
its category names, item names and descriptions are copied into that language's column, and every
order line freezes its name under that language. The untranslated columns stay as they were.
"""

from django.db import migrations

COUNTRY_LANGUAGES = {"DE": "de", "AT": "de", "CH": "de", "LI": "de", "FR": "fr", "BE": "fr", "LU": "fr", "MC": "fr"}


def copy_texts(apps, schema_editor):
    Restaurant = apps.get_model("orders", "Restaurant")
    MenuCategory = apps.get_model("orders", "MenuCategory")
    MenuItem = apps.get_model("orders", "MenuItem")
    OrderLine = apps.get_model("orders", "OrderLine")
    for restaurant in Restaurant.objects.all():
        if not restaurant.language:
            restaurant.language = COUNTRY_LANGUAGES.get((restaurant.country or "").upper(), "en")
            restaurant.save(update_fields=["language"])
        lang = restaurant.language
        for category in MenuCategory.objects.filter(restaurant=restaurant):
            setattr(category, f"name_{lang}", category.name)
            category.save(update_fields=[f"name_{lang}"])
        for item in MenuItem.objects.filter(restaurant=restaurant):
            setattr(item, f"name_{lang}", item.name)
            setattr(item, f"description_{lang}", item.description)
            item.save(update_fields=[f"name_{lang}", f"description_{lang}"])
        for line in OrderLine.objects.filter(order__restaurant=restaurant).only("pk", "name"):
            line.names = {lang: line.name}
            line.save(update_fields=["names"])


class Migration(migrations.Migration):
    dependencies = [
        ("orders", "0010_menulang_languages"),
    ]

    operations = [
        migrations.RunPython(copy_texts, migrations.RunPython.noop),
    ]

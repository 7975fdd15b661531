"""The German and French catalogs are complete, and the compiled .mo files match them."""

import re
from pathlib import Path

import polib
import pytest
from django.conf import settings

from common.management.commands.compilecatalogs import catalog_paths
from common.tests.i18n import english_leftover_lines, english_leftovers

LANGUAGES = [code for code, _name in settings.LANGUAGES if code != "en"]
PLACEHOLDER = re.compile(r"%\(\w+\)[sdif]|%[sdif]|\{\w*\}")


def _catalog(language: str) -> polib.POFile:
    path = Path(settings.BASE_DIR) / "locale" / language / "LC_MESSAGES" / "django.po"
    assert path.exists(), f"{path} is missing: run manage.py makemessages -l {language}"
    return polib.pofile(str(path))


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_message_is_translated_and_none_is_fuzzy(language):
    catalog = _catalog(language)
    assert len(catalog) > 0
    untranslated = [entry.msgid for entry in catalog.untranslated_entries()]
    fuzzy = [entry.msgid for entry in catalog.fuzzy_entries()]
    empty_plurals = [entry.msgid for entry in catalog if entry.msgid_plural and not all(entry.msgstr_plural.values())]
    assert not untranslated, f"{language}: {len(untranslated)} untranslated, e.g. {untranslated[:5]}"
    assert not fuzzy, f"{language}: {len(fuzzy)} fuzzy, e.g. {fuzzy[:5]}"
    assert not empty_plurals, f"{language}: plural forms missing for {empty_plurals[:5]}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_translations_keep_the_placeholders_of_their_message(language):
    wrong = []
    for entry in _catalog(language).translated_entries():
        if entry.msgid_plural:
            pairs = [(entry.msgid_plural, text) for text in entry.msgstr_plural.values()]
        else:
            pairs = [(entry.msgid, entry.msgstr)]
        for source, text in pairs:
            if sorted(set(PLACEHOLDER.findall(source))) != sorted(set(PLACEHOLDER.findall(text))):
                wrong.append((source, text))
    assert not wrong, f"{language}: placeholders differ in {wrong[:5]}"


def test_compiled_catalogs_are_up_to_date():
    paths = catalog_paths()
    assert paths
    for po_path in paths:
        mo_path = po_path.with_suffix(".mo")
        assert mo_path.exists(), f"{mo_path} missing: run manage.py compilecatalogs"
        compiled = {
            (entry.msgctxt, entry.msgid): entry.msgstr or entry.msgstr_plural for entry in polib.mofile(str(mo_path))
        }
        source = {
            (entry.msgctxt, entry.msgid): entry.msgstr or entry.msgstr_plural
            for entry in polib.pofile(str(po_path)).translated_entries()
        }
        stale = {key for key in source if compiled.get(key) != source[key]}
        assert not stale, f"{mo_path} is out of date for {sorted(stale)[:3]}: run manage.py compilecatalogs"


def test_the_leftover_check_finds_english_and_passes_names_and_numbers():
    english = "<main><h1>Your order</h1><p>Café Linde</p><p>€36.70</p><button>Send order</button><p>T4</p></main>"
    german = "<main><h1>Ihre Bestellung</h1><p>Café Linde</p><p>36,70 €</p><button>Send order</button><p>T4</p></main>"
    assert english_leftovers(english, german, allowed={"Café Linde"}) == ["Send order"]
    assert (
        english_leftover_lines("Invoice\nCafé Linde\n36.70", "Rechnung\nCafé Linde\n36,70", allowed={"Café Linde"})
        == []
    )


def test_no_translation_function_hides_behind_an_alias():
    """makemessages finds gettext_lazy, pgettext, _ ... by name: ``gettext_lazy as _lazy`` kept a reason English."""
    base = Path(settings.BASE_DIR)
    aliased = re.compile(r"from django\.utils\.translation import [^\n]*\bas (?!_\b)\w+")
    offenders = [
        str(path.relative_to(base))
        for path in base.rglob("*.py")
        if not {".venv", "node_modules"} & set(path.parts) and aliased.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []

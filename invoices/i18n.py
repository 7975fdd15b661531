"""The language of a document: which one it is printed in, and its date format.

A document is issued in one language (``Invoice.language``) and every
rendering of it (PDF, the document on the invoice page, a re-render from the
frozen data) uses that language, whoever looks at it.
"""

from datetime import date

from django.conf import settings
from django.utils import translation
from django.utils.dateformat import format as date_format

from common.i18n import supported_language

# Dates on documents, written out ("1 January 2026", "1. Januar 2026", "1 janvier 2026"): unambiguous
# for readers of other countries, unlike 01/02/2026.
DOCUMENT_DATE_FORMATS = {"de": "j. F Y"}
DOCUMENT_DATE_FORMAT = "j F Y"

LANGUAGE_CODES = frozenset(code for code, _name in settings.LANGUAGES)


def document_date(value: date | None, *, language: str | None = None) -> str:
    """A date as printed on a document, in ``language`` (default: the active one)."""
    if value is None:
        return ""
    language = supported_language(language or translation.get_language()) or "en"
    with translation.override(language):
        return date_format(value, DOCUMENT_DATE_FORMATS.get(language, DOCUMENT_DATE_FORMAT))


def document_language_choose(*, restaurant, chosen: str | None = None) -> str:
    """The language a new document is issued in: the customer's choice if supported, else the restaurant's."""
    return supported_language(chosen) or restaurant.document_language

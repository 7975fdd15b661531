"""Menu texts per language (django-modeltranslation) and the one rule for which text a reader sees.

modeltranslation adds a column per language (``name_en``, ``name_de``, ``name_fr``, …) on the same
row, so the menu page reads every language in the queries it already makes. Its own fallback is
global; ours depends on the restaurant: a guest whose language has no text sees the restaurant's
own language (``Restaurant.language``), then any language that has one, so a name is never empty.
Every guest-facing text and every frozen order-line name goes through ``menu_text``.
"""

from django.conf import settings
from modeltranslation.translator import TranslationOptions, register
from modeltranslation.utils import build_localized_fieldname

from orders.models import MenuCategory, MenuItem

LANGUAGE_CODES: tuple[str, ...] = tuple(code for code, _name in settings.LANGUAGES)


@register(MenuCategory)
class MenuCategoryTranslationOptions(TranslationOptions):
    fields = ("name",)


@register(MenuItem)
class MenuItemTranslationOptions(TranslationOptions):
    fields = ("name", "description")


def menu_text_exact(obj, field: str, language: str) -> str:
    """The text typed for ``language`` only ("" when none): what the admin shows in that language's field."""
    return (getattr(obj, build_localized_fieldname(field, language), None) or "").strip()


def menu_text(obj, field: str, *, language: str | None, fallback: str) -> str:
    """``obj.<field>`` for a reader of ``language``, falling back to ``fallback`` (the restaurant's
    own language), then to the other languages in settings order, then to the untranslated column."""
    return menu_text_and_language(obj, field, language=language, fallback=fallback)[0]


def menu_text_and_language(obj, field: str, *, language: str | None, fallback: str) -> tuple[str, str]:
    """``menu_text`` and the language it is written in ("" for the untranslated column), so a page can
    mark a fallback text with its own ``lang`` (a screen reader then reads German dishes as German)."""
    for code in (language, fallback, *LANGUAGE_CODES):
        if code:
            text = menu_text_exact(obj, field, code)
            if text:
                return text, code
    return (obj.__dict__.get(field) or "").strip(), ""


def menu_names(item: MenuItem, *, restaurant_language: str) -> tuple[str, dict[str, str]]:
    """What an order line freezes of ``item``: the name in the restaurant's own language (for staff)
    and the name in every language it has one in (for documents in any of them)."""
    names = {code: text for code in LANGUAGE_CODES if (text := menu_text_exact(item, "name", code))}
    return menu_text(item, "name", language=restaurant_language, fallback=restaurant_language), names

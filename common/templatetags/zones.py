"""``{{ restaurant.timezone|zone_name }}``: a time zone as readers of the active language call it."""

from babel.core import UnknownLocaleError
from babel.dates import get_timezone, get_timezone_name
from django import template
from django.utils.translation import get_language

register = template.Library()


@register.filter
def zone_name(zone: str) -> str:
    """ "Central European Time", "Mitteleuropäische Zeit", "heure d’Europe centrale" for Europe/Berlin.

    CLDR's name (Babel), not the database id a guest cannot read; the id itself if CLDR has no name.
    """
    try:
        return get_timezone_name(get_timezone(zone), locale=(get_language() or "en").replace("-", "_"))
    except (LookupError, ValueError, UnknownLocaleError):
        return zone

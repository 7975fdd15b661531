"""The rendered menu of a restaurant, cached until the menu changes.

Rendering 60 menu items is most of the cost of a table page, and every guest
of a restaurant sees the same menu. The fragment holds no per-guest data (the
CSRF token and the identity line stay outside), so it is shared through the
cache by all app servers. Saving or deleting a restaurant, category or item
bumps the restaurant's menu version, which retires its fragments (one per
language) at once; the TTL only bounds memory.
"""

import uuid

from django.conf import settings
from django.core.cache import cache
from django.db.models.signals import post_delete, post_save
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import get_language

from orders.services import MAX_QUANTITY_PER_ITEM

FRAGMENT_TTL_SECONDS = 60 * 60


def _version_key(restaurant_id: int) -> str:
    return f"menu-version:{restaurant_id}"


def menu_version_bump(*, restaurant_id: int) -> None:
    cache.set(_version_key(restaurant_id), uuid.uuid4().hex, None)


def menu_html(*, restaurant, load_categories, language: str | None = None) -> str:
    """The menu sections as HTML in ``language`` (default: the active one); ``load_categories()``
    runs only on a cache miss. One fragment per language and menu version: the texts, the
    labels and the money format all depend on the language."""
    language = language or get_language() or settings.LANGUAGE_CODE
    version = cache.get(_version_key(restaurant.pk))
    if version is None:
        version = uuid.uuid4().hex
        cache.add(_version_key(restaurant.pk), version, None)
        version = cache.get(_version_key(restaurant.pk), version)
    key = f"menu-html:{restaurant.pk}:{language}:{version}"
    html = cache.get(key)
    if html is None:
        with translation.override(language):
            html = render_to_string(
                "orders/_menu_sections.html",
                {"categories": load_categories(), "restaurant": restaurant, "max_quantity": MAX_QUANTITY_PER_ITEM},
            )
        cache.set(key, html, FRAGMENT_TTL_SECONDS)
    return html


def _on_menu_change(sender, instance, **kwargs):
    restaurant_id = instance.pk if sender.__name__ == "Restaurant" else instance.restaurant_id
    if restaurant_id:
        menu_version_bump(restaurant_id=restaurant_id)


def connect_signals():
    from orders.models import MenuCategory, MenuItem, Restaurant

    for model in (Restaurant, MenuCategory, MenuItem):
        post_save.connect(_on_menu_change, sender=model, dispatch_uid=f"menu-cache-{model.__name__}-save")
        post_delete.connect(_on_menu_change, sender=model, dispatch_uid=f"menu-cache-{model.__name__}-delete")

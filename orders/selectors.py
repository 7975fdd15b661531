from django.db.models import Prefetch
from django.shortcuts import get_object_or_404

from orders.models import MenuCategory, MenuItem, Table


def table_for_guest(*, token: str) -> Table:
    """The active table behind a QR code, or 404 (unknown, rotated or inactive token)."""
    return get_object_or_404(Table.objects.select_related("restaurant"), token=token, is_active=True)


def menu_for_restaurant(*, restaurant) -> list[MenuCategory]:
    """Categories with their items (available ones only), in menu order; two queries."""
    items = MenuItem.objects.filter(is_available=True).order_by("position", "name")
    categories = (
        MenuCategory.objects.filter(restaurant=restaurant)
        .order_by("position", "name")
        .prefetch_related(Prefetch("items", queryset=items, to_attr="menu_items"))
    )
    return [category for category in categories if category.menu_items]

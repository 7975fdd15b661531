import secrets
import zoneinfo
from dataclasses import dataclass
from datetime import date, datetime

from django.core.cache import cache
from django.db import transaction
from django.db.models import Prefetch, Q
from django.shortcuts import get_object_or_404
from django.utils.translation import get_language

from common.dates import local_day_bounds
from customers.models import Customer
from orders.models import MenuCategory, MenuItem, Order, Restaurant, Table
from orders.translation import menu_text_and_language


def table_for_guest(*, token: str) -> Table:
    """The active table behind a QR code, or 404 (unknown, rotated or inactive token)."""
    return get_object_or_404(Table.objects.select_related("restaurant"), token=token, is_active=True)


def menu_for_restaurant(*, restaurant: Restaurant, language: str | None = None) -> list[MenuCategory]:
    """Categories with their items (available ones only), in menu order; two queries.

    Each category and item carries ``label`` (and items ``details``): its text in ``language``
    (default: the active one), else the restaurant's own (``orders.translation.menu_text``).
    Within a position, the order is alphabetical in the reader's language.
    """
    language = language or get_language()
    own = restaurant.language or "en"
    # Filtered by restaurant too: a category moved to another restaurant in the
    # admin must not carry its old restaurant's dishes onto this menu.
    items = MenuItem.objects.filter(is_available=True, restaurant=restaurant).order_by("position", "pk")
    categories = list(
        MenuCategory.objects.filter(restaurant=restaurant)
        .order_by("position", "pk")
        .prefetch_related(Prefetch("items", queryset=items, to_attr="menu_items"))
    )

    def text(obj: MenuCategory | MenuItem, field: str) -> tuple[str, str]:
        # The text, and its language when it is not the reader's (the page marks it with lang="...").
        value, code = menu_text_and_language(obj, field, language=language, fallback=own)
        return value, code if code and code != language else ""

    for category in categories:
        category.label, category.label_lang = text(category, "name")
        for item in category.menu_items:
            item.label, item.label_lang = text(item, "name")
            item.details, item.details_lang = text(item, "description")
        category.menu_items.sort(key=lambda item: (item.position, item.label.casefold(), item.pk))
    categories.sort(key=lambda category: (category.position, category.label.casefold(), category.pk))
    return [category for category in categories if category.menu_items]


@dataclass(frozen=True, slots=True)
class ProgressStep:
    status: str
    label: str
    state: str  # "done", "current" or "todo"


# The tracker's steps: the way an order normally goes. "cancelled" is no step, it ends the way.
PROGRESS_STEPS = (Order.Status.PLACED, Order.Status.PREPARING, Order.Status.SERVED, Order.Status.PAID)


def order_progress(*, status: str) -> list[ProgressStep]:
    """The tracker for an order in ``status``: every step up to the current one is done.

    An order may skip steps (placed -> paid at the counter); the steps it skipped
    count as passed. A cancelled order has no current step.
    """
    current = PROGRESS_STEPS.index(Order.Status(status)) if status in PROGRESS_STEPS else -1
    return [
        ProgressStep(
            status=step.value,
            label=str(step.label),
            state="done" if index < current else "current" if index == current else "todo",
        )
        for index, step in enumerate(PROGRESS_STEPS)
    ]


def order_status_for_guest(*, order_token: str) -> dict[str, object]:
    """What the confirmation page's poll needs (one query): status, its label, whether it is final, the tracker."""
    order = get_object_or_404(Order.objects.only("status"), public_token=order_token)
    return {
        "status": order.status,
        "label": str(order.get_status_display()),
        "final": order.status_is_final,
        "steps": [step.state for step in order_progress(status=order.status)],
    }


# --- Customer portal ------------------------------------------------------------------

HISTORY_PAGE_SIZE = 20


@dataclass(frozen=True, slots=True)
class HistoryOrder:
    """The columns of an order that its history row shows (no model instance: 20 per page view)."""

    pk: int
    restaurant: Restaurant
    status: str
    placed_at: datetime
    total_cents: int
    currency: str


@dataclass
class HistoryPage:
    """One page of a customer's order history, found without counting all orders.

    Counting 10,000 orders on every page view is the slow part of classic
    pagination; a page only needs to know whether there is a next one.
    """

    orders: list["HistoryOrder"]
    number: int
    has_previous: bool
    has_next: bool

    @property
    def previous_page_number(self) -> int:
        return self.number - 1

    @property
    def next_page_number(self) -> int:
        return self.number + 1


# The restaurant ids a customer has ordered at, kept in the shared cache: finding
# them is a scan over all of the customer's orders (10,000 for a regular), while
# the list changes only when an order gets linked to the customer. Only ids are
# cached; names are read by primary key on every view, so a renamed restaurant
# shows its new name at once. The entry is stored together with a version token
# and trusted only while that token is current: ``customer_restaurants_changed``
# replaces the token after the linking transaction commits, so a page that read
# the orders just before the commit cannot leave a stale list behind.
_RESTAURANTS_VERSION_KEY = "portal:restaurants-version:{customer_id}"
_RESTAURANTS_IDS_KEY = "portal:restaurant-ids:{customer_id}"
# A safety net only (say, a cache that outlived a restored database); correctness
# comes from the version token.
CUSTOMER_RESTAURANTS_TIMEOUT = 24 * 60 * 60


def _restaurants_version_bump(customer_id: int) -> None:
    cache.set(
        _RESTAURANTS_VERSION_KEY.format(customer_id=customer_id),
        secrets.token_hex(8),
        CUSTOMER_RESTAURANTS_TIMEOUT,
    )


def customer_restaurants_changed(*, customer_id: int, restaurant_id: int | None = None) -> None:
    """Forget the cached restaurant list of a customer; call wherever an order gets linked to them.

    Takes effect at once (later reads in the same transaction, and tests that run
    inside one) and again after the commit, which closes the race with a page
    that is rendered while the linking transaction is still open. With
    ``restaurant_id``, a current list that already holds that restaurant is
    kept: a regular ordering at the usual place does not cost a rebuild.
    """
    if restaurant_id is not None:
        version_key = _RESTAURANTS_VERSION_KEY.format(customer_id=customer_id)
        ids_key = _RESTAURANTS_IDS_KEY.format(customer_id=customer_id)
        cached = cache.get_many([version_key, ids_key])
        entry = cached.get(ids_key)
        if entry is not None and entry[0] == cached.get(version_key) and restaurant_id in entry[1]:
            return
    _restaurants_version_bump(customer_id)
    transaction.on_commit(lambda: _restaurants_version_bump(customer_id))


_RESTAURANT_FIELDS = ("id", "name", "timezone", "street", "postal_code", "city")


def customer_restaurants(*, customer: Customer, fresh: bool = False) -> list[Restaurant]:
    """Restaurants this customer has orders at, by name (the history filter's choices); one query.

    From the cache (see above) a primary-key lookup; otherwise a semi-join over
    the customer's orders (``order_customer_placed`` index) rather than a JOIN +
    DISTINCT over all of them, whose result refills the cache. ``fresh`` skips
    the cache.
    """
    version_key = _RESTAURANTS_VERSION_KEY.format(customer_id=customer.pk)
    ids_key = _RESTAURANTS_IDS_KEY.format(customer_id=customer.pk)
    cached = cache.get_many([version_key, ids_key])
    version = cached.get(version_key)
    entry = cached.get(ids_key)
    restaurants = Restaurant.objects.only(*_RESTAURANT_FIELDS).order_by("name", "pk")
    if not fresh and version is not None and entry is not None and entry[0] == version:
        return list(restaurants.filter(pk__in=entry[1]))
    if version is None:
        # Taken before the orders are read: a link committed after this point
        # replaces the token, so what is stored below is then ignored.
        version = secrets.token_hex(8)
        if not cache.add(version_key, version, CUSTOMER_RESTAURANTS_TIMEOUT):
            version = cache.get(version_key, version)
    ordered_at = Order.objects.filter(customer=customer).values("restaurant_id")
    result = list(restaurants.filter(pk__in=ordered_at))
    cache.set(ids_key, (version, [restaurant.pk for restaurant in result]), CUSTOMER_RESTAURANTS_TIMEOUT)
    return result


def _local_day_range_q(*, restaurants: list[Restaurant], date_from: date | None, date_to: date | None) -> Q:
    """Dates are the restaurant's calendar days: 1 May in Berlin starts at 22:00 UTC on 30 April.

    One condition per timezone among the customer's restaurants, so orders in
    different timezones are each cut at their own midnight.
    """
    by_zone: dict[str, list[int]] = {}
    for restaurant in restaurants:
        by_zone.setdefault(restaurant.timezone, []).append(restaurant.pk)
    condition = Q()
    for zone_name, restaurant_ids in by_zone.items():
        zone = zoneinfo.ZoneInfo(zone_name)
        part = Q() if len(by_zone) == 1 else Q(restaurant_id__in=restaurant_ids)
        start, end = local_day_bounds(date_from=date_from, date_to=date_to, zone=zone)
        if start:
            part &= Q(placed_at__gte=start)
        if end:
            part &= Q(placed_at__lt=end)
        condition |= part
    return condition


def customer_order_history(
    *,
    customer: Customer,
    restaurants: list[Restaurant],
    page: int = 1,
    status: str = "",
    restaurant_id: int | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    page_size: int = HISTORY_PAGE_SIZE,
) -> HistoryPage:
    """A page of the customer's orders, newest first; one query.

    ``restaurants`` are the customer's restaurants (``customer_restaurants``);
    they are attached to the orders instead of joining the restaurant table,
    and give the timezones for the date filter.
    """
    page = max(1, page)
    orders = Order.objects.filter(customer=customer)
    if status:
        orders = orders.filter(status=status)
    if restaurant_id:
        orders = orders.filter(restaurant_id=restaurant_id)
    if (date_from or date_to) and restaurants:
        orders = orders.filter(_local_day_range_q(restaurants=restaurants, date_from=date_from, date_to=date_to))
    offset = (page - 1) * page_size
    # One row more than shown tells whether an older page exists.
    rows = list(
        orders.order_by("-placed_at", "-id").values_list(
            "id", "restaurant_id", "status", "placed_at", "total_cents", "currency"
        )[offset : offset + page_size + 1]
    )
    by_id = {restaurant.pk: restaurant for restaurant in restaurants}
    missing = {row[1] for row in rows} - by_id.keys()
    if missing:
        # The cached restaurant list missed a link (an order attached to the
        # customer outside the services, e.g. a data import): show the rows
        # anyway and make the next view rebuild the list.
        by_id.update(Restaurant.objects.only(*_RESTAURANT_FIELDS).in_bulk(missing))
        customer_restaurants_changed(customer_id=customer.pk)
    orders_shown = [
        HistoryOrder(pk, by_id[restaurant_pk], status, placed_at, total_cents, currency)
        for pk, restaurant_pk, status, placed_at, total_cents, currency in rows[:page_size]
    ]
    return HistoryPage(orders=orders_shown, number=page, has_previous=page > 1, has_next=len(rows) > page_size)


def customer_order_detail(*, customer: Customer, order_id: int) -> Order:
    """One of the customer's orders with restaurant, table and lines, or 404.

    Looked up through the owner, so someone else's order is indistinguishable
    from a missing one.
    """
    return get_object_or_404(
        Order.objects.select_related("restaurant", "table").prefetch_related("lines"),
        pk=order_id,
        customer=customer,
    )


def session_guest_orders(*, order_ids: list[int]) -> list[Order]:
    """This browser's guest orders that nobody has claimed yet, newest first."""
    ids = [pk for pk in order_ids if isinstance(pk, int)]
    if not ids:
        return []
    return list(
        Order.objects.filter(pk__in=ids, customer__isnull=True)
        .select_related("restaurant")
        .order_by("-placed_at", "-id")
    )

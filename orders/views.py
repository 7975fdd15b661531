import uuid
from functools import wraps
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render, resolve_url
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils.module_loading import import_string
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST
from django_ratelimit.decorators import ratelimit

from customers.access import portal_customer
from orders.board import BillRequestRefused, order_request_bill
from orders.forms import OrderForm, qty_field_name
from orders.guest_session import guest_order_remember
from orders.menu_cache import menu_html
from orders.models import Order
from orders.selectors import menu_for_restaurant, order_progress, order_status_for_guest, table_for_guest
from orders.services import MAX_NOTE_LENGTH, MAX_QUANTITY_PER_ITEM, OrderRejected, order_place

# static/js/order-status.js asks for the order's status this often until it is paid or cancelled.
CONFIRMATION_POLL_SECONDS = 10
# "Ask for the bill" presses per order and client; pressing again changes nothing anyway.
BILL_REQUEST_RATE = "5/m"


def guest_page(view):
    """Guest pages answer an unknown or replaced QR code with the friendly 404
    page even with DEBUG on (the demo), never with Django's technical page."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except Http404:
            return render(request, "404.html", status=404)

    return wrapper


def _current_customer(request):
    # The portal's own rule (customers.access): a staff (admin) sign-in, or an
    # MFA account whose session skipped the second factor, orders as a guest.
    return portal_customer(request)


def _account_links(next_path: str) -> dict[str, str]:
    """Login and registration URLs that bring the guest back to ``next_path`` afterwards."""
    try:
        register_url = reverse("account_signup")
    except NoReverseMatch:  # the accounts pages are not mounted (e.g. a minimal test URLconf)
        register_url = "/customer/register"
    query = urlencode({"next": next_path})
    return {"login_url": f"{resolve_url(settings.LOGIN_URL)}?{query}", "register_url": f"{register_url}?{query}"}


def _submission_key(form) -> uuid.UUID:
    """The key of the form being rendered: kept on a re-render (no order was placed with it), else new."""
    if form is not None and form.is_bound:
        try:
            return uuid.UUID(str(form.data.get("submission", "")))
        except ValueError:
            pass
    return uuid.uuid4()


def _render_menu(request, table, *, form=None, status=200):
    """The table page. A fresh menu comes from the shared fragment cache; a
    re-rendered one (after bad input) is built with the guest's values and errors."""
    restaurant = table.restaurant
    submission_key = _submission_key(form)
    if form is None:
        form = OrderForm()
        menu = menu_html(restaurant=restaurant, load_categories=lambda: menu_for_restaurant(restaurant=restaurant))
    else:
        categories = menu_for_restaurant(restaurant=restaurant)
        for item in (item for category in categories for item in category.menu_items):
            name = qty_field_name(item.pk)
            item.qty_value = form.data.get(name, "")
            item.qty_errors = form.errors.get(name, [])
        menu = render_to_string(
            "orders/_menu_sections.html",
            {"categories": categories, "restaurant": restaurant, "max_quantity": MAX_QUANTITY_PER_ITEM},
        )
    return render(
        request,
        "orders/menu.html",
        {
            "table": table,
            "restaurant": restaurant,
            # Our own template's output (escaped when it was rendered), possibly from the cache.
            "menu": mark_safe(menu),  # noqa: S308
            "form": form,
            "submission_key": submission_key,
            "max_note_length": MAX_NOTE_LENGTH,
            "customer": _current_customer(request),
            **_account_links(table.get_absolute_url()),
        },
        status=status,
    )


@require_GET
@never_cache  # "Back" must fetch a fresh form (and key), not resend an old one's
@guest_page
def menu(request, table_token):
    table = table_for_guest(token=table_token)
    return _render_menu(request, table)


def _rate_per_ip(group, request):
    return settings.ORDER_RATE_PER_IP


def _rate_per_table(group, request):
    return settings.ORDER_RATE_PER_TABLE


def _table_client_key(group, request):
    # Per table *and* client: one phone cannot flood a table, and someone who
    # kept a table's URL cannot lock the guests sitting there out of ordering.
    client_ip = import_string(settings.RATELIMIT_IP_META_KEY)(request)
    return f"{request.resolver_match.kwargs['table_token']}:{client_ip}"


@require_POST
@guest_page
# Generous per IP: all guests on a restaurant's Wi-Fi share one public address.
@ratelimit(group="orders.place.ip", key="ip", rate=_rate_per_ip, block=True)
# No real guest sends an order every few seconds.
@ratelimit(group="orders.place.table", key=_table_client_key, rate=_rate_per_table, block=True)
def order_create(request, table_token):
    table = table_for_guest(token=table_token)
    form = OrderForm(request.POST)
    if form.is_valid():
        try:
            order = order_place(
                table=table,
                quantities=form.quantities(),
                note=form.cleaned_data["note"],
                customer=_current_customer(request),
                submission_key=form.cleaned_data["submission"],
            )
        except OrderRejected as exc:
            form.add_error(None, exc)
        else:
            # Remembered so the guest can link it to an account after logging in.
            guest_order_remember(session=request.session, order=order)
            messages.success(request, _("Your order has been sent to the kitchen."))
            return redirect("orders:confirmation", order_token=order.public_token)
    return _render_menu(request, table, form=form, status=400)


@require_GET
@guest_page
def confirmation(request, order_token):
    order = get_object_or_404(
        Order.objects.select_related("restaurant", "table").prefetch_related("lines"), public_token=order_token
    )
    return render(
        request,
        "orders/confirmation.html",
        {
            "order": order,
            "restaurant": order.restaurant,
            "progress": order_progress(status=order.status),
            "poll_seconds": CONFIRMATION_POLL_SECONDS,
            "customer": _current_customer(request),
            **_account_links(request.path),
        },
    )


@require_GET
@never_cache  # the status changes under the same URL
@guest_page
def confirmation_status(request, order_token):
    """The confirmation page's poll: the status as JSON (unknown tokens are 404)."""
    return JsonResponse(order_status_for_guest(order_token=order_token))


def _bill_request_key(group, request):
    # Per order and client: a guest cannot be locked out by someone else's presses.
    client_ip = import_string(settings.RATELIMIT_IP_META_KEY)(request)
    return f"{request.resolver_match.kwargs['order_token']}:{client_ip}"


@require_POST
@guest_page
@ratelimit(group="orders.bill_request", key=_bill_request_key, rate=BILL_REQUEST_RATE, block=True)
def bill_request(request, order_token):
    """The guest's "Ask for the bill": shows on the staff board until staff clear it."""
    order = get_object_or_404(Order.objects.select_related("table"), public_token=order_token)
    try:
        order_request_bill(order=order)
    except BillRequestRefused:
        messages.info(request, _("This order is already settled."))
    else:
        messages.success(request, _("The staff know you would like the bill. Someone will be with you shortly."))
    return redirect("orders:confirmation", order_token=order.public_token)

"""Customer portal pages about orders: history, one order, claiming guest orders.

Every view is behind ``customer_required`` and reads orders only through
``request.customer``, so another customer's order is a 404.
"""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_ratelimit.decorators import ratelimit

from common.dates import format_local_datetime
from common.money import format_money, vat_breakdown
from customers.decorators import customer_required
from orders.forms import ClaimCodeForm, OrderHistoryFilterForm
from orders.guest_session import guest_order_ids, guest_orders_forget
from orders.models import Order
from orders.selectors import customer_order_detail, customer_order_history, customer_restaurants
from orders.services import ClaimRefused, order_claim_by_code, order_claim_session_orders

# Claim codes carry 50 random bits; these limits keep guessing hopeless while a
# customer with a handful of receipts (and typos) is never stopped. The per-IP
# limit is the higher one because a restaurant's guests may share one address.
CLAIM_RATE_PER_ACCOUNT = "10/h"
CLAIM_RATE_PER_IP = "30/h"

# The order page's timeline: when each step happened, labelled as the order's status (a French "commande"
# is "payée", not "payé").
_TIMESTAMP_LABELS = {status.value: status.label for status in Order.Status}


def _history_rows(orders) -> list[dict]:
    """The history's rows, formatted once here rather than by filters per row.

    Plain dicts: the template engine finds a dict key on its first try.
    """
    # One reverse() for the page: the detail URL differs only in the id.
    sample_id = 987654321
    head, _sample, tail = reverse("portal:order_detail", kwargs={"order_id": sample_id}).rpartition(str(sample_id))
    zones = {}
    # Translated once per page (the labels are lazy).
    status_labels = {value: str(label) for value, label in Order.Status.choices}
    rows = []
    for order in orders:
        restaurant = order.restaurant
        if restaurant.pk not in zones:
            zones[restaurant.pk] = restaurant.tzinfo
        rows.append(
            {
                "pk": order.pk,
                "url": f"{head}{order.pk}{tail}",
                "restaurant_name": restaurant.name,
                "placed": format_local_datetime(order.placed_at, zones[restaurant.pk]),
                "total": format_money(order.total_cents, order.currency),
                "status": order.status,
                "status_label": status_labels.get(order.status, order.status),
            }
        )
    return rows


def _page_number(raw: str | None) -> int:
    try:
        return max(1, min(int(raw or 1), 100_000))
    except ValueError:
        return 1


@require_GET
@customer_required
def order_list(request):
    restaurants = customer_restaurants(customer=request.customer)
    form = OrderHistoryFilterForm(request.GET or None, restaurants=restaurants)
    filters = {}
    if form.is_bound and form.is_valid():
        filters = {
            "status": form.cleaned_data["status"],
            "restaurant_id": form.cleaned_data["restaurant"],
            "date_from": form.cleaned_data["date_from"],
            "date_to": form.cleaned_data["date_to"],
        }
    page = None
    if not form.is_bound or form.is_valid():
        page = customer_order_history(
            customer=request.customer,
            restaurants=restaurants,
            page=_page_number(request.GET.get("page")),
            **filters,
        )
    # Pagination links keep the filters; only the page number changes.
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "orders/portal/order_list.html",
        {
            "form": form,
            "page": page,
            "rows": _history_rows(page.orders) if page is not None else [],
            "filter_query": query.urlencode(),
            "is_filtered": any(filters.values()),
            "has_any_orders": bool(restaurants),
        },
        status=200 if page is not None else 400,
    )


@require_GET
@customer_required
def order_detail(request, order_id):
    order = customer_order_detail(customer=request.customer, order_id=order_id)
    lines = list(order.lines.all())
    return render(
        request,
        "orders/portal/order_detail.html",
        {
            "order": order,
            "restaurant": order.restaurant,
            "lines": lines,
            "vat_rows": vat_breakdown(lines),
            "timestamps": [
                (label, value)
                for label, value in (
                    (_TIMESTAMP_LABELS["placed"], order.placed_at),
                    (_TIMESTAMP_LABELS["preparing"], order.preparing_at),
                    (_TIMESTAMP_LABELS["served"], order.served_at),
                    (_TIMESTAMP_LABELS["paid"], order.paid_at),
                    (_TIMESTAMP_LABELS["cancelled"], order.cancelled_at),
                )
                if value
            ],
        },
    )


@require_http_methods(["GET", "POST"])
@customer_required
@ratelimit(key="user", rate=CLAIM_RATE_PER_ACCOUNT, method="POST", block=True)
@ratelimit(key="ip", rate=CLAIM_RATE_PER_IP, method="POST", block=True)
def order_claim(request):
    form = ClaimCodeForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                order, newly_linked = order_claim_by_code(customer=request.customer, code=form.cleaned_data["code"])
            except ClaimRefused as exc:
                form.add_error("code", exc)
            else:
                if newly_linked:
                    messages.success(request, _("Order #%(pk)s is now in your account.") % {"pk": order.pk})
                else:
                    messages.info(request, _("Order #%(pk)s was already in your account.") % {"pk": order.pk})
                return redirect("portal:order_detail", order_id=order.pk)
        status = 400
    return render(request, "orders/portal/order_claim.html", {"form": form}, status=status)


def _safe_next(request, fallback: str) -> str:
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return fallback


@require_POST
@customer_required
def session_orders_claim(request):
    """The one-click offer: link (or dismiss) the guest orders placed in this browser session."""
    session_ids = guest_order_ids(session=request.session)
    if request.POST.get("action") == "dismiss":
        guest_orders_forget(session=request.session)
        messages.info(
            request, _("Okay, those orders stay off your account. You can still add one with its receipt code.")
        )
    else:
        # Only orders of this browser session can be linked here: the ids come
        # from the server-side session, never from the form.
        linked = order_claim_session_orders(customer=request.customer, order_ids=session_ids)
        guest_orders_forget(session=request.session)
        if len(linked) == 1:
            messages.success(request, _("Order #%(pk)s added to your account.") % {"pk": linked[0].pk})
        elif linked:
            messages.success(
                request,
                ngettext(
                    "%(count)s order added to your account.", "%(count)s orders added to your account.", len(linked)
                )
                % {"count": len(linked)},
            )
        else:
            messages.info(request, _("There were no orders left to add."))
    return redirect(_safe_next(request, reverse("portal:order_list")))

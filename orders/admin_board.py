"""The order board and the order page's status buttons, as views of the order admin.

Mixed into ``OrderAdmin``: the same admin site, login, two-factor check and
per-restaurant queryset (``get_queryset``) as the order list, so another
restaurant's order is a 404 here too.
"""

from html import escape

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseNotModified, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from common.urlinput import id_from
from orders.board import (
    BoardCard,
    board_dishes,
    board_etag,
    board_for,
    menu_item_set_available,
    order_bill_request_clear,
    order_moves,
    status_in_sentence,
)
from orders.models import MenuItem, Order, Restaurant
from orders.services import StatusChanged, order_set_status

# The board's script fetches the fragment this often (the issue asks for new orders within 5 s).
BOARD_POLL_MILLISECONDS = 4000


def card_renderer(*, can_move: bool, several: bool, change_url: str):
    """A function that writes one board card as HTML; every value from the database is escaped."""
    guest, customer = escape(_("Guest")), escape(_("Customer"))
    asked = escape(_("Asked for the bill"))
    change_prefix = change_url.replace("/0/", "/{}/")

    def render(card: BoardCard) -> str:
        order = card.order
        pk = order.pk
        who = escape(order.customer_name or customer) if order.customer_id else guest
        if several:
            who += " · " + escape(order.restaurant_name)
        table = escape(_("Table %(table)s") % {"table": order.table_label})
        age = escape(ngettext("%(minutes)s min", "%(minutes)s min", card.minutes) % {"minutes": card.minutes})
        since = int(order.placed_at.timestamp())
        lines = "".join(
            f'<li><span class="board-qty">{quantity}×</span> {escape(name)}</li>' for quantity, name in order.lines
        )
        parts = [
            f'<article class="board-card{" board-card-bill" if order.bill_requested_at else ""}" data-order="{pk}"'
            ' data-testid="board-card">',
            f'<header><strong class="board-table">{table}</strong><span class="board-age" data-since="{since}">{age}</span></header>',
            f'<p class="board-meta"><a href="{change_prefix.format(pk)}">#{pk}</a> · {who}</p>',
            f'<ul class="board-lines">{lines}</ul>',
        ]
        if order.note:
            parts.append(f'<p class="board-note">{escape(order.note)}</p>')
        if order.bill_requested_at:
            parts.append(f'<p class="board-bill-flag">{asked}</p>')
        if can_move:
            hidden = escape(_("(table %(table)s, order #%(pk)s)") % {"table": order.table_label, "pk": pk})
            parts.append(
                f'<button type="submit" form="board-move" name="move" value="{pk}:{order.status}:{card.next_status}"'
                f' class="button default board-move">{escape(str(card.next_label))}'
                f'<span class="visually-hidden"> {hidden}</span></button>'
            )
        parts.append("</article>")
        return "".join(parts)

    return render


class OrderBoardAdminMixin:
    change_form_template = "admin/orders/order/change_form_board.html"
    change_list_template = "admin/orders/order/change_list_board.html"

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("board/", view(self.board_view), name="orders_order_board"),
            path("board/fragment/", view(self.board_fragment_view), name="orders_order_board_fragment"),
            path("board/dish/<int:pk>/", view(self.dish_availability_view), name="orders_order_board_dish"),
            path("board/move/", view(self.board_move_view), name="orders_order_board_move"),
            path("board/bill/", view(self.bill_clear_view), name="orders_order_bill_clear"),
            path("<int:pk>/move/", view(self.move_view), name="orders_order_move"),
        ] + super().get_urls()

    # --- Order page: buttons for the allowed moves, no Save where nothing is editable ---
    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = dict(extra_context or {})
        order = self.get_object(request, object_id)
        if order is not None:
            if self.has_change_permission(request, order):
                extra_context["status_moves"] = order_moves(order=order)
            extra_context["status_in_sentence"] = status_in_sentence(order.status)
            editable = set(self.get_fields(request, order)) - set(self.get_readonly_fields(request, order))
            if not editable:
                extra_context.update(show_save=False, show_save_and_continue=False, show_save_and_add_another=False)
        return super().change_view(request, object_id, form_url, extra_context)

    # --- The board ---
    def _board_context(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        board = board_for(orders=self.get_queryset(request))
        can_move = self.has_change_permission(request)
        # 200 cards through the template engine cost ~4 ms each; built here they cost
        # a few hundred microseconds (the poll runs every few seconds on every device).
        change_url = reverse("admin:orders_order_change", args=[0], current_app=self.admin_site.name)
        render = card_renderer(can_move=can_move, several=board.several_restaurants, change_url=change_url)
        return {
            "board": board,
            "columns": [
                (column, mark_safe("".join(render(card) for card in column.cards))) for column in board.columns
            ],
            "can_move": can_move,
            "board_url": reverse("admin:orders_order_board", current_app=self.admin_site.name),
            "move_url": reverse("admin:orders_order_board_move", current_app=self.admin_site.name),
            "bill_url": reverse("admin:orders_order_bill_clear", current_app=self.admin_site.name),
        }

    @method_decorator(require_GET)
    def board_view(self, request):
        context = {
            **self.admin_site.each_context(request),
            **self._board_context(request),
            "opts": self.model._meta,
            "title": _("Order board"),
            "fragment_url": reverse("admin:orders_order_board_fragment", current_app=self.admin_site.name),
            "poll_ms": BOARD_POLL_MILLISECONDS,
            # The script counts the cards' ages on between changes (a 304 carries no HTML).
            "age_template": ngettext("%(minutes)s min", "%(minutes)s min", 2),
        }
        dish_admin = self.admin_site.get_model_admin(MenuItem)
        if dish_admin.has_change_permission(request):
            context["dishes"] = board_dishes(items=dish_admin.get_queryset(request))
        return TemplateResponse(request, "admin/orders/order/board.html", context)

    @method_decorator(require_GET)
    def board_fragment_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        # Most polls find nothing new: the board's version (bumped by every change to an
        # order of these restaurants) makes an ETag, and an unchanged board is answered
        # 304 without reading or rendering orders.
        restaurants = Restaurant.objects.all() if request.user.is_superuser else request.user.restaurants.all()
        etag = board_etag(
            restaurant_ids=list(restaurants.values_list("id", flat=True)),
            viewer=f"{request.user.pk}:{self.has_change_permission(request)}",
        )
        if request.headers.get("If-None-Match") == etag:
            response = HttpResponseNotModified()
        else:
            response = TemplateResponse(request, "admin/orders/order/_board_columns.html", self._board_context(request))
        response["ETag"] = etag
        return response

    def _board_back(self, request, order=None):
        """Back to where the button was: the board (default) or the order page."""
        target = request.POST.get("next", "")
        if target == "change" and order is not None:
            return HttpResponseRedirect(
                reverse("admin:orders_order_change", args=[order.pk], current_app=self.admin_site.name)
            )
        board = reverse("admin:orders_order_board", current_app=self.admin_site.name)
        if target.startswith(board) and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
            return HttpResponseRedirect(target)
        return HttpResponseRedirect(board)

    def _changeable_order(self, request, pk) -> Order:
        order = get_object_or_404(self.get_queryset(request), pk=pk)
        if not self.has_change_permission(request, order):
            raise PermissionDenied
        return order

    @method_decorator(require_POST)
    def move_view(self, request, pk):
        order = self._changeable_order(request, pk)
        return self._move_one(request, order, request.POST.get("status", ""), request.POST.get("from", ""))

    @method_decorator(require_POST)
    def board_move_view(self, request):
        # The board's buttons share one form: the button's value is "order id:seen status:next status".
        pk, seen, status = (request.POST.get("move", "").split(":") + ["", "", ""])[:3]
        order_id = id_from(pk)
        if order_id is None:
            messages.error(request, _("Unknown status: nothing was changed."))
            return self._board_back(request)
        return self._move_one(request, self._changeable_order(request, order_id), status, seen)

    def _move_one(self, request, order, status, seen):
        if status not in Order.Status.values or (seen and seen not in Order.Status.values):
            messages.error(request, _("Unknown status: nothing was changed."))
            return self._board_back(request, order)
        try:
            moved = order_set_status(
                order=order, status=status, expected_status=seen or None, actor=request.user, request=request
            )
        except StatusChanged as exc:
            messages.warning(request, exc.messages[0])
        except ValidationError as exc:
            messages.error(request, exc.messages[0])
        else:
            messages.success(
                request,
                _("Order #%(pk)s (table %(table)s) is now %(status)s.")
                % {"pk": moved.pk, "table": order.table.label, "status": status_in_sentence(moved.status)},
            )
        return self._board_back(request, order)

    @method_decorator(require_POST)
    def bill_clear_view(self, request):
        order_id = id_from(request.POST.get("order", ""))
        if order_id is None:
            raise Http404
        order = self._changeable_order(request, order_id)
        order_bill_request_clear(order=order)
        messages.success(request, _("Bill request of table %(table)s cleared.") % {"table": order.table.label})
        return self._board_back(request, order)

    @method_decorator(require_POST)
    def dish_availability_view(self, request, pk):
        dish_admin = self.admin_site.get_model_admin(MenuItem)
        item = get_object_or_404(dish_admin.get_queryset(request), pk=pk)
        if not dish_admin.has_change_permission(request, item):
            raise PermissionDenied
        wanted = request.POST.get("available")
        if wanted not in ("0", "1"):
            messages.error(request, _("Unknown choice: nothing was changed."))
            return self._board_back(request)
        menu_item_set_available(item=item, available=wanted == "1")
        if item.is_available:
            messages.success(request, _("%(dish)s is back on the menu.") % {"dish": item.name})
        else:
            messages.success(request, _("%(dish)s is sold out: guests no longer see it.") % {"dish": item.name})
        return self._board_back(request)

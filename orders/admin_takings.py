"""The takings page of the admin: a restaurant's paid orders per local day, with a CSV download.

Mounted by ``RestaurantAdmin.get_urls``; the rules (which day, rounding) are in ``orders.takings``.
"""

from datetime import date
from typing import Any, cast

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.dates import DateRangeFilterForm
from orders.models import Restaurant
from orders.takings import TAKINGS_MAX_DAYS, takings_compute, takings_csv


class TakingsPeriodForm(DateRangeFilterForm):
    """The days to show; an empty end means the start day alone, an empty start the restaurant's today."""

    def __init__(self, *args: Any, today: date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.today = today
        self.fields["date_from"].label = _("From")
        self.fields["date_to"].label = _("To (inclusive)")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if self.errors:
            return cleaned
        date_from = cleaned.get("date_from") or cleaned.get("date_to") or self.today
        date_to = cleaned.get("date_to") or date_from
        if (date_to - date_from).days >= TAKINGS_MAX_DAYS:
            self.add_error("date_to", _("Choose at most %(days)s days at once.") % {"days": TAKINGS_MAX_DAYS})
        cleaned["date_from"], cleaned["date_to"] = date_from, date_to
        return cleaned


def _restaurant_for(model_admin, request, pk: int) -> Restaurant:
    # Another restaurant's takings are a 404, like its orders.
    restaurant = get_object_or_404(model_admin.get_queryset(request), pk=pk)
    if not request.user.has_perm("orders.view_order"):
        raise PermissionDenied
    return cast(Restaurant, restaurant)


def _period_form(request, restaurant: Restaurant) -> TakingsPeriodForm:
    today = timezone.now().astimezone(restaurant.tzinfo).date()
    data = request.GET if ("date_from" in request.GET or "date_to" in request.GET) else {}
    return TakingsPeriodForm(data, today=today)


def takings_view(model_admin, request, pk: int) -> TemplateResponse:
    restaurant = _restaurant_for(model_admin, request, pk)
    form = _period_form(request, restaurant)
    takings = None
    if form.is_valid():
        takings = takings_compute(
            restaurant=restaurant, date_from=form.cleaned_data["date_from"], date_to=form.cleaned_data["date_to"]
        )
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.model._meta,
        "restaurant": restaurant,
        "form": form,
        "takings": takings,
        "currency": restaurant.currency,
        "csv_query": request.GET.urlencode(),
        "title": _("Takings – %(restaurant)s") % {"restaurant": restaurant.name},
    }
    return TemplateResponse(request, "admin/orders/takings.html", context)


def takings_csv_view(model_admin, request, pk: int) -> HttpResponse:
    restaurant = _restaurant_for(model_admin, request, pk)
    form = _period_form(request, restaurant)
    if not form.is_valid():
        # The page shows the same form with its errors; a download has nothing to show them in.
        return takings_view(model_admin, request, pk)
    takings = takings_compute(
        restaurant=restaurant, date_from=form.cleaned_data["date_from"], date_to=form.cleaned_data["date_to"]
    )
    filename = f"takings-{restaurant.pk}-{takings.date_from.isoformat()}-{takings.date_to.isoformat()}.csv"
    response = HttpResponse(takings_csv(takings), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response

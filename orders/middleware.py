import zoneinfo

from django.utils import timezone


class StaffTimezoneMiddleware:
    """Admin pages show times on the restaurant's clock, not in UTC.

    Staff think in their restaurant's local time ("the 19:30 order"); a staff
    member of several restaurants sees the first one's zone. Only admin
    requests pay the one query.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if request.path.startswith("/admin/") and user is not None and user.is_authenticated and user.is_staff:
            zone = user.restaurants.order_by("pk").values_list("timezone", flat=True).first()
            if zone:
                timezone.activate(zoneinfo.ZoneInfo(zone))
                try:
                    return self.get_response(request)
                finally:
                    timezone.deactivate()
        return self.get_response(request)

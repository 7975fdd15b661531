"""Response headers that hold for the whole site (the CSP itself is django-csp's)."""

from django.conf import settings
from django.urls import reverse
from django.utils.cache import add_never_cache_headers


class PermissionsPolicyMiddleware:
    """Switch off the browser features that no page uses (camera, microphone, ...)."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.header = ", ".join(settings.PERMISSIONS_POLICY)

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", self.header)
        return response


class PortalNoStoreMiddleware:
    """Nothing under the customer portal (profile, orders, invoices) stays in a browser or proxy cache.

    A shared or stolen device must not show a signed-out customer's pages from the
    back button or the disk cache. The prefix is read from the URLconf, so moving
    the portal moves the rule with it.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.prefix = None

    def __call__(self, request):
        response = self.get_response(request)
        if self.prefix is None:
            self.prefix = reverse("customers:dashboard")
        if request.path.startswith(self.prefix):
            add_never_cache_headers(response)
        return response

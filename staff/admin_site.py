from django.conf import settings
from django.contrib import admin
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.views import redirect_to_login
from django.urls import reverse


class StaffAdminSite(admin.AdminSite):
    """The admin, signed into only through the staff (two_factor) login.

    With ``STAFF_REQUIRE_MFA`` every admin page needs a session verified with
    a second factor (django-otp's ``is_verified``), like two_factor's
    ``AdminSiteOTPRequired``; that class sends people to ``LOGIN_URL``, which
    here is the customer login, so the redirect is ours.
    """

    site_header = "QR Table Ordering · Staff"
    site_title = "QR Table Ordering staff"
    index_title = "Your restaurant"

    def has_permission(self, request):
        if not super().has_permission(request):
            return False
        if settings.STAFF_REQUIRE_MFA:
            return request.user.is_verified()
        return True

    def login(self, request, extra_context=None):
        redirect_to = request.GET.get(REDIRECT_FIELD_NAME) or reverse("admin:index", current_app=self.name)
        return redirect_to_login(redirect_to, reverse("two_factor:login"))

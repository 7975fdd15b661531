"""Staff sign-in to the admin with django-two-factor-auth.

Mounted under /admin/ (see config/urls.py) with two_factor's own URL names,
so its views and templates work unchanged. Kept apart from the customer
portal on purpose:

* the login accepts only active staff accounts (Django's admin login rule),
  so a customer cannot use it to skip allauth's stages (email verification,
  customer MFA);
* the session it creates is marked; the customer portal refuses marked
  sessions (``customers.mfa.sessions``), so even a staff member who also has
  a customer profile must sign in to the portal through the customer login.
"""

from functools import wraps

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render, resolve_url
from django.urls import path, reverse
from django.utils.crypto import salted_hmac
from django.utils.decorators import method_decorator
from django.utils.module_loading import import_string
from django_ratelimit import ALL
from django_ratelimit.core import get_usage, is_ratelimited
from django_ratelimit.decorators import ratelimit
from django_ratelimit.exceptions import Ratelimited
from two_factor import views as tf
from two_factor.forms import AuthenticationTokenForm, BackupTokenForm
from two_factor.utils import default_device

from customers.mfa.sessions import staff_session_mark

# Password-step guesses. Every POST counts against the client IP. Only *failed*
# passwords count against the account: per account and IP, so one attacker
# soon stops but cannot lock the staff member out from elsewhere; and per
# account from anywhere, with more room, so a botnet cannot spread its guesses.
LOGIN_RATE = "20/10m"
ACCOUNT_IP_FAILURE_RATE = "10/10m"
ACCOUNT_FAILURE_RATE = "50/10m"
_USERNAME_FIELD = f"{tf.LoginView.AUTH_STEP}-username"
_ACCOUNT_GROUP = "customers.staff-login-account"
_ACCOUNT_IP_GROUP = "customers.staff-login-account-ip"


def _submitted_account(group, request) -> str:
    """The email of the password step, normalised and keyed by an HMAC: never stored or logged in clear."""
    email = (request.POST.get(_USERNAME_FIELD) or "").strip().lower()
    return salted_hmac("customers.mfa.staff.login-account", email).hexdigest()


def _submitted_account_and_ip(group, request) -> str:
    return f"{_submitted_account(group, request)}:{import_string(settings.RATELIMIT_IP_META_KEY)(request)}"


_ACCOUNT_LIMITS = [
    (_ACCOUNT_IP_GROUP, _submitted_account_and_ip, ACCOUNT_IP_FAILURE_RATE),
    (_ACCOUNT_GROUP, _submitted_account, ACCOUNT_FAILURE_RATE),
]


def _account_locked(request) -> bool:
    """Whether the submitted account has used up its failed attempts (nothing is counted here)."""
    if not (request.POST.get(_USERNAME_FIELD) or "").strip():
        return False  # the code steps name no account; django-otp throttles them
    for group, key, rate in _ACCOUNT_LIMITS:
        usage = get_usage(request, group=group, key=key, rate=rate, method=ALL, increment=False)
        # Without counting this request: locked once the allowed failures are used up.
        if usage is not None and usage["count"] >= usage["limit"]:
            return True
    return False


def _count_failed_password(request) -> None:
    for group, key, rate in _ACCOUNT_LIMITS:
        is_ratelimited(request, group=group, key=key, rate=rate, method=ALL, increment=True)


class StaffAuthenticationForm(AdminAuthenticationForm):
    """Email + password for active staff accounts only (customers get the generic error)."""

    def clean(self):
        try:
            return super().clean()
        except ValidationError:
            if self.request is not None:
                _count_failed_password(self.request)
            raise


@method_decorator(ratelimit(key="ip", rate=LOGIN_RATE, method="POST", block=True), name="dispatch")
class StaffLoginView(tf.LoginView):
    form_list = (
        (tf.LoginView.AUTH_STEP, StaffAuthenticationForm),
        (tf.LoginView.TOKEN_STEP, AuthenticationTokenForm),
        (tf.LoginView.BACKUP_STEP, BackupTokenForm),
    )

    def dispatch(self, request, *args, **kwargs):
        if request.method == "POST" and _account_locked(request):
            raise Ratelimited()
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        user = request.user
        if user.is_authenticated and user.is_staff:
            if admin.site.has_permission(request):
                return redirect(self.get_success_url())
            if settings.STAFF_REQUIRE_MFA and not default_device(user):
                messages.info(request, "The admin requires two-factor authentication. Please set it up now.")
                return redirect("two_factor:setup")
        return super().get(request, *args, **kwargs)

    def done(self, form_list, **kwargs):
        response = super().done(form_list, **kwargs)
        # After login() (which rotated the session key) the mark goes on the new session.
        staff_session_mark(self.request)
        return response

    def get_success_url(self):
        return self.get_redirect_url() or reverse("admin:index")

    def get_context_data(self, form, **kwargs):
        context = super().get_context_data(form, **kwargs)
        context["cancel_url"] = None
        context["require_mfa"] = settings.STAFF_REQUIRE_MFA
        return context


def staff_required(view):
    """two_factor's account pages are for staff; customers manage MFA in the portal."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), resolve_url("two_factor:login"))
        if not request.user.is_staff:
            return render(request, "two_factor/staff_only.html", status=403)
        return view(request, *args, **kwargs)

    return wrapper


class StaffSetupView(tf.SetupView):
    def get_success_url(self):
        return self.get_redirect_url() or reverse("two_factor:setup_complete")


class StaffDisableView(tf.DisableView):
    success_url = "/admin/"

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "require_mfa": settings.STAFF_REQUIRE_MFA}


# URL names and namespace are two_factor's, so its views reverse them as usual.
urlpatterns = (
    [
        path("login/", StaffLoginView.as_view(), name="login"),
        path("mfa/", staff_required(tf.ProfileView.as_view()), name="profile"),
        path("mfa/setup/", staff_required(StaffSetupView.as_view()), name="setup"),
        path("mfa/qrcode/", staff_required(tf.QRGeneratorView.as_view()), name="qr"),
        path("mfa/setup/complete/", staff_required(tf.SetupCompleteView.as_view()), name="setup_complete"),
        path("mfa/backup-codes/", staff_required(tf.BackupTokensView.as_view()), name="backup_tokens"),
        path("mfa/disable/", staff_required(StaffDisableView.as_view()), name="disable"),
    ],
    "two_factor",
)

"""Staff sign-in to the admin with django-two-factor-auth.

Mounted under /admin/ (``staff/urls.py``, included by config/urls.py) with two_factor's own URL names,
so its views and templates work unchanged. Kept apart from the customer
portal on purpose:

* the login accepts only active staff accounts (Django's admin login rule),
  so a customer cannot use it to skip allauth's stages (email verification,
  customer MFA), and it costs the same for every account and outcome
  (:func:`staff_password_authenticate`), so it is no password oracle;
* the session it creates is marked; the customer portal refuses marked
  sessions (``common.sessions``), so even a staff member who also has
  a customer profile must sign in to the portal through the customer login.
"""

from functools import wraps

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import get_user_model, user_login_failed
from django.contrib.auth.hashers import check_password, make_password
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django_ratelimit.decorators import ratelimit
from django_ratelimit.exceptions import Ratelimited
from two_factor import views as tf
from two_factor.forms import AuthenticationTokenForm, BackupTokenForm
from two_factor.utils import default_device

from audit.services import Action, audit_record
from common.sessions import staff_session_mark, staff_session_opened
from staff.ratelimits import LOGIN_RATE, account_locked, count_failed_password

# What the login records as the user's backend (session); the check itself is staff_password_authenticate.
_BACKEND = "django.contrib.auth.backends.ModelBackend"


def staff_password_authenticate(*, email: str, password: str):
    """The active staff account with this email and password, else None.

    Same work for every outcome, so the answer time tells nothing: one account
    lookup and exactly one run of the password hasher, whether the email is
    unknown, a customer's, or a staff member's, and whether the password is
    right. (Django's ``authenticate()`` asks every backend in turn, so a wrong
    password paid for two hashes and a customer's right one for one: an
    oracle.) An unknown account is checked against an unusable hash, for which
    Django runs the default hasher once on a random string. Staff status is
    looked at only after the hash.
    """
    account = get_user_model().objects.filter(email__iexact=email.strip()).first() if email else None

    def upgrade_hash(raw_password):
        # Django's rehash after a right password with outdated hasher settings, for staff only:
        # it happens after the check, and a customer's account is not this login's business.
        if account.is_active and account.is_staff:
            account.set_password(raw_password)
            account.save(update_fields=["password"])

    # make_password(None) only builds an unusable hash (no hashing); checking against it hashes once.
    encoded = account.password if account is not None else make_password(None)
    correct = check_password(password, encoded, setter=upgrade_hash)
    if correct and account.is_active and account.is_staff:
        return account
    return None


class StaffAuthenticationForm(AdminAuthenticationForm):
    """Email + password for active staff accounts only (everyone else gets the same generic error)."""

    def clean(self):
        email, password = self.cleaned_data.get("username"), self.cleaned_data.get("password")
        if email is None or not password:
            return self.cleaned_data
        self.user_cache = staff_password_authenticate(email=email, password=password)
        if self.user_cache is None:
            # What authenticate() would send (read by the audit log); never the password.
            user_login_failed.send(sender=__name__, credentials={"username": email}, request=self.request)
            if self.request is not None:
                count_failed_password(self.request)
            raise self.get_invalid_login_error()
        self.user_cache.backend = _BACKEND
        return self.cleaned_data


@method_decorator(ratelimit(key="ip", rate=LOGIN_RATE, method="POST", block=True), name="dispatch")
class StaffLoginView(tf.LoginView):
    form_list = (
        (tf.LoginView.AUTH_STEP, StaffAuthenticationForm),
        (tf.LoginView.TOKEN_STEP, AuthenticationTokenForm),
        (tf.LoginView.BACKUP_STEP, BackupTokenForm),
    )

    def dispatch(self, request, *args, **kwargs):
        if request.method == "POST" and account_locked(request):
            raise Ratelimited()
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        user = request.user
        # A customer-login session of a staff account signs in here like anyone else.
        if user.is_authenticated and user.is_staff and staff_session_opened(request):
            if admin.site.has_permission(request):
                return redirect(self.get_success_url())
            if settings.STAFF_REQUIRE_MFA and not default_device(user):
                messages.info(request, _("The admin requires two-factor authentication. Please set it up now."))
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
        if not staff_session_opened(request):
            # A staff account signed in through the customer login signs in here first.
            return redirect_to_login(request.get_full_path(), resolve_url("two_factor:login"))
        return view(request, *args, **kwargs)

    return wrapper


# two_factor's pages send no signals: the audit entries are written here.
class StaffSetupView(tf.SetupView):
    def get_success_url(self):
        return self.get_redirect_url() or reverse("two_factor:setup_complete")

    def done(self, form_list, **kwargs):
        response = super().done(form_list, **kwargs)
        audit_record(action=Action.MFA_ENABLED, request=self.request, subject=self.request.user)
        return response


class StaffDisableView(tf.DisableView):
    success_url = "/admin/"

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "require_mfa": settings.STAFF_REQUIRE_MFA}

    def form_valid(self, form):
        response = super().form_valid(form)
        audit_record(action=Action.MFA_DISABLED, request=self.request, subject=self.request.user)
        return response


class StaffBackupTokensView(tf.BackupTokensView):
    def form_valid(self, form):
        response = super().form_valid(form)
        audit_record(action=Action.MFA_BACKUP_CODES, request=self.request, subject=self.request.user)
        return response

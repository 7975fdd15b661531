from allauth.account import views as allauth_views
from allauth.account.app_settings import EmailVerificationMethod
from allauth.account.internal import flows
from allauth.core.exceptions import ImmediateHttpResponse
from django.contrib import messages
from django.core.exceptions import NON_FIELD_ERRORS
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django_ratelimit.decorators import ratelimit

from common.ratelimits import client_ip_key, email_key
from common.views import ratelimited
from customers.decorators import customer_required
from customers.forms import ProfileForm, ResendVerificationForm
from customers.services import (
    ResendResult,
    customer_email_verified,
    customer_profile_update,
    customer_verification_resend,
)


@method_decorator(
    ratelimit(group="customers.register", key=email_key, rate="5/h", method="POST", block=True),
    name="dispatch",
)
class RegisterView(allauth_views.SignupView):
    """allauth's signup, ending on "check your inbox" for new and known addresses alike.

    A new account is not logged in straight away (that would tell a visitor
    the address was free); the customer logs in with the password or by
    opening the link in the same browser. The per-IP limit is allauth's
    (ACCOUNT_RATE_LIMITS["signup"]); the per-address limit is the decorator.
    """

    def form_valid(self, form) -> HttpResponse:
        self.user, response = form.try_save(self.request)
        if response:
            return response
        try:
            return flows.signup.complete_signup(
                self.request,
                user=self.user,
                email_verification=EmailVerificationMethod.MANDATORY,
                redirect_url=self.get_success_url(),
            )
        except ImmediateHttpResponse as e:
            return e.response


class LoginView(allauth_views.LoginView):
    """allauth's login; its per-account lockout answers 429 like every other limit."""

    def form_invalid(self, form) -> HttpResponse:
        response = super().form_invalid(form)
        if form.has_error(NON_FIELD_ERRORS, "too_many_login_attempts"):
            response.status_code = 429
        return response


@never_cache
@ratelimit(group="customers.resend_verification_ip", key=client_ip_key, rate="20/h", method="POST", block=True)
def resend_verification(request):
    """Ask for a new verification link; the answer never tells whether the address exists."""
    initial = {}
    if request.user.is_authenticated:
        initial["email"] = request.user.email
    form = ResendVerificationForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"]
        result = customer_verification_resend(request=request, email=email)
        if result is ResendResult.LIMITED:
            # Counted per address before any lookup, so this says nothing about
            # whether an account exists.
            return ratelimited(request)
        messages.info(
            request,
            _(
                "If %(email)s belongs to an account that still needs verifying, a new link is on its way. "
                "It can take a minute; please also check your spam folder."
            )
            % {"email": email},
        )
        return redirect("customers:resend_verification")
    return render(request, "customers/resend_verification.html", {"form": form})


@customer_required
def dashboard(request):
    customer = request.customer
    return render(
        request,
        "customers/dashboard.html",
        {"customer": customer, "email_verified": customer_email_verified(user=request.user)},
    )


@customer_required
def profile(request):
    customer = request.customer
    form = ProfileForm(request.POST or None, instance=customer)
    if request.method == "POST":
        if form.is_valid():
            customer_profile_update(customer=customer, data=form.cleaned_data)
            if form.cleaned_data["language"]:
                # The confirmation already in the newly chosen language.
                translation.activate(form.cleaned_data["language"])
            messages.success(request, _("Your details are saved."))
            return redirect("customers:profile")
        messages.error(request, _("Please correct the fields marked below; nothing was saved."))
    return render(request, "customers/profile.html", {"form": form, "customer": customer})

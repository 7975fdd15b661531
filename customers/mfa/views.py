"""Customer MFA pages: set-up, the login code step, backup codes, disabling."""

import django_otp
from allauth.account.internal.decorators import login_stage_required
from allauth.account.internal.flows.login import record_authentication
from allauth.account.internal.stagekit import clear_login
from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_static.models import StaticDevice
from django_ratelimit.decorators import ratelimit

from common.qr import qr_svg
from customers.decorators import customer_required
from customers.mfa import services
from customers.mfa.forms import DisableForm, RegenerateForm, SetupConfirmForm, VerifyForm
from customers.mfa.stages import STAGE_KEY
from customers.services import customer_sessions_end_others

# Brute force: django-otp's back-off (1, 2, 4, ... s per device) plus these
# request limits. Per account, whatever the attacker's IP: at most 10 code
# guesses in 10 minutes. Per IP a little more, as families and offices share one.
ACCOUNT_RATE = "10/10m"
IP_RATE = "30/10m"
NEW_CODES_SESSION_KEY = "mfa_new_backup_codes"


def _pending_account(group, request) -> str:
    # Runs after login_stage_required, so the pending login is known.
    return f"mfa-login:{request._login_stage.login.user.pk}"


def _portal_home() -> str:
    return settings.LOGIN_REDIRECT_URL


# --- The login step ------------------------------------------------------------------------
@never_cache
@sensitive_post_parameters("code")
@login_stage_required(stage=STAGE_KEY, redirect_urlname="account_login")
@ratelimit(key="ip", rate=IP_RATE, method="POST", block=True)
@ratelimit(key=_pending_account, rate=ACCOUNT_RATE, method="POST", block=True)
def verify(request):
    """Second step of every allauth login for accounts with MFA on.

    Nobody is logged in yet; on a good code the stage resumes allauth's login
    and the new session is OTP-verified (django_otp marks it in its
    ``user_logged_in`` handler when the user carries ``otp_device``).
    """
    stage = request._login_stage
    user = stage.login.user
    form = VerifyForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            device = services.mfa_code_verify(user=user, code=form.cleaned_data["code"])
        except services.MFACodeError as error:
            form.add_error("code", str(error))
        else:
            kind = "recovery_codes" if isinstance(device, StaticDevice) else "totp"
            record_authentication(request, user, method="mfa", type=kind)
            user.otp_device = device
            response = stage.exit()
            if request.user.is_authenticated and request.session.get(DEVICE_ID_SESSION_KEY) is None:
                # Belt and braces in case allauth ever logs in with another user object.
                django_otp.login(request, device)
            return response
    return render(
        request, "customers/mfa/verify.html", {"form": form, "email": user.email, "digits": services.TOTP_DIGITS}
    )


@require_POST
def verify_cancel(request):
    """Give up the pending login (e.g. to sign in with another account)."""
    if not request.user.is_authenticated:
        clear_login(request)
    return redirect("account_login")


# --- Set-up ---------------------------------------------------------------------------------
@never_cache
@customer_required
@ratelimit(key="user", rate=ACCOUNT_RATE, method="POST", block=True)
def setup(request):
    user = request.user
    if services.mfa_is_enabled(user=user):
        messages.info(request, _("Two-factor authentication is already on."))
        return redirect(_portal_home())
    device = services.mfa_setup_device(user=user)
    form = SetupConfirmForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            device, codes = services.mfa_setup_confirm(user=user, code=form.cleaned_data["code"], request=request)
        except services.MFACodeError as error:
            form.add_error("code", str(error))
        else:
            # This session just proved the second factor; sessions elsewhere have
            # not, so they end (and would be refused by the portal anyway).
            django_otp.login(request, device)
            customer_sessions_end_others(user=user, current_session_key=request.session.session_key)
            request.session[NEW_CODES_SESSION_KEY] = codes
            messages.success(request, _("Two-factor authentication is on."))
            return redirect("customers:mfa_backup_codes_new")
    context = {
        "form": form,
        "qr_svg": qr_svg(device.config_url, box_size=6),
        "otpauth_url": device.config_url,
        "secret_groups": services.mfa_secret_groups(device=device),
        "issuer": settings.OTP_TOTP_ISSUER,
        "digits": device.digits,
        "step_seconds": device.step,
    }
    return render(request, "customers/mfa/setup.html", context)


# --- Backup codes -------------------------------------------------------------------------
@never_cache
@customer_required
def backup_codes_new(request):
    """The freshly made backup codes, shown exactly once (then gone from the session)."""
    codes = request.session.pop(NEW_CODES_SESSION_KEY, None)
    if not codes:
        messages.info(request, _("Backup codes are shown only once. Make new ones if you lost them."))
        return redirect("customers:mfa_backup_codes")
    text = services.mfa_backup_codes_text(user=request.user, codes=codes)
    return render(request, "customers/mfa/backup_codes_new.html", {"codes": codes, "codes_text": text})


@never_cache
@sensitive_post_parameters("password", "code")
@customer_required
@ratelimit(key="ip", rate=IP_RATE, method="POST", block=True)
@ratelimit(key="user", rate=ACCOUNT_RATE, method="POST", block=True)
def backup_codes(request):
    """Make a new set of backup codes; needs the password or a current code."""
    user = request.user
    if not services.mfa_is_enabled(user=user):
        messages.info(request, _("Turn on two-factor authentication first."))
        return redirect("customers:mfa_setup")
    form = RegenerateForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        password, code = form.cleaned_data["password"], form.cleaned_data["code"]
        proven = False
        if password:
            proven = services.mfa_password_check(user=user, password=password)
            if not proven:
                form.add_error("password", _("That password is not correct."))
        else:
            try:
                services.mfa_code_verify(user=user, code=code)
                proven = True
            except services.MFACodeError as error:
                form.add_error("code", str(error))
        if proven:
            signed_in_with_backup_code = isinstance(getattr(user, "otp_device", None), StaticDevice)
            request.session[NEW_CODES_SESSION_KEY] = services.mfa_backup_codes_regenerate(user=user, request=request)
            if signed_in_with_backup_code:
                # This session's second factor was the backup device just replaced:
                # move it to the new one, or the portal would treat the session as
                # unverified and end it before the new codes are shown. Other
                # sessions that used an old code stay unverified and are ended.
                django_otp.login(request, StaticDevice.objects.get(user=user))
            messages.success(request, _("New backup codes made. The old ones no longer work."))
            return redirect("customers:mfa_backup_codes_new")
    context = {"form": form, "status": services.mfa_status(user=user)}
    return render(request, "customers/mfa/backup_codes.html", context)


# --- Disabling --------------------------------------------------------------------------------
@never_cache
@sensitive_post_parameters("password", "code")
@customer_required
@ratelimit(key="ip", rate=IP_RATE, method="POST", block=True)
@ratelimit(key="user", rate=ACCOUNT_RATE, method="POST", block=True)
def disable(request):
    """Turn MFA off; needs the password and a current (or backup) code."""
    user = request.user
    if not services.mfa_is_enabled(user=user):
        messages.info(request, _("Two-factor authentication is already off."))
        return redirect(_portal_home())
    form = DisableForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        # Check the password first so a typo there does not burn a backup code.
        if not services.mfa_password_check(user=user, password=form.cleaned_data["password"]):
            form.add_error("password", _("That password is not correct."))
        else:
            try:
                services.mfa_code_verify(user=user, code=form.cleaned_data["code"])
            except services.MFACodeError as error:
                form.add_error("code", str(error))
            else:
                services.mfa_disable(user=user, request=request)
                messages.success(request, _("Two-factor authentication is off."))
                return redirect(_portal_home())
    return render(request, "customers/mfa/disable.html", {"form": form})

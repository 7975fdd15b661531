from allauth.account.decorators import reauthentication_required
from django.contrib.auth.models import AnonymousUser
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods
from django_ratelimit.decorators import ratelimit

from customers.decorators import customer_required
from customers.mfa.services import mfa_is_enabled
from privacy.forms import AccountDeleteForm
from privacy.services import STAFF_REFUSED_MESSAGE, PrivacyRefused, account_delete, privacy_export

# Per account. An export is heavy (every invoice PDF) and tells an intruder
# everything at once; three an hour is plenty for the owner.
EXPORT_RATE = "3/h"
# Password (and code) guesses on the deletion page, like the MFA pages.
DELETE_RATE = "10/10m"


@never_cache
@require_http_methods(["GET", "POST"])
@customer_required
@reauthentication_required
@ratelimit(key="user", rate=EXPORT_RATE, method="POST", block=True)
def export(request):
    """Download everything about me as a ZIP; needs a recent "confirm it's you" (allauth's reauthentication).

    The limit counts only re-authenticated downloads: the reauthentication
    check runs first.
    """
    if request.method == "POST":
        data_export = privacy_export(request=request, customer=request.customer)
        response = FileResponse(data_export.file, as_attachment=True, filename=data_export.filename)
        response["Content-Type"] = "application/zip"
        response["Cache-Control"] = "private, no-store"
        return response
    return render(request, "privacy/export.html")


@never_cache
@require_http_methods(["GET", "POST"])
@sensitive_post_parameters("password", "code")
@customer_required
@ratelimit(key="user", rate=DELETE_RATE, method="POST", block=True)
def delete(request):
    """Delete my account: password, the code with MFA on, and a ticked confirmation."""
    user = request.user
    if user.is_staff:
        return render(request, "privacy/staff_refused.html", {"message": STAFF_REFUSED_MESSAGE}, status=403)
    form = AccountDeleteForm(request.POST if request.method == "POST" else None, mfa_enabled=mfa_is_enabled(user=user))
    if request.method == "POST" and form.is_valid():
        try:
            account_delete(
                request=request,
                user=user,
                password=form.cleaned_data["password"],
                code=form.cleaned_data.get("code", ""),
            )
        except PrivacyRefused as refusal:
            form.add_error(refusal.field, refusal.message)
        else:
            _end_this_session(request)
            return redirect("privacy:deleted")
    return render(request, "privacy/delete.html", {"form": form}, status=400 if form.errors else 200)


def _end_this_session(request) -> None:
    # Not auth.logout(): its user_logged_out receivers would act for (and may
    # write audit rows pointing at) an account that no longer exists.
    request.session.flush()
    request.user = AnonymousUser()


@require_GET
def deleted(request):
    """The goodbye page after a deletion (the visitor is signed out by then)."""
    return render(request, "privacy/deleted.html")

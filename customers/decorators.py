from functools import wraps

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import render
from django.utils.translation import gettext as _

from customers.access import PortalRefusal, portal_access


def customer_required(view):
    """Portal pages: the rule of ``customers.access.portal_customer``, each refusal with its page.

    Anonymous visitors go to the customer login (and come back afterwards);
    a signed-in account without a profile (restaurant staff) gets a 403 page
    pointing to the admin, a staff (admin) session a 403 page explaining the
    customer login. A session that predates MFA on the account (not
    OTP-verified) is ended and sent to the login, which asks for the code.
    Sets ``request.customer`` for the view, which must look up everything
    through it (someone else's object is a 404).
    """

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        access = portal_access(request)
        if access.customer is not None:
            request.customer = access.customer
            return view(request, *args, **kwargs)
        if access.refusal is PortalRefusal.NOT_A_CUSTOMER:
            return render(request, "customers/not_a_customer.html", status=403)
        if access.refusal is PortalRefusal.STAFF_SESSION:
            return render(request, "customers/mfa/staff_session.html", status=403)
        if access.refusal is PortalRefusal.MFA_NOT_VERIFIED:
            # Flushes the session on the server, so a copied cookie is dead too.
            logout(request)
            messages.info(request, _("Two-factor authentication is on for your account. Please sign in again."))
        return redirect_to_login(request.get_full_path())

    return wrapper

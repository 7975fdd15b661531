from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.shortcuts import render

from customers.mfa.sessions import staff_session_refused


def customer_required(view):
    """Portal pages: a logged-in user with a Customer profile.

    Anonymous visitors go to the customer login (and come back afterwards);
    a signed-in account without a profile (restaurant staff) gets a 403 page
    pointing to the admin. Sets ``request.customer`` for the view, which must
    look up everything through it (someone else's object is a 404).
    """

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        customer = getattr(request.user, "customer", None)
        if customer is None:
            return render(request, "customers/not_a_customer.html", status=403)
        if staff_session_refused(request):  # admin sign-ins skip allauth's stages (customers.mfa.sessions)
            return render(request, "customers/mfa/staff_session.html", status=403)
        request.customer = customer
        return view(request, *args, **kwargs)

    return wrapper

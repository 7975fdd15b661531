from allauth.account import app_settings as allauth_settings
from django import template

from customers.adapter import SESSION_EMAIL_VERIFIED
from customers.services import customer_email_verified

register = template.Library()


@register.inclusion_tag("customers/_verify_banner.html", takes_context=True)
def customer_verify_banner(context):
    """The "please verify your email" banner on every page of an unverified customer.

    Costs no query for verified customers: the login stores the state in the
    session, and only a session still marked unverified asks the database
    again (and remembers once the link was opened, maybe in another browser).
    """
    request = context.get("request")
    session = getattr(request, "session", None)
    show = False
    if session is not None and session.get(SESSION_EMAIL_VERIFIED) is False and request.user.is_authenticated:
        if customer_email_verified(user=request.user):
            session[SESSION_EMAIL_VERIFIED] = True
        else:
            show = True
    return {"show": show, "request": request}


@register.simple_tag
def email_confirmation_days() -> int:
    """How many days a verification link stays valid, from the setting allauth enforces it with.

    ``{% email_confirmation_days as days %}`` in the verification mails and pages.
    """
    return allauth_settings.EMAIL_CONFIRMATION_EXPIRE_DAYS

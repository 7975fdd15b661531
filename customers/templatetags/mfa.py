from django import template

from customers.mfa import services

register = template.Library()


@register.simple_tag(takes_context=True)
def mfa_status(context) -> services.MFAStatus:
    """``{% mfa_status as mfa %}``: MFA on/off and backup-code facts for the signed-in user."""
    request = context.get("request")
    user = getattr(request, "user", None) or context.get("user")
    return services.mfa_status(user=user)

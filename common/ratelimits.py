"""Keys for django-ratelimit on our own account views.

Numbers (documented in the final report and settings):
- register: allauth 20/min and 200/h per IP; here 5/h per email address.
- resend verification: 20/h per IP (decorator); 3/h per address
  (customers.services.RESEND_PER_ADDRESS_RATE), plus allauth's one mail per
  address every 3 minutes.
"""

from django.http import HttpRequest


def email_key(group: str, request: HttpRequest) -> str:
    """The submitted email address, normalised so case tricks don't reset the count."""
    return (request.POST.get("email") or "").strip().lower()


def client_ip_key(group: str, request: HttpRequest) -> str:
    """The client IP exactly as allauth's own limits see it.

    Honours ALLAUTH_TRUSTED_PROXY_COUNT (behind a load balancer every request
    would otherwise share the proxy's address) and groups IPv6 clients by /64,
    so our limits and allauth's count the same clients.
    """
    from allauth.core.internal.ratelimit import get_ip

    return get_ip(request)


def request_client_ip(request: HttpRequest) -> str:
    """RATELIMIT_IP_META_KEY for django-ratelimit's ``key="ip"``.

    Same source as allauth (honours TRUSTED_PROXY_COUNT), so behind a load
    balancer every guest is counted on their own address, not the balancer's.
    """
    from allauth.account.adapter import get_adapter

    return get_adapter().get_client_ip(request)

from django import template

from invoices.selectors import invoice_live_for_order
from invoices.services import invoice_refusal

register = template.Library()


@register.simple_tag(takes_context=True)
def invoice_action_for(context, order):
    """What the order page offers: the live invoice, a refusal to explain, or the generate button."""
    request = context.get("request")
    customer = getattr(request, "customer", None) or getattr(getattr(request, "user", None), "customer", None)
    invoice = invoice_live_for_order(order=order)
    if invoice is not None or customer is None:
        return {"invoice": invoice, "refusal": None}
    return {"invoice": None, "refusal": invoice_refusal(order=order, customer=customer)}

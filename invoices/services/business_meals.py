"""The host's business-meal declaration follows the meal from a cancelled document to the one replacing it."""

from invoices.models import BusinessMealDeclaration, Invoice


def business_meal_carry_over(*, previous: Invoice | None, document: Invoice) -> BusinessMealDeclaration | None:
    """Copy the latest declaration of ``previous`` (the document ``document`` replaces) to ``document``.

    The declaration belongs to the meal, not to one document: after a re-issue
    (new billing details, a receipt turned into an invoice) the host must not
    get an empty form again for a meal they already declared. A new row, as
    declarations are insert-only; the cancelled document keeps its own. Call in
    the issuing transaction, before the PDF is rendered after commit.
    """
    if previous is None:
        return None
    latest = previous.business_meals.order_by("-created_at", "-id").first()
    if latest is None:
        return None
    return BusinessMealDeclaration.objects.create(
        invoice=document, host=latest.host, occasion=latest.occasion, participants=latest.participants
    )

from typing import Any, Protocol

from django.contrib.auth.base_user import AbstractBaseUser
from django.db.models import QuerySet

from audit.models import AuditEntry


class StaffMember(Protocol):
    """A staff account as this app sees it: ``customers.User``, which a lower layer may not import."""

    is_superuser: bool
    restaurants: Any  # the reverse relation of Restaurant.staff


def audit_entries_for_account(*, user: AbstractBaseUser) -> QuerySet[AuditEntry]:
    """Entries about an account or made by it: what its owner gets in a data export."""
    from django.db.models import Q

    return AuditEntry.objects.filter(Q(subject=user) | Q(actor=user)).order_by("created_at", "id")


def audit_entries_visible_to(*, user: StaffMember) -> QuerySet[AuditEntry]:
    """What a staff member may read: superusers everything, others their restaurants' entries."""
    if user.is_superuser:
        return AuditEntry.objects.all()
    # The reverse relation of Restaurant.staff; the audit app does not import orders (layers).
    return AuditEntry.objects.filter(restaurant_id__in=user.restaurants.values("id"))

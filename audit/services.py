"""Writing to the audit log: the one function every app calls."""

from __future__ import annotations

import logging
from typing import Any

from django.http import HttpRequest

from audit.models import AuditEntry

logger = logging.getLogger(__name__)

Action = AuditEntry.Action


def request_client_address(request: HttpRequest | None) -> str | None:
    """The client's address as the rate limits see it (honours TRUSTED_PROXY_COUNT)."""
    if request is None:
        return None
    from allauth.account.adapter import get_adapter

    try:
        return get_adapter().get_client_ip(request) or None
    except Exception:  # noqa: BLE001 - a malformed forwarding header must not stop the action being logged
        return request.META.get("REMOTE_ADDR") or None


def audit_record(
    *,
    action: str,
    request: HttpRequest | None = None,
    actor: Any = None,
    subject: Any = None,
    restaurant_id: int | None = None,
    obj: Any = None,
    data: dict[str, Any] | None = None,
) -> AuditEntry:
    """Append one entry. ``actor`` defaults to the request's signed-in user.

    ``data`` must never hold a secret (password, token, code, TOTP key): the
    log is shown to staff and exported to customers.
    """
    if actor is None and request is not None:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            actor = user
    object_type, object_id = "", ""
    if obj is not None:
        object_type = obj._meta.label_lower
        object_id = str(obj.pk)
    address = request_client_address(request)
    entry = AuditEntry.objects.create(
        action=action,
        actor=actor if getattr(actor, "pk", None) else None,
        subject=subject if getattr(subject, "pk", None) else None,
        restaurant_id=restaurant_id,
        object_type=object_type,
        object_id=object_id,
        ip_address=address,
        data=data or {},
    )
    logger.info(
        "audit %s actor=%s subject=%s object=%s:%s", action, entry.actor_id, entry.subject_id, object_type, object_id
    )
    return entry

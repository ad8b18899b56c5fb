"""Writing audit events: every view of a person's record, every change, every login."""

from __future__ import annotations

from django.db import models

from audit.context import current_origin
from audit.models import AuditEvent


def audit_record(
    *,
    action: str,
    actor=None,
    obj: models.Model | None = None,
    person_id: int | None = None,
    username: str = "",
    details: dict | None = None,
) -> AuditEvent:
    """Append one event. The client's address and browser come from the request being served, if any."""
    origin = current_origin.get()
    return AuditEvent.objects.create(
        actor=actor,
        username=username or (actor.get_username() if actor is not None else ""),
        action=action,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        object_repr=str(obj)[:200] if obj is not None else "",
        person_id=person_id,
        ip_address=origin.ip_address if origin else None,
        user_agent=origin.user_agent if origin else "",
        details=details or {},
    )

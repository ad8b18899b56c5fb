"""Writing audit events: every view of a person's record, every change, every login."""

from __future__ import annotations

from django.db import models

from audit.context import current_batch, current_origin
from audit.models import AuditEvent


def audit_record(
    *,
    action: str,
    actor=None,
    obj: models.Model | None = None,
    person_id: int | None = None,
    username: str = "",
    details: dict | None = None,
    object_type: str = "",
    object_id: str = "",
    object_repr: str = "",
) -> AuditEvent:
    """Append one event. The client's address and browser come from the request being served, if any.

    The object is named by `obj`, or, when only its description is left (an admin deletion), by
    `object_type`, `object_id` and `object_repr`.
    """
    origin = current_origin.get()
    if obj is not None:
        object_type, object_id, object_repr = obj._meta.label_lower, str(obj.pk), str(obj)
    return AuditEvent.objects.create(
        actor=actor,
        username=username or (actor.get_username() if actor is not None else ""),
        action=action,
        object_type=object_type[:60],
        object_id=object_id[:40],
        object_repr=object_repr[:200],
        person_id=person_id,
        ip_address=origin.ip_address if origin else None,
        user_agent=origin.user_agent if origin else "",
        details={**(details or {}), **(current_batch.get() or {})},
    )


def audit_records_bulk(events: list[dict]) -> None:
    """Append many events in one statement (an import): each dict takes audit_record's arguments."""
    origin = current_origin.get()
    batch_details = current_batch.get() or {}
    AuditEvent.objects.bulk_create(
        [
            AuditEvent(
                actor=event.get("actor"),
                username=actor.get_username() if (actor := event.get("actor")) is not None else "",
                action=event["action"],
                object_type=event["obj"]._meta.label_lower[:60],
                object_id=str(event["obj"].pk)[:40],
                object_repr=str(event["obj"])[:200],
                person_id=event.get("person_id"),
                ip_address=origin.ip_address if origin else None,
                user_agent=origin.user_agent if origin else "",
                details={**(event.get("details") or {}), **batch_details},
            )
            for event in events
        ],
        batch_size=1000,
    )

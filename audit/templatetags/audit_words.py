"""Audit events in words for people: who by name, what by the kind of record ("Asesmen", not
`assessments.assessment`)."""

from django import template
from django.apps import apps
from django.utils.text import capfirst

register = template.Library()


@register.filter
def actor_name(event) -> str:
    """The name of who did it; their username where no name is recorded (or the account is gone)."""
    actor = event.actor
    return (actor.get_full_name() if actor else "") or event.username or "—"


@register.filter
def object_words(event) -> str:
    """The kind of record in the reader's language; the stored label where it names no model (any more)."""
    if not event.object_type:
        return ""
    try:
        model = apps.get_model(event.object_type)
    except (LookupError, ValueError):
        return event.object_type
    return str(capfirst(model._meta.verbose_name))

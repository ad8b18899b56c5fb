"""The breach register (UU 27/2022 Art. 46): recording a breach, what was done, when the authority and the
people affected were told, and the written notices themselves (PDF, Indonesian)."""

from __future__ import annotations

import datetime as dt
import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from audit.models import AuditEvent
from audit.services import audit_record
from privacy.models import NOTIFY_WITHIN, Breach

LETTERS = ("people", "authority")


def record(*, actor, institution=None, region=None, discovered_at: dt.datetime, **fields) -> Breach:
    now = timezone.now()
    if discovered_at > now + dt.timedelta(minutes=5):
        raise ValidationError({"discovered_on": _("A breach cannot be discovered in the future.")})
    if not fields.get("data_kinds"):
        raise ValidationError({"data_kinds": _("Say which kinds of data were affected.")})
    unknown = set(fields["data_kinds"]) - set(Breach.DataKind.values)
    if unknown:
        raise ValidationError(
            {"data_kinds": _("Unknown kinds of data: %(kinds)s.") % {"kinds": ", ".join(unknown)}}
        )
    with transaction.atomic():
        breach = Breach.objects.create(
            institution=institution,
            region=region if institution is None else institution.region,
            discovered_at=discovered_at,
            notify_by=discovered_at + NOTIFY_WITHIN,
            recorded_by=actor,
            **fields,
        )
        audit_record(action=AuditEvent.Action.CREATE, actor=actor, obj=breach)
    return breach


def update(
    breach: Breach, *, actor, measures: str, authority_notified_at=None, people_notified_at=None
) -> None:
    """Add to the measures taken and record when the notices went out (a notice once sent stays sent)."""
    now = timezone.now()
    for field, value in (
        ("authority_notified_at", authority_notified_at),
        ("people_notified_at", people_notified_at),
    ):
        if value is not None and value > now + dt.timedelta(minutes=5):
            raise ValidationError({field: _("This moment is in the future.")})
        if value is not None and value < breach.discovered_at:
            raise ValidationError({field: _("The notice cannot go out before the breach was discovered.")})
    if not measures.strip():
        raise ValidationError({"measures": _("Say what was done about the breach.")})
    with transaction.atomic():
        changes = {"measures": measures.strip()}
        if authority_notified_at and breach.authority_notified_at is None:
            changes["authority_notified_at"] = authority_notified_at
        if people_notified_at and breach.people_notified_at is None:
            changes["people_notified_at"] = people_notified_at
        Breach.objects.filter(pk=breach.pk).update(**changes)
        audit_record(
            action=AuditEvent.Action.CHANGE,
            actor=actor,
            obj=breach,
            details={key: str(value) for key, value in changes.items() if key != "measures"},
        )


def letter_html(breach: Breach, to: str) -> str:
    zone = zoneinfo.ZoneInfo(breach.time_zone)
    with translation.override("id"), timezone.override(zone):
        return render_to_string(
            "privacy/pdf/breach_letter.html",
            {
                "breach": breach,
                "to": to,
                "kinds": [Breach.DataKind(kind).label for kind in breach.data_kinds],
                "authority": settings.PDP_AUTHORITY,
                "place": breach.institution or breach.region,
                "today": timezone.localtime(timezone.now(), zone),
            },
        )


def letter_pdf(breach: Breach, to: str, *, actor) -> bytes:
    from weasyprint import HTML  # imported here: loading Pango takes a moment and only rendering needs it

    if to not in LETTERS:
        raise ValueError(to)
    pdf = HTML(string=letter_html(breach, to)).write_pdf()
    audit_record(action=AuditEvent.Action.DOWNLOAD, actor=actor, obj=breach, details={"letter": to})
    return pdf

"""Telling the data-protection officer: an export of many people's data (issue 18)."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import EmailMessage
from django.db.models import Q
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from accounts.models import Membership, Role

logger = logging.getLogger(__name__)


def officers_for(institution) -> list:
    """The national data-protection officer(s) and, for a UPT, its region's."""
    where = Q(region__isnull=True)
    if institution is not None:
        where |= Q(region_id=institution.region_id)
    memberships = Membership.objects.in_effect().filter(where, role=Role.DPO).select_related("user")
    return [m.user for m in memberships if m.user.is_active and m.user.email]


def large_export(record) -> None:
    for officer in officers_for(record.institution):
        with translation.override(officer.language or settings.LANGUAGE_CODE):
            subject = _("Export of %(count)s people's data") % {"count": record.people}
            body = _(
                "%(user)s exported a file with the data of %(count)s people.\n\nFile: %(file)s\n"
                "Recipient: %(recipient)s\nPurpose: %(purpose)s\nReason: %(reason)s\n\n"
                "The audit trail: %(link)s\n"
            ) % {
                "user": record.created_by.get_full_name() or record.created_by.get_username(),
                "count": record.people,
                "file": record.filename,
                "recipient": record.recipient,
                "purpose": record.purpose,
                "reason": record.reason,
                "link": settings.SITE_URL.rstrip("/") + reverse("audit-events"),
            }
        try:
            EmailMessage(subject=subject, body=body, to=[officer.email]).send()
        except OSError:
            # The export itself stands and is in the audit trail; the officer's mail is not worth losing it.
            logger.exception("Could not tell the data-protection officer %s about an export", officer.pk)


def retention_planned(run) -> None:
    """Tell the national data-protection officers a retention plan waits for approval."""
    for officer in officers_for(None):
        with translation.override(officer.language or settings.LANGUAGE_CODE):
            subject = _("Retention: records past their period wait for your approval")
            lines = [f"- {kind}: {count}" for kind, count in run.counts().items() if count]
            body = _(
                "The retention schedule makes these records due:\n\n%(lines)s\n\n"
                "Review and approve: %(link)s\n"
            ) % {
                "lines": "\n".join(lines),
                "link": settings.SITE_URL.rstrip("/") + reverse("privacy:retention"),
            }
        try:
            EmailMessage(subject=subject, body=body, to=[officer.email]).send()
        except OSError:
            logger.exception(
                "Could not tell the data-protection officer %s about a retention plan", officer.pk
            )

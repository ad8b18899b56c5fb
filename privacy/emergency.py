"""Break-glass access (issue 18): asking for a record outside one's scope in an emergency, the grant kept in
the signed-in session for a few hours (privacy.middleware hands it to the visibility rule in inmates), and
the review afterwards."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.models import AuditEvent
from audit.services import audit_record
from inmates.models import Admission, Person
from privacy.models import EmergencyAccess

SESSION_KEY = "emergency_access"  # [[grant id, person id, ends at (ISO)], …]
MIN_REASON = 15  # characters: a reason, not "urgent"


def may_ask(user) -> bool:
    scope = user.scope
    return (scope.is_upt_staff or scope.is_counsellor) and not scope.is_national


def grant(*, user, person: Person, reason: str, hours: int, session) -> EmergencyAccess:
    """Open `person`'s record to `user` for `hours` (at most settings.BREAK_GLASS_HOURS), in this session.
    Reviewed by the head of the UPT that holds (or last held) the person: decided here, never by the asker."""
    reason = reason.strip()
    if len(reason) < MIN_REASON:
        raise ValidationError({"reason": _("Say why this record is needed now, in a sentence.")})
    if not 1 <= hours <= settings.BREAK_GLASS_HOURS:
        raise ValidationError(
            {"hours": _("Between 1 and %(hours)s hours.") % {"hours": settings.BREAK_GLASS_HOURS}}
        )
    if Person.objects.visible_to(user).filter(pk=person.pk).exists():
        raise ValidationError(_("You can open this record already: no emergency access is needed."))
    latest = Admission.objects.filter(person=person).order_by("-admitted_on", "-pk").first()
    if latest is None:
        raise ValidationError(_("This person has no custody record to open."))
    now = timezone.now()
    with transaction.atomic():
        record = EmergencyAccess.objects.create(
            user=user,
            person=person,
            institution_id=latest.institution_id,
            reason=reason,
            granted_at=now,
            expires_at=now + dt.timedelta(hours=hours),
        )
        audit_record(
            action=AuditEvent.Action.CREATE,
            actor=user,
            obj=record,
            person_id=person.pk,
            details={"break_glass": record.pk, "hours": hours},
        )
    held = [entry for entry in session.get(SESSION_KEY, []) if entry[1] != person.pk]
    session[SESSION_KEY] = [*held, [record.pk, person.pk, record.expires_at.isoformat()]]
    return record


def active(session, now: dt.datetime | None = None) -> list[tuple[int, int, dt.datetime]]:
    """The grants of this session still running: (grant id, person id, ends at)."""
    now = now or timezone.now()
    running = []
    for entry in session.get(SESSION_KEY, []):
        try:
            grant_id, person_id, until = int(entry[0]), int(entry[1]), dt.datetime.fromisoformat(entry[2])
        except (TypeError, ValueError, IndexError):
            continue
        if until > now:
            running.append((grant_id, person_id, until))
    return running


def review(record: EmergencyAccess, *, actor, outcome: str, note: str) -> None:
    if record.is_active():
        raise ValidationError(_("The access is still running: review it once it has ended."))
    if record.reviewed_at is not None:
        raise ValidationError(_("This access has been reviewed already."))
    if outcome not in EmergencyAccess.Review.values:
        raise ValidationError({"outcome": _("Say whether the access was justified.")})
    if outcome == EmergencyAccess.Review.FLAGGED and not note.strip():
        raise ValidationError({"note": _("Say what was wrong: the note goes on the record of the access.")})
    with transaction.atomic():
        # Reviewed once: a second reviewer at the same moment finds it done.
        done = EmergencyAccess.objects.filter(pk=record.pk, reviewed_at__isnull=True).update(
            review=outcome, review_note=note.strip(), reviewed_at=timezone.now(), reviewed_by=actor
        )
        if not done:
            raise ValidationError(_("This access has been reviewed already."))
        audit_record(
            action=AuditEvent.Action.CHANGE,
            actor=actor,
            obj=record,
            person_id=record.person_id,
            details={"break_glass_review": outcome},
        )


def restore(session, user, now: dt.datetime | None = None) -> None:
    """At sign-in: the user's grants still running come back into the new session (a grant lasts its hours,
    not the session it was asked in). One query, at sign-in only."""
    now = now or timezone.now()
    running = EmergencyAccess.objects.filter(user=user, expires_at__gt=now).values_list(
        "pk", "person_id", "expires_at"
    )
    entries = [[pk, person, until.isoformat()] for pk, person, until in running]
    if entries:
        session[SESSION_KEY] = entries

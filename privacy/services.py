"""Writes of the UU 27/2022 duties: each a function, in a transaction, audited."""

from __future__ import annotations

import datetime as dt
import json

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile, File
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.models import AuditEvent
from audit.services import audit_record
from inmates.models import Person
from institutions.models import Institution
from privacy import bundle, documents, notify
from privacy.models import (
    ANSWER_WITHIN,
    HAND_OVER_FOR,
    AccessDecision,
    HandOver,
    RightsRequest,
    RightsRequestStep,
)

# A request typed in after the fact may say it was received earlier; never later than now (a clock a few
# minutes ahead is tolerated), and not so long ago that it is a typing slip.
FUTURE_TOLERANCE = dt.timedelta(minutes=5)
OLDEST_RECEIPT = dt.timedelta(days=366)


def register_request(
    *,
    actor,
    person: Person,
    institution: Institution,
    kind: str,
    received_at: dt.datetime,
    requested_by: str,
    identity_check: str,
    identity_details: str,
    details: str,
) -> RightsRequest:
    now = timezone.now()
    errors = {}
    if received_at > now + FUTURE_TOLERANCE:
        errors["received_at"] = _("A request cannot be received in the future.")
    elif received_at < now - OLDEST_RECEIPT:
        errors["received_at"] = _("Check the date: a request is registered when it arrives, within days.")
    if not identity_check or not identity_details.strip():
        errors["identity_check"] = _("Say how the requester's identity was checked: no request without it.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        request = RightsRequest.objects.create(
            person=person,
            institution=institution,
            kind=kind,
            received_at=received_at,
            requested_by=requested_by.strip(),
            identity_check=identity_check,
            identity_details=identity_details.strip(),
            details=details.strip(),
            due_at=received_at + ANSWER_WITHIN,
            registered_by=actor,
        )
        RightsRequestStep.objects.create(
            request=request, status=RightsRequest.Status.RECEIVED, at=received_at, by=actor
        )
        audit_record(action=AuditEvent.Action.CREATE, actor=actor, obj=request, person_id=person.pk)
    return request


def record_step(
    request: RightsRequest, *, actor, status: str, note: str = "", legal_ground: str = ""
) -> None:
    """Move a request on: in progress, answered, or refused on a legal ground. Closed stays closed."""
    Status = RightsRequest.Status
    note = note.strip()
    with transaction.atomic():
        request = RightsRequest.objects.select_for_update().get(pk=request.pk)
        if not request.is_open:
            raise ValidationError(
                _("This request is closed: it was %(status)s.")
                % {"status": request.get_status_display().lower()}
            )
        if status == Status.REFUSED and not legal_ground:
            raise ValidationError({"legal_ground": _("A refusal must give its legal ground.")})
        if status != Status.REFUSED:
            legal_ground = ""
        if status in (Status.ANSWERED, Status.REFUSED) and not note:
            raise ValidationError(
                {"note": _("Say what was answered, or why it was refused, in a few words.")}
            )
        if status == request.status == Status.IN_PROGRESS and not note:
            raise ValidationError({"note": _("Add a note to say what was done.")})
        RightsRequestStep.objects.create(
            request=request, status=status, note=note, legal_ground=legal_ground, by=actor
        )
        request.status = status
        if status in (Status.ANSWERED, Status.REFUSED):
            request.closed_at = timezone.now()
        request.save(update_fields=["status", "closed_at"])
        audit_record(
            action=AuditEvent.Action.CHANGE,
            actor=actor,
            obj=request,
            person_id=request.person_id,
            details={"status": status, "legal_ground": legal_ground},
        )


def answer_access(
    request: RightsRequest, *, actor, include_notes: bool, reason: str, recipient: str
) -> list[HandOver]:
    """Answer an access (portability) request with the person's bundle: the JSON file and the PDF, handed
    over through expiring links, the decision on notes recorded, the request answered, all audited."""
    if request.kind != RightsRequest.Kind.ACCESS:
        raise ValidationError(_("Only an access request is answered with a copy of the data."))
    if not request.is_open:
        raise ValidationError(_("This request is closed already."))
    if not reason.strip():
        raise ValidationError(
            {"reason": _("Give the reason for handing over the notes, or for leaving them out.")}
        )
    now = timezone.now()
    with transaction.atomic():
        # One answer at a time: a second one waits here and finds the request closed, before writing files.
        request = (
            RightsRequest.objects.select_for_update()
            .select_related("person", "institution")
            .get(pk=request.pk)
        )
        if not request.is_open:
            raise ValidationError(_("This request is closed already."))
        data = bundle.build(request.person, actor=actor, include_notes=include_notes, generated_at=now)
        files = [
            (f"data-pribadi-{request.person_id}.json", "application/json", json_bytes(data)),
            (
                f"data-pribadi-{request.person_id}.pdf",
                "application/pdf",
                documents.bundle_pdf(data, request.person, zone=request.institution.time_zone),
            ),
        ]
        AccessDecision.objects.create(
            rights_request=request,
            notes_included=include_notes,
            reason=reason.strip(),
            sections={key: len(rows) for key, rows in data["sections"].items()},
            decided_by=actor,
        )
        hand_overs = [
            hand_over(
                actor=actor,
                filename=name,
                content_type=kind,
                content=content,
                recipient=recipient,
                purpose=_("Answer to rights request no. %(number)s (access)") % {"number": request.pk},
                people=1,
                institution=request.institution,
                rights_request=request,
                person_id=request.person_id,
            )
            for name, kind, content in files
        ]
        record_step(
            request,
            actor=actor,
            status=RightsRequest.Status.ANSWERED,
            note=_("Copy of the data handed over to %(recipient)s (JSON and PDF).")
            % {"recipient": recipient},
        )
    return hand_overs


def json_bytes(data: dict) -> bytes:
    return json.dumps(data, ensure_ascii=False, indent=2, sort_keys=False).encode()


def hand_over(
    *,
    actor,
    filename: str,
    content_type: str,
    recipient: str,
    purpose: str,
    people: int,
    content: bytes | None = None,
    file=None,
    institution: Institution | None = None,
    rights_request: RightsRequest | None = None,
    reason: str = "",
    person_id: int | None = None,
    details: dict | None = None,
) -> HandOver:
    """Keep a file with personal data behind a link that expires, recording to whom and why; an export of
    settings.EXPORT_REASON_FROM people or more needs a reason and tells the data-protection officer."""
    large = settings.EXPORT_REASON_FROM
    errors = {}
    if not recipient.strip():
        errors["recipient"] = _("Say who receives the file.")
    if not purpose.strip():
        errors["purpose"] = _("Say what the file is for.")
    if people >= large and not reason.strip():
        errors["reason"] = _("A file with %(count)s people or more needs a reason.") % {"count": large}
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    if file is None and content is None:
        raise TypeError("hand_over needs the file's content or an open file.")
    upload = File(file) if file is not None else ContentFile(content or b"")
    record = HandOver(
        filename=filename,
        content_type=content_type,
        size=upload.size,
        recipient=recipient.strip(),
        purpose=purpose.strip(),
        reason=reason.strip(),
        people=people,
        institution=institution,
        rights_request=rights_request,
        created_by=actor,
        created_at=now,
        expires_at=now + HAND_OVER_FOR,
    )
    record.file.save(filename, upload, save=False)
    # The file is written first: if the transaction then fails, a file no record names is left in the folder,
    # never a record pointing at nothing.
    record.save()
    audit_record(
        action=AuditEvent.Action.EXPORT,
        actor=actor,
        obj=record,
        person_id=person_id,
        details={
            **(details or {}),
            "recipient": record.recipient,
            "purpose": record.purpose,
            "people": people,
            **({"reason": record.reason} if record.reason else {}),
        },
    )
    if people >= large:
        transaction.on_commit(lambda: notify.large_export(record))
    return record


def downloaded(record: HandOver, *, actor) -> None:
    with transaction.atomic():
        HandOver.objects.filter(pk=record.pk).update(
            downloads=F("downloads") + 1, last_downloaded_at=timezone.now()
        )
        audit_record(
            action=AuditEvent.Action.DOWNLOAD,
            actor=actor,
            obj=record,
            person_id=record.rights_request.person_id if record.rights_request is not None else None,
            details={"file": record.filename, "recipient": record.recipient},
        )


def delete_expired_files(now: dt.datetime | None = None) -> int:
    """Delete the files of hand-overs whose link has expired; the record of the hand-over stays."""
    now = now or timezone.now()
    deleted = 0
    for record in HandOver.objects.filter(expires_at__lte=now, deleted_at__isnull=True).exclude(file=""):
        record.file.delete(save=False)
        record.deleted_at = now
        record.save(update_fields=["file", "deleted_at"])
        deleted += 1
    return deleted


def hand_over_url(**kwargs) -> str:
    """audit.exports' hand-over of a list exported (provided at start-up): the link to the file."""
    return hand_over(**kwargs).get_absolute_url()

"""What staff decide after an import, each through the same services as the forms: a person who left
according to SDP is released (one or many at once) or stays, SDP being behind; a row that may be someone
already registered is admitted as that person or registered as a new one; a person held at another UPT is
left to its staff.

Only staff of the item's UPT decide (the services they call check it again); officers read.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.context import batch
from exchange.models import ImportItem
from inmates import services as inmates_services
from inmates.models import Admission, Person

NOTE_MAX = 500


def _open_item(by, item: ImportItem, kind: str) -> ImportItem:
    """The item re-read under a row lock, checked: still open, of this kind, at a UPT where `by` works."""
    item = (
        ImportItem.objects.select_for_update(of=("self",))
        .select_related("admission", "institution")
        .get(pk=item.pk)
    )
    if not by.scope.can_write_at(item.institution_id):
        raise PermissionDenied(_("Only staff of the UPT decide what its imports left open."))
    if item.kind != kind or not ImportItem.objects.filter(pk=item.pk).still_open().exists():
        raise ValidationError(_("This has already been decided."))
    return item


def _decided(by, item: ImportItem, outcome: str, *, person: Person | None = None, note: str = "") -> None:
    item.outcome, item.decided_by, item.decided_at = outcome, by, timezone.now()
    item.person = person or item.person
    item.note = note[:NOTE_MAX]
    item.save(update_fields=["outcome", "decided_by", "decided_at", "person", "note"])


@transaction.atomic
def left_release(
    *, by, items: list[ImportItem], on: dt.date, release_type: str, note: str = ""
) -> list[Admission]:
    """Confirm, for one or many people who left according to SDP, the release the register shows; each as the
    release form records it (enrolments closed, after-care opened). All or nothing."""
    if not items:
        raise ValidationError(_("Choose at least one person."))
    released = []
    for item in sorted(items, key=lambda each: each.pk):  # one lock order for every caller
        item = _open_item(by, item, ImportItem.Kind.LEFT)
        with batch(sdp_import=item.run_id):
            try:
                admission = inmates_services.admission_release(
                    by=by, admission=item.admission, on=on, release_type=release_type, note=note
                )
            except ValidationError as error:
                raise ValidationError(
                    _("%(person)s: %(reason)s")
                    % {"person": item.admission.person.full_name, "reason": "; ".join(error.messages)}
                ) from error
        _decided(by, item, ImportItem.Outcome.RELEASED, person=item.admission.person, note=note)
        released.append(admission)
    return released


@transaction.atomic
def left_still_held(*, by, item: ImportItem, note: str) -> ImportItem:
    """The person is still here and SDP is behind: nothing changes; why is recorded."""
    if not note.strip():
        raise ValidationError({"note": _("Say how you checked that the person is still held here.")})
    item = _open_item(by, item, ImportItem.Kind.LEFT)
    _decided(by, item, ImportItem.Outcome.STILL_HELD, person=item.admission.person, note=note.strip())
    return item


def _admission_from_row(item: ImportItem) -> Admission:
    row = item.row
    return Admission(
        institution_id=item.institution_id,
        register_number=row["register_number"],
        register_category=row["register_category"],
        admitted_on=dt.date.fromisoformat(row["admitted_on"]),
        offence=row["offence"],
        sentence_months=row["sentence_months"],
        expected_release=dt.date.fromisoformat(row["expected_release"]) if row["expected_release"] else None,
    )


@transaction.atomic
def review_link(*, by, item: ImportItem, person: Person, reason: str) -> Admission:
    """The row is this person, already registered: admit them here (a return to custody), as registration's
    own "same person" link does, with the reason and a link for the heads to review."""
    item = _open_item(by, item, ImportItem.Kind.REVIEW)
    if not item.candidates.filter(pk=person.pk).exists():
        raise ValidationError(_("Choose one of the people the row may be."))
    with batch(sdp_import=item.run_id):
        admission = inmates_services.admission_link(
            by=by,
            person=person,
            admission=_admission_from_row(item),
            reason=reason,
            match_reason=_("SDP import, checked by hand"),
        )
    _decided(by, item, ImportItem.Outcome.LINKED, person=person, note=reason)
    return admission


@transaction.atomic
def review_create(*, by, item: ImportItem, reason: str) -> Admission:
    """The row is none of the people it resembles: register a new person with its data."""
    if not reason.strip():
        raise ValidationError({"reason": _("Say why this is not one of the people already registered.")})
    item = _open_item(by, item, ImportItem.Kind.REVIEW)
    row = item.row
    person = Person(
        full_name=row["full_name"],
        nik=row["nik"] or None,
        sex=row["sex"],
        birth_place=row["birth_place"],
        birth_date=dt.date.fromisoformat(row["birth_date"]) if row["birth_date"] else None,
    )
    with batch(sdp_import=item.run_id):
        admission = inmates_services.person_register(
            by=by, person=person, admission=_admission_from_row(item)
        )
    _decided(by, item, ImportItem.Outcome.CREATED, person=person, note=reason.strip())
    return admission


@transaction.atomic
def transfer_noted(*, by, item: ImportItem) -> ImportItem:
    """A person SDP lists here is held at another UPT in this system: its staff record the transfer there."""
    item = _open_item(by, item, ImportItem.Kind.TRANSFER)
    _decided(by, item, ImportItem.Outcome.NOTED)
    return item

"""Writes to people and custody spells. Each is one transaction and leaves an audit event."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import ManyToOneRel
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.models import AuditEvent
from audit.services import audit_record, audit_records_bulk
from inmates import ages, hooks
from inmates.models import Admission, DistinctPeople, Movement, Person, PersonMerge, RegistrationLink
from institutions.models import Institution


def _lock_held_by_users_institution(admission: Admission, by) -> Admission:
    """Re-read the admission under a row lock and check, now that nobody can move it, who holds it."""
    admission = Admission.objects.select_for_update().get(pk=admission.pk)
    if not by.scope.can_write_at(admission.institution_id):
        raise PermissionDenied(_("Only staff of the institution holding this person can do this."))
    return admission


def _confirmed(confirmed: Sequence[str]) -> dict:
    return {"confirmed": sorted(confirmed)} if confirmed else {}


def register_number_taken_message(register_number: str, institution_name: str) -> str:
    return _(
        "Register number %(number)s is already used by someone else in custody at %(institution)s. Check the "
        "number (a number is used again only after its holder's release)."
    ) % {"number": register_number, "institution": institution_name}


def _register_number_free(
    *, institution_id: int, register_number: str, field: str = "register_number", spell: int | None = None
) -> None:
    """Refuse, in words, a register number already used in the institution's custody (the friendly half of
    the constraint inmates_admission_register_number_open_unique); `spell`, the spell itself, left out."""
    holders = Admission.objects.holding_register_number(institution_id, register_number).exclude(pk=spell)
    if holders.exists():
        name = Institution.objects.filter(pk=institution_id).values_list("name", flat=True).first() or ""
        raise ValidationError({field: register_number_taken_message(register_number, name)})


def _reason_to_hold(*, birth_date: dt.date | None, institution: Institution, on: dt.date, reason: str) -> str:
    """A child held at an adult UPT needs a reason (inmates.ages); the reason to keep with the spell, empty
    where none is needed."""
    concern = ages.placement_concern(birth_date=birth_date, on=on, for_children=institution.is_for_children)
    if concern != ages.MINOR_AT_ADULT_UPT:
        return ""
    if not reason.strip():
        assert birth_date is not None  # a minor is told only by a date of birth
        age = ages.age_on(birth_date, on)
        raise ValidationError({"minor_reason": ages.minor_at_adult_upt_text(age, institution.name)})
    return reason.strip()


def _not_in_future(day: dt.date, field: str) -> None:
    if day > timezone.localdate():
        raise ValidationError({field: _("This date is in the future.")})


@transaction.atomic
def person_register(*, by, person: Person, admission: Admission, confirmed: Sequence[str] = ()) -> Admission:
    """A new person and their first admission, together or not at all. `confirmed` names the warnings the
    user saw and confirmed (a NIK that disagrees with the date of birth, say), kept in the audit trail."""
    person.created_by = by
    try:
        with transaction.atomic():
            person.save()
    except IntegrityError as exc:  # a concurrent registration took the same NIK
        raise ValidationError({"nik": _("Another person is already registered with this NIK.")}) from exc
    audit_record(
        action=AuditEvent.Action.CREATE,
        actor=by,
        obj=person,
        person_id=person.pk,
        details=_confirmed(confirmed),
    )
    admission.person = person
    return admission_open(by=by, admission=admission, confirmed=confirmed)


@transaction.atomic
def people_register_bulk(*, by, entries: list[tuple[Person, Admission]]) -> None:
    """Many new people, each with a first admission, in a few statements (an SDP import): the same rows and
    audit events as person_register, for people this system has never held (so no custody hook has anything
    to do: no earlier plan to call off, no enrolment to close)."""
    for person, admission in entries:
        _not_in_future(admission.admitted_on, "admitted_on")
        if admission.expected_release and admission.expected_release < admission.admitted_on:
            raise ValidationError({"expected_release": _("The expected release cannot be before admission.")})
        person.created_by = admission.created_by = by
    try:
        with transaction.atomic():
            Person.objects.bulk_create([person for person, _admission in entries])
    except IntegrityError as exc:  # registered meanwhile, by hand or by another import
        raise ValidationError(_("One of these people is already registered with the same NIK.")) from exc
    for person, admission in entries:
        admission.person = person
    try:
        with transaction.atomic():
            Admission.objects.bulk_create([admission for _person, admission in entries])
    except IntegrityError as exc:  # the import's plan refuses numbers in use; this one was taken meanwhile
        raise ValidationError(
            _("One of these register numbers is already used by someone else in custody at the UPT.")
        ) from exc
    Movement.objects.bulk_create(
        Movement(
            admission=admission,
            kind=Movement.Kind.ADMISSION,
            on=admission.admitted_on,
            to_institution_id=admission.institution_id,
            recorded_by=by,
        )
        for _person, admission in entries
    )
    audit_records_bulk(
        [
            event
            for person, admission in entries
            for event in (
                {"action": AuditEvent.Action.CREATE, "actor": by, "obj": person, "person_id": person.pk},
                {"action": AuditEvent.Action.CREATE, "actor": by, "obj": admission, "person_id": person.pk},
            )
        ]
    )


@transaction.atomic
def admission_open(*, by, admission: Admission, confirmed: Sequence[str] = ()) -> Admission:
    """Admit a person to an institution: the admission and its first movement. A child at an adult UPT only
    with a reason (admission.minor_reason); `confirmed`: the warnings the user confirmed, for the trail."""
    _not_in_future(admission.admitted_on, "admitted_on")
    if admission.expected_release and admission.expected_release < admission.admitted_on:
        raise ValidationError({"expected_release": _("The expected release cannot be before admission.")})
    # Lock the person's row so two clerks cannot open two admissions at once.
    Person.objects.select_for_update().filter(pk=admission.person_id).first()
    if Admission.objects.filter(person_id=admission.person_id).open().exists():
        raise ValidationError(
            _("This person already has an open admission. Record their release or transfer instead.")
        )
    latest_release = (
        Admission.objects.filter(person_id=admission.person_id, released_on__isnull=False)
        .order_by("-released_on")
        .values_list("released_on", flat=True)
        .first()
    )
    if latest_release and admission.admitted_on < latest_release:
        raise ValidationError(
            {
                "admitted_on": _("The person was released on %(date)s; a new admission cannot start before.")
                % {"date": latest_release.isoformat()}
            }
        )
    _register_number_free(institution_id=admission.institution_id, register_number=admission.register_number)
    admission.minor_reason = _reason_to_hold(
        birth_date=admission.person.birth_date,
        institution=admission.institution,
        on=admission.admitted_on,
        reason=admission.minor_reason,
    )
    admission.created_by = by
    try:
        with transaction.atomic():
            admission.save()
    except IntegrityError as exc:  # a concurrent admission took the person, or the number, first
        _register_number_free(
            institution_id=admission.institution_id, register_number=admission.register_number
        )
        raise ValidationError(_("This person already has an open admission.")) from exc
    Movement.objects.create(
        admission=admission,
        kind=Movement.Kind.ADMISSION,
        on=admission.admitted_on,
        to_institution=admission.institution,
        recorded_by=by,
    )
    details = _confirmed(confirmed) | (
        {"minor_reason": admission.minor_reason} if admission.minor_reason else {}
    )
    audit_record(
        action=AuditEvent.Action.CREATE,
        actor=by,
        obj=admission,
        person_id=admission.person_id,
        details=details,
    )
    # A new admission after an earlier release is a return to custody: other apps react (after-care).
    admission.notices = hooks.custody_changed(
        admission=admission, change="admission", on=admission.admitted_on, by=by
    )
    return admission


def _last_movement_day(admission: Admission) -> dt.date:
    return admission.movements.order_by("-on").values_list("on", flat=True).first() or admission.admitted_on


@transaction.atomic
def admission_transfer(
    *,
    by,
    admission: Admission,
    to_institution: Institution,
    on: dt.date,
    note: str = "",
    register_number: str = "",
    minor_reason: str = "",
    confirmed: Sequence[str] = (),
) -> Movement:
    """Move a person in custody to another UPT. `register_number` is their number there, when known; without
    it the spell keeps its number, which must then be free at the receiving UPT. A child goes to an adult UPT
    only with a reason (`minor_reason`)."""
    admission = _lock_held_by_users_institution(admission, by)
    if not admission.is_open:
        raise ValidationError(_("Only a person in custody can be transferred."))
    if to_institution.pk == admission.institution_id:
        raise ValidationError({"to_institution": _("The person is already held at this institution.")})
    _not_in_future(on, "on")
    last = _last_movement_day(admission)
    if on < last:
        raise ValidationError(
            {
                "on": _("The transfer cannot be before the last movement (%(date)s).")
                % {"date": last.isoformat()}
            }
        )
    number = " ".join(register_number.split()) or admission.register_number
    _register_number_free(institution_id=to_institution.pk, register_number=number, spell=admission.pk)
    reason = _reason_to_hold(
        birth_date=admission.person.birth_date, institution=to_institution, on=on, reason=minor_reason
    )
    movement = Movement.objects.create(
        admission=admission,
        kind=Movement.Kind.TRANSFER,
        on=on,
        from_institution_id=admission.institution_id,
        to_institution=to_institution,
        note=note,
        recorded_by=by,
    )
    previous, previous_number = admission.institution_id, admission.register_number
    admission.institution, admission.register_number = to_institution, number
    admission.minor_reason = reason
    try:
        with transaction.atomic():
            admission.save(update_fields=["institution", "register_number", "minor_reason"])
    except IntegrityError as exc:  # taken at the receiving UPT meanwhile
        raise ValidationError(
            {"register_number": register_number_taken_message(number, to_institution.name)}
        ) from exc
    details: dict[str, object] = {
        "transfer": {"from": previous, "to": to_institution.pk, "on": on.isoformat()}
    }
    if number != previous_number:
        details["register_number"] = [previous_number, number]
    if reason:
        details["minor_reason"] = reason
    details |= _confirmed(confirmed)
    audit_record(
        action=AuditEvent.Action.CHANGE,
        actor=by,
        obj=admission,
        person_id=admission.person_id,
        details=details,
    )
    # What the move means elsewhere (an enrolment closed, say), for the user to be told.
    movement.notices = hooks.custody_changed(admission=admission, change="transfer", on=on, by=by)
    return movement


@transaction.atomic
def admission_release(
    *, by, admission: Admission, on: dt.date, release_type: str, note: str = ""
) -> Admission:
    admission = _lock_held_by_users_institution(admission, by)
    if not admission.is_open:
        raise ValidationError(_("This admission has already been closed by a release."))
    if release_type not in Admission.ReleaseType.values:
        raise ValidationError({"release_type": _("Choose a release type.")})
    _not_in_future(on, "released_on")
    if on < admission.admitted_on:
        raise ValidationError(
            {
                "released_on": _("The release cannot be before the admission (%(date)s).")
                % {"date": admission.admitted_on.isoformat()}
            }
        )
    last = _last_movement_day(admission)
    if on < last:
        raise ValidationError(
            {
                "released_on": _("The release cannot be before the last movement (%(date)s).")
                % {"date": last.isoformat()}
            }
        )
    admission.released_on = on
    admission.release_type = release_type
    admission.save(update_fields=["released_on", "release_type"])
    Movement.objects.create(
        admission=admission,
        kind=Movement.Kind.RELEASE,
        on=on,
        from_institution_id=admission.institution_id,
        note=note,
        recorded_by=by,
    )
    audit_record(
        action=AuditEvent.Action.CHANGE,
        actor=by,
        obj=admission,
        person_id=admission.person_id,
        details={"release": {"on": on.isoformat(), "type": release_type}},
    )
    admission.notices = hooks.custody_changed(admission=admission, change="release", on=on, by=by)
    return admission


# What the national register (SDP) may correct on a custody spell: its data is the reference there.
REGISTER_FIELDS = ("register_number", "register_category", "offence", "sentence_months", "expected_release")


@transaction.atomic
def admission_update_from_register(*, by, admission: Admission, values: dict) -> Admission:
    """Take the register's values for a custody spell (a verdict moving A.III to B.I, a new expected
    release)."""
    admission = Admission.objects.select_for_update().select_related("institution").get(pk=admission.pk)
    if not by.scope.may_load_register(admission.institution):
        raise PermissionDenied(_("You may not load the register's data for this institution."))
    if not admission.is_open:
        raise ValidationError(
            _("Only the custody spell of a person in custody is updated from the register.")
        )
    unknown = set(values) - set(REGISTER_FIELDS)
    if unknown:
        raise ValueError(f"not register fields: {sorted(unknown)}")
    before = {name: getattr(admission, name) for name in values}
    for name, value in values.items():
        setattr(admission, name, value)
    if admission.expected_release and admission.expected_release < admission.admitted_on:
        raise ValidationError({"expected_release": _("The expected release cannot be before admission.")})
    if "register_number" in values:
        _register_number_free(
            institution_id=admission.institution_id,
            register_number=admission.register_number,
            spell=admission.pk,
        )
    admission.save(update_fields=list(values))
    audit_record(
        action=AuditEvent.Action.CHANGE,
        actor=by,
        obj=admission,
        person_id=admission.person_id,
        details={
            "from_register": {name: [str(before[name]), str(value)] for name, value in values.items()},
        },
    )
    return admission


@transaction.atomic
def person_update(*, by, person: Person, changed_fields: list[str], confirmed: Sequence[str] = ()) -> Person:
    try:
        with transaction.atomic():
            person.save()
    except IntegrityError as exc:
        raise ValidationError({"nik": _("Another person is already registered with this NIK.")}) from exc
    audit_record(
        action=AuditEvent.Action.CHANGE,
        actor=by,
        obj=person,
        person_id=person.pk,
        details={"fields": changed_fields, **_confirmed(confirmed)},
    )
    return person


# --- The same person twice -------------------------------------------------------------------------------


@transaction.atomic
def admission_link(
    *,
    by,
    person: Person,
    admission: Admission,
    reason: str,
    match_reason: str = "",
    confirmed: Sequence[str] = (),
) -> Admission:
    """Register the admission on an existing person found by matching, instead of creating a second one.

    The link opens the person's history to the new UPT, so it is its own audited event with the reason typed,
    and a RegistrationLink that the heads of the UPT that held the person before review.
    """
    reason = reason.strip()
    if not reason:
        raise ValidationError(
            _("Say why this is the same person before adding the admission to their record.")
        )
    earlier = set(
        Movement.objects.filter(admission__person=person, to_institution__isnull=False).values_list(
            "to_institution_id", flat=True
        )
    )
    admission.person = person
    admission = admission_open(by=by, admission=admission, confirmed=confirmed)
    link = RegistrationLink.objects.create(
        person=person,
        admission=admission,
        institution_id=admission.institution_id,
        match_reason=str(match_reason)[:100],
        reason=reason,
        linked_by=by,
    )
    link.earlier_institutions.set(earlier)
    audit_record(
        action=AuditEvent.Action.LINK,
        actor=by,
        obj=person,
        person_id=person.pk,
        details={
            "registration_link": link.pk,
            "admission": admission.pk,
            "matched_by": link.match_reason,
            "reason": reason,
            "held_before_at": sorted(earlier),
        },
    )
    return admission


def _recorded_on(admission: Admission) -> list[str]:
    """What has been recorded on this custody spell besides its movements and the link itself: rows that point
    at the admission, and rows about the person at its institution (screenings, assessments)."""
    found = []
    for relation in Admission._meta.get_fields(include_hidden=True):
        if not isinstance(relation, ManyToOneRel) or not relation.auto_created:
            continue  # only the foreign keys pointing at the admission
        model = relation.field.model
        if model in (Movement, RegistrationLink):
            continue
        if model._base_manager.filter(**{relation.field.name: admission}).exists():
            found.append(str(model._meta.verbose_name_plural))
    for _key, model, field in _person_links():
        if model in (Admission, RegistrationLink) or not any(
            f.name == "institution" for f in model._meta.get_fields()
        ):
            continue
        rows = model._base_manager.filter(
            **{field: admission.person_id, "institution": admission.institution_id}
        )
        if rows.exists():
            found.append(str(model._meta.verbose_name_plural))
    return sorted(set(found))


@transaction.atomic
def registration_link_undo(*, by, link: RegistrationLink, reason: str) -> RegistrationLink:
    """Remove an admission registered on the wrong person by mistake, while nothing else was recorded on it.

    The person's history closes to the UPT again. The link stays, marked undone; one undone within a day is
    flagged for the reviewers.
    """
    link = RegistrationLink.objects.select_for_update().get(pk=link.pk)
    reason = reason.strip()
    if not reason:
        raise ValidationError(_("Say why the admission was registered by mistake."))
    if link.undone_at or link.admission is None:
        raise ValidationError(_("This registration has already been undone."))
    admission = _lock_held_by_users_institution(link.admission, by)
    if not admission.is_open or admission.movements.exclude(kind=Movement.Kind.ADMISSION).exists():
        raise ValidationError(
            _("The person has since been moved or released: record a correction through those instead.")
        )
    # Other apps undo what the admission set off (after-care follow-ups it called off come back).
    notices = hooks.custody_changed(
        admission=admission, change="admission_cancelled", on=admission.admitted_on, by=by
    )
    if recorded := _recorded_on(admission):
        raise ValidationError(
            _("Work has been recorded on this admission (%(what)s): it cannot be undone as a mistake.")
            % {"what": ", ".join(recorded)}
        )
    admission_pk = admission.pk
    admission.movements.all().delete()
    admission.delete()
    link.undone_at, link.undone_by, link.undo_reason = timezone.now(), by, reason
    link.save(update_fields=["undone_at", "undone_by", "undo_reason"])
    audit_record(
        action=AuditEvent.Action.CHANGE,
        actor=by,
        obj=link.person,
        person_id=link.person_id,
        details={"registration_link_undone": link.pk, "admission": admission_pk, "reason": reason},
    )
    link.notices = notices
    return link


@transaction.atomic
def registration_link_review(*, by, link: RegistrationLink, note: str = "") -> RegistrationLink:
    if not RegistrationLink.objects.for_review_by(by).filter(pk=link.pk).exists():
        raise PermissionDenied(
            _("Only the heads of the UPT concerned and the data-protection officer review this.")
        )
    link = RegistrationLink.objects.select_for_update().get(pk=link.pk)
    # Nobody clears a link they are part of: who made or undid it, or a head of the UPT that made it (a return
    # to the same UPT makes its head one of the reviewers).
    if by.pk in (link.linked_by_id, link.undone_by_id) or (
        link.institution_id in by.scope.head_institution_ids and not by.scope.is_dpo
    ):
        raise PermissionDenied(_("A link is reviewed by someone who had no part in it."))
    if link.reviewed_at:
        raise ValidationError(_("This link has already been reviewed."))
    link.reviewed_at, link.reviewed_by, link.review_note = timezone.now(), by, note.strip()
    link.save(update_fields=["reviewed_at", "reviewed_by", "review_note"])
    audit_record(
        action=AuditEvent.Action.CHANGE,
        actor=by,
        obj=link.person,
        person_id=link.person_id,
        details={"registration_link_reviewed": link.pk, "note": link.review_note},
    )
    return link


def _person_links():
    """Every foreign key to Person in the project (admissions, screenings, enrolments, plans, notes, ...),
    including those without a reverse name."""
    for relation in Person._meta.get_fields(include_hidden=True):
        if not isinstance(relation, ManyToOneRel) or not relation.auto_created:
            continue  # only the foreign keys pointing at the person
        model = relation.field.model
        # Merges and "different people" records are about the two records themselves: they stay put.
        if model not in (Person, PersonMerge, DistinctPeople):
            yield f"{model._meta.label_lower}.{relation.field.name}", model, relation.field.name


def may_edit_both(by, one: Person, other: Person) -> bool:
    """Staff of an institution that has held each of the two: who may merge them, or tell them apart."""
    return Person.objects.editable_by(by).filter(pk__in=[one.pk, other.pk]).count() == len({one.pk, other.pk})


def merge_refusal(*, kept: Person, merged: Person) -> str:
    """Why these two records cannot be merged now, in words (the confirmation page says it before asking);
    empty when they can."""
    if kept.pk == merged.pk or merged.merged_into_id or kept.merged_into_id:
        return _("These two records cannot be merged.")
    if Admission.objects.filter(person__in=[kept, merged]).open().count() > 1:
        return _("Both records have a person in custody now: release or correct one first.")
    first, second = sorted((kept.pk, merged.pk))
    if DistinctPeople.objects.standing().filter(first_id=first, second_id=second).exists():
        return _(
            "These two records were recorded as different people: if they are one, take that back first."
        )
    return ""


def merge_moves(*, merged: Person) -> list[tuple[str, int]]:
    """What a merge would move from `merged` to the record that remains: (kind of record, how many)."""
    counts = []
    for _key, model, field in _person_links():
        if count := model._base_manager.filter(**{field: merged}).count():
            counts.append((str(model._meta.verbose_name_plural), count))
    return sorted(counts)


@transaction.atomic
def person_merge(*, by, kept: Person, merged: Person) -> PersonMerge:
    """Move everything recorded on `merged` to `kept`; `merged` stays, marked, so the merge can be undone."""
    if not may_edit_both(by, kept, merged):
        raise PermissionDenied(_("Only staff of institutions that have held both people can merge them."))
    if refusal := merge_refusal(kept=kept, merged=merged):
        raise ValidationError(refusal)
    moved: dict[str, object] = {}
    try:
        with transaction.atomic():
            for key, model, field in _person_links():
                rows = model._base_manager.filter(**{field: merged})
                moved[key] = list(rows.values_list("pk", flat=True))
                rows.update(**{field: kept})
    except IntegrityError as exc:
        raise ValidationError(
            _("The two records conflict (for example two active enrolments of one kind).")
        ) from exc
    if merged.nik and not kept.nik:  # the NIK goes with the person, so a later registration finds them
        moved["nik"] = merged.nik
        kept.nik, merged.nik = merged.nik, None
        merged.save(update_fields=["nik"])
        kept.save(update_fields=["nik"])
    merged.merged_into = kept
    merged.save(update_fields=["merged_into"])
    merge = PersonMerge.objects.create(kept=kept, merged=merged, moved=moved, merged_by=by)
    for person in (kept, merged):
        audit_record(
            action=AuditEvent.Action.CHANGE,
            actor=by,
            obj=person,
            person_id=person.pk,
            details={"merge": merge.pk, "kept": kept.pk, "merged": merged.pk},
        )
    return merge


@transaction.atomic
def person_merge_undo(*, by, merge: PersonMerge) -> PersonMerge:
    merge = PersonMerge.objects.select_for_update().get(pk=merge.pk)
    if merge.undone_at:
        raise ValidationError(_("This merge has already been undone."))
    if not Person.objects.editable_by(by).filter(pk=merge.kept_id).exists():
        raise PermissionDenied(_("Only staff of institutions that have held this person can undo the merge."))
    moved = dict(merge.moved)
    nik = moved.pop("nik", None)
    admissions = moved.get("inmates.admission.person", [])
    for key, model, field in _person_links():
        model._base_manager.filter(pk__in=moved.get(key, [])).update(**{field: merge.merged_id})
        # Rows recorded since the merge on one of the moved custody spells belong with it too.
        if any(f.name == "admission" for f in model._meta.get_fields()) and admissions:
            model._base_manager.filter(**{field: merge.kept_id, "admission_id__in": admissions}).update(
                **{field: merge.merged_id}
            )
    if nik:
        Person.objects.filter(pk=merge.kept_id).update(nik=None)
        Person.objects.filter(pk=merge.merged_id).update(nik=nik)
    Person.objects.filter(pk=merge.merged_id).update(merged_into=None)
    merge.undone_at, merge.undone_by = timezone.now(), by
    merge.save(update_fields=["undone_at", "undone_by"])
    for person_id in (merge.kept_id, merge.merged_id):
        audit_record(
            action=AuditEvent.Action.CHANGE,
            actor=by,
            person_id=person_id,
            details={"merge_undone": merge.pk},
        )
    return merge


# --- Two records that are two people --------------------------------------------------------------------


@transaction.atomic
def distinct_people_record(*, by, person: Person, other: Person, note: str = "") -> DistinctPeople:
    """Record that two records the duplicate check finds alike are two different people, so it stops offering
    them as one (inmates.matching)."""
    if not may_edit_both(by, person, other):
        raise PermissionDenied(
            _("Only staff of institutions that have held both people can record that they are different.")
        )
    if person.pk == other.pk or person.merged_into_id or other.merged_into_id:
        raise ValidationError(_("These two records cannot be told apart here."))
    first, second = sorted((person.pk, other.pk))
    Person.objects.select_for_update().filter(pk__in=[first, second]).order_by("pk").first()
    if DistinctPeople.objects.standing().filter(first_id=first, second_id=second).exists():
        raise ValidationError(_("These two have already been recorded as different people."))
    pair = DistinctPeople.objects.create(
        first_id=first, second_id=second, note=note.strip()[:500], recorded_by=by
    )
    for person_id in (first, second):
        audit_record(
            action=AuditEvent.Action.CREATE,
            actor=by,
            obj=pair,
            person_id=person_id,
            details={"different_people": [first, second], "note": pair.note},
        )
    return pair


@transaction.atomic
def distinct_people_undo(*, by, pair: DistinctPeople) -> DistinctPeople:
    """Take back "different people": the duplicate check offers the two again."""
    pair = DistinctPeople.objects.select_for_update().select_related("first", "second").get(pk=pair.pk)
    if not may_edit_both(by, pair.first, pair.second):
        raise PermissionDenied(_("Only staff of institutions that have held both people can take this back."))
    if pair.undone_at:
        raise ValidationError(_("This has already been taken back."))
    pair.undone_at, pair.undone_by = timezone.now(), by
    pair.save(update_fields=["undone_at", "undone_by"])
    for person_id in (pair.first_id, pair.second_id):
        audit_record(
            action=AuditEvent.Action.CHANGE,
            actor=by,
            obj=pair,
            person_id=person_id,
            details={"different_people_undone": [pair.first_id, pair.second_id]},
        )
    return pair

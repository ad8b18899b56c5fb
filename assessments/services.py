"""Writes: screenings, assessments, recommendations and their approval. Each is one transaction that
re-checks who may do it and leaves an audit event on the person's record."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from agreements.access import Work, institution_ids_open_to
from assessments import instruments
from assessments.instruments import InstrumentError
from assessments.models import Assessment, Recommendation, Screening
from audit.models import AuditEvent
from audit.services import audit_record
from inmates.models import Admission, Person


def assessable_admission(*, by, person: Person) -> Admission:
    """The custody spell through which `by` may screen or assess `person` now.

    UPT staff of the institution holding the person may, and counsellors whose agency has an agreement in
    force there covering screening and assessment. Anyone else, or a person not in custody, may not.
    """
    admission = Admission.objects.open().filter(person=person).select_related("institution").first()
    if admission is None:
        raise PermissionDenied(_("Only people in custody can be screened or assessed."))
    scope = by.scope
    if scope.can_write_at(admission.institution_id):
        return admission
    open_here = institution_ids_open_to(scope.agency_ids, Work.ASSESSMENT).filter(
        institution_id=admission.institution_id
    )
    if scope.agency_ids and open_here.exists():
        return admission
    raise PermissionDenied(
        _(
            "Only staff of the institution holding this person, or counsellors under an agreement covering "
            "screening and assessment there, can do this."
        )
    )


def may_assess(user, person: Person) -> bool:
    try:
        assessable_admission(by=user, person=person)
    except PermissionDenied:
        return False
    return True


def _check_day(day: dt.date, admission: Admission, field: str) -> None:
    if day > timezone.localdate():
        raise ValidationError({field: _("This date is in the future.")})
    if day < admission.admitted_on:
        raise ValidationError({field: _("This date is before the person's admission.")})


def _scored(code: str, answers: dict[str, Any]):
    try:
        return instruments.score(code, answers)
    except InstrumentError as error:
        raise ValidationError(
            _("Some answers are missing or not valid: %(detail)s") % {"detail": error}
        ) from error


def screening_risk(instrument: str, result) -> str:
    """The one-word summary lists and reports use: ASSIST's highest risk, or the band of DAST-10 / AUDIT."""
    return result.highest_risk if instrument == Screening.Instrument.ASSIST else result.band


def main_substance(instrument: str, result) -> str:
    """ASSIST's substance of highest involvement ("none" where none scores); blank for other instruments."""
    return result.main_substance if instrument == Screening.Instrument.ASSIST else ""


@transaction.atomic
def screening_record(
    *, by, person: Person, instrument: str, answers: dict[str, Any], screened_on: dt.date
) -> Screening:
    admission = assessable_admission(by=by, person=person)
    _check_day(screened_on, admission, "screened_on")
    result = _scored(instrument, answers)
    screening = Screening.objects.create(
        person=person,
        institution=admission.institution,
        instrument=instrument,
        version=result.version,
        answers=answers,
        risk=screening_risk(instrument, result),
        main_substance=main_substance(instrument, result),
        screened_on=screened_on,
        screened_by=by,
    )
    audit_record(action=AuditEvent.Action.CREATE, actor=by, obj=screening, person_id=person.pk)
    return screening


@transaction.atomic
def assessment_record(
    *,
    by,
    person: Person,
    answers: dict[str, Any],
    domain_notes: dict[str, str],
    team: str,
    assessed_on: dt.date,
    summary: str = "",
) -> Assessment:
    """Record an assessment, linked to the ASSIST screening it follows: the latest one in this custody spell
    dated no later than the assessment."""
    admission = assessable_admission(by=by, person=person)
    _check_day(assessed_on, admission, "assessed_on")
    result = _scored("ASI", answers)
    screening = (
        Screening.objects.filter(
            person=person,
            instrument=Screening.Instrument.ASSIST,
            screened_on__gte=admission.admitted_on,
            screened_on__lte=assessed_on,
        )
        .order_by("-screened_on", "-pk")
        .first()
    )
    assessment = Assessment.objects.create(
        person=person,
        institution=admission.institution,
        screening=screening,
        assessed_on=assessed_on,
        interviewer=by,
        team=team.strip(),
        version=result.version,
        answers=answers,
        domain_notes={domain: note.strip() for domain, note in domain_notes.items() if note.strip()},
        summary=summary.strip(),
    )
    audit_record(action=AuditEvent.Action.CREATE, actor=by, obj=assessment, person_id=person.pk)
    return assessment


def _refuse_if_superseded(assessment: Assessment) -> None:
    """A newer assessment of the person replaces this one: its recommendation may not be added or approved."""
    newer = Assessment.objects.filter(person_id=assessment.person_id).filter(
        Q(assessed_on__gt=assessment.assessed_on)
        | Q(assessed_on=assessment.assessed_on, pk__gt=assessment.pk)
    )
    if newer.exists():
        raise ValidationError(_("A newer assessment of this person exists: this one is superseded."))


@transaction.atomic
def recommendation_record(
    *, by, assessment: Assessment, kind: str, reasons: str, decided_on: dt.date
) -> Recommendation:
    assessment = Assessment.objects.select_for_update().get(pk=assessment.pk)
    admission = assessable_admission(by=by, person=assessment.person)
    if Recommendation.objects.filter(assessment=assessment).exists():
        raise ValidationError(_("This assessment already has a recommendation."))
    _refuse_if_superseded(assessment)
    _check_day(decided_on, admission, "decided_on")
    if decided_on < assessment.assessed_on:
        raise ValidationError({"decided_on": _("The recommendation cannot be dated before the assessment.")})
    recommendation = Recommendation.objects.create(
        assessment=assessment, kind=kind, reasons=reasons.strip(), decided_on=decided_on, decided_by=by
    )
    audit_record(
        action=AuditEvent.Action.CREATE,
        actor=by,
        obj=recommendation,
        person_id=assessment.person_id,
        details={"kind": kind},
    )
    return recommendation


@transaction.atomic
def recommendation_approve(
    *, by, recommendation: Recommendation, decree_number: str, approved_on: dt.date
) -> Recommendation:
    """The head of the UPT holding the person approves by decree; the person joins the waiting list."""
    recommendation = (
        Recommendation.objects.select_for_update().select_related("assessment").get(pk=recommendation.pk)
    )
    person_id = recommendation.assessment.person_id
    admission = Admission.objects.open().filter(person_id=person_id).first()
    if admission is None or admission.institution_id not in by.scope.head_institution_ids:
        raise PermissionDenied(_("Only the head of the institution holding this person can approve."))
    if recommendation.is_approved:
        raise ValidationError(_("This recommendation has already been approved."))
    _refuse_if_superseded(recommendation.assessment)
    if approved_on > timezone.localdate():
        raise ValidationError({"approved_on": _("This date is in the future.")})
    if approved_on < recommendation.decided_on:
        raise ValidationError({"approved_on": _("The decree cannot be dated before the recommendation.")})
    recommendation.decree_number = " ".join(decree_number.split())
    recommendation.approved_on = approved_on
    recommendation.approved_by = by
    recommendation.approved_at = timezone.now()
    recommendation.save(update_fields=["decree_number", "approved_on", "approved_by", "approved_at"])
    audit_record(
        action=AuditEvent.Action.CHANGE,
        actor=by,
        obj=recommendation,
        person_id=person_id,
        details={"approved": recommendation.decree_number},
    )
    return recommendation

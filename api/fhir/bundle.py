"""One person's rehabilitation record as a FHIR R4 Bundle, the answer to `Patient/<pk>/$everything`.

What the caller may see, read through each model's own `visible_to` (the same doors as the pages): the
enrolments of programmes in reach (EpisodeOfCare), the sessions attended in them (Encounter), screenings
(QuestionnaireResponse, with the Questionnaire of each instrument version used, and Observations for the
scores and risk levels) and the team's recommendations (CarePlan).

Never exported: counselling notes, follow-up notes and every other narrative field (the assessment's summary
and domain notes, a recommendation's reasons, reasons given for a change of status, session topics).
Coded data, dates and scores say what a partner system needs; free text may quote what the person said.

The Bundle is a `searchset`, as the $everything operation defines: the Patient is the one match, everything
else is included. Every `fullUrl` is the resource's address under this FHIR base; references inside are
relative (``Patient/12``) and resolve against it. Organisations are named by identifier, not included: a
counsellor may see a programme at a UPT without the UPT's own record.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Prefetch
from django.utils import translation

from api.fhir import questionnaires
from api.fhir.questionnaires import CANONICAL, code_system
from api.serializers import nik_in_full_for
from assessments import instruments
from assessments.instruments import assist
from assessments.instruments.base import Band, Definition
from assessments.models import Recommendation, Screening
from inmates.models import Person
from rehab.models import Attendance, Enrolment, EnrolmentTransition, Programme, Session

if TYPE_CHECKING:
    from accounts.models import User

NIK_SYSTEM = "https://fhir.kemkes.go.id/id/nik"
# SATUSEHAT's profiles, claimed only where the profile's canonical URL is certain and the resource meets what
# it requires. Left without one: Observation (SATUSEHAT's profile requires an Encounter, and a screening is
# not one), and QuestionnaireResponse, Questionnaire and CarePlan (their profiles appear only in draft
# guides; not confirmed as SATUSEHAT's).
SATUSEHAT_PROFILES = {
    "Patient": "https://fhir.kemkes.go.id/r4/StructureDefinition/Patient",
    "EpisodeOfCare": "https://fhir.kemkes.go.id/r4/StructureDefinition/EpisodeOfCare",
    "Encounter": "https://fhir.kemkes.go.id/r4/StructureDefinition/Encounter",
}
# LOINC only where the code is certain: 82667-7 "Total score [DAST-10]". ASSIST and AUDIT scores use the
# project's own codes (published sources disagree on AUDIT's; ASSIST's per-substance scores have none).
LOINC_DAST10_TOTAL = {"system": "http://loinc.org", "code": "82667-7", "display": "Total score [DAST-10]"}
SURVEY = {
    "coding": [
        {
            "system": "http://terminology.hl7.org/CodeSystem/observation-category",
            "code": "survey",
            "display": "Survey",
        }
    ]
}
AMBULATORY = {
    "system": "http://terminology.hl7.org/CodeSystem/v3-ActCode",
    "code": "AMB",
    "display": "ambulatory",
}
EPISODE_STATUS = {Enrolment.Status.WAITING: "waitlist", Enrolment.Status.ACTIVE: "active"}


def identifier_system(kind: str) -> str:
    return f"{CANONICAL}/sid/{kind}"


@dataclass
class Record:
    """Everything of one person the user may see, read in a fixed number of queries."""

    person: Person
    nik_in_full: bool
    enrolments: list[Enrolment]
    attendances: list[Attendance]
    screenings: list[Screening]
    recommendations: list[Recommendation]


def record_for(user: User, person: Person, scopes: frozenset[str] | None = None) -> Record:
    """`person` comes from Person.objects.visible_to(user); each part through its own model's rule, and only
    the parts a partner client's `scopes` cover (None: a user's token or session, bound by roles alone):
    screenings with `assessment`, enrolments and sessions with `rehabilitation`, recommendations with
    either, as the API's own resources are."""

    def covers(*wanted: str) -> bool:
        return scopes is None or bool(scopes & set(wanted))

    enrolments = (
        list(
            # Enrolments have no rule of their own: seen through their programme, as on the person page.
            Enrolment.objects.filter(
                person=person, programme__in=Programme.objects.visible_to(user).values("pk")
            )
            .select_related("programme__institution__region", "programme__agency")
            .prefetch_related(
                Prefetch("transitions", queryset=EnrolmentTransition.objects.order_by("on", "at", "pk"))
            )
            .order_by("created_at", "pk")
        )
        if covers("rehabilitation")
        else []
    )
    attendances = (
        list(
            Attendance.objects.filter(
                enrolment__in=[enrolment.pk for enrolment in enrolments],
                status__in=Attendance.ATTENDED,
                session__in=Session.objects.visible_to(user).not_cancelled().values("pk"),
            )
            .select_related("session")
            .order_by("session__starts_at", "pk")
        )
        if enrolments
        else []
    )
    return Record(
        person=person,
        # The NIK by the pages' rule: in full for staff who may correct the record. Anyone else gets no NIK
        # at all, since a masked one is no identifier.
        nik_in_full=bool(person.nik) and person.pk in nik_in_full_for(user, [person.pk]),
        enrolments=enrolments,
        attendances=attendances,
        screenings=list(
            Screening.objects.visible_to(user).filter(person=person).order_by("screened_on", "pk")
        )
        if covers("assessment")
        else [],
        recommendations=list(
            Recommendation.objects.visible_to(user)
            .filter(assessment__person=person)
            .select_related("assessment")
            .order_by("decided_on", "pk")
        )
        if covers("assessment", "rehabilitation")
        else [],
    )


def _coding(system: str, code: str, display: str) -> dict:
    return {"system": code_system(system), "code": code, "display": str(display)}


def _reference(resource_type: str, pk) -> dict:
    return {"reference": f"{resource_type}/{pk}"}


def _organisation(kind: str, organisation) -> dict:
    return {
        "identifier": {"system": identifier_system(kind), "value": organisation.code},
        "display": organisation.name,
    }


def _patient(record: Record) -> dict:
    person = record.person
    identifiers = [{"use": "usual", "system": identifier_system("person"), "value": str(person.pk)}]
    if record.nik_in_full:
        identifiers.insert(0, {"use": "official", "system": NIK_SYSTEM, "value": person.nik})
    patient = {
        "resourceType": "Patient",
        "id": str(person.pk),
        "meta": {"profile": [SATUSEHAT_PROFILES["Patient"]]},
        "identifier": identifiers,
        "name": [{"use": "official", "text": person.full_name}],
        "gender": person.sex,  # Person.Sex's codes are FHIR's administrative genders
    }
    if person.birth_date:
        patient["birthDate"] = person.birth_date.isoformat()
    return patient


def _episode_of_care(enrolment: Enrolment) -> dict:
    programme = enrolment.programme
    transitions = list(enrolment.transitions.all())
    started = next((step.on for step in transitions if step.to_status == Enrolment.Status.ACTIVE), None)
    if enrolment.is_open:
        status, ended = EPISODE_STATUS[enrolment.status], None
    else:
        ended = next((step.on for step in reversed(transitions) if step.to_status == enrolment.status), None)
        # Left the waiting list without ever starting: cancelled before it began.
        status = "cancelled" if transitions and started is None else "finished"
    period = {key: day.isoformat() for key, day in (("start", started), ("end", ended)) if day}
    episode = {
        "resourceType": "EpisodeOfCare",
        "id": str(enrolment.pk),
        "meta": {"profile": [SATUSEHAT_PROFILES["EpisodeOfCare"]]},
        # FHIR's status cannot tell completed from dropped out: the enrolment's own status says it.
        "extension": [
            {
                "url": f"{CANONICAL}/StructureDefinition/enrolment-status",
                "valueCoding": _coding("enrolment-status", enrolment.status, enrolment.get_status_display()),
            }
        ],
        "identifier": [{"system": identifier_system("enrolment"), "value": str(enrolment.pk)}],
        "status": status,
        "type": [
            {
                "coding": [_coding("programme-kind", programme.kind, programme.get_kind_display())],
                "text": programme.name,
            }
        ],
        "patient": _reference("Patient", enrolment.person_id),
        "managingOrganization": _organisation("institution", programme.institution),
    }
    if period:
        episode["period"] = period
    return episode


def _encounter(attendance: Attendance, enrolment: Enrolment) -> dict:
    session = attendance.session
    zone = enrolment.programme.institution.time_zone_info  # the session's institution is its programme's
    return {
        "resourceType": "Encounter",
        "id": str(attendance.pk),
        "meta": {"profile": [SATUSEHAT_PROFILES["Encounter"]]},
        "identifier": [{"system": identifier_system("attendance"), "value": str(attendance.pk)}],
        "status": "finished",
        "class": AMBULATORY,
        "type": [{"coding": [_coding("session-kind", session.kind, session.get_kind_display())]}],
        "subject": _reference("Patient", enrolment.person_id),
        "episodeOfCare": [_reference("EpisodeOfCare", enrolment.pk)],
        "period": {
            "start": session.starts_at.astimezone(zone).isoformat(),
            "end": session.ends_at.astimezone(zone).isoformat(),
        },
        "length": {
            "value": round((session.ends_at - session.starts_at).total_seconds() / 60),
            "unit": "min",
            "system": "http://unitsofmeasure.org",
            "code": "min",
        },
        "serviceProvider": _organisation("agency", enrolment.programme.agency),
    }


def _questionnaire_response(screening: Screening) -> dict:
    return {
        "resourceType": "QuestionnaireResponse",
        "id": str(screening.pk),
        "identifier": {"system": identifier_system("screening"), "value": str(screening.pk)},
        "questionnaire": questionnaires.canonical_version(screening.instrument, screening.version),
        "status": "completed",
        "subject": _reference("Patient", screening.person_id),
        "authored": screening.screened_on.isoformat(),
        "item": questionnaires.response_items(screening.instrument, screening.version, screening.answers),
    }


def _risk(instrument: str, band: Band) -> dict:
    return {"coding": [_coding(f"{questionnaires.SLUGS[instrument]}-risk", band.code, band.label.en)]}


def _named_band(definition: Definition, code: str) -> Band:
    return next(band for band in definition.bands if band.code == code)


def _observations(screening: Screening) -> list[dict]:
    """The scores (one per ASSIST substance, one total for DAST-10 and AUDIT), each interpreted by its band,
    then the screening's risk level: ASSIST's highest over the substances, DAST-10's or AUDIT's band."""
    instrument, slug = screening.instrument, questionnaires.SLUGS[screening.instrument]
    result = screening.result()  # scored again with the version the answers were given in
    definition = instruments.definition(instrument, screening.version)

    def observation(suffix: str, code: str, display: str, **content) -> dict:
        return {
            "resourceType": "Observation",
            "id": f"screening-{screening.pk}-{suffix}",
            "status": "final",
            "category": [SURVEY],
            "code": {"coding": [_coding("screening-observation", code, display)]},
            "subject": _reference("Patient", screening.person_id),
            "effectiveDateTime": screening.screened_on.isoformat(),
            "derivedFrom": [_reference("QuestionnaireResponse", screening.pk)],
            **content,
        }

    scores = []
    if instrument == assist.CODE:
        for substance, found in result.substances.items():
            scores.append(
                observation(
                    f"ssis-{substance.replace('_', '-')}",
                    f"assist-ssis-{substance}",
                    f"ASSIST specific substance involvement score: {assist.substance_label(substance, 'en')}",
                    valueInteger=found.score,
                    interpretation=[_risk(instrument, found.band)],
                )
            )
        overall = result.highest_risk
    else:
        score = observation(
            "score",
            f"{slug}-total",
            f"{definition.name.en} total score",
            valueInteger=result.score,
            interpretation=[_risk(instrument, _named_band(definition, result.band))],
        )
        if instrument == Screening.Instrument.DAST10:
            score["code"]["coding"].insert(0, LOINC_DAST10_TOTAL)
        if instrument == Screening.Instrument.AUDIT:
            # Item 4, 5 or 6 at 2 or more, or item 9 or 10 at 4: the next zone's intervention applies.
            score["component"] = [
                {
                    "code": {
                        "coding": [
                            _coding(
                                "screening-observation", "audit-intervention-zone", "AUDIT intervention zone"
                            )
                        ]
                    },
                    "valueCodeableConcept": _risk(
                        instrument, _named_band(definition, result.intervention_band)
                    ),
                }
            ]
        scores.append(score)
        overall = result.band
    risk = observation(
        "risk",
        f"{slug}-risk-level",
        f"{definition.name.en} risk level",
        valueCodeableConcept=_risk(instrument, _named_band(definition, overall)),
    )
    risk["derivedFrom"] += [_reference("Observation", score["id"]) for score in scores]
    return [*scores, risk]


def _care_plan(recommendation: Recommendation, record: Record, screening_ids: set[int]) -> dict:
    """The team's recommendation: a draft until the head of the UPT approves it by decree, then active.
    Its enrolments (EpisodeOfCare) are the outcome; the screening it followed supports it."""
    plan = {
        "resourceType": "CarePlan",
        "id": str(recommendation.pk),
        "identifier": [{"system": identifier_system("recommendation"), "value": str(recommendation.pk)}],
        "status": "active" if recommendation.is_approved else "draft",
        "intent": "plan",
        "category": [
            {
                "coding": [
                    _coding("recommendation-kind", recommendation.kind, recommendation.get_kind_display())
                ]
            }
        ],
        "title": recommendation.get_kind_display(),
        "subject": _reference("Patient", recommendation.assessment.person_id),
        "created": recommendation.decided_on.isoformat(),
    }
    if recommendation.is_approved:
        plan["period"] = {"start": recommendation.approved_on.isoformat()}
    if recommendation.assessment.screening_id in screening_ids:
        plan["supportingInfo"] = [_reference("QuestionnaireResponse", recommendation.assessment.screening_id)]
    episodes = [
        _reference("EpisodeOfCare", enrolment.pk)
        for enrolment in record.enrolments
        if enrolment.recommendation_id == recommendation.pk
    ]
    if episodes:
        plan["activity"] = [{"outcomeReference": episodes}]
    return plan


def resources(record: Record) -> list[dict]:
    """The Patient first, then what hangs from it."""
    enrolments = {enrolment.pk: enrolment for enrolment in record.enrolments}
    versions = sorted({(screening.instrument, screening.version) for screening in record.screenings})
    screening_ids = {screening.pk for screening in record.screenings}
    # Displays are the code systems' own, in English, whatever language the caller reads.
    with translation.override("en"):
        return [
            _patient(record),
            *(_episode_of_care(enrolment) for enrolment in record.enrolments),
            *(
                _encounter(attendance, enrolments[attendance.enrolment_id])
                for attendance in record.attendances
            ),
            *(questionnaires.questionnaire(code, version) for code, version in versions),
            *(_questionnaire_response(screening) for screening in record.screenings),
            *(observation for screening in record.screenings for observation in _observations(screening)),
            *(_care_plan(recommendation, record, screening_ids) for recommendation in record.recommendations),
        ]


def everything(record: Record, *, base_url: str, self_url: str, now: dt.datetime) -> dict:
    """The searchset Bundle: `base_url` is the FHIR base (ending in "/"), `self_url` the request's URL."""
    entries = resources(record)
    return {
        "resourceType": "Bundle",
        "type": "searchset",
        "timestamp": now.isoformat(),
        "total": 1,  # the matches: the one Patient; everything else is an include
        "link": [{"relation": "self", "url": self_url}],
        "entry": [
            {
                "fullUrl": f"{base_url}{resource['resourceType']}/{resource['id']}",
                "resource": resource,
                "search": {"mode": "match" if position == 0 else "include"},
            }
            for position, resource in enumerate(entries)
        ],
    }

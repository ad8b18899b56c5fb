"""The access bundle (UU 27/2022 Art. 32 and 13): everything held about one person, as a machine-readable
JSON file (schema in docs/access-bundle.md) and a readable PDF in Indonesian.

Each kind of record is a Section: the model it reads, the rows about the person, the columns handed over.
Sections of apps below this one are listed here; apps above it (exchange's import rows, reports' release
outcomes) add theirs with `register` when they are ready, so this module imports nothing from above it. A
test lists every model linked to Person and fails when one is neither in a section nor left out in
LEFT_OUT with its reason.

Other people's data is left out: another person's record (records told apart), a family contact's name and
telephone number on an after-care plan, notes on a whole session (they are about everyone in it). Notes
about the person (counselling notes, follow-up notes) are handed over only when the data-protection officer
decides it cannot endanger the person (Art. 33); the decision and its reason are recorded with the bundle.
"""

from __future__ import annotations

import datetime as dt
import decimal
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from assessments.models import Assessment, Recommendation, Screening
from audit.models import AuditEvent
from inmates.models import Admission, DistinctPeople, Movement, Person, PersonMerge, RegistrationLink
from rehab.models import (
    AftercarePlan,
    Attendance,
    AttendanceMark,
    Enrolment,
    EnrolmentTransition,
    FollowUp,
    Note,
    PhaseMove,
    QualityOfLife,
)

SCHEMA = "https://rehab-lapas.example/schemas/access-bundle/1"  # docs/access-bundle.md
SCHEMA_VERSION = 1


@dataclass(frozen=True)
class Options:
    """What one bundle holds: the person's records (`people`: the person and records merged into them), with
    or without notes, and the processing trail as `actor` may read it (AuditEvent.objects.visible_to)."""

    people: tuple[int, ...]
    include_notes: bool
    actor: object


@dataclass(frozen=True)
class Section:
    key: str
    title: object  # a lazy translation: the PDF's heading
    model: type[models.Model]
    rows: Callable[[Options], models.QuerySet]  # a values() queryset of `columns`
    columns: tuple[tuple[str, object], ...]  # (field path, label)
    notes: tuple[str, ...] = ()  # columns that are notes: emptied unless notes are included
    all_notes: bool = False  # the rows are notes: none handed over unless notes are included
    extra_models: tuple[type[models.Model], ...] = field(default=())  # also covered (the test's enumeration)


SECTIONS: list[Section] = []

# Models linked to Person that no bundle holds, and why (the test reads this).
LEFT_OUT: dict[type[models.Model], str] = {
    DistinctPeople: "it names another person's record (two records said to be different people)",
}


def register(section: Section) -> None:
    """Add a section (apps above this one, when ready). Registering a key twice replaces it (reloads)."""
    SECTIONS[:] = [existing for existing in SECTIONS if existing.key != section.key]
    SECTIONS.append(section)


def _of(model, path: str = "person_id"):
    return lambda options: model.objects.filter(**{f"{path}__in": options.people})


register(
    Section(
        "person",
        _("Identity"),
        Person,
        lambda options: Person.objects.filter(pk__in=options.people).order_by("pk"),
        (
            ("id", _("Record number")),
            ("full_name", _("full name")),
            ("other_names", _("other names (aliases)")),
            ("nik", _("NIK")),
            ("sex", _("sex")),
            ("birth_date", _("date of birth")),
            ("birth_place", _("place of birth")),
            ("created_at", _("registered at")),
        ),
    )
)
register(
    Section(
        "custody_spells",
        _("Custody spells"),
        Admission,
        lambda options: _of(Admission)(options).order_by("admitted_on", "pk"),
        (
            ("id", _("Custody spell")),
            ("institution__name", _("institution")),
            ("register_number", _("register number")),
            ("register_category", _("register category")),
            ("admitted_on", _("admitted on")),
            ("offence", _("offence")),
            ("sentence_months", _("sentence (months)")),
            ("expected_release", _("expected release")),
            ("released_on", _("released on")),
            ("release_type", _("release type")),
            ("minor_reason", _("why held though under 18")),
        ),
    )
)
register(
    Section(
        "movements",
        _("Movements"),
        Movement,
        lambda options: _of(Movement, "admission__person_id")(options).order_by("on", "pk"),
        (
            ("admission_id", _("Custody spell")),
            ("kind", _("kind")),
            ("on", _("date")),
            ("from_institution__name", _("from")),
            ("to_institution__name", _("to")),
            ("note", _("note")),
            ("recorded_at", _("recorded at")),
        ),
    )
)
register(
    Section(
        "registration_links",
        _("Registrations linked to an earlier record"),
        RegistrationLink,
        lambda options: _of(RegistrationLink)(options).order_by("linked_at", "pk"),
        (
            ("admission_id", _("Custody spell")),
            ("institution__name", _("institution")),
            ("match_reason", _("matched by")),
            ("reason", _("reason")),
            ("linked_at", _("linked at")),
            ("undone_at", _("undone at")),
            ("undo_reason", _("why undone")),
        ),
    )
)
register(
    Section(
        "record_merges",
        _("Records merged"),
        PersonMerge,
        lambda options: PersonMerge.objects.filter(kept_id__in=options.people).order_by("merged_at", "pk"),
        (
            ("kept_id", _("Record kept")),
            ("merged_id", _("Record merged into it")),
            ("merged_at", _("merged at")),
            ("undone_at", _("undone at")),
        ),
    )
)
register(
    Section(
        "screenings",
        _("Screenings"),
        Screening,
        lambda options: _of(Screening)(options).order_by("screened_on", "pk"),
        (
            ("id", _("Screening")),
            ("institution__name", _("institution")),
            ("instrument", _("instrument")),
            ("version", _("version")),
            ("screened_on", _("screened on")),
            ("risk", _("risk")),
            ("answers", _("answers")),
        ),
    )
)
register(
    Section(
        "assessments",
        _("Assessments"),
        Assessment,
        lambda options: _of(Assessment)(options).order_by("assessed_on", "pk"),
        (
            ("id", _("Assessment")),
            ("institution__name", _("institution")),
            ("assessed_on", _("assessed on")),
            ("version", _("version")),
            ("answers", _("answers")),
            ("domain_notes", _("notes per domain")),
            ("summary", _("summary")),
        ),
    )
)
register(
    Section(
        "recommendations",
        _("Recommendations"),
        Recommendation,
        lambda options: _of(Recommendation, "assessment__person_id")(options).order_by("decided_on", "pk"),
        (
            ("assessment_id", _("Assessment")),
            ("kind", _("recommendation")),
            ("reasons", _("reasons")),
            ("decided_on", _("decided on")),
            ("decree_number", _("decree number")),
            ("approved_on", _("approved on")),
        ),
    )
)
register(
    Section(
        "enrolments",
        _("Rehabilitation programmes"),
        Enrolment,
        lambda options: _of(Enrolment)(options).order_by("created_at", "pk"),
        (
            ("id", _("Enrolment")),
            ("programme__name", _("programme")),
            ("programme__institution__name", _("institution")),
            ("kind", _("kind")),
            ("status", _("status")),
            ("created_at", _("enrolled at")),
            ("legal_basis", _("legal basis")),
            ("legal_basis_detail", _("legal basis detail")),
            ("consent_on", _("consent given on")),
            ("consent_witness", _("consent witnessed by")),
            ("consent_withdrawn_on", _("consent withdrawn on")),
        ),
    )
)
register(
    Section(
        "enrolment_changes",
        _("Programme status changes"),
        EnrolmentTransition,
        lambda options: _of(EnrolmentTransition, "enrolment__person_id")(options).order_by("at", "pk"),
        (
            ("enrolment_id", _("Enrolment")),
            ("from_status", _("from")),
            ("to_status", _("to")),
            ("on", _("date")),
            ("reason", _("reason")),
        ),
    )
)
register(
    Section(
        "phase_history",
        _("Programme phases"),
        PhaseMove,
        lambda options: _of(PhaseMove, "enrolment__person_id")(options).order_by("on", "pk"),
        (
            ("enrolment_id", _("Enrolment")),
            ("phase__name", _("phase")),
            ("phase__stage", _("stage")),
            ("on", _("from")),
            ("at", _("recorded at")),
        ),
    )
)
register(
    Section(
        "quality_of_life",
        _("Quality of life (WHOQOL-BREF)"),
        QualityOfLife,
        lambda options: _of(QualityOfLife, "enrolment__person_id")(options).order_by("taken_on", "pk"),
        (
            ("enrolment_id", _("Enrolment")),
            ("timing", _("taken at")),
            ("taken_on", _("taken on")),
            ("version", _("instrument version")),
            ("answers", _("answers")),
            ("physical", _("physical health")),
            ("psychological", _("psychological")),
            ("social", _("social relationships")),
            ("environment", _("environment")),
            ("created_at", _("recorded at")),
        ),
    )
)
register(
    Section(
        "attendance",
        _("Attendance"),
        Attendance,
        lambda options: _of(Attendance, "enrolment__person_id")(options).order_by("session__starts_at", "pk"),
        (
            ("enrolment_id", _("Enrolment")),
            ("session__starts_at", _("session")),
            ("session__topic", _("topic")),
            ("status", _("attendance")),
            ("reason", _("reason")),
            ("recorded_at", _("recorded at")),
        ),
        extra_models=(AttendanceMark,),
    )
)
register(
    Section(
        "attendance_history",
        _("Attendance as recorded over time"),
        AttendanceMark,
        lambda options: _of(AttendanceMark, "enrolment__person_id")(options).order_by("at", "pk"),
        (
            ("enrolment_id", _("Enrolment")),
            ("session__starts_at", _("session")),
            ("status", _("attendance")),
            ("at", _("recorded at")),
        ),
    )
)
register(
    Section(
        "counselling_notes",
        _("Counselling notes about the person"),
        Note,
        # Notes on the whole session (no person) are about everyone in it: never handed over.
        lambda options: _of(Note)(options).order_by("created_at", "pk"),
        (
            ("session__starts_at", _("session")),
            ("created_at", _("written at")),
            ("text", _("note")),
        ),
        notes=("text",),
        all_notes=True,
    )
)
register(
    Section(
        "aftercare_plans",
        _("After-care plans"),
        AftercarePlan,
        # The family contact's name and telephone number are another person's data: left out.
        lambda options: _of(AftercarePlan)(options).order_by("released_on", "pk"),
        (
            ("id", _("After-care plan")),
            ("admission_id", _("Custody spell")),
            ("released_on", _("released on")),
            ("agency__name", _("agency that takes over")),
            ("created_at", _("created at")),
            ("legal_basis", _("legal basis")),
            ("legal_basis_detail", _("legal basis detail")),
            ("consent_on", _("consent given on")),
            ("consent_witness", _("consent witnessed by")),
            ("consent_withdrawn_on", _("consent withdrawn on")),
        ),
    )
)
register(
    Section(
        "follow_ups",
        _("Follow-ups after release"),
        FollowUp,
        lambda options: _of(FollowUp, "plan__person_id")(options).order_by("due_on", "pk"),
        (
            ("plan_id", _("After-care plan")),
            ("months_after", _("months after release")),
            ("due_on", _("due on")),
            ("done_on", _("done on")),
            ("method", _("how")),
            ("outcome", _("outcome")),
            ("urine_panel", _("urine test")),
            ("urine_results", _("urine results")),
            ("urine_positive", _("urine positive")),
            ("cancelled", _("called off")),
            ("notes", _("notes")),
        ),
        notes=("notes",),
    )
)
register(
    Section(
        "processing_trail",
        _("Who viewed, changed or exported the record"),
        AuditEvent,
        lambda options: (
            AuditEvent.objects.visible_to(options.actor)
            .filter(person_id__in=options.people)
            .order_by("at", "pk")
        ),
        (
            ("at", _("at")),
            ("username", _("user")),
            ("action", _("action")),
            ("object_type", _("object type")),
        ),
    )
)


def _json_value(value):
    if isinstance(value, dt.datetime):
        return (
            timezone.localtime(value, dt.UTC).isoformat() if timezone.is_aware(value) else value.isoformat()
        )
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    return value


def people_of(person: Person) -> tuple[int, ...]:
    """The person's record and the records merged into it (the same human being)."""
    merged = Person.objects.filter(merged_into=person).values_list("pk", flat=True)
    return (person.pk, *merged)


def build(person: Person, *, actor, include_notes: bool, generated_at: dt.datetime | None = None) -> dict:
    """The bundle as plain JSON data: {"schema", "schema_version", "generated_at", "person_id",
    "notes_included", "sections": {key: [row, …]}}, each row {column: value} with dates in ISO 8601 (UTC)."""
    options = Options(people=people_of(person), include_notes=include_notes, actor=actor)
    sections, withheld = {}, {}
    for section in SECTIONS:
        columns = [name for name, _label in section.columns]
        queryset = section.rows(options)
        if section.all_notes and not include_notes:
            sections[section.key] = []
            withheld[section.key] = queryset.count()
            continue
        rows = []
        for row in queryset.values(*columns):
            item = {key(name): _json_value(row[name]) for name in columns}
            if not include_notes:
                for name in section.notes:
                    if item[key(name)]:
                        withheld[section.key] = withheld.get(section.key, 0) + 1
                    item[key(name)] = None
            rows.append(item)
        sections[section.key] = rows
    return {
        "schema": SCHEMA,
        "schema_version": SCHEMA_VERSION,
        "generated_at": _json_value(generated_at or timezone.now()),
        "person_id": person.pk,
        "notes_included": include_notes,
        "notes_withheld": withheld,  # {section: notes left out}
        "sections": sections,
    }


def key(column: str) -> str:
    """A column's name in the JSON file: a related field's path with dots (institution.name)."""
    return column.replace("__", ".")


def covered_models() -> set[type[models.Model]]:
    return {section.model for section in SECTIONS} | {
        model for section in SECTIONS for model in section.extra_models
    }


def _register_own_sections() -> None:
    """The rights requests themselves are data about the person (Art. 14: requests are logged)."""
    from privacy.models import AccessDecision, EmergencyAccess, HandOver, RightsRequest, RightsRequestStep

    register(
        Section(
            "emergency_access",
            _("Emergency access to the record"),
            EmergencyAccess,
            lambda options: _of(EmergencyAccess)(options).order_by("granted_at", "pk"),
            (
                ("user__username", _("user")),
                ("institution__name", _("held at")),
                ("reason", _("reason")),
                ("granted_at", _("granted at")),
                ("expires_at", _("ends at")),
                ("review", _("review")),
            ),
        )
    )

    register(
        Section(
            "rights_requests",
            _("Rights requests"),
            RightsRequest,
            lambda options: _of(RightsRequest)(options).order_by("received_at", "pk"),
            (
                ("id", _("Request")),
                ("kind", _("request")),
                ("institution__name", _("received at")),
                ("received_at", _("received")),
                ("due_at", _("answer due")),
                ("status", _("status")),
                ("closed_at", _("closed at")),
            ),
        )
    )
    register(
        Section(
            "rights_request_steps",
            _("Rights requests: steps"),
            RightsRequestStep,
            lambda options: _of(RightsRequestStep, "request__person_id")(options).order_by("at", "pk"),
            (
                ("request_id", _("Request")),
                ("status", _("status")),
                ("legal_ground", _("legal ground")),
                ("note", _("note")),
                ("at", _("at")),
            ),
        )
    )
    register(
        Section(
            "access_decisions",
            _("Rights requests: what a copy left out and why"),
            AccessDecision,
            lambda options: _of(AccessDecision, "rights_request__person_id")(options).order_by(
                "decided_at", "pk"
            ),
            (
                ("rights_request_id", _("Request")),
                ("notes_included", _("notes included")),
                ("reason", _("reason")),
                ("decided_at", _("decided at")),
            ),
        )
    )
    register(
        Section(
            "hand_overs",
            _("Files handed over"),
            HandOver,
            lambda options: _of(HandOver, "rights_request__person_id")(options).order_by("created_at", "pk"),
            (
                ("rights_request_id", _("Request")),
                ("filename", _("file")),
                ("recipient", _("recipient")),
                ("purpose", _("purpose")),
                ("created_at", _("created at")),
                ("expires_at", _("link expires")),
            ),
        )
    )


_register_own_sections()

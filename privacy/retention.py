"""The retention schedule (UU 27/2022 Art. 44): how long each kind of record is kept after it is done with,
and the run that anonymises or deletes what is past its period — planned first (a dry run listing what it
would do, for the data-protection officer to approve), then carried out, each record's change audited.

Published reports never change: their figures are kept as snapshots (reports.publication), and nothing here
deletes a row the figures count — people are anonymised, not deleted; notes and files are removed, which no
figure counts.

Periods, with where they come from (docs/privacy.md):
- Medical records — a person's identity and custody records, screenings and assessments, counselling and
  follow-up notes — are kept at least 25 years after the last contact (Permenkes 24/2022 on medical records,
  Art. 39: "paling singkat 25 tahun sejak tanggal kunjungan terakhir"); that is also the legal minimum here.
- Audit events, uploaded files and import files have no period in law for this system; the defaults and the
  floors below are the house's (an audit trail kept as long as the records it watches by default; the SDP
  files only as long as an import needs them).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Max, QuerySet
from django.dispatch import Signal
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from agreements.models import Agreement
from assessments.models import Assessment
from audit.models import AuditEvent
from audit.services import audit_record, audit_records_bulk
from inmates.models import Admission, Movement, Person, RegistrationLink
from privacy.models import RetentionRule, RetentionRun, RightsRequest
from rehab.models import AftercarePlan, Enrolment, FollowUp, Note

YEAR = 365.25


def years(count: float) -> int:
    return round(count * YEAR)


def describe(days: int) -> str:
    """A period as people say it: whole years from a year on (25 years), days below (30 days)."""
    if days >= 365:
        count = round(days / YEAR, 1)
        count = int(count) if count == int(count) else count
        return ngettext("%(count)s year", "%(count)s years", count) % {"count": count}
    return ngettext("%(count)s day", "%(count)s days", days) % {"count": days}


@dataclass(frozen=True)
class Kind:
    key: str
    label: object
    action: object  # what happens to a record past its period
    default_days: int
    minimum_days: int
    due: Callable[[dt.datetime], QuerySet]  # the records past a cut-off (ids)
    apply: Callable[[list[int], object, dt.datetime], int]  # (ids, actor, now) → how many changed


KINDS: dict[str, Kind] = {}


def register(kind: Kind) -> None:
    KINDS[kind.key] = kind


def schedule() -> dict[str, tuple[Kind, int, RetentionRule | None]]:
    """Each kind with the days in force and the rule that set them (None: the default)."""
    latest = {}
    for rule in RetentionRule.objects.select_related("set_by").order_by("kind", "-set_at", "-pk"):
        latest.setdefault(rule.kind, rule)
    return {
        key: (kind, latest[key].days if key in latest else kind.default_days, latest.get(key))
        for key, kind in KINDS.items()
    }


def kept_for(key: str) -> dt.timedelta:
    rule = RetentionRule.objects.filter(kind=key).order_by("-set_at", "-pk").first()
    return dt.timedelta(days=rule.days if rule else KINDS[key].default_days)


def set_period(*, actor, key: str, days: int, reason: str) -> RetentionRule:
    if not (actor.scope.is_national or actor.scope.is_national_dpo):
        raise ValidationError(_("The retention schedule is set by national officers."))
    kind = KINDS.get(key)
    if kind is None:
        raise ValidationError({"kind": _("Unknown kind of record.")})
    if days < kind.minimum_days:
        raise ValidationError(
            {
                "days": _("Shorter than the minimum for this kind of record: %(period)s.")
                % {"period": describe(kind.minimum_days)}
            }
        )
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for the change.")})
    with transaction.atomic():
        rule = RetentionRule.objects.create(kind=key, days=days, reason=reason.strip(), set_by=actor)
        audit_record(
            action=AuditEvent.Action.CHANGE, actor=actor, obj=rule, details={"kind": key, "days": days}
        )
    return rule


def plan(*, actor=None, now: dt.datetime | None = None) -> RetentionRun:
    """The dry run: what is due today, per kind (ids kept), waiting for approval. Earlier plans not carried
    out are superseded."""
    now = now or timezone.now()
    entries = {}
    for key, (kind, days, _rule) in schedule().items():
        cutoff = now - dt.timedelta(days=days)
        entries[key] = {
            "cutoff": cutoff.isoformat(),
            "ids": list(kind.due(cutoff).values_list("pk", flat=True)),
        }
    with transaction.atomic():
        RetentionRun.objects.filter(status=RetentionRun.Status.PLANNED).update(
            status=RetentionRun.Status.SUPERSEDED
        )
        run = RetentionRun.objects.create(
            planned_by=actor,
            planned_at=now,
            plan=entries,
            due={key: len(entry["ids"]) for key, entry in entries.items()},
        )
        audit_record(action=AuditEvent.Action.CREATE, actor=actor, obj=run, details={"due": run.counts()})
    return run


def approve(run: RetentionRun, *, actor) -> None:
    """Record the approval at once: a plan made meanwhile (the monthly job) no longer replaces this one."""
    approved = RetentionRun.objects.filter(pk=run.pk, status=RetentionRun.Status.PLANNED).update(
        status=RetentionRun.Status.APPROVED, approved_by=actor
    )
    if not approved:
        raise ValidationError(_("This plan has been carried out or replaced already."))
    audit_record(action=AuditEvent.Action.CHANGE, actor=actor, obj=run, details={"approved": True})


def carry_out(run: RetentionRun, *, actor=None, now: dt.datetime | None = None) -> dict[str, int]:
    """Carry out a plan (approved, or planned by the command): only what it listed and is still due, under
    the plan's cut-off and the schedule in force now, whichever is earlier (a period lengthened since the
    plan keeps the records it now keeps)."""
    now = now or timezone.now()
    periods = {key: days for key, (_kind, days, _rule) in schedule().items()}
    with transaction.atomic():
        run = RetentionRun.objects.select_for_update().get(pk=run.pk)
        if run.status not in (RetentionRun.Status.PLANNED, RetentionRun.Status.APPROVED):
            raise ValidationError(_("This plan has been carried out or replaced already."))
        result = {}
        for key, entry in run.plan.items():
            kind = KINDS.get(key)
            if kind is None or not entry["ids"]:
                result[key] = 0
                continue
            cutoff = min(dt.datetime.fromisoformat(entry["cutoff"]), now - dt.timedelta(days=periods[key]))
            still_due = list(kind.due(cutoff).filter(pk__in=entry["ids"]).values_list("pk", flat=True))
            result[key] = kind.apply(still_due, actor, now) if still_due else 0
        run.status, run.done_at, run.result = RetentionRun.Status.DONE, now, result
        run.approved_by = run.approved_by or actor
        run.save(update_fields=["status", "approved_by", "done_at", "result"])
        audit_record(action=AuditEvent.Action.CHANGE, actor=actor, obj=run, details={"done": result})
    return result


# --- The kinds ---------------------------------------------------------------------------------------------


def _past_last_contact(cutoff: dt.datetime) -> QuerySet:
    """People not in custody whose last contact (release, follow-up done) is before the cut-off, anonymised
    or not (their health records' free text is due on its own)."""
    day = cutoff.date()
    return (
        Person.objects.filter(merged_into__isnull=True)
        .exclude(pk__in=Admission.objects.filter(released_on__isnull=True).values("person_id"))
        .annotate(last_release=Max("admissions__released_on"))
        .filter(last_release__lt=day)
        .exclude(pk__in=FollowUp.objects.filter(done_on__gte=day).values("plan__person_id"))
    )


def _people_done_with(cutoff: dt.datetime) -> QuerySet:
    """Those of them not anonymised yet."""
    return _past_last_contact(cutoff).filter(anonymised_at__isnull=True)


# Sent with the ids of the people just anonymised: apps above this one (exchange's register rows) remove
# what they hold of those people's identity.
people_anonymised = Signal()


def _anonymise_people(ids: list[int], actor, now: dt.datetime) -> int:
    # Records merged into these people are the same human beings: anonymised with them.
    ids = [*ids, *Person.objects.filter(merged_into_id__in=ids).values_list("pk", flat=True)]
    with transaction.atomic():
        for person in Person.objects.filter(pk__in=ids).only("pk", "birth_date"):
            Person.objects.filter(pk=person.pk).update(
                full_name=f"Anonim {person.pk}",
                other_names="",
                nik=None,
                birth_place="",
                # The year stays (age groups in the figures); the day and month go.
                birth_date=person.birth_date.replace(month=1, day=1) if person.birth_date else None,
                anonymised_at=now,
            )
        for admission in Admission.objects.filter(person_id__in=ids).only("pk"):
            Admission.objects.filter(pk=admission.pk).update(
                register_number=f"ANON-{admission.pk}", minor_reason=""
            )
        Movement.objects.filter(admission__person_id__in=ids).update(note="")
        RegistrationLink.objects.filter(person_id__in=ids).update(reason="", undo_reason="")
        AftercarePlan.objects.filter(person_id__in=ids).update(contact_name="", contact_phone="")
        RightsRequest.objects.filter(person_id__in=ids).update(
            requested_by="", identity_details="", details=""
        )
        # Signed consent forms name the person: deleted with the identity (the basis and its date stay).
        for model in (Enrolment, AftercarePlan):
            for record in model.objects.filter(person_id__in=ids).exclude(consent_form=""):
                record.consent_form.delete(save=False)
                model.objects.filter(pk=record.pk).update(consent_form="")
        audit_records_bulk(
            [
                {
                    "action": AuditEvent.Action.CHANGE,
                    "actor": actor,
                    "obj": person,
                    "person_id": person.pk,
                    "details": {"retention": "anonymised"},
                }
                for person in Person.objects.filter(pk__in=ids).only("pk", "full_name")
            ]
        )
        people_anonymised.send(sender=Person, ids=ids)
    return len(ids)


def _health_records_due(cutoff: dt.datetime) -> QuerySet:
    return Assessment.objects.filter(person__in=_past_last_contact(cutoff)).exclude(
        summary="", domain_notes={}
    )


def _clear_assessment_text(ids: list[int], actor, now: dt.datetime) -> int:
    rows = list(Assessment.objects.filter(pk__in=ids).only("pk", "person_id"))
    Assessment.objects.filter(pk__in=ids).update(summary="", domain_notes={})
    audit_records_bulk(
        [
            {
                "action": AuditEvent.Action.CHANGE,
                "actor": actor,
                "obj": row,
                "person_id": row.person_id,
                "details": {"retention": "free text removed"},
            }
            for row in rows
        ]
    )
    return len(rows)


def _notes_due(cutoff: dt.datetime) -> QuerySet:
    return Note.objects.filter(created_at__lt=cutoff)


def _delete_notes(ids: list[int], actor, now: dt.datetime) -> int:
    rows = list(Note.objects.filter(pk__in=ids).select_related("session"))
    audit_records_bulk(
        [
            {
                "action": AuditEvent.Action.DELETE,
                "actor": actor,
                "obj": row,
                "person_id": row.person_id,
                "details": {"retention": "deleted"},
            }
            for row in rows
        ]
    )
    Note.objects.filter(pk__in=ids).delete()
    return len(rows)


def _follow_up_notes_due(cutoff: dt.datetime) -> QuerySet:
    return FollowUp.objects.filter(done_on__lt=cutoff.date()).exclude(notes="")


def _clear_follow_up_notes(ids: list[int], actor, now: dt.datetime) -> int:
    rows = list(FollowUp.objects.filter(pk__in=ids).select_related("plan").only("pk", "plan__person_id"))
    FollowUp.objects.filter(pk__in=ids).update(notes="")
    audit_records_bulk(
        [
            {
                "action": AuditEvent.Action.CHANGE,
                "actor": actor,
                "obj": row,
                "person_id": row.plan.person_id,
                "details": {"retention": "notes removed"},
            }
            for row in rows
        ]
    )
    return len(rows)


def _audit_due(cutoff: dt.datetime) -> QuerySet:
    return AuditEvent.objects.filter(at__lt=cutoff)


def _delete_audit_events(ids: list[int], actor, now: dt.datetime) -> int:
    """One event says what was deleted (the oldest and newest, how many): an event per deleted event would
    only refill the table. On PostgreSQL the append-only trigger lets this transaction delete (audit 0006)."""
    deleted = 0
    postgres = connection.vendor == "postgresql"
    with transaction.atomic():
        with connection.cursor() as cursor:
            if postgres:
                cursor.execute("SET LOCAL rehab.retention = 'on'")
            try:
                for start in range(0, len(ids), 5000):
                    chunk = ids[start : start + 5000]
                    placeholders = ", ".join(["%s"] * len(chunk))
                    cursor.execute(f"DELETE FROM audit_auditevent WHERE id IN ({placeholders})", chunk)
                    deleted += cursor.rowcount
            finally:
                if postgres:
                    # SET LOCAL lasts to the end of the outermost transaction, which may hold more than this.
                    cursor.execute("SET LOCAL rehab.retention = 'off'")
        audit_record(
            action=AuditEvent.Action.DELETE,
            actor=actor,
            object_type="audit.auditevent",
            details={"retention": "deleted", "count": deleted, "first": min(ids), "last": max(ids)},
        )
    return deleted


def _documents_due(cutoff: dt.datetime) -> QuerySet:
    return Agreement.objects.exclude(document="").filter(valid_until__lt=cutoff.date())


def _delete_documents(ids: list[int], actor, now: dt.datetime) -> int:
    count = 0
    for agreement in Agreement.objects.filter(pk__in=ids):
        agreement.document.delete(save=False)
        Agreement.objects.filter(pk=agreement.pk).update(document="")
        audit_record(
            action=AuditEvent.Action.DELETE,
            actor=actor,
            obj=agreement,
            details={"retention": "document deleted"},
        )
        count += 1
    return count


register(
    Kind(
        "people",
        gettext_lazy("People and their custody records"),
        gettext_lazy("anonymised: name, NIK, place and day of birth, register numbers and free text removed"),
        years(25),
        years(25),
        _people_done_with,
        _anonymise_people,
    )
)
register(
    Kind(
        "health_records",
        gettext_lazy("Screenings and assessments"),
        gettext_lazy("free text removed; scores kept for the figures"),
        years(25),
        years(25),
        _health_records_due,
        _clear_assessment_text,
    )
)
register(
    Kind(
        "notes",
        gettext_lazy("Counselling notes"),
        gettext_lazy("deleted"),
        years(25),
        years(25),
        _notes_due,
        _delete_notes,
    )
)
register(
    Kind(
        "follow_up_notes",
        gettext_lazy("Follow-up notes"),
        gettext_lazy("removed; the outcome stays"),
        years(25),
        years(25),
        _follow_up_notes_due,
        _clear_follow_up_notes,
    )
)
register(
    Kind(
        "audit_events",
        gettext_lazy("Audit events"),
        gettext_lazy("deleted"),
        years(25),
        years(10),
        _audit_due,
        _delete_audit_events,
    )
)
register(
    Kind(
        "documents",
        gettext_lazy("Signed agreement documents"),
        gettext_lazy("file deleted; the agreement's record stays"),
        years(10),
        years(5),
        _documents_due,
        _delete_documents,
    )
)

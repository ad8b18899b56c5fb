"""After-care: a plan opened at release for people who took part in rehabilitation, its follow-ups, and the
work lists built on them. Writes are one transaction each and audited on the person's record."""

from __future__ import annotations

import calendar
import datetime as dt

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from agreements.access import Work, institution_ids_open_to
from agreements.models import Agreement, in_force_q
from audit.models import AuditEvent
from audit.services import audit_record
from inmates.models import Admission
from institutions.models import Agency
from rehab.models import AftercarePlan, Enrolment, FollowUp


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later, or the month's last day when it has no such day (31 Jan + 1 = 28 Feb)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _taking_over(admission: Admission, released_on: dt.date) -> Agency | None:
    """The agency that delivered the person's latest programme, if its agreement at the releasing UPT covers
    after-care on the release date; otherwise any agency with such an agreement there; else nobody yet."""
    with_aftercare = (
        Agreement.objects.filter(in_force_q(released_on), institutions=admission.institution_id)
        .filter(scope_items__scope=Agreement.Scope.AFTERCARE)
        .values("agencies")
    )
    candidates = Agency.objects.filter(pk__in=with_aftercare)
    latest = (
        Enrolment.objects.filter(person_id=admission.person_id)
        .order_by("-created_at")
        .values_list("programme__agency", flat=True)
        .first()
    )
    return candidates.filter(pk=latest).first() or candidates.order_by("name").first()


def plan_open(*, admission: Admission, by) -> AftercarePlan | None:
    """Open the plan for a release, if the person took part in rehabilitation and none is open yet."""
    if admission.release_type == Admission.ReleaseType.DEATH:
        return None
    if not Enrolment.objects.filter(person_id=admission.person_id).exists():
        return None
    if AftercarePlan.objects.filter(admission=admission).exists():
        return None
    released_on = admission.released_on
    plan = AftercarePlan.objects.create(
        admission=admission,
        person_id=admission.person_id,
        agency=_taking_over(admission, released_on),
        released_on=released_on,
        created_by=by,
    )
    FollowUp.objects.bulk_create(
        FollowUp(plan=plan, months_after=months, due_on=add_months(released_on, months))
        for months in sorted(set(settings.AFTERCARE_FOLLOWUP_MONTHS))
    )
    audit_record(action=AuditEvent.Action.CREATE, actor=by, obj=plan, person_id=admission.person_id)
    return plan


def on_custody_change(*, admission: Admission, change: str, on: dt.date, by) -> list[str]:
    """Release: open the after-care plan. A new admission: that is a return to custody, so the follow-ups
    still due after earlier releases are called off (the return itself is read from the admissions)."""
    if change == "release":
        plan = plan_open(admission=admission, by=by)
        if plan is None:
            return []
        first = plan.follow_ups.order_by("due_on").first()
        return [
            _("An after-care plan has been opened; the first follow-up is due on %(day)s.")
            % {"day": date_format(first.due_on, "j F Y")}
            + (
                ""
                if plan.agency
                else " " + _("No agency with an after-care agreement takes over yet: assign one.")
            )
        ]
    if change == "admission":
        called_off = (
            FollowUp.objects.pending()
            .filter(plan__person_id=admission.person_id)
            .exclude(plan__admission=admission)
            .update(
                cancelled=True,
                called_off_by=admission,
                called_off_at=timezone.now(),
                called_off_why=FollowUp.CalledOff.RETURN,
                called_off_user=by,
            )
        )
        if called_off:
            return [
                _("Back in custody: %(count)s after-care follow-up(s) were called off.")
                % {"count": called_off}
            ]
    if change == "admission_cancelled":
        due_again = list(FollowUp.objects.filter(called_off_by=admission).values_list("pk", flat=True))
        restored = FollowUp.objects.filter(pk__in=due_again).update(
            cancelled=False, called_off_by=None, called_off_at=None, called_off_why="", called_off_user=None
        )
        if restored:
            audit_record(
                action=AuditEvent.Action.CHANGE,
                actor=by,
                person_id=admission.person_id,
                details={"follow_ups_due_again": due_again, "admission_registered_by_mistake": admission.pk},
            )
            return [
                _("The after-care follow-ups called off by this admission are due again (%(count)s).")
                % {"count": restored}
            ]
    return []


def may_follow_up(user, plan: AftercarePlan) -> bool:
    """The releasing UPT's staff, or the counsellors of the agency that took over."""
    return user.scope.can_write_at(plan.admission.institution_id) or reads_notes(user, plan)


def readable_notes(user, follow_ups):
    """Follow-up notes the user may read: those recorded while their own agency was in charge."""
    return {f.pk for f in follow_ups if f.agency_id and f.agency_id in user.scope.agency_ids}


def reads_notes(user, plan: AftercarePlan) -> bool:
    """Counsellors of the agency that took over, while its agreement there covers after-care."""
    scope = user.scope
    return (
        plan.agency_id in scope.agency_ids
        and institution_ids_open_to([plan.agency_id], Work.AFTERCARE)
        .filter(institution_id=plan.admission.institution_id)
        .exists()
    )


@transaction.atomic
def follow_up_record(
    *,
    by,
    follow_up: FollowUp,
    done_on: dt.date,
    method: str,
    outcome: str,
    urine_panel: str = "",
    urine_results: dict[str, str] | None = None,
    notes: str = "",
) -> FollowUp:
    follow_up = FollowUp.objects.select_for_update().select_related("plan__admission").get(pk=follow_up.pk)
    plan = follow_up.plan
    if not may_follow_up(by, plan):
        raise PermissionDenied(
            _("Only the agency that took over or the releasing UPT's staff record follow-ups.")
        )
    if follow_up.done_on or follow_up.cancelled:
        raise ValidationError(_("This follow-up has already been recorded or called off."))
    if done_on > timezone.localdate():
        raise ValidationError({"done_on": _("This date is in the future.")})
    if done_on < plan.released_on:
        raise ValidationError({"done_on": _("This date is before the release.")})
    results = {substance: result for substance, result in (urine_results or {}).items() if result}
    if results and not urine_panel.strip():
        raise ValidationError({"urine_panel": _("Name the test panel the results come from.")})
    follow_up.done_on, follow_up.method, follow_up.outcome = done_on, method, outcome
    follow_up.urine_panel, follow_up.urine_results, follow_up.notes = (
        urine_panel.strip(),
        results,
        notes.strip(),
    )
    follow_up.urine_positive = any(result == "positive" for result in results.values())
    follow_up.recorded_by = by
    follow_up.recorded_at = timezone.now()
    follow_up.agency_id = plan.agency_id
    follow_up.save()
    if outcome == FollowUp.Outcome.DECEASED:
        plan.follow_ups.pending().update(
            cancelled=True,
            called_off_at=timezone.now(),
            called_off_why=FollowUp.CalledOff.DEATH,
            called_off_user=by,
        )
    audit_record(
        action=AuditEvent.Action.CREATE,
        actor=by,
        obj=follow_up,
        person_id=plan.person_id,
        details={"outcome": outcome},
    )
    return follow_up


def assignable_agencies(plan: AftercarePlan):
    """Agencies with an agreement in force at the releasing UPT that covers after-care."""
    return Agency.objects.filter(
        pk__in=Agreement.objects.filter(
            in_force_q(timezone.localdate()), institutions=plan.admission.institution_id
        )
        .filter(scope_items__scope=Agreement.Scope.AFTERCARE)
        .values("agencies")
    ).order_by("name")


def institutions_covered(day: dt.date):
    """Ids of UPT where an agreement in force on `day` covers after-care (a subquery): where some agency can
    take a plan over. Elsewhere a plan stays without an agency until an agreement is amended or signed."""
    return Agreement.institutions.through.objects.filter(
        agreement__in=Agreement.objects.in_force_on(day).filter(scope_items__scope=Agreement.Scope.AFTERCARE)
    ).values("institution_id")


def stranded_institution_ids(plans) -> set[int]:
    """Of the UPT that released these plans' people, those where a plan without an agency cannot get one:
    no agreement in force there covers after-care (one query)."""
    return set(
        plans.filter(agency__isnull=True)
        .exclude(admission__institution__in=institutions_covered(timezone.localdate()))
        .order_by()
        .values_list("admission__institution", flat=True)
        .distinct()
    )


@transaction.atomic
def plan_assign(*, by, plan: AftercarePlan, agency: Agency | None, contact_name: str, contact_phone: str):
    if not by.scope.can_write_at(plan.admission.institution_id):
        raise PermissionDenied(_("Only staff of the releasing institution assign the after-care."))
    if agency is not None and not assignable_agencies(plan).filter(pk=agency.pk).exists():
        raise ValidationError({"agency": _("This agency has no agreement covering after-care here.")})
    plan.agency = agency
    plan.contact_name, plan.contact_phone = contact_name.strip(), contact_phone.strip()
    plan.save(update_fields=["agency", "contact_name", "contact_phone"])
    audit_record(action=AuditEvent.Action.CHANGE, actor=by, obj=plan, person_id=plan.person_id)
    return plan


def preparing_release(user, *, today: dt.date, days: int = 30):
    """People held in the user's scope whose expected release is within `days`: time to plan after-care."""
    return (
        Admission.objects.open()
        .held_in_scope(user, Work.AFTERCARE)
        .filter(expected_release__gte=today, expected_release__lte=today + dt.timedelta(days=days))
        .select_related("person", "institution")
        .order_by("expected_release")
    )


def consent_withdrawn(*, by, plan: AftercarePlan) -> int:
    """Consent to after-care withdrawn (privacy.consent decides who may record it): every follow-up still
    due is called off, with that reason; those done stay. Returns how many were called off."""
    pending = list(FollowUp.objects.pending().filter(plan=plan).values_list("pk", flat=True))
    FollowUp.objects.filter(pk__in=pending).update(
        cancelled=True,
        called_off_at=timezone.now(),
        called_off_why=FollowUp.CalledOff.CONSENT,
        called_off_user=by,
    )
    if pending:
        audit_record(
            action=AuditEvent.Action.CHANGE,
            actor=by,
            obj=plan,
            person_id=plan.person_id,
            details={"follow_ups_called_off": pending, "why": "consent withdrawn"},
        )
    return len(pending)

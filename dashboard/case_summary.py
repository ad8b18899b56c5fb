"""A person's pathway on one printable page, for case conferences: identity, custody, screenings and
assessments, rehabilitation and after-care. Scoped and audited like the person page; it reads across
inmates, assessments and rehab, so it lives at the top of the layout. No counselling or follow-up notes:
those stay on their own pages, for the delivering agency only."""

from __future__ import annotations

from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from assessments.models import Assessment, Screening
from audit.models import AuditEvent
from audit.services import audit_record
from inmates.models import Person
from rehab.models import AftercarePlan, Enrolment, FollowUp, Programme
from rehab.services import dose


def case_summary(request, pk: int):
    user = request.user
    person = get_object_or_404(Person.objects.visible_to(user), pk=pk)
    admissions = list(person.admissions.select_related("institution").order_by("admitted_on", "pk"))
    screenings = list(Screening.objects.visible_to(user).filter(person=person).order_by("screened_on", "pk"))
    assessments = list(
        Assessment.objects.visible_to(user)
        .filter(person=person)
        .select_related("recommendation")
        .order_by("assessed_on", "pk")
    )
    enrolments = list(
        Enrolment.objects.filter(person=person, programme__in=Programme.objects.visible_to(user).values("pk"))
        .select_related("programme__institution", "programme__agency")
        .order_by("created_at", "pk")
    )
    for enrolment in enrolments:
        enrolment.dose = dose(enrolment)
    plans = list(
        AftercarePlan.objects.visible_to(user)
        .filter(person=person)
        .select_related("agency", "admission__institution")
        .order_by("released_on", "pk")
    )
    follow_ups = FollowUp.objects.filter(plan__in=plans).order_by("due_on", "pk")
    by_plan: dict[int, list] = {}
    for follow_up in follow_ups:
        by_plan.setdefault(follow_up.plan_id, []).append(follow_up)
    for plan in plans:
        plan.follow_up_rows = by_plan.get(plan.pk, [])
    audit_record(
        action=AuditEvent.Action.VIEW,
        actor=user,
        obj=person,
        person_id=person.pk,
        details={"case_summary": True},
    )
    return render(
        request,
        "dashboard/case_summary.html",
        {
            "person": person,
            "admissions": admissions,
            "screenings": screenings,
            "assessments": assessments,
            "enrolments": enrolments,
            "plans": plans,
            "printed_at": timezone.localtime(),
            "show_nik": Person.objects.editable_by(user).filter(pk=person.pk).exists(),
        },
    )

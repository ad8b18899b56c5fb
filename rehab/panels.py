"""The person page's "Rehabilitation" section (enrolments, their status and dose, their WHOQOL-BREF at start
and end) and "After-care" section
(the person's after-care plans, who took each over, its follow-ups done and due)."""

from __future__ import annotations

from collections import defaultdict

from django.template.loader import render_to_string
from django.utils import timezone

from inmates import panels
from rehab import aftercare
from rehab.models import AftercarePlan, Enrolment, Programme, QualityOfLife
from rehab.quality_of_life import domain_rows
from rehab.services import dose


@panels.register
def rehab_panel(request, person) -> str:
    enrolments = list(
        Enrolment.objects.filter(
            person=person, programme__in=Programme.objects.visible_to(request.user).values("pk")
        )
        .select_related("programme__institution")
        .order_by("-created_at")
    )
    if not enrolments:
        return ""
    taken = defaultdict(dict)  # WHOQOL-BREF at start and end, one query for all the enrolments shown
    for record in QualityOfLife.objects.filter(enrolment__in=enrolments):
        taken[record.enrolment_id][record.timing] = record
    rows = [
        {
            "enrolment": enrolment,
            "dose": dose(enrolment),
            "quality_of_life": domain_rows(taken[enrolment.pk]) if taken[enrolment.pk] else None,
        }
        for enrolment in enrolments
    ]
    return render_to_string("rehab/includes/person_panel.html", {"rows": rows}, request=request)


@panels.register
def aftercare_panel(request, person) -> str:
    user = request.user
    today = timezone.localdate()
    plans = list(
        AftercarePlan.objects.visible_to(user)
        .filter(person=person)
        .select_related("agency", "admission__institution")
        .with_follow_up_counts(today)
        .order_by("-released_on", "-pk")
    )
    if not plans:
        return ""  # no plan this user may see: no section at all
    stranded = aftercare.stranded_institution_ids(AftercarePlan.objects.filter(pk__in=[p.pk for p in plans]))
    rows = [
        {
            "plan": plan,
            "stranded": plan.admission.institution_id in stranded,
            "may_assign": user.scope.can_write_at(plan.admission.institution_id),
        }
        for plan in plans
    ]
    return render_to_string(
        "rehab/includes/aftercare_panel.html", {"rows": rows, "today": today}, request=request
    )

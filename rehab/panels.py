"""The person page's "Rehabilitation" section: enrolments, their status and dose."""

from __future__ import annotations

from django.template.loader import render_to_string

from inmates import panels
from rehab.models import Enrolment, Programme
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
    rows = [{"enrolment": enrolment, "dose": dose(enrolment)} for enrolment in enrolments]
    return render_to_string("rehab/includes/person_panel.html", {"rows": rows}, request=request)

"""A participant's WHOQOL-BREF at programme start and end (issue 20): the page showing what was taken, and the
form to take one. Reached from the participant's row on the programme page, with that page's rules: whoever
sees the programme and may still reach the person sees the results; its staff and delivering counsellors
(services.may_run) take the questionnaire, read-only users get 403, everyone else 404."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from assessments import instruments
from assessments.instruments.whoqol_bref import CODE
from audit.models import AuditEvent
from audit.services import audit_record
from core.forms import apply_service_errors
from inmates.models import Person
from rehab import services
from rehab.forms import QualityOfLifeForm
from rehab.models import Enrolment, Programme, QualityOfLife
from rehab.quality_of_life import domain_rows, quality_of_life_record


def _visible_enrolment(user, pk: int) -> Enrolment:
    """An enrolment of a programme the user sees, of a person they may still reach (the programme page names
    only those)."""
    return get_object_or_404(
        Enrolment.objects.filter(
            programme__in=Programme.objects.visible_to(user).values("pk"),
            person__in=Person.objects.visible_to(user).values("pk"),
        ).select_related("person", "programme__institution"),
        pk=pk,
    )


def _taken(enrolment: Enrolment) -> dict[str, QualityOfLife]:
    return {row.timing: row for row in enrolment.quality_of_life.select_related("created_by")}


def quality_of_life_detail(request, pk: int):
    user = request.user
    enrolment = _visible_enrolment(user, pk)
    taken = _taken(enrolment)
    for record in taken.values():  # health data about one person: every read is in the audit trail
        audit_record(action=AuditEvent.Action.VIEW, actor=user, obj=record, person_id=enrolment.person_id)
    may_take = services.may_run(user, enrolment.programme) and len(taken) < len(QualityOfLife.Timing)
    return render(
        request,
        "rehab/quality_of_life_detail.html",
        {
            "enrolment": enrolment,
            "programme": enrolment.programme,
            "taken": [taken[timing] for timing in QualityOfLife.Timing.values if timing in taken],
            "rows": domain_rows(taken),
            "may_take": may_take and not enrolment.consent_withdrawn,
        },
    )


@require_http_methods(["GET", "POST"])
def quality_of_life_take(request, pk: int):
    user = request.user
    enrolment = _visible_enrolment(user, pk)
    if not services.may_run(user, enrolment.programme):
        raise PermissionDenied(_("Only staff of the institution or the delivering counsellors can do this."))
    detail = reverse("rehab:quality-of-life", args=[enrolment.pk])
    taken = _taken(enrolment)
    timings = [timing for timing in QualityOfLife.Timing.values if timing not in taken]
    if not timings:
        messages.info(request, _("Both questionnaires have been taken for this enrolment."))
        return redirect(detail)
    zone = enrolment.programme.institution.time_zone_info
    form = QualityOfLifeForm(
        request.POST or None,
        definition=instruments.definition(CODE),
        language=get_language() or "id",
        timings=timings,
        initial={"timing": timings[0], "taken_on": timezone.localdate(timezone=zone)},
    )
    if request.method == "POST" and form.is_valid():
        try:
            quality_of_life_record(
                by=user,
                enrolment=enrolment,
                timing=form.cleaned_data["timing"],
                taken_on=form.cleaned_data["taken_on"],
                answers=form.answers(),
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The WHOQOL-BREF has been saved."))
            return redirect(detail)
    return render(
        request,
        "rehab/quality_of_life_form.html",
        {
            "form": form,
            "enrolment": enrolment,
            "programme": enrolment.programme,
            "definition": instruments.definition(CODE),
        },
        status=400 if form.is_bound and form.errors else 200,
    )

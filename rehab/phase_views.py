"""The phases of a programme: adding, changing and removing them (who may change the programme), and moving a
participant to one (who may manage its enrolments). Reads start from ``visible_to(user)`` (404 outside);
read-only users get 403, as on the neighbouring programme and enrolment pages (rehab.views)."""

from __future__ import annotations

import copy

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from core.forms import apply_service_errors
from rehab import phases, services
from rehab.forms import PhaseForm, PhaseMoveForm
from rehab.models import Enrolment, Programme, ProgrammePhase
from rehab.views import _visible_programme


def _visible_phase(user, pk: int) -> ProgrammePhase:
    return get_object_or_404(
        ProgrammePhase.objects.filter(
            programme__in=Programme.objects.visible_to(user).values("pk")
        ).select_related("programme__institution__region"),
        pk=pk,
    )


def _may_define(user, programme: Programme) -> None:
    if not phases.may_define(user, programme):
        raise PermissionDenied(_("Only staff of the institution can change its programmes."))


@require_http_methods(["GET", "POST"])
def phase_create(request, pk: int):
    user = request.user
    programme = _visible_programme(user, pk)
    _may_define(user, programme)
    form = PhaseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            phases.phase_create(
                by=user,
                programme=programme,
                stage=data["stage"],
                name=data["name"],
                planned_weeks=data["planned_weeks"],
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The phase has been added."))
            return redirect(programme)
    return render(request, "rehab/phase_form.html", {"form": form, "programme": programme})


@require_http_methods(["GET", "POST"])
def phase_edit(request, pk: int):
    user = request.user
    phase = _visible_phase(user, pk)
    programme = phase.programme
    _may_define(user, programme)
    # A copy: the page's heading keeps the phase as saved while the form shows what was typed.
    form = PhaseForm(request.POST or None, instance=copy.copy(phase))
    if request.method == "POST" and form.is_valid():
        try:
            phases.phase_update(
                by=user, phase=form.save(commit=False), position=form.cleaned_data.get("position")
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The phase has been changed."))
            return redirect(programme)
    return render(
        request,
        "rehab/phase_form.html",
        {"form": form, "programme": programme, "phase": phase, "used": phase.moves.exists()},
    )


@require_POST
def phase_delete(request, pk: int):
    user = request.user
    phase = _visible_phase(user, pk)
    _may_define(user, phase.programme)
    try:
        phases.phase_delete(by=user, phase=phase)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("rehab:phase-edit", pk=phase.pk)
    messages.success(request, _("The phase has been removed."))
    return redirect(phase.programme)


@require_POST
def phase_move(request, pk: int):
    user = request.user
    enrolment = get_object_or_404(
        Enrolment.objects.filter(
            programme__in=Programme.objects.visible_to(user).values("pk")
        ).select_related("programme", "person"),
        pk=pk,
    )
    programme = enrolment.programme
    if not services.may_run(user, programme):  # before the form: a read-only user is refused, not corrected
        raise PermissionDenied(_("Only staff of the institution or the delivering counsellors can do this."))
    form = PhaseMoveForm(request.POST, programme=programme)
    if form.is_valid():
        try:
            move = phases.phase_move(by=user, enrolment=enrolment, **form.cleaned_data)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(
                request,
                _("%(name)s: in the phase “%(phase)s” from %(day)s.")
                % {"name": enrolment.person.full_name, "phase": move.phase.name, "day": date_format(move.on)},
            )
    else:
        messages.error(request, _("Nothing was saved: choose a phase and a valid date."))
    return redirect(programme)

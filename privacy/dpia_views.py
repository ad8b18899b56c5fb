"""The DPIA page: the latest version, its history, and a new version written by the data-protection
officer (the first one prefilled from what the system holds)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from audit.models import AuditEvent
from audit.services import audit_record
from privacy import dpia
from privacy.forms import ImpactAssessmentForm
from privacy.models import ImpactAssessment


def _require_reader(user) -> None:
    if not (user.scope.is_dpo or user.scope.is_national):
        raise PermissionDenied(_("The impact assessment is kept by the data-protection officer."))


@require_http_methods(["GET", "POST"])
def dpia_page(request):
    user = request.user
    _require_reader(user)
    current = dpia.latest()
    may_write = user.scope.is_national_dpo
    form = None
    if may_write:
        initial = {"text": current.text if current else dpia.draft()}
        form = ImpactAssessmentForm(request.POST or None, initial=initial)
        if request.method == "POST" and form.is_valid():
            try:
                version = dpia.save_version(
                    actor=user, text=form.cleaned_data["text"], note=form.cleaned_data["note"]
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("Version %(number)s is saved.") % {"number": version.version})
                return redirect("privacy:dpia")
    elif request.method == "POST":
        raise PermissionDenied(_("The impact assessment is kept by the data-protection officer."))
    return render(
        request,
        "privacy/dpia.html",
        {
            "current": current,
            "versions": ImpactAssessment.objects.select_related("written_by")[:50],
            "form": form,
        },
        status=400 if form is not None and form.is_bound else 200,
    )


@require_GET
def dpia_version(request, number: int):
    _require_reader(request.user)
    version = get_object_or_404(ImpactAssessment.objects.select_related("written_by"), version=number)
    audit_record(action=AuditEvent.Action.VIEW, actor=request.user, obj=version)
    return render(request, "privacy/dpia_version.html", {"version": version})

"""The retention page: the schedule in force (set by national officers), the latest plan of what is due and
its approval by the data-protection officer, and past runs."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from core import jobs
from core.forms import apply_service_errors
from privacy import retention, tasks
from privacy.forms import RetentionRuleForm
from privacy.models import RetentionRun


def _require_reader(user) -> None:
    if not (user.scope.is_national or user.scope.is_dpo):
        raise PermissionDenied(
            _("The retention schedule is for national officers and the data-protection officer.")
        )


def _may_set(user) -> bool:
    return user.scope.is_national or user.scope.is_national_dpo


def _page(request, *, form=None, status=200):
    user = request.user
    rows = [
        {
            "key": key,
            "kind": kind,
            "days": days,
            "period": retention.describe(days),
            "minimum": retention.describe(kind.minimum_days),
            "rule": rule,
        }
        for key, (kind, days, rule) in retention.schedule().items()
    ]
    runs = list(RetentionRun.objects.defer("plan").select_related("planned_by", "approved_by")[:12])
    planned = next((run for run in runs if run.status == RetentionRun.Status.PLANNED), None)
    labels = {key: kind.label for key, kind in retention.KINDS.items()}
    for run in runs:
        run.lines = [(labels.get(key, key), count) for key, count in run.counts().items()]
        run.done_lines = [(labels.get(key, key), count) for key, count in run.result.items()]
    if form is None and _may_set(user):
        form = RetentionRuleForm(kinds=retention.KINDS)
    return render(
        request,
        "privacy/retention.html",
        {
            "rows": rows,
            "runs": runs,
            "planned": planned,
            "form": form,
            "may_approve": user.scope.is_national_dpo,
            "may_plan": user.scope.is_national_dpo or user.scope.is_national,
        },
        status=status,
    )


@require_GET
def retention_page(request):
    _require_reader(request.user)
    return _page(request)


@require_POST
def retention_rule(request):
    user = request.user
    _require_reader(user)
    if not _may_set(user):
        raise PermissionDenied(_("The retention schedule is set by national officers."))
    form = RetentionRuleForm(request.POST, kinds=retention.KINDS)
    if form.is_valid():
        data = form.cleaned_data
        try:
            retention.set_period(actor=user, key=data["kind"], days=form.days(), reason=data["reason"])
        except ValidationError as error:
            if hasattr(error, "error_dict") and "days" in error.error_dict:
                error.error_dict["amount"] = error.error_dict.pop("days")
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The retention schedule is changed."))
            return redirect("privacy:retention")
    return _page(request, form=form, status=400)


@require_POST
def retention_plan(request):
    user = request.user
    _require_reader(user)
    if not (user.scope.is_national_dpo or user.scope.is_national):
        raise PermissionDenied(_("The national data-protection officer plans and approves retention runs."))
    run = retention.plan(actor=user)
    messages.info(request, _("What is due today is listed below: nothing changes until it is approved."))
    return redirect(reverse("privacy:retention") + f"#run-{run.pk}")


@require_POST
def retention_approve(request, pk: int):
    user = request.user
    _require_reader(user)
    if not user.scope.is_national_dpo:
        raise PermissionDenied(_("The national data-protection officer plans and approves retention runs."))
    run = get_object_or_404(RetentionRun.objects.defer("plan"), pk=pk)
    try:
        retention.approve(run, actor=user)
    except ValidationError as error:
        messages.error(request, error.messages[0])
        return redirect("privacy:retention")
    with jobs.watch() as watched:
        jobs.enqueue_on_commit(tasks.carry_out_retention, run.pk, user.pk)
    messages.success(request, _("Approved: the plan is being carried out; this page shows what was done."))
    jobs.tell_if_waiting(request, watched)
    return redirect("privacy:retention")

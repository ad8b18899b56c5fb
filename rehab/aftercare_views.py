"""After-care pages: follow-up work lists, the list of every plan, a plan and its follow-ups, recording one,
assigning the agency."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from agreements.access import Work, institutions_reached
from audit.models import AuditEvent
from audit.services import audit_record
from core.forms import apply_service_errors
from core.sorting import Sorting
from institutions.models import Agency, Institution
from rehab import aftercare
from rehab.filters import AftercareFilter
from rehab.forms import AssignForm, FollowUpForm
from rehab.models import AftercarePlan, FollowUp

LISTS = ("overdue", "this-week", "preparing")


def followup_list(request):
    user = request.user
    today = timezone.localdate()
    chosen = request.GET.get("list")
    chosen = chosen if chosen in LISTS else "overdue"
    follow_ups = FollowUp.objects.visible_to(user).select_related(
        "plan__person", "plan__agency", "plan__admission__institution"
    )
    lists = {
        "overdue": follow_ups.overdue(today).order_by("due_on"),
        "this-week": follow_ups.due_within(today).order_by("due_on"),
        "preparing": aftercare.preparing_release(user, today=today),
    }
    page = Paginator(lists[chosen], settings.PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "rehab/followup_list.html",
        {
            "page_obj": page,
            "chosen": chosen,
            # The list shown is counted once, by its pages.
            "counts": {
                name.replace("-", "_"): page.paginator.count if name == chosen else rows.count()
                for name, rows in lists.items()
            },
            "today": today,
        },
    )


# The plan list's sortable columns (core.sorting): by name, release, the agency, the next follow-up due.
SORTABLE = {
    "name": ("person__full_name",),
    "released": ("released_on",),
    "agency": ("agency__name",),
    "due": ("next_due_on",),
}


def aftercare_list(request):
    """Every after-care plan in the user's scope, not only those with a follow-up due: filtered by status,
    UPT and agency, searched by name or register number as the WBP list searches, the latest release first."""
    user = request.user
    today = timezone.localdate()
    visible = AftercarePlan.objects.visible_to(user)
    places = institutions_reached(user, Work.AFTERCARE)
    filterset = AftercareFilter(
        request.GET or None,
        queryset=visible,
        # The choices from the places in scope and the agencies agreed with them, not from the plans
        # themselves: reading a region's plans for their UPT and agencies took 280 ms.
        institutions=places,
        agencies=Agency.objects.filter(agreements__institutions__in=places).distinct().order_by("name"),
    )
    plans = filterset.qs
    sorting = Sorting.from_request(request, SORTABLE)
    plans = sorting.apply(
        plans.select_related("person", "agency", "admission__institution")
        .with_follow_up_counts(today)
        .order_by("-released_on", "-pk")
    )
    page = Paginator(plans, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    # UPT where plans wait for an agency no agreement lets take them over: said in words, with what to do.
    stranded = aftercare.stranded_institution_ids(visible)
    return render(
        request,
        "rehab/aftercare_list.html",
        {
            "form": filterset.form,
            "page_obj": page,
            "sorting": sorting,
            "today": today,
            "stranded_ids": stranded,
            "stranded": Institution.objects.filter(pk__in=stranded).order_by("name") if stranded else [],
            "filtered": any(value for value in getattr(filterset.form, "cleaned_data", {}).values()),
        },
    )


def _visible_plan(user, pk: int) -> AftercarePlan:
    return get_object_or_404(
        AftercarePlan.objects.visible_to(user).select_related("person", "agency", "admission__institution"),
        pk=pk,
    )


def aftercare_detail(request, pk: int):
    user = request.user
    plan = _visible_plan(user, pk)
    may_record = aftercare.may_follow_up(user, plan)
    follow_ups = list(plan.follow_ups.select_related("recorded_by"))
    audit_record(action=AuditEvent.Action.VIEW, actor=user, obj=plan, person_id=plan.person_id)
    return render(
        request,
        "rehab/aftercare_detail.html",
        {
            "plan": plan,
            "follow_ups": follow_ups,
            "readable": aftercare.readable_notes(user, follow_ups),
            "may_record": may_record,
            # Follow-up notes are confidential like session notes: only the agency's counsellors read them.
            "show_notes": aftercare.reads_notes(user, plan),
            "may_assign": user.scope.can_write_at(plan.admission.institution_id),
            # Nobody has taken it over, and no agreement lets anyone: the page says so and what to do.
            "stranded": plan.agency_id is None and not aftercare.assignable_agencies(plan).exists(),
            "today": timezone.localdate(),
        },
    )


@require_http_methods(["GET", "POST"])
def followup_record(request, pk: int):
    user = request.user
    follow_up = get_object_or_404(
        FollowUp.objects.visible_to(user).select_related("plan__person", "plan__admission"), pk=pk
    )
    plan = follow_up.plan
    if not aftercare.may_follow_up(user, plan):
        raise PermissionDenied(
            _("Only the agency that took over or the releasing UPT's staff record follow-ups.")
        )
    if follow_up.done_on or follow_up.cancelled:
        messages.info(request, _("This follow-up has already been recorded or called off."))
        return redirect(plan)
    form = FollowUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            aftercare.follow_up_record(
                by=user,
                follow_up=follow_up,
                done_on=data["done_on"],
                method=data["method"],
                outcome=data["outcome"],
                urine_panel=data["urine_panel"],
                urine_results=form.urine_results(),
                notes=data["notes"],
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The follow-up has been recorded."))
            return redirect(plan)
    return render(request, "rehab/followup_form.html", {"form": form, "follow_up": follow_up, "plan": plan})


@require_http_methods(["GET", "POST"])
def aftercare_assign(request, pk: int):
    user = request.user
    plan = _visible_plan(user, pk)
    if not user.scope.can_write_at(plan.admission.institution_id):
        raise PermissionDenied(_("Only staff of the releasing institution assign the after-care."))
    initial = {
        "agency": plan.agency_id,
        "contact_name": plan.contact_name,
        "contact_phone": plan.contact_phone,
    }
    agencies = aftercare.assignable_agencies(plan)
    form = AssignForm(request.POST or None, agencies=agencies, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            aftercare.plan_assign(by=user, plan=plan, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The after-care plan has been updated."))
            return redirect(plan)
    return render(
        request,
        "rehab/aftercare_assign.html",
        # No agency to choose from: the page says why and what to do (the contact can still be kept).
        {"form": form, "plan": plan, "stranded": not agencies.exists()},
    )

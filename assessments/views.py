"""Screening, assessment and recommendation pages. Reads start from ``visible_to(user)`` (404 outside it);
writes go through one service call, which checks again who may do it (403 for read-only users)."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from agreements.access import Work
from assessments import instruments, services, worklists
from assessments.forms import ApproveForm, AssessmentForm, AssistForm, ItemsForm, RecommendationForm
from assessments.instruments import asi, assist
from assessments.models import Assessment, Recommendation, Screening
from audit.models import AuditEvent
from audit.services import audit_record
from core.forms import apply_service_errors
from inmates.models import Admission, Person
from institutions.paging import capped_page

INSTRUMENT_SLUGS = {
    "assist": Screening.Instrument.ASSIST,
    "dast-10": Screening.Instrument.DAST10,
    "audit": Screening.Instrument.AUDIT,
}


def _person(user, pk: int) -> Person:
    return get_object_or_404(Person.objects.visible_to(user, Work.ASSESSMENT), pk=pk)


def _may_approve(user, person: Person) -> bool:
    holding = Admission.objects.open().filter(person=person).values_list("institution_id", flat=True).first()
    return holding is not None and holding in user.scope.head_institution_ids


@require_http_methods(["GET", "POST"])
def screening_create(request, pk: int, instrument: str):
    user = request.user
    code = INSTRUMENT_SLUGS.get(instrument)
    if code is None:
        raise Http404(_("Unknown screening instrument."))
    person = _person(user, pk)  # out of scope: 404 before any talk of roles
    services.assessable_admission(by=user, person=person)  # read-only users: 403
    data = request.POST or None
    form = AssistForm(data) if code == Screening.Instrument.ASSIST else ItemsForm(data, instrument=code)
    if request.method == "POST" and form.is_valid():
        try:
            screening = services.screening_record(
                by=user,
                person=person,
                instrument=code,
                answers=form.answers(),
                screened_on=form.cleaned_data["screened_on"],
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The screening has been saved."))
            return redirect(screening)
    template = (
        "assessments/screening_assist.html"
        if code == Screening.Instrument.ASSIST
        else "assessments/screening_items.html"
    )
    return render(
        request,
        template,
        {"form": form, "person": person, "instrument": code, "definition": instruments.definition(code)},
    )


def _assist_rows(result, language: str) -> list[dict]:
    """Every substance, those used first; skipped ones show as not used."""
    rows = [
        {
            "label": assist.substance_label(substance, language),
            "used": item.used_ever,
            "score": item.score,
            "risk": item.risk,
            "risk_label": item.band.label.get(language),
            "intervention": item.band.intervention.get(language) if item.used_ever else "",
        }
        for substance, item in result.substances.items()
    ]
    return sorted(rows, key=lambda row: not row["used"])


def screening_detail(request, pk: int):
    user = request.user
    screening = get_object_or_404(
        Screening.objects.visible_to(user).select_related("person", "institution", "screened_by"), pk=pk
    )
    language = get_language() or "id"
    result = screening.result()
    definition = instruments.definition(screening.instrument, screening.version)
    context = {"screening": screening, "result": result, "definition": definition}
    if screening.instrument == Screening.Instrument.ASSIST:
        context["rows"] = _assist_rows(result, language)
    else:
        band = definition.band_for(result.score)
        context["band_label"] = band.label.get(language)
        applied = getattr(result, "intervention_band", band.code)
        intervention = next(b for b in definition.bands if b.code == applied).intervention
        context["intervention"] = intervention.get(language) if intervention else ""
    audit_record(action=AuditEvent.Action.VIEW, actor=user, obj=screening, person_id=screening.person_id)
    context["can_assess"] = screening.risk in Screening.NEEDS_ASSESSMENT and services.may_assess(
        user, screening.person
    )
    return render(request, "assessments/screening_detail.html", context)


@require_http_methods(["GET", "POST"])
def assessment_create(request, pk: int):
    user = request.user
    person = _person(user, pk)
    services.assessable_admission(by=user, person=person)
    latest = Screening.objects.filter(
        person=person, instrument=Screening.Instrument.ASSIST
    ).first()  # shown only
    form = AssessmentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            assessment = services.assessment_record(
                by=user,
                person=person,
                answers=form.answers(),
                domain_notes=form.notes(),
                team=form.cleaned_data["team"],
                assessed_on=form.cleaned_data["assessed_on"],
                summary=form.cleaned_data["summary"],
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(
                request, _("The assessment has been saved. Record the team's recommendation next.")
            )
            return redirect(assessment)
    return render(
        request, "assessments/assessment_form.html", {"form": form, "person": person, "screening": latest}
    )


def assessment_detail(request, pk: int):
    user = request.user
    assessment = get_object_or_404(
        Assessment.objects.visible_to(user).select_related(
            "person", "institution", "interviewer", "screening"
        ),
        pk=pk,
    )
    recommendation = (
        Recommendation.objects.filter(assessment=assessment)
        .select_related("decided_by", "approved_by")
        .first()
    )
    language = get_language() or "id"
    result = assessment.result()
    definition = instruments.definition("ASI", assessment.version)
    domains = [
        {
            "name": asi.domain_label(domain, language),
            "troubled": item.troubled,
            "importance": item.importance,
            "severity": item.severity,
            "band": definition.band_for(item.severity).label.get(language),
            "notes": assessment.domain_notes.get(domain, ""),
        }
        for domain, item in result.domains.items()
    ]
    audit_record(action=AuditEvent.Action.VIEW, actor=user, obj=assessment, person_id=assessment.person_id)
    return render(
        request,
        "assessments/assessment_detail.html",
        {
            "assessment": assessment,
            "domains": domains,
            "recommendation": recommendation,
            "can_recommend": recommendation is None and services.may_assess(user, assessment.person),
            "can_approve": recommendation is not None
            and not recommendation.is_approved
            and _may_approve(user, assessment.person),
        },
    )


@require_http_methods(["GET", "POST"])
def recommendation_create(request, pk: int):
    user = request.user
    assessment = get_object_or_404(Assessment.objects.visible_to(user).select_related("person"), pk=pk)
    services.assessable_admission(by=user, person=assessment.person)
    if Recommendation.objects.filter(assessment=assessment).exists():
        messages.info(request, _("This assessment already has a recommendation."))
        return redirect(assessment)
    form = RecommendationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.recommendation_record(by=user, assessment=assessment, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(
                request, _("The recommendation has been recorded. It now awaits the head's approval.")
            )
            return redirect(assessment)
    return render(request, "assessments/recommendation_form.html", {"form": form, "assessment": assessment})


@require_http_methods(["GET", "POST"])
def recommendation_approve(request, pk: int):
    user = request.user
    recommendation = get_object_or_404(
        Recommendation.objects.visible_to(user).select_related("assessment__person"), pk=pk
    )
    assessment = recommendation.assessment
    if not _may_approve(user, assessment.person):
        raise PermissionDenied(_("Only the head of the institution holding this person can approve."))
    if recommendation.is_approved:
        messages.info(request, _("This recommendation has already been approved."))
        return redirect(assessment)
    form = ApproveForm(request.POST or None)
    if request.method == "GET":  # the page shows the team's reasons: a view of the record
        audit_record(
            action=AuditEvent.Action.VIEW, actor=user, obj=recommendation, person_id=assessment.person_id
        )
    if request.method == "POST" and form.is_valid():
        try:
            services.recommendation_approve(by=user, recommendation=recommendation, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Approved: the person is now on the waiting list."))
            return redirect(assessment)
    return render(
        request,
        "assessments/recommendation_approve.html",
        {"form": form, "recommendation": recommendation, "assessment": assessment},
    )


WORKLISTS = {
    "to-assess": lambda user, today: worklists.to_assess(user),
    "to-rescreen": lambda user, today: worklists.to_rescreen(user, today=today),
    "to-approve": lambda user, today: worklists.to_approve(user),
}
# Long lists, read once up to a cap (institutions.paging): counting the nation's 38,000 people to assess took
# most of the page's time; nobody pages past a thousand, and the page says when more are waiting.
CAPPED = {"to-assess", "to-rescreen"}


def worklist(request):
    user = request.user
    chosen = request.GET.get("list")
    chosen = chosen if chosen in WORKLISTS else "to-assess"
    rows = WORKLISTS[chosen](user, timezone.localdate())
    capped = False
    if chosen in CAPPED:
        page, capped = capped_page(rows, request.GET.get("page"), Screening.objects.select_related("person"))
    else:
        page = Paginator(rows, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    # The list shown is counted once (by its pages); of the others, only the short one (recommendations
    # waiting) is counted too: counting the people to assess takes a good part of a second for the nation.
    counts = {chosen.replace("-", "_"): page.paginator.count}
    if chosen != "to-approve":
        counts["to_approve"] = worklists.to_approve(user).count()
    return render(
        request,
        "assessments/worklist.html",
        {
            "page_obj": page,
            "chosen": chosen,
            "counts": counts,
            "capped": capped,
            "rescreening_days": settings.RESCREENING_INTERVAL_DAYS,
            # The lists hold only people the user works with; read-only officers get no "Assess" button.
            "can_assess": bool(user.scope.staff_institution_ids or user.scope.agency_ids),
        },
    )

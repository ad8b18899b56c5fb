"""Rights requests (UU 27/2022): the list with its deadlines, registering one, moving it on, answering an
access request with the person's data; and the expiring links files are handed over through."""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from audit.models import AuditEvent
from audit.services import audit_record
from core.forms import apply_service_errors
from inmates.models import Person
from institutions.models import Institution
from privacy import services
from privacy.filters import RightsRequestFilter
from privacy.forms import AccessAnswerForm, RightsRequestForm, StepForm
from privacy.models import HandOver, RightsRequest


def _require_reader(user) -> None:
    scope = user.scope
    if not (scope.is_dpo or scope.staff_institution_ids or scope.region_ids or scope.is_national):
        raise PermissionDenied(_("Rights requests are kept by UPT staff and the data-protection officer."))


def registering_institutions(user):
    """Where the user may register a request: their own UPT, or those the data-protection officer watches."""
    scope = user.scope
    if scope.is_national_dpo:
        return Institution.objects.order_by("name")
    return Institution.objects.filter(
        Q(pk__in=scope.staff_institution_ids) | Q(region_id__in=scope.dpo_region_ids)
    ).order_by("name")


def _places_in_view(user):
    scope = user.scope
    if scope.is_national or scope.is_national_dpo:
        return Institution.objects.order_by("name")
    return Institution.objects.filter(
        Q(pk__in=scope.staff_institution_ids) | Q(region_id__in=scope.region_ids | scope.dpo_region_ids)
    ).order_by("name")


@require_GET
def request_list(request):
    user = request.user
    _require_reader(user)
    now = timezone.now()
    filterset = RightsRequestFilter(
        request.GET or None,
        queryset=RightsRequest.objects.visible_to(user),
        institutions=_places_in_view(user),
    )
    rows = filterset.qs.select_related("person", "institution__region").order_by("due_at", "pk")
    page = Paginator(rows, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    for row in page.object_list:
        row.overdue = row.is_overdue(now)
    return render(
        request,
        "privacy/request_list.html",
        {
            "form": filterset.form,
            "page_obj": page,
            "may_register": registering_institutions(user).exists(),
            "filtered": bool({key for key, value in request.GET.items() if value} - {"page"}),
        },
    )


@require_http_methods(["GET", "POST"])
def request_create(request):
    user = request.user
    institutions = registering_institutions(user)
    if not institutions.exists():
        raise PermissionDenied(_("Only UPT staff and the data-protection officer register rights requests."))
    first = institutions.first()
    form = RightsRequestForm(
        request.POST or None,
        institutions=institutions,
        initial=RightsRequestForm.initial_now(first.time_zone),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            created = services.register_request(
                actor=user,
                person=Person.objects.get(pk=data["person_id"]),
                institution=data["institution"],
                kind=data["kind"],
                received_at=data["received_at"],
                requested_by=data["requested_by"],
                identity_check=data["identity_check"],
                identity_details=data["identity_details"],
                details=data["details"],
            )
        except ValidationError as error:
            if hasattr(error, "error_dict") and "received_at" in error.error_dict:
                error.error_dict["received_on"] = error.error_dict.pop("received_at")
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The request is registered: it must be answered within 3×24 hours."))
            return redirect(created)
    return render(request, "privacy/request_form.html", {"form": form})


def _visible_request(user, pk: int) -> RightsRequest:
    return get_object_or_404(
        RightsRequest.objects.visible_to(user).select_related(
            "person", "institution__region", "registered_by"
        ),
        pk=pk,
    )


def _powers(user, pk: int) -> tuple[bool, bool]:
    """(may record a step, may answer or refuse) on the request: asked once per request."""
    return (
        RightsRequest.objects.workable_by(user).filter(pk=pk).exists(),
        RightsRequest.objects.answerable_by(user).filter(pk=pk).exists(),
    )


def _detail(request, rights_request: RightsRequest, powers, *, step_form=None, answer_form=None, status=200):
    user = request.user
    workable, answerable = powers
    open_ = rights_request.is_open
    if step_form is None and workable and open_:
        step_form = StepForm(may_close=answerable)
    if answer_form is None and answerable and open_ and rights_request.kind == RightsRequest.Kind.ACCESS:
        answer_form = AccessAnswerForm(initial={"recipient": rights_request.requested_by})
    now = timezone.now()
    correct_url = None
    if (
        open_
        and rights_request.kind == RightsRequest.Kind.CORRECTION
        and Person.objects.editable_by(user).filter(pk=rights_request.person_id).exists()
    ):
        query = urlencode({"rights_request": rights_request.pk, "next": rights_request.get_absolute_url()})
        correct_url = reverse("inmates:person-edit", args=[rights_request.person_id]) + "?" + query
    hand_overs = list(HandOver.objects.visible_to(user).filter(rights_request=rights_request))
    for record in hand_overs:
        record.live = record.is_live(now)
    return render(
        request,
        "privacy/request_detail.html",
        {
            "rights_request": rights_request,
            "overdue": rights_request.is_overdue(now),
            "steps": rights_request.steps.select_related("by"),
            "decisions": rights_request.decisions.select_related("decided_by"),
            "hand_overs": hand_overs,
            "step_form": step_form if workable and open_ else None,
            "answer_form": answer_form if answerable and open_ else None,
            "time_zone": rights_request.institution.time_zone,
            "correct_url": correct_url,
        },
        status=status,
    )


@require_GET
def request_detail(request, pk: int):
    rights_request = _visible_request(request.user, pk)
    audit_record(
        action=AuditEvent.Action.VIEW,
        actor=request.user,
        obj=rights_request,
        person_id=rights_request.person_id,
    )
    return _detail(request, rights_request, _powers(request.user, rights_request.pk))


@require_POST
def request_step(request, pk: int):
    user = request.user
    rights_request = _visible_request(user, pk)
    workable, answerable = powers = _powers(user, pk)
    if not workable:
        raise PermissionDenied(_("Only staff of the UPT and the data-protection officer move a request on."))
    if not rights_request.is_open:
        messages.error(request, _("This request is closed: nothing was changed."))
        return redirect(rights_request)
    form = StepForm(request.POST, may_close=answerable)
    if form.is_valid():
        try:
            services.record_step(rights_request, actor=user, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The request's status is recorded."))
            return redirect(rights_request)
    return _detail(request, rights_request, powers, step_form=form, status=400)


@require_POST
def request_answer(request, pk: int):
    user = request.user
    rights_request = _visible_request(user, pk)
    powers = _powers(user, pk)
    if not powers[1]:
        raise PermissionDenied(
            _("Only the data-protection officer answers a request with the person's data.")
        )
    if not rights_request.is_open:
        messages.error(request, _("This request is closed: nothing was changed."))
        return redirect(rights_request)
    form = AccessAnswerForm(request.POST)
    if form.is_valid():
        try:
            services.answer_access(rights_request, actor=user, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(
                request,
                _("The copy of the data is ready: download both files within 24 hours and hand them over."),
            )
            return redirect(rights_request)
    return _detail(request, rights_request, powers, answer_form=form, status=400)


@require_GET
def hand_over_download(request, token: str):
    user = request.user
    record = get_object_or_404(
        HandOver.objects.visible_to(user).select_related("rights_request"), token=token[:64]
    )
    if not record.is_live():
        return render(request, "privacy/hand_over_expired.html", {"record": record}, status=410)
    try:
        handle = record.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404(_("The file is missing. Produce it again.")) from exc
    services.downloaded(record, actor=user)
    return FileResponse(
        handle, as_attachment=True, filename=record.filename, content_type=record.content_type
    )

"""Agreement pages. Reads start from ``Agreement.objects.visible_to(user)``; writes are one service call."""

from __future__ import annotations

import copy
import datetime as dt

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_GET, require_http_methods

from agreements import services
from agreements.filters import AgreementFilter
from agreements.forms import (
    AgreementForm,
    TerminateForm,
    renewal_initial,
    signatory_formset,
)
from agreements.models import EXPIRING_WITHIN_DAYS, Agreement, AgreementEvent, AgreementScope
from audit.models import AuditEvent
from audit.services import audit_record
from core.forms import apply_service_errors
from core.sorting import Sorting
from institutions.models import Agency, Institution, Region


def _visible_agreement(user, pk: int) -> Agreement:
    return get_object_or_404(Agreement.objects.visible_to(user), pk=pk)


def _editable_agreement(user, pk: int) -> Agreement:
    """Out of scope answers 404; in scope but not the user's to change answers 403."""
    agreement = _visible_agreement(user, pk)
    if not Agreement.objects.editable_by(user).filter(pk=agreement.pk).exists():
        raise PermissionDenied(_("Only officers of the region or staff of the institutions can change this."))
    return agreement


def _require_signer(user):
    institutions = services.signable_institutions(user)
    if not (user.scope.is_national or user.scope.region_ids or user.scope.staff_institution_ids):
        raise PermissionDenied(_("Only regional or national officers and UPT staff can register agreements."))
    return institutions


def _with_parties(queryset):
    return queryset.prefetch_related(
        Prefetch("institutions", queryset=Institution.objects.select_related("region").order_by("name")),
        Prefetch("agencies", queryset=Agency.objects.order_by("name")),
        Prefetch("scope_items", queryset=AgreementScope.objects.order_by("scope")),
    )


# The list's sortable columns (core.sorting): the number, and when it starts or ends being in force.
SORTABLE = {"number": ("number",), "from": ("valid_from",), "until": ("valid_until",)}


def agreement_list(request):
    user = request.user
    today = timezone.localdate()
    visible = Agreement.objects.visible_to(user)
    filterset = AgreementFilter(
        request.GET or None,
        queryset=visible.with_status(today),
        regions=Region.objects.visible_to(user).order_by("name"),
        institutions=Institution.objects.filter(agreements__in=visible).distinct().order_by("name"),
        agencies=Agency.objects.filter(agreements__in=visible).distinct().order_by("name"),
    )
    agreements = filterset.qs
    sorting = Sorting.from_request(request, SORTABLE)
    agreements = sorting.apply(agreements.order_by("-valid_from", "number"))
    page = Paginator(_with_parties(agreements), settings.PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "agreements/agreement_list.html",
        {
            "form": filterset.form,
            "page_obj": page,
            "today": today,
            "sorting": sorting,
            "can_register": user.scope.is_national
            or bool(user.scope.region_ids or user.scope.staff_institution_ids),
            "filtered": any(value for value in getattr(filterset.form, "cleaned_data", {}).values()),
        },
    )


EXTRA_FIELD_LABELS = {"scopes": _lazy("scope"), "signatories": _lazy("signatories")}


def _field_labels(names: list[str]) -> list[str]:
    labels = []
    for name in names:
        if name in EXTRA_FIELD_LABELS:
            labels.append(str(EXTRA_FIELD_LABELS[name]))
        else:
            try:
                labels.append(str(Agreement._meta.get_field(name).verbose_name))
            except FieldDoesNotExist:
                continue  # a form-only field such as the change note
    return labels


def _history(agreement: Agreement, events: list[AgreementEvent], today: dt.date) -> list[dict]:
    """The recorded events and the milestones the dates imply, newest first."""
    entries = [
        {
            "day": timezone.localtime(event.at).date(),
            "at": event.at,
            "event": event,
            "changed": _field_labels(event.details.get("fields", [])),
        }
        for event in events
    ]
    if agreement.signed_on:
        entries.append({"day": agreement.signed_on, "label": _("Signed")})
        entries.append({"day": agreement.valid_from, "label": _("In force")})
        if agreement.ends_on:
            ended = agreement.ends_on < today
            if agreement.terminated_on and agreement.terminated_on == agreement.ends_on:
                label = _("Last day in force (terminated)")
            else:
                label = _("Last day in force")
            entries.append({"day": agreement.ends_on, "label": label, "future": not ended})
            expiring_from = agreement.ends_on - dt.timedelta(days=EXPIRING_WITHIN_DAYS)
            if agreement.valid_from < expiring_from:
                entries.append(
                    {"day": expiring_from, "label": _("Expiring"), "future": expiring_from > today}
                )
    for entry in entries:
        entry.setdefault("future", entry["day"] > today)
    return sorted(entries, key=lambda entry: entry["day"], reverse=True)


def agreement_detail(request, pk: int):
    user = request.user
    today = timezone.localdate()
    agreement = get_object_or_404(
        _with_parties(Agreement.objects.visible_to(user)).select_related("replaces", "created_by"), pk=pk
    )
    events = list(agreement.events.select_related("by"))
    renewal = Agreement.objects.visible_to(user).filter(replaces=agreement).first()
    editable = Agreement.objects.editable_by(user).filter(pk=agreement.pk).exists()
    return render(
        request,
        "agreements/agreement_detail.html",
        {
            "agreement": agreement,
            "status": agreement.status_on(today),
            "days_left": agreement.days_left_on(today),
            "signatories": agreement.signatories.all(),
            "history": _history(agreement, events, today),
            "replaces": agreement.replaces
            if agreement.replaces_id
            and Agreement.objects.visible_to(user).filter(pk=agreement.replaces_id).exists()
            else None,
            "renewal": renewal,
            "can_edit": editable,
            "can_terminate": editable
            and agreement.terminated_on is None
            and agreement.status_on(today) not in (Agreement.Status.DRAFT, Agreement.Status.EXPIRED),
            "can_renew": editable and renewal is None,
        },
    )


def _signatories(formset) -> list[dict]:
    return [form.signatory for form in formset.forms if form.signatory]


def _uploaded_name(form) -> str:
    upload = form.cleaned_data.get("document")
    return getattr(upload, "name", "")[:255] if upload and hasattr(upload, "content_type") else ""


def _register(request, *, replaces: Agreement | None):
    user = request.user
    institutions = _require_signer(user)
    initial = renewal_initial(replaces) if replaces else None
    form = AgreementForm(
        request.POST or None, request.FILES or None, institutions=institutions, initial=initial
    )
    formset = signatory_formset(request.POST or None, agreement=replaces)
    if request.method == "POST" and form.is_valid() & formset.is_valid():
        try:
            agreement = services.agreement_register(
                by=user,
                agreement=form.save(commit=False),
                institutions=form.cleaned_data["institutions"],
                agencies=form.cleaned_data["agencies"],
                scopes=form.cleaned_data["scopes"],
                signatories=_signatories(formset),
                document_name=_uploaded_name(form),
                replaces=replaces,
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(
                request, _("The agreement %(number)s has been registered.") % {"number": agreement.number}
            )
            return redirect(agreement)
    return render(
        request,
        "agreements/agreement_form.html",
        {"form": form, "formset": formset, "replaces": replaces, "creating": True},
    )


@require_http_methods(["GET", "POST"])
def agreement_create(request):
    return _register(request, replaces=None)


@require_http_methods(["GET", "POST"])
def agreement_renew(request, pk: int):
    agreement = _editable_agreement(request.user, pk)
    if Agreement.objects.filter(replaces=agreement).exists():
        messages.info(request, _("This agreement has already been renewed."))
        return redirect(agreement)
    return _register(request, replaces=agreement)


@require_http_methods(["GET", "POST"])
def agreement_edit(request, pk: int):
    user = request.user
    agreement = _editable_agreement(user, pk)
    form = AgreementForm(
        request.POST or None,
        request.FILES or None,
        # A copy: validation writes the typed values onto the instance, and the page's heading and
        # breadcrumb must keep showing the agreement as it is saved.
        instance=copy.copy(agreement),
        institutions=services.signable_institutions(user),
        amending=True,
    )
    formset = signatory_formset(request.POST or None, agreement=agreement)
    if request.method == "POST" and form.is_valid() & formset.is_valid():
        try:
            agreement = services.agreement_amend(
                by=user,
                agreement=form.save(commit=False),
                changed=form.changed_data + (["signatories"] if formset.has_changed() else []),
                institutions=form.cleaned_data["institutions"],
                agencies=form.cleaned_data["agencies"],
                scopes=form.cleaned_data["scopes"],
                signatories=_signatories(formset),
                document_name=_uploaded_name(form),
                note=form.cleaned_data.get("change_note", ""),
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The agreement has been updated."))
            return redirect(agreement)
    return render(
        request, "agreements/agreement_form.html", {"form": form, "formset": formset, "agreement": agreement}
    )


@require_http_methods(["GET", "POST"])
def agreement_terminate(request, pk: int):
    user = request.user
    agreement = _editable_agreement(user, pk)
    if agreement.terminated_on is not None:
        messages.info(request, _("This agreement has already been terminated."))
        return redirect(agreement)
    form = TerminateForm(request.POST or None, initial={"last_day": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            services.agreement_terminate(by=user, agreement=agreement, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The agreement has been terminated."))
            return redirect(agreement)
    return render(request, "agreements/agreement_terminate.html", {"form": form, "agreement": agreement})


def _download_name(agreement: Agreement) -> str:
    """The name the user uploaded, always ending in .pdf: the content was checked to be a PDF."""
    stem = agreement.document_name.rsplit(".", 1)[0] if agreement.document_name else ""
    return f"{stem or agreement.number}.pdf"


@require_GET
def agreement_document(request, pk: int):
    user = request.user
    agreement = _visible_agreement(user, pk)
    if not agreement.document:
        raise Http404(_("No document has been uploaded for this agreement."))
    try:
        handle = agreement.document.open("rb")
    except FileNotFoundError as exc:
        raise Http404(_("The document file is missing. Ask an administrator to restore it.")) from exc
    audit_record(
        action=AuditEvent.Action.DOWNLOAD,
        actor=user,
        obj=agreement,
        details={"file": agreement.document_name},
    )
    return FileResponse(
        handle,
        as_attachment=True,
        filename=_download_name(agreement),
        content_type="application/pdf",
    )

"""The legal-basis page of an enrolment or an after-care plan: what it rests on, the signed consent form,
and withdrawing consent."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from audit.models import AuditEvent
from audit.services import audit_record
from core.forms import apply_service_errors
from privacy import consent
from privacy.forms import LegalBasisForm, WithdrawalForm
from privacy.models import RightsRequest


def _record(user, kind: str, pk: int):
    model = consent.KINDS.get(kind)
    if model is None:
        raise Http404
    return get_object_or_404(consent.records(model, user), pk=pk)


def _open_withdrawal_requests(record, user):
    """The person's open withdrawal requests the user may move on (a request outside their scope is not
    theirs to answer)."""
    return (
        RightsRequest.objects.workable_by(user)
        .open()
        .filter(person_id=record.person_id, kind=RightsRequest.Kind.CONSENT_WITHDRAWAL)
    )


def _bound(form) -> bool:
    return form is not None and form.is_bound


def _page(request, kind, record, *, basis_form=None, withdrawal_form=None, status=200):
    may = consent.may_record(request.user, record)
    if basis_form is None and may and not record.consent_withdrawn:
        basis_form = LegalBasisForm(
            initial={
                "legal_basis": record.legal_basis or None,
                "legal_basis_detail": record.legal_basis_detail,
                "consent_on": record.consent_on,
                "consent_witness": record.consent_witness,
            }
        )
    if withdrawal_form is None and may and record.rests_on_consent and not record.consent_withdrawn:
        requests = _open_withdrawal_requests(record, request.user)
        withdrawal_form = WithdrawalForm(
            initial={"on": timezone.localdate(), "rights_request": requests.first()}, requests=requests
        )
    return render(
        request,
        "privacy/consent.html",
        {
            "kind": kind,
            "record": record,
            "institution": consent.institution_of(record),
            # A form sent back with its errors is shown, whatever the record's state now.
            "basis_form": basis_form
            if _bound(basis_form) or (may and not record.consent_withdrawn)
            else None,
            "withdrawal_form": withdrawal_form
            if _bound(withdrawal_form) or (may and record.rests_on_consent and not record.consent_withdrawn)
            else None,
            "back": record.programme.get_absolute_url() if kind == "peserta" else record.get_absolute_url(),
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
def legal_basis(request, kind: str, pk: int):
    user = request.user
    record = _record(user, kind, pk)
    if request.method == "GET":
        audit_record(action=AuditEvent.Action.VIEW, actor=user, obj=record, person_id=record.person_id)
        return _page(request, kind, record)
    if not consent.may_record(user, record):
        raise PermissionDenied(_("Only staff of the UPT, the counsellors in charge and the DPO record this."))
    form = LegalBasisForm(request.POST, request.FILES)
    if form.is_valid():
        data = form.cleaned_data
        try:
            consent.record_basis(
                record,
                actor=user,
                legal_basis=data["legal_basis"],
                detail=data["legal_basis_detail"],
                consent_on=data["consent_on"],
                witness=data["consent_witness"],
                form_file=data["consent_form"],
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The legal basis is recorded."))
            return redirect(reverse("privacy:consent", args=[kind, record.pk]))
    return _page(request, kind, record, basis_form=form, status=400)


@require_POST
def withdraw(request, kind: str, pk: int):
    user = request.user
    record = _record(user, kind, pk)
    if not consent.may_record(user, record):
        raise PermissionDenied(_("Only staff of the UPT, the counsellors in charge and the DPO record this."))
    form = WithdrawalForm(request.POST, requests=_open_withdrawal_requests(record, user))
    if form.is_valid():
        try:
            notices = consent.withdraw(
                record,
                actor=user,
                on=form.cleaned_data["on"],
                rights_request=form.cleaned_data["rights_request"],
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Consent withdrawn: what rested on it has stopped."))
            for notice in notices:
                messages.info(request, notice)
            return redirect(reverse("privacy:consent", args=[kind, record.pk]))
    return _page(request, kind, record, withdrawal_form=form, status=400)


@require_GET
def consent_form(request, kind: str, pk: int):
    user = request.user
    record = _record(user, kind, pk)
    if not record.consent_form:
        raise Http404(_("No signed consent form has been uploaded."))
    try:
        handle = record.consent_form.open("rb")
    except FileNotFoundError as exc:
        raise Http404(_("The file is missing. Upload the signed form again.")) from exc
    audit_record(
        action=AuditEvent.Action.DOWNLOAD,
        actor=user,
        obj=record,
        person_id=record.person_id,
        details={"file": "consent form"},
    )
    return FileResponse(
        handle,
        as_attachment=True,
        filename=f"persetujuan-{kind}-{record.pk}.pdf",
        content_type="application/pdf",
    )

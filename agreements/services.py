"""Writes to agreements: register, amend, terminate, renew. Each is one transaction with a history row and
an audit event."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from agreements.models import Agreement, AgreementEvent, AgreementScope, Signatory
from audit.models import AuditEvent
from audit.services import audit_record
from institutions.models import Institution


def signable_institutions(user):
    """UPTs the user may register agreements for: national all, regional their region's, staff theirs."""
    scope = user.scope
    if scope.is_national:
        return Institution.objects.all()
    return Institution.objects.filter(
        Q(pk__in=scope.staff_institution_ids) | Q(region_id__in=scope.region_ids)
    )


def _check_parties(*, by, institutions: Iterable[Institution]) -> None:
    allowed = set(signable_institutions(by).values_list("pk", flat=True))
    if any(institution.pk not in allowed for institution in institutions):
        raise PermissionDenied(_("You can only register agreements for institutions in your scope."))


def _check_dates(agreement: Agreement) -> None:
    errors = {}
    if agreement.signed_on and agreement.signed_on > timezone.localdate():
        errors["signed_on"] = _("The signing date cannot be in the future.")
    if agreement.valid_until and agreement.valid_until < agreement.valid_from:
        errors["valid_until"] = _("The validity cannot end before it starts.")
    if errors:
        raise ValidationError(errors)


def _save_parts(
    agreement: Agreement,
    *,
    institutions: Iterable[Institution],
    agencies: Iterable,
    scopes: Iterable[str],
    signatories: Iterable[dict],
) -> None:
    institutions, agencies, scopes = list(institutions), list(agencies), sorted(set(scopes))
    errors = {}
    if not institutions:
        errors["institutions"] = _("Choose at least one institution (UPT) that is a party.")
    if not agencies:
        errors["agencies"] = _("Choose at least one partner agency that is a party.")
    if not scopes:
        errors["scopes"] = _("Choose at least one kind of work the agreement covers.")
    if errors:
        raise ValidationError(errors)
    agreement.institutions.set(institutions)
    agreement.agencies.set(agencies)
    agreement.scope_items.exclude(scope__in=scopes).delete()
    existing = set(agreement.scope_items.values_list("scope", flat=True))
    AgreementScope.objects.bulk_create(
        AgreementScope(agreement=agreement, scope=scope) for scope in scopes if scope not in existing
    )
    agreement.signatories.all().delete()
    Signatory.objects.bulk_create(Signatory(agreement=agreement, **signatory) for signatory in signatories)


def _record_document(agreement: Agreement, *, by, document_name: str) -> None:
    AgreementEvent.objects.create(
        agreement=agreement,
        kind=AgreementEvent.Kind.DOCUMENT,
        by=by,
        note=document_name,
        # The stored file's own name: a replaced document stays on disk and can be found from here.
        details={"file": agreement.document.name},
    )


@transaction.atomic
def agreement_register(
    *,
    by,
    agreement: Agreement,
    institutions: Iterable[Institution],
    agencies: Iterable,
    scopes: Iterable[str],
    signatories: Iterable[dict] = (),
    document_name: str = "",
    replaces: Agreement | None = None,
) -> Agreement:
    """Register a new agreement, or (with `replaces`) the renewal of an existing one."""
    institutions = list(institutions)
    _check_parties(by=by, institutions=institutions)
    _check_dates(agreement)
    if replaces is not None:
        replaces = Agreement.objects.select_for_update().get(pk=replaces.pk)
        if Agreement.objects.filter(replaces=replaces).exists():
            raise ValidationError(_("This agreement has already been renewed."))
        if agreement.valid_from <= replaces.valid_from:
            raise ValidationError({"valid_from": _("A renewal must start after the agreement it renews.")})
        agreement.replaces = replaces
    agreement.created_by = by
    if agreement.document:
        agreement.document_name = document_name
    agreement.full_clean(exclude=["institutions", "agencies", "document"])
    agreement.save()
    _save_parts(
        agreement, institutions=institutions, agencies=agencies, scopes=scopes, signatories=signatories
    )
    AgreementEvent.objects.create(agreement=agreement, kind=AgreementEvent.Kind.REGISTERED, by=by)
    if agreement.document:
        _record_document(agreement, by=by, document_name=document_name)
    if replaces is not None:
        AgreementEvent.objects.create(
            agreement=replaces,
            kind=AgreementEvent.Kind.RENEWED,
            by=by,
            details={"renewed_by": agreement.pk, "number": agreement.number},
        )
    audit_record(action=AuditEvent.Action.CREATE, actor=by, obj=agreement)
    return agreement


@transaction.atomic
def agreement_amend(
    *,
    by,
    agreement: Agreement,
    changed: list[str],
    institutions: Iterable[Institution],
    agencies: Iterable,
    scopes: Iterable[str],
    signatories: Iterable[dict],
    document_name: str = "",
    note: str = "",
) -> Agreement:
    """Save corrections or a signed amendment (addendum). `changed` names the fields the user changed."""
    locked = Agreement.objects.select_for_update().get(pk=agreement.pk)
    institutions = list(institutions)
    _check_parties(by=by, institutions=[*locked.institutions.all(), *institutions])
    _check_dates(agreement)
    if locked.terminated_on and agreement.valid_until and locked.terminated_on > agreement.valid_until:
        raise ValidationError(
            {
                "valid_until": _("The agreement was terminated with a later last day (%(day)s).")
                % {"day": locked.terminated_on.strftime("%d-%m-%Y")}
            }
        )
    new_document = "document" in changed and bool(agreement.document)
    if new_document:
        agreement.document_name = document_name
    agreement.full_clean(exclude=["institutions", "agencies", "document"])
    agreement.save()
    _save_parts(
        agreement, institutions=institutions, agencies=agencies, scopes=scopes, signatories=signatories
    )
    AgreementEvent.objects.create(
        agreement=agreement,
        kind=AgreementEvent.Kind.AMENDED,
        by=by,
        note=note,
        details={"fields": [field for field in changed if field != "document"]},
    )
    if new_document:
        _record_document(agreement, by=by, document_name=document_name)
    audit_record(
        action=AuditEvent.Action.CHANGE, actor=by, obj=agreement, details={"fields": sorted(changed)}
    )
    return agreement


@transaction.atomic
def agreement_terminate(*, by, agreement: Agreement, last_day: dt.date, reason: str) -> Agreement:
    """End an agreement early. `last_day` is the last day it is in force; access ends the day after."""
    agreement = Agreement.objects.select_for_update().get(pk=agreement.pk)
    _check_parties(by=by, institutions=agreement.institutions.all())
    if agreement.terminated_on is not None:
        raise ValidationError(_("This agreement has already been terminated."))
    if agreement.signed_on is None:
        raise ValidationError(_("A draft has not been signed, so it cannot be terminated. Amend it instead."))
    if agreement.valid_until is not None and agreement.valid_until < timezone.localdate():
        raise ValidationError(_("This agreement has already expired."))
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for the termination.")})
    if agreement.valid_until is not None and last_day >= agreement.valid_until:
        raise ValidationError(
            {
                "last_day": _("The agreement already ends on %(day)s; an early end must be before that.")
                % {"day": agreement.valid_until.strftime("%d-%m-%Y")}
            }
        )
    if agreement.signed_on is not None and last_day < agreement.signed_on:
        raise ValidationError({"last_day": _("The last day cannot be before the agreement was signed.")})
    agreement.terminated_on = last_day
    agreement.termination_reason = reason.strip()
    agreement.save(update_fields=["terminated_on", "termination_reason"])
    AgreementEvent.objects.create(
        agreement=agreement,
        kind=AgreementEvent.Kind.TERMINATED,
        by=by,
        note=agreement.termination_reason,
        details={"last_day": last_day.isoformat()},
    )
    audit_record(
        action=AuditEvent.Action.CHANGE,
        actor=by,
        obj=agreement,
        details={"terminated_on": last_day.isoformat()},
    )
    return agreement

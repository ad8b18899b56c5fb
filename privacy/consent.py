"""The legal basis of an enrolment or an after-care plan (rehab.consent), and withdrawing consent: who may
record them, and what a withdrawal stops (the person leaves future sessions, follow-ups due are called off;
what happened before stays), each step audited."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from audit.models import AuditEvent
from audit.services import audit_record
from privacy import services
from privacy.models import RightsRequest
from rehab import aftercare
from rehab import services as rehab_services
from rehab.consent import LegalBasis
from rehab.models import AftercarePlan, Enrolment, Programme

KINDS = {"peserta": Enrolment, "pascarehab": AftercarePlan}  # the URL's word → the model


def institution_of(record):
    if isinstance(record, Enrolment):
        return record.programme.institution
    return record.admission.institution


def records(model, user):
    """The enrolments or plans whose legal basis `user` may read: those they see as users of the records,
    and, for a data-protection officer, those at the UPT of their scope."""
    scope = user.scope
    if model is Enrolment:
        base = Enrolment.objects.select_related("programme__institution__region", "person")
        seen = Q(programme__in=Programme.objects.visible_to(user).values("pk")) | Q(
            programme__institution__region_id__in=scope.dpo_region_ids
        )
    else:
        base = AftercarePlan.objects.select_related("admission__institution__region", "person", "agency")
        seen = Q(admission__institution__region_id__in=scope.dpo_region_ids) | Q(
            pk__in=AftercarePlan.objects.visible_to(user).values("pk")
        )
    if scope.is_national or scope.is_national_dpo:
        return base
    return base.filter(seen)


def may_record(user, record) -> bool:
    """Staff of the UPT, the counsellors who run the programme or follow the person up, and the DPO."""
    scope = user.scope
    institution = institution_of(record)
    if scope.is_national_dpo or institution.region_id in scope.dpo_region_ids:
        return True
    if isinstance(record, Enrolment):
        return rehab_services.may_run(user, record.programme)
    return aftercare.may_follow_up(user, record)


def _check_day(day: dt.date | None, field: str, *, not_before: dt.date | None = None) -> None:
    today = timezone.localdate()
    if day is None:
        raise ValidationError({field: _("Give the date.")})
    if day > today:
        raise ValidationError({field: _("This date is in the future.")})
    if not_before and day < not_before:
        raise ValidationError(
            {field: _("This date is before %(day)s.") % {"day": date_format(not_before, "j F Y")}}
        )


def record_basis(
    record,
    *,
    actor,
    legal_basis: str,
    detail: str = "",
    consent_on: dt.date | None = None,
    witness: str = "",
    form_file=None,
) -> None:
    """State what the enrolment or plan rests on. Consent: the date, the witness and the signed form (a PDF,
    checked by the form); otherwise the law or decision it rests on."""
    if record.consent_withdrawn:
        raise ValidationError(
            _("Consent was withdrawn on %(day)s: a new consent means a new enrolment or plan.")
            % {"day": date_format(record.consent_withdrawn_on, "j F Y")}
        )
    if legal_basis not in LegalBasis.values or legal_basis == LegalBasis.NOT_RECORDED:
        raise ValidationError({"legal_basis": _("Choose what this rests on.")})
    detail, witness = detail.strip(), witness.strip()
    if legal_basis == LegalBasis.CONSENT:
        _check_day(consent_on, "consent_on")
        if not witness:
            raise ValidationError({"consent_witness": _("Say who witnessed the consent.")})
        if form_file is None and not record.consent_form:
            raise ValidationError({"consent_form": _("Upload the signed consent form (PDF).")})
    else:
        if not detail:
            raise ValidationError(
                {"legal_basis_detail": _("Name the law, court decision or duty this rests on.")}
            )
        consent_on, witness = None, ""
    with transaction.atomic():
        previous = record.legal_basis
        record.legal_basis, record.legal_basis_detail = legal_basis, detail
        record.consent_on, record.consent_witness = consent_on, witness
        if legal_basis == LegalBasis.CONSENT and form_file is not None:
            if record.consent_form:
                record.consent_form.delete(save=False)  # the form it replaces is not kept beside it
            record.consent_form.save(f"{record.pk}.pdf", form_file, save=False)
        record.save(
            update_fields=[
                "legal_basis",
                "legal_basis_detail",
                "consent_on",
                "consent_witness",
                "consent_form",
            ]
        )
        audit_record(
            action=AuditEvent.Action.CHANGE,
            actor=actor,
            obj=record,
            person_id=record.person_id,
            details={"legal_basis": [previous, legal_basis], "form_uploaded": form_file is not None},
        )


def withdraw(record, *, actor, on: dt.date, rights_request: RightsRequest | None = None) -> list[str]:
    """Consent withdrawn on `on`: what rests on it stops (privacy by the rules above); returns notices."""
    if not record.rests_on_consent:
        raise ValidationError(_("This does not rest on consent: there is no consent to withdraw."))
    if record.consent_withdrawn:
        raise ValidationError(_("Consent was withdrawn already."))
    _check_day(on, "on", not_before=record.consent_on)
    with transaction.atomic():
        record.consent_withdrawn_on, record.consent_withdrawn_by = on, actor
        record.save(update_fields=["consent_withdrawn_on", "consent_withdrawn_by"])
        if isinstance(record, Enrolment):
            notices = rehab_services.enrolment_consent_withdrawn(by=actor, enrolment=record, on=on)
            notices.insert(
                0, _("The person has left the programme and is off the roster of sessions to come.")
            )
        else:
            called_off = aftercare.consent_withdrawn(by=actor, plan=record)
            notices = [_("%(count)s follow-up(s) still due were called off.") % {"count": called_off}]
        audit_record(
            action=AuditEvent.Action.CHANGE,
            actor=actor,
            obj=record,
            person_id=record.person_id,
            details={
                "consent_withdrawn_on": on.isoformat(),
                "rights_request": getattr(rights_request, "pk", None),
            },
        )
        answerable = (
            rights_request is not None
            and rights_request.is_open
            and rights_request.person_id == record.person_id
            and rights_request.kind == RightsRequest.Kind.CONSENT_WITHDRAWAL
            and RightsRequest.objects.workable_by(actor).filter(pk=rights_request.pk).exists()
        )
        if answerable:
            services.record_step(
                rights_request,
                actor=actor,
                status=RightsRequest.Status.ANSWERED,
                note=_("Consent withdrawn on %(day)s: %(what)s.")
                % {"day": date_format(on, "j F Y"), "what": str(record)},
            )
    return notices

"""The legal basis a programme enrolment or an after-care plan rests on (UU 27/2022 Art. 20): consent —
with its date, witness and the signed form — or a duty of law. Withdrawing consent stops the processing that
rests on it (privacy.consent): the person leaves future sessions, follow-ups stop, history stays."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from agreements.storage import private_storage


class LegalBasis(models.TextChoices):
    # Rows from before the duty was recorded; every new or edited one states its basis.
    NOT_RECORDED = "", _("Not recorded yet")
    # UU 27/2022 Art. 20(2)(a): explicit, lawful consent, for a stated purpose.
    CONSENT = "consent", _("Consent of the person")
    # Art. 20(2)(c): a legal obligation, e.g. rehabilitation ordered under UU 35/2009 Art. 54 and 103, or a
    # court's decision (stated in the detail).
    LEGAL_OBLIGATION = "legal_obligation", _("A legal obligation (law or court decision)")
    # Art. 20(2)(e): a task in the public interest or of public authority (the correctional service's own
    # rehabilitation duty).
    PUBLIC_TASK = "public_task", _("A public task of the correctional service")
    # Art. 20(2)(d): the person's vital interests (medical emergency, e.g. withdrawal treatment).
    VITAL_INTEREST = "vital_interest", _("The person's vital interests (medical emergency)")


def _consent_form_path(instance, filename: str) -> str:
    return f"consent/{instance._meta.model_name}/{instance.pk or 'new'}.pdf"


class ConsentRecord(models.Model):
    """Fields shared by what rests on a legal basis: an enrolment, an after-care plan."""

    legal_basis = models.CharField(
        _("legal basis"), max_length=20, choices=LegalBasis.choices, blank=True, default="", db_default=""
    )
    legal_basis_detail = models.CharField(
        _("legal basis detail"),
        max_length=300,
        blank=True,
        db_default="",
        help_text=_("The law, court decision or duty it rests on, e.g. a court decision's number."),
    )
    consent_on = models.DateField(_("consent given on"), null=True, blank=True)
    consent_witness = models.CharField(_("consent witnessed by"), max_length=160, blank=True, db_default="")
    consent_form = models.FileField(
        _("signed consent form"),
        storage=private_storage,
        upload_to=_consent_form_path,
        blank=True,
        db_default="",
    )
    consent_withdrawn_on = models.DateField(_("consent withdrawn on"), null=True, blank=True)
    consent_withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        abstract = True

    @classmethod
    def consent_constraints(cls, label: str) -> list[models.BaseConstraint]:
        return [
            models.CheckConstraint(
                condition=~Q(legal_basis="consent") | (Q(consent_on__isnull=False) & ~Q(consent_witness="")),
                name=f"{label}_consent_dated_and_witnessed",
                violation_error_message=_("Consent needs the date it was given and who witnessed it."),
            ),
            models.CheckConstraint(
                condition=Q(consent_withdrawn_on__isnull=True) | Q(legal_basis="consent"),
                name=f"{label}_only_consent_is_withdrawn",
                violation_error_message=_("Only consent can be withdrawn."),
            ),
        ]

    @property
    def rests_on_consent(self) -> bool:
        return self.legal_basis == LegalBasis.CONSENT

    @property
    def consent_withdrawn(self) -> bool:
        return self.consent_withdrawn_on is not None

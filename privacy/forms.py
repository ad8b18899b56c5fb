"""Forms of the rights-request pages."""

from __future__ import annotations

import datetime as dt
import zoneinfo

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from agreements.documents import validate_pdf
from core.forms import DateInput, LongSelect, RecordChoiceField, TimeInput, check_plausible
from inmates.models import Admission
from privacy.models import Breach, EmergencyAccess, RightsRequest, RightsRequestStep
from rehab.consent import LegalBasis


def _find_person(form: forms.Form, cleaned: dict) -> None:
    """The person held at the chosen UPT with the register number (or the NIK) typed: put in cleaned data
    as "person_id", or an error on the field."""
    institution, number = cleaned.get("institution"), (cleaned.get("register_number") or "").strip()
    if not (institution and number):
        return
    spells = Admission.objects.filter(institution=institution, person__merged_into__isnull=True)
    found = (
        spells.filter(person__nik=number)
        if number.isdigit() and len(number) == 16
        else spells.filter(register_number__iexact=number)
    )
    people = set(found.values_list("person_id", flat=True)[:2])
    if not people:
        form.add_error("register_number", _("Nobody held at this UPT has this register number or NIK."))
    elif len(people) > 1:
        form.add_error(
            "register_number",
            _("Several people held here have had this register number: give the person's NIK."),
        )
    else:
        cleaned["person_id"] = people.pop()


class RightsRequestForm(forms.Form):
    """Who asks what, received when and where, and how their identity was checked. The person is found by
    the register number of a custody spell at the receiving UPT (or their NIK): what a requester can say."""

    institution = RecordChoiceField(label=_("Received at"), queryset=None)
    register_number = forms.CharField(
        label=_("Register number or NIK"),
        max_length=60,
        help_text=_("The register number of a custody spell at this UPT, or the person's 16-digit NIK."),
    )
    kind = forms.ChoiceField(label=_("Request"), choices=RightsRequest.Kind.choices)
    received_on = forms.DateField(label=_("Received on"), widget=DateInput())
    received_time = forms.TimeField(
        label=_("at (time)"),
        widget=TimeInput(),
        help_text=_("In the receiving UPT's own time (WIB, WITA or WIT)."),
    )
    requested_by = forms.CharField(
        label=_("Asked by"),
        max_length=160,
        help_text=_("The person themselves, or the name and relation of their representative."),
    )
    identity_check = forms.ChoiceField(
        label=_("Identity checked by"),
        choices=[("", "---------"), *RightsRequest.IdentityCheck.choices],
        error_messages={
            "required": _("Say how the requester's identity was checked: no request without it.")
        },
    )
    identity_details = forms.CharField(
        label=_("Identity check details"),
        max_length=200,
        help_text=_(
            "What was seen, e.g. the last four digits of the card's number. Never a copy of the card."
        ),
    )
    details = forms.CharField(
        label=_("What is asked"), max_length=4000, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args, institutions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["institution"].queryset = institutions
        if institutions.count() == 1:
            self.fields["institution"].initial = institutions.first().pk

    def clean_received_on(self):
        return check_plausible(self.cleaned_data["received_on"])

    def clean(self):
        cleaned = super().clean()
        _find_person(self, cleaned)
        institution = cleaned.get("institution")
        day, time = cleaned.get("received_on"), cleaned.get("received_time")
        if institution and day and time:
            zone = zoneinfo.ZoneInfo(institution.time_zone)
            cleaned["received_at"] = dt.datetime.combine(day, time, tzinfo=zone)
        return cleaned

    @staticmethod
    def initial_now(zone: str) -> dict:
        now = timezone.localtime(timezone.now(), zoneinfo.ZoneInfo(zone))
        return {"received_on": now.date(), "received_time": now.time().replace(second=0, microsecond=0)}


class StepForm(forms.Form):
    status = forms.ChoiceField(label=_("New status"))
    legal_ground = forms.ChoiceField(
        label=_("Legal ground (for a refusal)"),
        choices=[("", "---------"), *RightsRequestStep.Ground.choices],
        required=False,
    )
    note = forms.CharField(
        label=_("Note"), max_length=4000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, may_close: bool, **kwargs):
        super().__init__(*args, **kwargs)
        Status = RightsRequest.Status
        choices = [(Status.IN_PROGRESS, Status.IN_PROGRESS.label)]
        if may_close:
            choices += [(Status.ANSWERED, Status.ANSWERED.label), (Status.REFUSED, Status.REFUSED.label)]
        self.fields["status"].choices = choices


class AccessAnswerForm(forms.Form):
    include_notes = forms.TypedChoiceField(
        label=_("Counselling and follow-up notes"),
        choices=[
            ("no", _("Leave them out: handing them over could endanger the person (UU 27/2022 Art. 33)")),
            ("yes", _("Include them: handing them over endangers no one")),
        ],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        initial="no",
    )
    reason = forms.CharField(
        label=_("Reason for this decision"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Recorded with the request, e.g. the counsellor's advice."),
    )
    recipient = forms.CharField(
        label=_("Handed over to"),
        max_length=200,
        help_text=_("Usually the person themselves; a representative with the power of attorney on file."),
    )


class LegalBasisForm(forms.Form):
    legal_basis = forms.ChoiceField(
        label=_("Legal basis"),
        choices=[(value, label) for value, label in LegalBasis.choices if value],
        widget=forms.RadioSelect,
    )
    legal_basis_detail = forms.CharField(
        label=_("The law, decision or duty"),
        max_length=300,
        required=False,
        help_text=_("For a legal obligation or public task, e.g. “Putusan PN Amuntai No. 12/Pid.Sus/2026”."),
    )
    consent_on = forms.DateField(label=_("Consent given on"), required=False, widget=DateInput())
    consent_witness = forms.CharField(label=_("Witnessed by"), max_length=160, required=False)
    consent_form = forms.FileField(
        label=_("Signed consent form (PDF)"),
        required=False,
        widget=forms.FileInput(attrs={"accept": "application/pdf"}),
        help_text=_("The form the person signed, scanned as a PDF."),
    )

    def clean_consent_on(self):
        return check_plausible(self.cleaned_data["consent_on"])

    def clean_consent_form(self):
        upload = self.cleaned_data.get("consent_form")
        if upload:
            validate_pdf(upload)
        return upload


class WithdrawalForm(forms.Form):
    on = forms.DateField(label=_("Consent withdrawn on"), widget=DateInput())
    rights_request = RecordChoiceField(
        label=_("Rights request"),
        queryset=None,
        required=False,
        help_text=_("The person's request to withdraw consent, if they made one: it is answered with this."),
    )

    def __init__(self, *args, requests, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rights_request"].queryset = requests

    def clean_on(self):
        return check_plausible(self.cleaned_data["on"])


class BreachForm(forms.Form):
    title = forms.CharField(label=_("Summary"), max_length=200)
    discovered_on = forms.DateField(label=_("Discovered on"), widget=DateInput())
    discovered_time = forms.TimeField(
        label=_("at (time)"),
        widget=TimeInput(),
        help_text=_("In the UPT's own time (WIB, WITA or WIT); without a UPT, in yours."),
    )
    institution = RecordChoiceField(
        label=_("UPT where it happened"),
        queryset=None,
        required=False,
        help_text=_("Leave empty when it concerns the whole region or the national system."),
    )
    occurred = forms.CharField(label=_("When it happened"), max_length=200, required=False)
    what_happened = forms.CharField(
        label=_("What happened"), max_length=8000, widget=forms.Textarea(attrs={"rows": 4})
    )
    data_kinds = forms.MultipleChoiceField(
        label=_("Kinds of data"), choices=Breach.DataKind.choices, widget=forms.CheckboxSelectMultiple
    )
    people_affected = forms.IntegerField(
        label=_("People affected (number or best estimate)"), min_value=0, max_value=10_000_000
    )
    measures = forms.CharField(
        label=_("Measures taken"), max_length=8000, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args, institutions, zone: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["institution"].queryset = institutions
        self.zone = zone

    def clean_discovered_on(self):
        return check_plausible(self.cleaned_data["discovered_on"])

    def clean(self):
        cleaned = super().clean()
        day, time = cleaned.get("discovered_on"), cleaned.get("discovered_time")
        if day and time:
            place = cleaned.get("institution")
            zone = zoneinfo.ZoneInfo(place.time_zone if place else self.zone)
            cleaned["discovered_at"] = dt.datetime.combine(day, time, tzinfo=zone)
        return cleaned


class BreachUpdateForm(forms.Form):
    measures = forms.CharField(
        label=_("Measures taken"), max_length=8000, widget=forms.Textarea(attrs={"rows": 4})
    )
    authority_notified = forms.BooleanField(
        label=_("The authority has been notified in writing"), required=False
    )
    people_notified = forms.BooleanField(
        label=_("The people affected have been notified in writing"), required=False
    )


class EmergencyAccessForm(forms.Form):
    """Break-glass: the record asked for (UPT and register number or NIK), why, and for how long."""

    institution = RecordChoiceField(label=_("Held at"), queryset=None, widget=LongSelect)
    register_number = forms.CharField(
        label=_("Register number or NIK"),
        max_length=60,
        help_text=_("The register number of a custody spell at this UPT, or the person's 16-digit NIK."),
    )
    reason = forms.CharField(
        label=_("Why the record is needed now"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "E.g. a medical emergency on a transfer; the head of the UPT or the DPO reviews it afterwards."
        ),
    )
    hours = forms.TypedChoiceField(label=_("For"), coerce=int)

    def __init__(self, *args, institutions, max_hours: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["institution"].queryset = institutions
        self.fields["hours"].choices = [
            (hours, ngettext("%(hours)s hour", "%(hours)s hours", hours) % {"hours": hours})
            for hours in range(1, max_hours + 1)
        ]
        self.fields["hours"].initial = max_hours

    def clean(self):
        cleaned = super().clean()
        _find_person(self, cleaned)
        return cleaned


class EmergencyReviewForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Review"), choices=EmergencyAccess.Review.choices, widget=forms.RadioSelect
    )
    note = forms.CharField(
        label=_("Note"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class RetentionRuleForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of record"))
    amount = forms.DecimalField(label=_("Kept for"), min_value=0, max_value=100_000, decimal_places=2)
    unit = forms.ChoiceField(label=_("Unit"), choices=[("years", _("years")), ("days", _("days"))])
    reason = forms.CharField(label=_("Reason for the change"), max_length=300)

    def days(self) -> int:
        amount = float(self.cleaned_data["amount"])
        return round(amount * 365.25) if self.cleaned_data["unit"] == "years" else round(amount)

    def __init__(self, *args, kinds, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [(key, kind.label) for key, kind in kinds.items()]


class ImpactAssessmentForm(forms.Form):
    text = forms.CharField(
        label=_("Impact assessment"), max_length=100_000, widget=forms.Textarea(attrs={"rows": 24})
    )
    note = forms.CharField(label=_("What changed in this version"), max_length=300)

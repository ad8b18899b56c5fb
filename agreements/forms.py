from __future__ import annotations

import datetime as dt

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from agreements.documents import validate_pdf
from agreements.models import Agreement
from core.forms import DateInput, ModelForm, check_plausible
from institutions.models import Agency


class AgreementForm(ModelForm):
    scopes = forms.MultipleChoiceField(
        label=_("Scope"),
        choices=Agreement.Scope.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one kind of work the agreement covers.")},
    )
    change_note = forms.CharField(
        label=_("What changed, and why"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("For example: addendum no. 1 extends the validity. Kept in the agreement's history."),
    )

    class Meta:
        model = Agreement
        fields = [
            "number",
            "title",
            "kind",
            "institutions",
            "agencies",
            "signed_on",
            "signed_place",
            "valid_from",
            "valid_until",
            "scopes",
            "document",
            "notes",
        ]
        widgets = {
            "signed_on": DateInput(),
            "valid_from": DateInput(),
            "valid_until": DateInput(),
            "institutions": forms.SelectMultiple(attrs={"size": 6}),
            "agencies": forms.SelectMultiple(attrs={"size": 6}),
            "notes": forms.Textarea(attrs={"rows": 3}),
            "document": forms.ClearableFileInput(attrs={"accept": "application/pdf"}),
        }
        error_messages = {
            "institutions": {"required": _("Choose at least one institution (UPT) that is a party.")},
            "agencies": {"required": _("Choose at least one partner agency that is a party.")},
        }

    def __init__(self, *args, institutions, amending: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["institutions"].queryset = institutions.select_related("region").order_by("name")
        self.fields["institutions"].help_text = _("The UPTs that signed. Hold Ctrl (or ⌘) to choose several.")
        self.fields["agencies"].queryset = Agency.objects.order_by("name")
        self.fields["agencies"].help_text = _("The partners that signed. Hold Ctrl (or ⌘) to choose several.")
        self.fields["document"].help_text = _("PDF of the signed agreement, at most %(limit)s MB.") % {
            "limit": settings.AGREEMENT_DOCUMENT_MAX_MB
        }
        # A file input cannot be refilled after an error: only the clear checkbox would survive, so drop it.
        self.fields["document"].widget = forms.FileInput(attrs={"accept": "application/pdf"})
        if self.instance.pk:
            self.initial.setdefault("scopes", list(self.instance.scope_items.values_list("scope", flat=True)))
        if not amending:
            del self.fields["change_note"]

    def clean_document(self):
        document = self.cleaned_data.get("document")
        if isinstance(document, UploadedFile):  # a new upload, not the file already stored
            validate_pdf(document)
        return document

    def clean_signed_on(self):
        signed_on = check_plausible(self.cleaned_data.get("signed_on"))
        if signed_on and signed_on > timezone.localdate():
            raise forms.ValidationError(_("The signing date cannot be in the future."))
        return signed_on

    def clean_valid_from(self):
        return check_plausible(self.cleaned_data.get("valid_from"))

    def clean_valid_until(self):
        return check_plausible(self.cleaned_data.get("valid_until"))

    def clean_number(self):
        return " ".join(self.cleaned_data["number"].split())

    def clean(self):
        cleaned = super().clean()
        valid_from, valid_until = cleaned.get("valid_from"), cleaned.get("valid_until")
        if valid_from and valid_until and valid_until < valid_from:
            self.add_error("valid_until", _("The validity cannot end before it starts."))
        return cleaned


class SignatoryForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=160, required=False)
    position = forms.CharField(label=_("Position"), max_length=200, required=False)
    party = forms.CharField(label=_("Party"), max_length=200, required=False)

    def clean(self):
        cleaned = super().clean()
        filled = [cleaned.get(name, "").strip() for name in ("name", "position", "party")]
        if any(filled) and not all(filled):
            raise forms.ValidationError(
                _("Give the signatory's name, position and the party they signed for.")
            )
        return cleaned

    @property
    def signatory(self) -> dict | None:
        data = getattr(self, "cleaned_data", {})
        if not data.get("name", "").strip():
            return None
        return {key: " ".join(data[key].split()) for key in ("name", "position", "party")}


SignatoryFormSet = forms.formset_factory(SignatoryForm, extra=2, max_num=20, absolute_max=40)


def signatory_formset(data=None, *, agreement: Agreement | None = None):
    initial = (
        [{"name": s.name, "position": s.position, "party": s.party} for s in agreement.signatories.all()]
        if agreement is not None
        else None
    )
    return SignatoryFormSet(data, initial=initial, prefix="signatories")


class TerminateForm(forms.Form):
    last_day = forms.DateField(
        label=_("Last day in force"),
        widget=DateInput(),
        help_text=_("Counsellors of the partner lose access to the WBP the day after."),
    )
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)

    def clean_last_day(self):
        return check_plausible(self.cleaned_data.get("last_day"))

    def clean_reason(self):
        return self.cleaned_data["reason"].strip()


def renewal_initial(agreement: Agreement) -> dict:
    """A renewal starts as a copy of the agreement it renews, valid from the day after it ends."""
    start = (agreement.ends_on or timezone.localdate()) + dt.timedelta(days=1)
    length = None
    if agreement.valid_until:
        length = agreement.valid_until - agreement.valid_from
    return {
        "title": agreement.title,
        "kind": agreement.kind,
        "institutions": list(agreement.institutions.all()),
        "agencies": list(agreement.agencies.all()),
        "valid_from": start,
        "valid_until": start + length if length is not None else None,
        "scopes": list(agreement.scope_items.values_list("scope", flat=True)),
        "signed_place": agreement.signed_place,
    }

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from inmates.models import Admission, Person
from institutions.forms import DateInput, LongSelect
from institutions.models import Institution


class PersonForm(forms.ModelForm):
    # Longer than 16 so a NIK typed with spaces or dots reaches clean_nik; the model checks the digits.
    nik = forms.CharField(
        label=Person._meta.get_field("nik").verbose_name,
        help_text=Person._meta.get_field("nik").help_text,
        max_length=32,
        required=False,
    )

    class Meta:
        model = Person
        fields = ["full_name", "other_names", "nik", "sex", "birth_date", "birth_place"]
        widgets = {"birth_date": DateInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["nik"].widget.attrs.update({"inputmode": "numeric", "autocomplete": "off"})

    @staticmethod
    def normalise_nik(nik: str) -> str | None:
        # People copy NIKs with spaces or dots from cards and letters; keep only what was meant.
        return nik.replace(" ", "").replace(".", "") or None

    def clean_nik(self):
        # The model's validator then checks the 16 digits, and uniqueness, on the cleaned value.
        return self.normalise_nik(self.cleaned_data.get("nik") or "")

    def clean_full_name(self):
        return " ".join(self.cleaned_data["full_name"].split())

    def clean_birth_date(self):
        birth_date = self.cleaned_data.get("birth_date")
        if birth_date and birth_date > timezone.localdate():
            raise forms.ValidationError(_("The date of birth cannot be in the future."))
        if birth_date and birth_date < dt.date(1900, 1, 1):
            raise forms.ValidationError(_("Check the year of birth."))
        return birth_date


class AdmissionForm(forms.ModelForm):
    class Meta:
        model = Admission
        fields = [
            "institution",
            "register_number",
            "register_category",
            "admitted_on",
            "offence",
            "sentence_months",
            "expected_release",
        ]
        widgets = {"admitted_on": DateInput(), "expected_release": DateInput()}

    def __init__(self, *args, institutions, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["institution"]
        field.queryset = institutions
        field.empty_label = None
        field.error_messages["invalid_choice"] = _("Unknown institution, or not one you work at.")
        field.help_text = ""

    def clean_register_number(self):
        return " ".join(self.cleaned_data["register_number"].split())


class TransferForm(forms.Form):
    to_institution = forms.ModelChoiceField(
        label=_("Transfer to"),
        queryset=Institution.objects.none(),
        error_messages={"invalid_choice": _("Unknown institution. Choose one from the list.")},
    )
    on = forms.DateField(label=_("Date of transfer"), widget=DateInput())
    note = forms.CharField(
        label=_("Reason / decree"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    def __init__(self, *args, admission: Admission, **kwargs):
        super().__init__(*args, **kwargs)
        # Any UPT in the country can receive a transfer; their names are public reference data.
        self.fields["to_institution"].queryset = (
            Institution.objects.exclude(pk=admission.institution_id).select_related("region").order_by("name")
        )


class ReleaseForm(forms.Form):
    released_on = forms.DateField(label=_("Release date"), widget=DateInput())
    # Nothing chosen beforehand: the release type feeds the figures, and a default would be taken unread.
    release_type = forms.ChoiceField(
        label=_("Release type"), choices=[("", _("Choose…")), *Admission.ReleaseType.choices]
    )
    note = forms.CharField(label=_("Note / decree"), widget=forms.Textarea(attrs={"rows": 3}), required=False)


class AdmissionFilterForm(forms.Form):
    """The WBP list's search and filters; every field optional, bad values simply ignored."""

    STATUS_IN_CUSTODY = "in_custody"
    STATUS_RELEASED = "released"
    STATUS_ALL = "all"
    OFFENCE_NARCOTICS = "narcotics"
    RELEASE_OVERDUE = "overdue"
    RELEASE_SOON = "soon"
    RELEASE_SOON_DAYS = 30

    q = forms.CharField(label=_("Search"), required=False)
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[
            (STATUS_IN_CUSTODY, _("In custody")),
            (STATUS_RELEASED, _("Released")),
            (STATUS_ALL, _("All")),
        ],
    )
    category = forms.ChoiceField(
        label=_("Register category"),
        required=False,
        choices=[("", _("All categories")), *Admission.RegisterCategory.choices],
    )
    offence = forms.ChoiceField(
        label=_("Offence"),
        required=False,
        choices=[
            ("", _("All offences")),
            (OFFENCE_NARCOTICS, _("Narcotics (all articles)")),
            *Admission.Offence.choices,
        ],
    )
    institution = forms.ModelChoiceField(
        label=_("Institution"),
        required=False,
        queryset=Institution.objects.none(),
        empty_label=_("All"),
        widget=LongSelect,
    )
    # Expected release, for people still held: the home page's to-do counts link here.
    release = forms.ChoiceField(
        label=_("Expected release"),
        required=False,
        choices=[
            ("", _("Any date")),
            (RELEASE_OVERDUE, _("Past, still in custody")),
            (RELEASE_SOON, _("Within 30 days")),
        ],
    )

    def __init__(self, *args, institutions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["institution"].queryset = institutions
        for name in ("category", "offence", "institution", "release"):
            self.fields[name].widget.attrs["class"] = "form-select"


class LinkUndoForm(forms.Form):
    reason = forms.CharField(label=_("Why was it registered by mistake?"), max_length=500)


class LinkReviewForm(forms.Form):
    note = forms.CharField(label=_("Review note"), max_length=1000, required=False)

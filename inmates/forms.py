import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.forms import DateInput, ModelForm, RecordChoiceField
from inmates import ages
from inmates import nik as nik_checks
from inmates.models import Admission, Person
from institutions.models import Institution


class PersonForm(ModelForm):
    # Longer than 16 so a NIK typed with spaces or dots reaches clean_nik; the model checks the digits.
    nik = forms.CharField(
        label=Person._meta.get_field("nik").verbose_name,
        help_text=Person._meta.get_field("nik").help_text,
        max_length=32,
        required=False,
    )
    # Shown only when the NIK disagrees with the date of birth or sex entered (nik_warnings).
    confirm_nik = forms.BooleanField(
        label=_("I have checked: the NIK and the data entered are both right"), required=False
    )

    class Meta:
        model = Person
        fields = ["full_name", "other_names", "nik", "sex", "birth_date", "birth_place"]
        widgets = {"birth_date": DateInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["nik"].widget.attrs.update({"inputmode": "numeric", "autocomplete": "off"})
        self.nik_warnings: list[str] = []
        self.nik_disagreements: list[str] = []

    @staticmethod
    def normalise_nik(nik: str) -> str | None:
        # People copy NIKs with spaces or dots from cards and letters; keep only what was meant.
        return nik.replace(" ", "").replace(".", "") or None

    def clean_nik(self):
        # The model's validator then checks the 16 digits, and uniqueness, on the cleaned value.
        nik = self.normalise_nik(self.cleaned_data.get("nik") or "")
        # A NIK kept as it was is not checked again: correcting a name must not wait on an old NIK.
        checked = nik and nik != self.instance.nik and nik_checks.is_sixteen_digits(nik)
        if checked and (problem := nik_checks.implausibility(nik)):
            raise forms.ValidationError(nik_checks.implausibility_text(nik, problem), code="implausible_nik")
        return nik

    def clean_full_name(self):
        return " ".join(self.cleaned_data["full_name"].split())

    def clean_birth_date(self):
        birth_date = self.cleaned_data.get("birth_date")
        if birth_date and birth_date > timezone.localdate():
            raise forms.ValidationError(_("The date of birth cannot be in the future."))
        if birth_date and birth_date < dt.date(1900, 1, 1):
            raise forms.ValidationError(_("Check the year of birth."))
        return birth_date

    def clean(self):
        data = super().clean()
        nik, birth_date, sex = data.get("nik"), data.get("birth_date"), data.get("sex")
        entered = (nik, birth_date, sex)
        if not nik or not nik_checks.is_sixteen_digits(nik) or "nik" in self.errors:
            return data
        if self.instance.pk and entered == (self.instance.nik, self.instance.birth_date, self.instance.sex):
            return data  # nothing about it changed: confirmed (or not asked) before
        female = None if not sex else sex == Person.Sex.FEMALE
        self.nik_disagreements = nik_checks.disagreements(nik, birth_date=birth_date, female=female)
        self.nik_warnings = nik_checks.disagreement_texts(nik, self.nik_disagreements, birth_date=birth_date)
        if self.nik_warnings and not data.get("confirm_nik"):
            self.add_error(
                "confirm_nik",
                forms.ValidationError(
                    _("Check the NIK and the data entered; if both are right, tick this box and save again."),
                    code="unconfirmed_nik",
                ),
            )
        return data

    @property
    def confirmed(self) -> list[str]:
        """What the user confirmed despite a warning, for the audit trail ("nik_birth_date", "nik_sex")."""
        if not self.cleaned_data.get("confirm_nik"):
            return []
        return [f"nik_{code}" for code in self.nik_disagreements]


def _placement_fields() -> dict[str, forms.Field]:
    """The answers a form asks for when the person's age does not suit the UPT (inmates.ages); shown only
    then (placement_concern)."""
    return {
        "minor_override": forms.BooleanField(label=_("Hold the person here anyway"), required=False),
        "minor_reason": forms.CharField(
            label=_("Why the person must be held here"),
            widget=forms.Textarea(attrs={"rows": 2}),
            max_length=1000,
            required=False,
        ),
        "confirm_adult_at_lpka": forms.BooleanField(
            label=_("I have checked: the person is rightly held at the LPKA"), required=False
        ),
    }


class PlacementCheck:
    """For a form that places a person at a UPT: a child at an adult UPT is refused unless the override is
    ticked with a reason; an adult at an LPKA asks for confirmation. The form's `birth_date` is the person's
    (set by the view before validating)."""

    birth_date: dt.date | None = None
    placement_concern: str | None = None
    placement_message: str = ""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields.update(_placement_fields())

    def check_placement(self, institution: Institution | None, on: dt.date | None) -> None:
        data = self.cleaned_data
        if institution is None or on is None:
            return
        concern = ages.placement_concern(
            birth_date=self.birth_date, on=on, for_children=institution.is_for_children
        )
        self.placement_concern = concern
        if concern == ages.MINOR_AT_ADULT_UPT:
            self.placement_message = ages.minor_at_adult_upt_text(
                ages.age_on(self.birth_date, on), institution.name
            )
            if not data.get("minor_override"):
                self.add_error("minor_override", _("Choose an LPKA, or tick this box and say why."))
            elif not data.get("minor_reason", "").strip():
                self.add_error("minor_reason", _("Say why the person must be held here."))
            return
        data["minor_reason"] = ""  # no reason is kept where none is needed
        if concern == ages.ADULT_AT_LPKA:
            self.placement_message = ages.adult_at_lpka_text(
                ages.age_on(self.birth_date, on), institution.name
            )
            if not data.get("confirm_adult_at_lpka"):
                self.add_error(
                    "confirm_adult_at_lpka", _("Tick to confirm, or correct the date of birth or the UPT.")
                )

    @property
    def confirmed(self) -> list[str]:
        """What the user confirmed despite a warning, for the audit trail."""
        confirmed = self.placement_concern == ages.ADULT_AT_LPKA and self.cleaned_data.get(
            "confirm_adult_at_lpka"
        )
        return [ages.ADULT_AT_LPKA] if confirmed else []


class AdmissionForm(PlacementCheck, ModelForm):
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
            "minor_reason",
        ]
        widgets = {"admitted_on": DateInput(), "expected_release": DateInput()}

    def __init__(self, *args, institutions, birth_date: dt.date | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.birth_date = birth_date
        field = self.fields["institution"]
        field.queryset = institutions
        field.empty_label = None
        field.error_messages["invalid_choice"] = _("Unknown institution, or not one you work at.")
        field.help_text = ""

    def clean_register_number(self):
        return " ".join(self.cleaned_data["register_number"].split())

    def clean(self):
        data = super().clean()
        self.check_placement(data.get("institution"), data.get("admitted_on"))
        return data


class TransferForm(PlacementCheck, forms.Form):
    to_institution = RecordChoiceField(
        label=_("Transfer to"),
        queryset=Institution.objects.none(),
        error_messages={"invalid_choice": _("Unknown institution. Choose one from the list.")},
    )
    on = forms.DateField(label=_("Date of transfer"), widget=DateInput())
    register_number = forms.CharField(
        label=_("Register number at the new UPT"),
        max_length=Admission._meta.get_field("register_number").max_length,
        required=False,
    )
    note = forms.CharField(
        label=_("Reason / decree"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    def __init__(self, *args, admission: Admission, **kwargs):
        super().__init__(*args, **kwargs)
        self.birth_date = admission.person.birth_date
        # Any UPT in the country can receive a transfer; their names are public reference data.
        self.fields["to_institution"].queryset = (
            Institution.objects.exclude(pk=admission.institution_id).select_related("region").order_by("name")
        )
        self.fields["register_number"].help_text = _(
            "If known. Left empty, the person keeps %(number)s until the new UPT's register says otherwise."
        ) % {"number": admission.register_number}

    def clean_register_number(self):
        return " ".join(self.cleaned_data["register_number"].split())

    def clean(self):
        data = super().clean()
        self.check_placement(data.get("to_institution"), data.get("on"))
        return data


class ReleaseForm(forms.Form):
    released_on = forms.DateField(label=_("Release date"), widget=DateInput())
    # Nothing chosen beforehand: the release type feeds the figures, and a default would be taken unread.
    release_type = forms.ChoiceField(
        label=_("Release type"), choices=[("", _("Choose…")), *Admission.ReleaseType.choices]
    )
    note = forms.CharField(label=_("Note / decree"), widget=forms.Textarea(attrs={"rows": 3}), required=False)


class LinkUndoForm(forms.Form):
    reason = forms.CharField(label=_("Why was it registered by mistake?"), max_length=500)


class LinkReviewForm(forms.Form):
    note = forms.CharField(label=_("Review note"), max_length=1000, required=False)

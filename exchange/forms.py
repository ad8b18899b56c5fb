from django import forms
from django.utils.translation import gettext_lazy as _

from exchange.sdp.columns import COLUMNS


class UploadForm(forms.Form):
    institution = forms.ModelChoiceField(label=_("UPT"), queryset=None, empty_label=None)
    file = forms.FileField(
        label=_("SDP export (CSV or XLSX)"),
        help_text=_("The list of WBP downloaded from SDP. Nothing is saved until you confirm the preview."),
    )

    def __init__(self, *args, institutions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["institution"].queryset = institutions
        self.fields["institution"].widget.attrs["class"] = "form-select"
        self.fields["file"].widget.attrs.update({"class": "form-control", "accept": ".csv,.xlsx,.txt"})


class MappingForm(forms.Form):
    """One choice per canonical column: which of the file's columns holds it (or none)."""

    def __init__(self, *args, headers: list[str], mapping: dict[str, int], **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", _("— not in the file —"))] + [
            (str(i), header or f"#{i + 1}") for i, header in enumerate(headers)
        ]
        for column in COLUMNS:
            field = forms.ChoiceField(label=column.label, choices=choices, required=False)
            field.widget.attrs["class"] = "form-select form-select-sm"
            self.fields[column.key] = field
            if column.key in mapping:
                self.initial[column.key] = str(mapping[column.key])

    def mapping(self) -> dict[str, int]:
        return {key: int(value) for key, value in self.cleaned_data.items() if value != ""}

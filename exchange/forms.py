from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import DateInput
from exchange.sdp.columns import COLUMNS
from exchange.sdp.places import Area
from inmates.models import Admission
from institutions.models import Institution, Region

NATIONAL = "national"


def area_choices(user) -> list[tuple[str, str]]:
    """What the user may import: their UPTs; for officers also their region's (or the country's) whole file,
    which names each row's UPT in a UPT column."""
    scope = user.scope
    choices: list[tuple[str, str]] = []
    regions = Region.objects.order_by("name")
    places = Institution.objects.order_by("name")
    if scope.is_national:
        choices.append((NATIONAL, str(_("Every UPT in the country (the file has a UPT column)"))))
    else:
        regions = regions.filter(pk__in=scope.region_ids)
        places = places.filter(pk__in=scope.staff_institution_ids) | places.filter(
            region_id__in=scope.region_ids
        )
    choices += [
        (
            f"region:{region.pk}",
            str(_("Every UPT of %(region)s (the file has a UPT column)") % {"region": region.name}),
        )
        for region in regions
    ]
    choices += [(f"upt:{place.pk}", place.name) for place in places]
    return choices


def area_from_choice(value: str) -> Area:
    if value == NATIONAL:
        return Area()
    kind, _sep, pk = value.partition(":")
    if kind == "region":
        return Area(region=Region.objects.get(pk=int(pk)))
    return Area(institution=Institution.objects.select_related("region").get(pk=int(pk)))


class UploadForm(forms.Form):
    area = forms.ChoiceField(label=_("The file covers"))
    file = forms.FileField(
        label=_("SDP export (CSV or XLSX)"),
        help_text=_("The list of WBP downloaded from SDP. Nothing is saved until you confirm the preview."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].choices = area_choices(user)
        self.fields["area"].widget.attrs["class"] = "form-select"
        self.fields["file"].widget.attrs.update({"class": "form-control", "accept": ".csv,.xlsx,.txt"})

    def clean_area(self) -> Area:
        return area_from_choice(self.cleaned_data["area"])


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

        self.fields["remember"] = forms.BooleanField(
            label=_("Remember these columns for the next files of this UPT (or area)"),
            required=False,
            initial=True,
        )

    def mapping(self) -> dict[str, int]:
        return {
            key: int(value) for key, value in self.cleaned_data.items() if key != "remember" and value != ""
        }


class BatchReleaseForm(forms.Form):
    """Confirm the release of the people ticked in the list of those who left according to SDP."""

    released_on = forms.DateField(label=_("Release date"), widget=DateInput())
    # Nothing chosen beforehand: the release type feeds the figures, and a default would be taken unread.
    release_type = forms.ChoiceField(
        label=_("Release type"), choices=[("", _("Choose…")), *Admission.ReleaseType.choices]
    )
    note = forms.CharField(label=_("Note / decree"), max_length=500, required=False)


class NoteForm(forms.Form):
    note = forms.CharField(
        label=_("How you checked"), max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )


class LinkForm(forms.Form):
    person = forms.TypedChoiceField(label=_("The same person as"), coerce=int, widget=forms.RadioSelect)
    reason = forms.CharField(
        label=_("Why this is the same person"), max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, candidates, in_scope: set[int], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].choices = [
            (
                person.pk,
                person.full_name
                if person.pk in in_scope
                else _("A record at another UPT (#%(pk)s)") % {"pk": person.pk},
            )
            for person in candidates
        ]


class CreateForm(forms.Form):
    reason = forms.CharField(
        label=_("Why this is none of them"), max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )

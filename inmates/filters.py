"""The WBP list's search and filters (django-filter), shared by the page and its CSV/XLSX export. Every field
is optional; a bad value drops that filter only. The status chooses the rows the others narrow: people held
in the user's scope now (the default), released, or everyone they may see."""

from __future__ import annotations

import django_filters
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.filters import RecordFilter
from core.forms import LongSelect
from inmates.models import Admission
from inmates.search import search_q
from institutions.models import Institution

IN_CUSTODY, RELEASED, ALL = "in_custody", "released", "all"
NARCOTICS = "narcotics"
RELEASE_OVERDUE, RELEASE_SOON = "overdue", "soon"


class AdmissionFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    status = django_filters.ChoiceFilter(
        label=_("Status"),
        choices=[(IN_CUSTODY, _("In custody")), (RELEASED, _("Released")), (ALL, _("All"))],
        empty_label=None,
        method="by_status",  # applied first, in filter_queryset
    )
    category = django_filters.ChoiceFilter(
        label=_("Register category"),
        field_name="register_category",
        choices=Admission.RegisterCategory.choices,
        empty_label=_("All categories"),
    )
    offence = django_filters.ChoiceFilter(
        label=_("Offence"),
        choices=[(NARCOTICS, _("Narcotics (all articles)")), *Admission.Offence.choices],
        empty_label=_("All offences"),
        method="by_offence",
    )
    institution = RecordFilter(
        label=_("Institution"), queryset=Institution.objects.none(), empty_label=_("All"), widget=LongSelect
    )
    # Expected release, for people still held: the home page's to-do counts link here.
    release = django_filters.ChoiceFilter(
        label=_("Expected release"),
        choices=[(RELEASE_OVERDUE, _("Past, still in custody")), (RELEASE_SOON, _("Within 30 days"))],
        empty_label=_("Any date"),
        method="by_release",
    )

    def __init__(self, data, *, user, institutions):
        super().__init__(data, queryset=Admission.objects.select_related("person", "institution"))
        self.user = user
        self.filters["institution"].queryset = institutions
        for name in ("category", "offence", "institution", "release"):
            self.form.fields[name].widget.attrs["class"] = "form-select"

    @property
    def chosen(self) -> dict:
        """The values that cleaned (a bad one is left out)."""
        self.form.is_valid()
        return getattr(self.form, "cleaned_data", {})

    @property
    def chosen_status(self) -> str:
        return self.chosen.get("status") or IN_CUSTODY

    def filter_queryset(self, queryset):
        status = self.chosen_status
        if status == IN_CUSTODY:
            # Held here now: someone transferred away stays findable under "all", but is not counted as
            # ours. A spell held in the user's scope is one they may see (visible_to) already: asked both,
            # the database multiplied the two estimates and chose a plan that took 640 ms for a region.
            queryset = queryset.open().held_in_scope(self.user)
        else:
            queryset = queryset.visible_to(self.user)
            if status == RELEASED:
                queryset = queryset.filter(released_on__isnull=False)
        return super().filter_queryset(queryset)

    def by_status(self, rows, _name, _value):
        return rows  # chose the rows in filter_queryset

    def search(self, rows, _name, value):
        value = value.strip()
        return rows.filter(search_q(value)) if value else rows

    def by_offence(self, rows, _name, value):
        return rows.narcotics() if value == NARCOTICS else rows.filter(offence=value)

    def by_release(self, rows, _name, value):
        return rows.expected_release(value, today=timezone.localdate())

"""The agreement list's filters (django-filter): search, status today, region, UPT, agency, kind of work,
ending soon. Each works alone; a bad value drops that filter only."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from agreements.models import EXPIRING_WITHIN_DAYS, Agreement
from core.filters import RecordFilter
from institutions.models import Agency, Institution, Region


class AgreementFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search", max_length=100)
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=Agreement.Status.choices, empty_label=_("All statuses")
    )
    region = RecordFilter(
        label=_("Region"), queryset=Region.objects.none(), method="by_region", empty_label=_("All regions")
    )
    institution = RecordFilter(
        label=_("Institution"),
        queryset=Institution.objects.none(),
        method="by_institution",
        empty_label=_("All institutions"),
    )
    agency = RecordFilter(
        label=_("Agency"), queryset=Agency.objects.none(), method="by_agency", empty_label=_("All agencies")
    )
    scope = django_filters.ChoiceFilter(
        label=_("Scope"),
        field_name="scope_items__scope",
        choices=Agreement.Scope.choices,
        empty_label=_("Any scope"),
    )
    expiring = django_filters.BooleanFilter(
        label=format_lazy(_("Ends within {days} days"), days=EXPIRING_WITHIN_DAYS),
        method="ending_soon",
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )

    def __init__(self, data=None, *, queryset, regions, institutions, agencies):
        super().__init__(data, queryset=queryset)
        self.filters["region"].queryset = regions
        self.filters["institution"].queryset = institutions
        self.filters["agency"].queryset = agencies
        for name in ("status", "region", "institution", "agency", "scope"):
            self.form.fields[name].widget.attrs["class"] = "form-select"

    def search(self, rows, _name, value):
        value = value.strip()
        return rows.filter(Q(number__icontains=value) | Q(title__icontains=value)) if value else rows

    # An agreement has several parties: matched through a subquery, so no row comes twice.
    def by_region(self, rows, _name, region):
        return rows.filter(pk__in=Agreement.objects.filter(institutions__region=region).values("pk"))

    def by_institution(self, rows, _name, institution):
        return rows.filter(pk__in=Agreement.objects.filter(institutions=institution).values("pk"))

    def by_agency(self, rows, _name, agency):
        return rows.filter(pk__in=Agreement.objects.filter(agencies=agency).values("pk"))

    def ending_soon(self, rows, _name, value):
        if not value:
            return rows
        # Ending and not yet renewed, as the home page counts them.
        ending = Agreement.objects.ending_within(timezone.localdate()).not_yet_renewed()
        return rows.filter(pk__in=ending.values("pk"))

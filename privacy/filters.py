"""The rights-request list's filters (django-filter, as the other lists)."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.filters import RecordFilter
from privacy.models import RightsRequest

STATES = [
    ("open", _("Open")),
    ("overdue", _("Overdue (past 3×24 hours)")),
    ("closed", _("Answered or refused")),
    ("all", _("All")),
]


class RightsRequestFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Name or register number"), method="search", max_length=100)
    state = django_filters.ChoiceFilter(
        label=_("Status"), choices=STATES, method="by_state", empty_label=None, null_value=None
    )
    kind = django_filters.ChoiceFilter(label=_("Request"), choices=RightsRequest.Kind.choices)
    institution = RecordFilter(label=_("Received at"), queryset=None)

    def __init__(self, data=None, *, queryset, institutions):
        data = data.copy() if data is not None else {}
        data.setdefault("state", "open")
        super().__init__(data, queryset=queryset)
        self.filters["institution"].queryset = institutions
        self.form.fields["state"].widget = forms.Select(choices=STATES)
        for name in ("state", "kind", "institution"):
            self.form.fields[name].widget.attrs["class"] = "form-select"

    def search(self, rows, _name, value):
        value = value.strip()
        if not value:
            return rows
        return rows.filter(
            Q(person__full_name__icontains=value) | Q(person__admissions__register_number__iexact=value)
        ).distinct()

    def by_state(self, rows, _name, value):
        if value == "overdue":
            return rows.overdue(timezone.now())
        if value == "closed":
            return rows.exclude(status__in=RightsRequest.OPEN)
        if value == "all":
            return rows
        return rows.open()

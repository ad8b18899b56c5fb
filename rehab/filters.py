"""The after-care plan list's filters (django-filter): search, status, UPT, agency. A bad value drops that
filter only, as on the other lists."""

from __future__ import annotations

import django_filters
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.filters import RecordFilter
from core.forms import LongSelect
from inmates.models import Admission
from inmates.search import search_q
from institutions.models import Agency, Institution


class PlanStatus(models.TextChoices):
    DUE = "due", _("Follow-ups still due")
    OVERDUE = "overdue", _("A follow-up overdue")
    NO_AGENCY = "no_agency", _("No agency has taken it over")
    DONE = "done", _("Nothing due any more")


class AftercareFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Name or register number"), method="search", max_length=100)
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=PlanStatus.choices, empty_label=_("All plans"), method="by_status"
    )
    institution = RecordFilter(
        label=_("UPT"),
        field_name="admission__institution",
        queryset=Institution.objects.none(),
        empty_label=_("All institutions"),
        widget=LongSelect,
    )
    agency = RecordFilter(label=_("Agency"), queryset=Agency.objects.none(), empty_label=_("All agencies"))

    def __init__(self, data=None, *, queryset, institutions, agencies):
        super().__init__(data, queryset=queryset)
        self.filters["institution"].queryset = institutions
        self.filters["agency"].queryset = agencies
        for name in ("status", "institution", "agency"):
            self.form.fields[name].widget.attrs["class"] = "form-select"

    def search(self, plans, _name, value):
        value = value.strip()
        if not value:
            return plans
        # The WBP list's search (inmates.search.search_q) on the custody spell each plan follows.
        return plans.filter(admission__in=Admission.objects.filter(search_q(value)).values("pk"))

    def by_status(self, plans, _name, value):
        if value == PlanStatus.DUE:
            return plans.with_follow_ups_due()
        if value == PlanStatus.OVERDUE:
            return plans.with_overdue(timezone.localdate())
        if value == PlanStatus.NO_AGENCY:
            return plans.filter(agency__isnull=True)
        return plans.with_nothing_due()

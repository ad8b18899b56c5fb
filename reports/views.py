"""The recidivism dashboard: release cohorts, the Kaplan–Meier curve and relapse, for regional and national
officers (their region, or all) and UPT staff (their institutions)."""

from __future__ import annotations

from django import forms
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from agreements.forms import check_plausible
from inmates.models import Admission
from institutions.forms import DateInput
from reports.charts import survival_svg
from reports.cohorts import (
    BREAKDOWNS,
    SMALL_CELL,
    WINDOWS,
    Cell,
    cohort_table,
    relapse,
    survival,
    window_days,
)

HORIZON_DAYS = window_days(36)


class CohortFilterForm(forms.Form):
    period = forms.ChoiceField(
        label=gettext_lazy("Cohort by"),
        required=False,
        choices=[
            ("quarter", gettext_lazy("Quarter of release")),
            ("month", gettext_lazy("Month of release")),
            ("year", gettext_lazy("Year of release")),
        ],
    )
    breakdown = forms.ChoiceField(
        label=gettext_lazy("Break down by"), required=False, choices=list(BREAKDOWNS.items())
    )
    cutoff = forms.DateField(label=gettext_lazy("Data cut-off"), required=False, widget=DateInput())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("period", "breakdown"):
            self.fields[name].widget.attrs["class"] = "form-select"
        self.fields["cutoff"].widget.attrs["class"] = "form-control"

    def clean_cutoff(self):
        cutoff = check_plausible(self.cleaned_data.get("cutoff"))
        return min(cutoff, timezone.localdate()) if cutoff else None


def _estimate(km, months: int) -> float | None:
    """1 − S(window), or None when it would say more than the data: fewer than 5 people still followed at
    the window (an estimate past the follow-up), or 1–4 returns by then (a small cell)."""
    days = window_days(months)
    if km.size < SMALL_CELL or km.at_risk(days) < SMALL_CELL or 0 < km.events_by(days) < SMALL_CELL:
        return None
    return km.cumulative_incidence(days)


def recidivism(request):
    user = request.user
    scope = user.scope
    if not (scope.is_national or scope.region_ids or scope.staff_institution_ids):
        raise PermissionDenied(_("Recidivism figures are for UPT staff and regional and national officers."))
    form = CohortFilterForm(request.GET or None)
    form.is_valid()  # a bad value drops that filter only: cleaned_data keeps the valid ones
    filters = getattr(form, "cleaned_data", {})
    period = filters.get("period") or "quarter"
    breakdown = filters.get("breakdown") or "none"
    cutoff = filters.get("cutoff") or timezone.localdate()
    # Releases from the institutions the user oversees (a person's return to any UPT still counts).
    admissions = Admission.objects.held_in_scope(user) if not scope.is_national else Admission.objects.all()
    rows = cohort_table(admissions, cutoff=cutoff, period=period, breakdown=breakdown)
    curves = survival(admissions, cutoff=cutoff, breakdown=breakdown)
    # Groups under 5 people are left off the chart and the estimates: a curve of 3 shows each person.
    shown = {label or _("All releases"): km for label, km in curves.items() if km.size >= SMALL_CELL}
    chart = survival_svg(
        shown,
        title=_("Share not returned to custody, by days since release"),
        x_label=_("Days since release"),
        y_label=_("Not returned"),
        horizon=HORIZON_DAYS,
    )
    estimates = [
        {
            "group": label or _("All releases"),
            "size": Cell(km.size),
            "returned": [_estimate(km, m) for m in WINDOWS],
        }
        for label, km in sorted(curves.items())
    ]
    return render(
        request,
        "reports/recidivism.html",
        {
            "form": form,
            "rows": rows,
            "windows": WINDOWS,
            "breakdown": breakdown,
            "period": period,
            "cutoff": cutoff,
            "chart": mark_safe(chart),
            "estimates": estimates,
            "relapse": relapse(admissions, cutoff=cutoff),
            "window_days": {str(months): window_days(months) for months in WINDOWS},
        },
    )

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
from reports.cohorts import BREAKDOWNS, WINDOWS, cohort_table, relapse, survival, window_days

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


def recidivism(request):
    user = request.user
    scope = user.scope
    if not (scope.is_national or scope.region_ids or scope.staff_institution_ids):
        raise PermissionDenied(_("Recidivism figures are for UPT staff and regional and national officers."))
    form = CohortFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    period = filters.get("period") or "quarter"
    breakdown = filters.get("breakdown") or "none"
    cutoff = filters.get("cutoff") or timezone.localdate()
    # Releases from the institutions the user oversees (a person's return to any UPT still counts).
    admissions = Admission.objects.held_in_scope(user) if not scope.is_national else Admission.objects.all()
    rows = cohort_table(admissions, cutoff=cutoff, period=period, breakdown=breakdown)
    curves = survival(admissions, cutoff=cutoff, breakdown=breakdown)
    chart = survival_svg(
        {label or _("All releases"): km for label, km in curves.items()},
        title=_("Share not returned to custody, by days since release"),
        x_label=_("Days since release"),
        y_label=_("Not returned"),
        horizon=HORIZON_DAYS,
    )
    estimates = [
        {
            "group": label or _("All releases"),
            "size": km.size,
            "returned": [km.cumulative_incidence(window_days(months)) for months in WINDOWS],
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

"""The recidivism dashboard: release cohorts, the Kaplan–Meier curve and relapse, for regional and national
officers (their region, or all) and UPT staff (their institutions)."""

from __future__ import annotations

import datetime as dt
import hashlib
from contextlib import AbstractContextManager, nullcontext

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from audit.exports import XLSX
from audit.models import AuditEvent
from audit.services import audit_record
from core import jobs
from core.forms import DateInput, check_plausible
from core.replica import reads_from_replica
from inmates.models import held_at, held_at_key
from institutions.models import Institution, Region
from reports import panels, release_outcomes, services
from reports.charts import survival_svg, svg_data_url
from reports.cohorts import (
    BREAKDOWNS,
    WINDOWS,
    Cell,
    cohort_table,
    protect_cohorts,
    relapse,
    survival,
    window_days,
)
from reports.disclosure import MIN_CURVE_GROUP, SMALL_CELL
from reports.models import NIP_DIGITS, ReleaseOutcome, Report, Signatory, place_fields
from reports.signatories import signatories_of, signatory_places
from reports.tasks import refresh_release_outcomes
from reports.xlsx import workbook_bytes

HORIZON_DAYS = window_days(36)
MAX_CURVES = 8


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

    # Broken down by place, cohorts are counted by year: a UPT's quarter holds a handful of releases, most of
    # its cells would be withheld, and protecting thousands of small cells against each other takes minutes
    # (reports.protection). Other breakdowns (at most four groups) go down to quarters.
    YEARLY_BREAKDOWNS = ("institution", "region")
    # Beyond this many UPTs (the nation), a breakdown by UPT is refused: by region, or a region's own page.
    MAX_UPTS_BROKEN_DOWN = 60

    def __init__(self, *args, count_upts, **kwargs):
        super().__init__(*args, **kwargs)
        self.count_upts = count_upts  # asked only for a breakdown by UPT: a query the other views skip
        for name in ("period", "breakdown"):
            self.fields[name].widget.attrs["class"] = "form-select"
        self.fields["cutoff"].widget.attrs["class"] = "form-control"

    def clean_cutoff(self):
        cutoff = check_plausible(self.cleaned_data.get("cutoff"))
        return min(cutoff, timezone.localdate()) if cutoff else None

    def clean_breakdown(self):
        breakdown = self.cleaned_data.get("breakdown")
        upts = self.count_upts() if breakdown == "institution" else 0
        if upts > self.MAX_UPTS_BROKEN_DOWN:
            raise ValidationError(
                _("%(count)s UPT are too many to compare on one page: break down by region instead."),
                params={"count": upts},
            )
        return breakdown

    def clean(self):
        cleaned = super().clean()
        breakdown, period = cleaned.get("breakdown"), cleaned.get("period")
        if breakdown in self.YEARLY_BREAKDOWNS and period != "year":
            self._use_period("year", _("Broken down by UPT or region, releases are grouped by year."))
        elif breakdown not in (None, "", "none") and period == "month":
            self._use_period("quarter", _("Broken down, releases are grouped by quarter at the finest."))
        return cleaned

    def _use_period(self, period: str, note: str) -> None:
        """Count by `period` and show it chosen in the form, with a note saying why."""
        self.cleaned_data["period"] = period
        self.data = self.data.copy()
        self.data["period"] = period
        self.note = note


def _estimate(km, months: int) -> float | None:
    """1 − S(window), or None when it would say more than the data: fewer than 5 people still followed at
    the window (an estimate past the follow-up), or 1–4 returns by then (a small cell)."""
    days = window_days(months)
    if km.size < SMALL_CELL or km.at_risk(days) < SMALL_CELL or 0 < km.events_by(days) < SMALL_CELL:
        return None
    return km.cumulative_incidence(days)


def _release_outcomes(user) -> tuple:
    """The releases from the institutions the user oversees, from the release-outcome table, and its last
    rebuild (ReleaseOutcomeRefresh). A table never built is built now; one older than twice the schedule's
    interval (a worker or the scheduler down) is queued for a rebuild, once per interval."""
    built = release_outcomes.current()
    interval = settings.RELEASE_OUTCOMES_EVERY
    if built is None:
        built = release_outcomes.refresh()
    elif timezone.now() - built.refreshed_at > dt.timedelta(minutes=2 * interval) and cache.add(
        "reports:release-outcomes-queued", True, timeout=interval * 60
    ):
        # A broker that is down keeps it for later (core.jobs): the page answers with the figures it has,
        # saying how old they are.
        jobs.enqueue(refresh_release_outcomes)
        built = release_outcomes.current()  # without a broker, the task has just run here
    return ReleaseOutcome.objects.filter(held_at(user)), built


def _outcomes_source(built) -> AbstractContextManager:
    """Where to count this build of the release-outcome table: the replica once it holds that build (a
    rebuild reaches it a moment later, and the figures are cached under the build's generation, so counting
    an older table there would show old figures until the next rebuild); the primary until then."""
    with reads_from_replica():
        seen = release_outcomes.current()
    caught_up = seen is not None and seen.generation == built.generation
    return reads_from_replica() if caught_up else nullcontext()


def _recidivism_figures(releases, *, cutoff: dt.date, period: str, breakdown: str) -> tuple:
    """The dashboard's counted figures, protected: the cohort table, the curves and their sizes, the chart
    (as a data URL), how many curves it leaves out, and relapse after release."""
    rows = cohort_table(releases, cutoff=cutoff, period=period, breakdown=breakdown)
    curves = survival(releases, cutoff=cutoff, breakdown=breakdown)
    sizes = {label: Cell(km.size) for label, km in curves.items()}
    # The same page without a breakdown shows the totals: a group's hidden count must not be their
    # difference (reports.cohorts.protect_cohorts, the rule the monthly reports follow).
    totals = None
    if breakdown != "none":
        totals = cohort_table(releases, cutoff=cutoff, period=period)
        protect_cohorts(totals, sizes={"": Cell(sum(km.size for km in curves.values()))})
    protect_cohorts(rows, totals, sizes)
    # Curves only for groups of 20 or more, each stopping where fewer than 5 remain at risk
    # (reports.disclosure): a curve of a few people shows each person's return.
    # A chart of more than a few curves cannot be read (and draws for seconds): the largest groups only; the
    # table below it gives every group's estimates.
    drawable = sorted(
        ((label, km) for label, km in curves.items() if km.size >= MIN_CURVE_GROUP),
        key=lambda item: -item[1].size,
    )
    shown = {label or _("All releases"): km for label, km in drawable[:MAX_CURVES]}
    chart = survival_svg(
        shown,
        title=_("Share not returned to custody, by days since release"),
        x_label=_("Days since release"),
        y_label=_("Not returned"),
        horizon=HORIZON_DAYS,
    )
    left_out = len(drawable) - len(shown)
    return rows, curves, sizes, svg_data_url(chart), left_out, relapse(releases, cutoff=cutoff)


def recidivism(request):
    user = request.user
    scope = user.scope
    if not (scope.is_national or scope.region_ids or scope.staff_institution_ids):
        raise PermissionDenied(_("Recidivism figures are for UPT staff and regional and national officers."))
    form = CohortFilterForm(request.GET or None, count_upts=Institution.objects.visible_to(user).count)
    form.is_valid()  # a bad value drops that filter only: cleaned_data keeps the valid ones
    filters = getattr(form, "cleaned_data", {})
    period = filters.get("period") or "quarter"
    breakdown = filters.get("breakdown") or "none"
    cutoff = filters.get("cutoff") or timezone.localdate()
    # Releases from the institutions the user oversees (a person's return to any UPT still counts).
    releases, built = _release_outcomes(user)
    # Counted once per rebuild of the table for each set of UPT, cut-off and choice of grouping, in the
    # language asked (the chart's words): every national officer asks the nation's, and counting it over
    # 190,000 releases took a third of a second. The key holds the build's generation: a rebuild is counted
    # anew.
    places = held_at_key(user)
    key = (
        "reports:recidivism:"
        + hashlib.sha256(
            f"{built.generation}|{places}|{cutoff}|{period}|{breakdown}|{get_language()}".encode()
        ).hexdigest()
    )
    figures = cache.get(key)
    if figures is None:
        with _outcomes_source(built):
            figures = _recidivism_figures(releases, cutoff=cutoff, period=period, breakdown=breakdown)
        cache.set(key, figures, timeout=4 * settings.RELEASE_OUTCOMES_EVERY * 60)
    rows, curves, sizes, chart, drawn, relapsed = figures
    estimates = [
        {
            "group": label or _("All releases"),
            "size": sizes[label],
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
            "chart_url": chart,
            "estimates": estimates,
            "relapse": relapsed,
            "as_of": built.refreshed_at,
            "note": getattr(form, "note", ""),
            "curves_left_out": drawn,
            "window_days": {str(months): window_days(months) for months in WINDOWS},
        },
    )


# --- Monthly reports: archive, generate now, status, download --------------------------------------------


class GenerateForm(forms.Form):
    place = forms.ChoiceField(label=gettext_lazy("Report for"))
    month = forms.CharField(label=gettext_lazy("Month"), widget=forms.TextInput(attrs={"type": "month"}))
    language = forms.ChoiceField(label=gettext_lazy("Language"), choices=settings.LANGUAGES)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["place"].choices = report_places(user)
        for field in self.fields.values():
            field.widget.attrs["class"] = (
                "form-select" if isinstance(field, forms.ChoiceField) else "form-control"
            )

    def clean_month(self):
        try:
            month = dt.datetime.strptime(self.cleaned_data["month"], "%Y-%m").date()
        except ValueError as exc:
            raise forms.ValidationError(gettext_lazy("Choose a month.")) from exc
        return services.month_check(month)


def report_places(user) -> list[tuple[str, str]]:
    """The scopes the user may generate: national all; regional their regions and UPTs; staff their UPTs."""
    scope = user.scope
    choices = [("national", str(gettext_lazy("Indonesia (national)")))] if scope.is_national else []
    regions = Region.objects.all() if scope.is_national else Region.objects.filter(pk__in=scope.region_ids)
    choices += [(f"region:{r.pk}", r.name) for r in regions.order_by("name")]
    places = (
        Institution.objects.filter(Q(pk__in=scope.staff_institution_ids) | Q(region_id__in=scope.region_ids))
        if not scope.is_national
        else Institution.objects.all()
    )
    choices += [(f"institution:{i.pk}", i.name) for i in places.order_by("name")]
    return choices


def report_list(request):
    user = request.user
    reports = Report.objects.visible_to(user).with_latest_edition().select_related("institution", "region")
    page = Paginator(reports, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    places = report_places(user)
    form = (
        GenerateForm(
            user=user,
            initial={
                "month": (timezone.localdate().replace(day=1) - dt.timedelta(days=1)).strftime("%Y-%m"),
                "language": "id",
            },
        )
        if places
        else None
    )
    return render(
        request,
        "reports/report_list.html",
        {"page_obj": page, "form": form, "panels": panels.render_list_panels(request, places)},
    )


@require_POST
def report_create(request):
    user = request.user
    if not report_places(user):
        raise PermissionDenied(_("Monthly reports are for UPT staff and regional and national officers."))
    form = GenerateForm(request.POST, user=user)
    if not form.is_valid():
        errors = "; ".join(str(error) for error in form.errors.get("month", []))
        messages.error(
            request,
            _("Nothing was generated: choose a place you oversee and a month that has begun.")
            + (f" {errors}" if errors else ""),
        )
        return redirect("reports:report-list")
    kind, _sep, pk = form.cleaned_data["place"].partition(":")
    place = {}
    if kind == Report.Scope.INSTITUTION:
        place = {"institution": Institution.objects.get(pk=int(pk))}  # a choice the form offered
    elif kind == Report.Scope.REGION:
        place = {"region": Region.objects.get(pk=int(pk))}
    with jobs.watch() as watched:
        report = services.report_request(
            by=user,
            scope=kind,
            month=form.cleaned_data["month"],
            language=form.cleaned_data["language"],
            **place,
        )
    jobs.tell_if_waiting(request, watched)
    return redirect(report)


def report_detail(request, pk: int):
    report = get_object_or_404(
        Report.objects.visible_to(request.user).with_latest_edition().select_related("institution", "region"),
        pk=pk,
    )
    return render(
        request,
        "reports/report_detail.html",
        {
            "report": report,
            "waiting": report.status in (Report.Status.QUEUED, Report.Status.RUNNING),
            "panels": panels.render_report_panels(request, report),
        },
    )


@require_GET
def report_download(request, pk: int):
    report = get_object_or_404(Report.objects.visible_to(request.user), pk=pk, status=Report.Status.DONE)
    audit_record(action=AuditEvent.Action.DOWNLOAD, actor=request.user, obj=report)
    name = f"laporan-{report.scope_code}-{report.month:%Y-%m}-{report.language}.pdf"
    return FileResponse(
        report.pdf.open("rb"), as_attachment=True, filename=name, content_type="application/pdf"
    )


@require_GET
def report_xlsx(request, pk: int):
    """The report's figures as a workbook, made from the snapshot its PDF was rendered from."""
    report = get_object_or_404(
        Report.objects.visible_to(request.user).select_related("institution", "region"),
        pk=pk,
        status=Report.Status.DONE,
        snapshot__isnull=False,  # every report rendered keeps its figures; nothing to export otherwise
    )
    audit_record(action=AuditEvent.Action.DOWNLOAD, actor=request.user, obj=report)
    name = f"laporan-{report.scope_code}-{report.month:%Y-%m}-{report.language}.xlsx"
    response = HttpResponse(workbook_bytes(report, report.snapshot), content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=name)
    return response


@require_POST
def report_reissue(request, pk: int):
    """A new edition of a past report, with the reason; earlier editions stay in the archive as they were."""
    user = request.user
    report = get_object_or_404(Report.objects.visible_to(user), pk=pk)
    place = {"institution": f"institution:{report.institution_id}", "region": f"region:{report.region_id}"}
    if place.get(report.scope, "national") not in dict(report_places(user)):
        raise PermissionDenied(_("Only officers of this scope can reissue the report."))
    try:
        with jobs.watch() as watched:
            reissued = services.report_reissue(by=user, report=report, reason=request.POST.get("reason", ""))
    except ValidationError as error:
        messages.error(request, "; ".join(error.messages))
        return redirect(report)
    jobs.tell_if_waiting(request, watched)
    return redirect(reissued)


class SignatoryForm(forms.ModelForm):
    # Longer than a NIP, so a NIP typed with spaces or dots is told the rule rather than only its length.
    nip = forms.CharField(label=gettext_lazy("NIP"), required=False, max_length=40)

    def clean_nip(self) -> str:
        nip = self.cleaned_data["nip"].strip()
        if nip and not (len(nip) == NIP_DIGITS and nip.isascii() and nip.isdigit()):
            raise ValidationError(_("A NIP has 18 digits, without spaces or dots."))
        return nip

    class Meta:
        model = Signatory
        fields = ["heading", "position", "name", "nip"]
        help_texts = {
            "heading": gettext_lazy("Printed above the position, e.g. Mengetahui,"),
            "position": gettext_lazy("e.g. Kepala Kantor Wilayah Kementerian Imigrasi dan Pemasyarakatan"),
        }


def signatory_list(request):
    """The signature blocks the user's own office sets for its reports."""
    places = signatory_places(request.user)
    if not places:
        raise PermissionDenied(_("Only the offices that publish reports set who signs them."))
    found = signatories_of([key for key, _name in places])
    rows = [{"key": key, "name": name, "signatory": found.get(key)} for key, name in places]
    return render(request, "reports/signatory_list.html", {"rows": rows})


def signatory_edit(request, place: str):
    names = dict(signatory_places(request.user))
    if place not in names:
        raise Http404
    fields = place_fields(place)
    signatory = Signatory.objects.filter(**fields).first() or Signatory(**fields)
    form = SignatoryForm(request.POST or None, instance=signatory)
    if request.method == "POST" and form.is_valid():
        signatory = form.save(commit=False)
        signatory.updated_by = request.user
        signatory.save()
        messages.success(request, _("Saved: reports made from now on carry this signature block."))
        return redirect("reports:signatory-list")
    return render(request, "reports/signatory_form.html", {"form": form, "place_name": names[place]})

"""The breach register's pages: the list with the 3×24-hour notice deadline, recording a breach, updating
it, and the written notices (PDF) to the people affected and to the authority."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from audit.models import AuditEvent
from audit.services import audit_record
from core.forms import apply_service_errors
from institutions.models import Institution
from privacy import breaches
from privacy.forms import BreachForm, BreachUpdateForm
from privacy.models import Breach


def _require_reader(user) -> None:
    scope = user.scope
    if not (scope.is_dpo or scope.is_national or scope.region_ids):
        raise PermissionDenied(_("The breach register is kept by the data-protection officer."))


def _keeper_places(user):
    scope = user.scope
    if scope.is_national_dpo:
        return Institution.objects.order_by("name")
    return Institution.objects.filter(region_id__in=scope.dpo_region_ids).order_by("name")


@require_GET
def breach_list(request):
    user = request.user
    _require_reader(user)
    now = timezone.now()
    rows = Breach.objects.visible_to(user).select_related("institution__region", "region")
    if request.GET.get("state") == "overdue":
        rows = rows.notice_overdue(now)
    page = Paginator(rows.order_by("-discovered_at", "-pk"), settings.PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    for row in page.object_list:
        row.overdue = row.notice_overdue(now)
    return render(
        request,
        "privacy/breach_list.html",
        {
            "page_obj": page,
            "may_record": user.scope.is_dpo,
            "state": request.GET.get("state", ""),
        },
    )


@require_http_methods(["GET", "POST"])
def breach_create(request):
    user = request.user
    scope = user.scope
    if not scope.is_dpo:
        raise PermissionDenied(_("The breach register is kept by the data-protection officer."))
    zone = scope.time_zone or "Asia/Jakarta"
    now = timezone.localtime(timezone.now())
    form = BreachForm(
        request.POST or None,
        institutions=_keeper_places(user),
        zone=zone,
        initial={"discovered_on": now.date(), "discovered_time": now.time().replace(second=0, microsecond=0)},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        region = None
        if not data["institution"] and not scope.is_national_dpo:
            region = user.memberships.filter(role="dpo", region__isnull=False).first().region
        try:
            breach = breaches.record(
                actor=user,
                institution=data["institution"],
                region=region,
                discovered_at=data["discovered_at"],
                title=data["title"],
                occurred=data["occurred"],
                what_happened=data["what_happened"],
                data_kinds=data["data_kinds"],
                people_affected=data["people_affected"],
                measures=data["measures"],
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(
                request,
                _("The breach is recorded: notify the authority and the people affected within 3×24 hours."),
            )
            return redirect(breach)
    return render(request, "privacy/breach_form.html", {"form": form})


def _visible(user, pk: int) -> Breach:
    _require_reader(user)
    return get_object_or_404(
        Breach.objects.visible_to(user).select_related("institution__region", "region", "recorded_by"), pk=pk
    )


def _detail(request, breach: Breach, *, form=None, status=200):
    kept = Breach.objects.kept_by(request.user).filter(pk=breach.pk).exists()
    if form is None and kept:
        form = BreachUpdateForm(
            initial={
                "measures": breach.measures,
                "authority_notified": breach.authority_notified_at is not None,
                "people_notified": breach.people_notified_at is not None,
            }
        )
    return render(
        request,
        "privacy/breach_detail.html",
        {"breach": breach, "form": form if kept else None, "overdue": breach.notice_overdue()},
        status=status,
    )


@require_GET
def breach_detail(request, pk: int):
    breach = _visible(request.user, pk)
    audit_record(action=AuditEvent.Action.VIEW, actor=request.user, obj=breach)
    return _detail(request, breach)


@require_POST
def breach_update(request, pk: int):
    user = request.user
    breach = _visible(user, pk)
    if not Breach.objects.kept_by(user).filter(pk=pk).exists():
        raise PermissionDenied(_("The breach register is kept by the data-protection officer."))
    form = BreachUpdateForm(request.POST)
    if form.is_valid():
        now = timezone.now()
        try:
            breaches.update(
                breach,
                actor=user,
                measures=form.cleaned_data["measures"],
                authority_notified_at=now if form.cleaned_data["authority_notified"] else None,
                people_notified_at=now if form.cleaned_data["people_notified"] else None,
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The breach register is updated."))
            return redirect(breach)
    return _detail(request, breach, form=form, status=400)


@require_GET
def breach_letter(request, pk: int, to: str):
    user = request.user
    breach = _visible(user, pk)
    if to not in breaches.LETTERS:
        raise PermissionDenied
    if not Breach.objects.kept_by(user).filter(pk=pk).exists():
        raise PermissionDenied(_("The breach register is kept by the data-protection officer."))
    response = HttpResponse(breaches.letter_pdf(breach, to, actor=user), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="pemberitahuan-{to}-{breach.pk}.pdf"'
    return response

"""SDP import pages: upload and preview, correct the mapping, confirm, follow the progress, download the
rejected rows. Reads start from ImportRun.objects.visible_to(user) (404 outside); writes are one service
call each."""

from __future__ import annotations

import csv
import io

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from audit.exports import spreadsheet_safe
from audit.models import AuditEvent
from audit.services import audit_record
from core import jobs
from exchange import services
from exchange.decision_views import decision_counts
from exchange.forms import MappingForm, UploadForm
from exchange.models import ImportItem, ImportRun
from exchange.sdp.reading import FileRefused
from exchange.sdp.rows import column_label

SHOWN = 50  # rows of each list on the preview page


@require_http_methods(["GET", "POST"])
def import_list(request):
    user = request.user
    services.require_importer(user)
    form = UploadForm(request.POST or None, request.FILES or None, user=user)
    if request.method == "POST" and form.is_valid():
        area, upload = form.cleaned_data["area"], form.cleaned_data["file"]
        try:
            preview = services.import_preview(upload=upload, area=area, today=timezone.localdate())
        except services.MissingColumns as missing:
            preview = missing  # kept: the next page asks which columns hold what is missing
        except FileRefused as refused:
            form.add_error("file", str(refused.reason))
            preview = None
        if preview is not None:
            run = services.import_record(
                by=user, area=area, upload=upload, file_name=upload.name, preview=preview
            )
            return redirect(run)
    runs = (
        ImportRun.objects.visible_to(user)
        .select_related("institution", "region", "created_by")
        .order_by("-created_at")
    )
    page = Paginator(runs, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    to_decide = ImportItem.objects.visible_to(user).still_open().count()
    return render(
        request, "exchange/import_list.html", {"form": form, "page_obj": page, "to_decide": to_decide}
    )


def _visible_run(user, pk: int) -> ImportRun:
    return get_object_or_404(
        ImportRun.objects.visible_to(user).select_related(
            "institution", "region", "created_by", "confirmed_by"
        ),
        pk=pk,
    )


def import_detail(request, pk: int):
    user = request.user
    run = _visible_run(user, pk)
    context = {"run": run, "may_apply": services.may_import_for(user, run.area)}
    if not run.file:  # deleted after SDP_IMPORT_KEEP_DAYS: the record stays, the people's data does not
        context |= {"file_gone": True, "keep_days": settings.SDP_IMPORT_KEEP_DAYS}
    elif run.status in (ImportRun.Status.PREVIEWED, ImportRun.Status.FAILED):
        try:
            preview = services.stored_preview(run, today=timezone.localdate())
        except services.MissingColumns as missing:
            context |= {"missing": [column_label(key) for key in missing.missing]}
            context["mapping_form"] = MappingForm(headers=missing.headers, mapping=missing.mapping)
        else:
            context |= _preview_context(preview)
            context["mapping_form"] = MappingForm(headers=preview.headers, mapping=preview.mapping)
    elif run.waiting:
        context["progress"] = _progress(run)
    if run.status == ImportRun.Status.DONE:
        # What the file alone could not decide, waiting for the UPT's staff.
        context["waiting"] = decision_counts(run.items.all())
    return render(request, "exchange/import_detail.html", context)


def _preview_context(preview) -> dict:
    plan = preview.plan
    return {
        "plan": plan,
        "counts": plan.counts,
        "rows_read": preview.rows_read,
        "rejected": [
            (problem.line, column_label(problem.column), problem.reason)
            for result in preview.rejected[:SHOWN]
            for problem in result.problems
        ],
        "rejected_count": len(preview.rejected),
        "shown": SHOWN,
    }


def _progress(run: ImportRun) -> dict:
    done, todo, seconds = services.progress_of(run) or (0, run.rows_total, 0.0)
    rate = done / seconds if seconds else 0
    return {
        "done": done,
        "todo": todo,
        "percent": round(100 * done / todo) if todo else 0,
        "rate": round(rate),
        "left_seconds": round((todo - done) / rate) if rate else None,
    }


@require_POST
def import_mapping(request, pk: int):
    user = request.user
    run = _visible_run(user, pk)
    if not services.may_import_for(user, run.area):
        raise PermissionDenied
    if not run.file:
        messages.error(request, _("The file has been deleted after its retention period."))
        return redirect(run)
    with run.file.open("rb") as upload:
        headers = services.open_headers(upload)
    form = MappingForm(request.POST, headers=headers, mapping=run.mapping)
    if form.is_valid():
        try:
            services.import_remap(by=user, run=run, mapping=form.mapping(), today=timezone.localdate())
        except (FileRefused, ValidationError) as error:
            messages.error(request, str(getattr(error, "reason", None) or "; ".join(error.messages)))
        else:
            messages.success(request, _("The preview now uses your choice of columns."))
            if form.cleaned_data["remember"]:
                services.mapping_profile_save(by=user, area=run.area, headers=headers, mapping=form.mapping())
    else:
        messages.error(request, _("Nothing was changed: choose one of the file's columns for each."))
    return redirect(run)


@require_POST
def import_apply(request, pk: int):
    user = request.user
    run = _visible_run(user, pk)
    try:
        with jobs.watch() as watched:
            services.import_confirm(by=user, run=run)
    except ValidationError as error:
        messages.error(request, "; ".join(error.messages))
    else:
        jobs.tell_if_waiting(request, watched)
    return redirect(run)


def import_rejected(request, pk: int):
    """The rejected rows as CSV, each with its reasons, to fix and upload again."""
    user = request.user
    run = _visible_run(user, pk)
    if not run.file:
        messages.error(request, _("The file has been deleted after its retention period."))
        return redirect(run)
    preview = services.stored_preview(run, today=timezone.localdate())
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow([*preview.headers, _("Why it was rejected")])
    for result in preview.rejected:
        reasons = "; ".join(f"{column_label(p.column)}: {p.reason}" for p in result.problems)
        writer.writerow([spreadsheet_safe(cell) for cell in [*result.cells, reasons]])
    audit_record(
        action=AuditEvent.Action.EXPORT, actor=user, obj=run, details={"export": "sdp_rejected_rows"}
    )
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="sdp-{run.pk}-ditolak.csv"'
    return response

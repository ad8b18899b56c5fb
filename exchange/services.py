"""Importing an SDP export for one UPT: read and check the file, plan what it would change (the preview), and
apply that plan through the same services as the forms, all or nothing.

What the file alone cannot decide is never applied here: people who left according to SDP (staff confirm each
as a release or a transfer), people held at another UPT (its staff record the transfer), and rows that match
several people or only a similar name (staff link or create by hand). The apply keeps them as ImportItems for
the UPT's staff (exchange.decisions).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.db import OperationalError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from audit.context import batch
from audit.models import AuditEvent
from audit.services import audit_record
from core import jobs
from exchange.models import ImportItem, ImportRun, MappingProfile
from exchange.sdp.columns import BY_KEY, missing_required, normalised
from exchange.sdp.places import Area, PlaceResolver
from exchange.sdp.plan import LEFT_BATCH, Plan, Planned, plan_import
from exchange.sdp.reading import FileRefused, open_table, size_of
from exchange.sdp.rows import RowProblem, RowResult, column_label, read_rows
from inmates import services as inmates_services
from inmates.models import Admission, Person
from privacy import retention


class MissingColumns(FileRefused):
    """Required columns not recognised in the headers: the user may say which columns hold them (the mapping
    on the preview page); until then nothing can be previewed or applied."""

    def __init__(self, missing: list[str], *, headers: list[str], mapping: dict[str, int], kind: str):
        super().__init__(
            _("Required columns are missing: %(columns)s.")
            % {"columns": ", ".join(column_label(key) for key in missing)}
        )
        self.missing, self.headers, self.mapping, self.kind = missing, headers, mapping, kind


@dataclass
class Preview:
    table_kind: str
    mapping: dict[str, int]
    headers: list[str]
    plan: Plan
    rejected: list[RowResult] = field(default_factory=list)
    rows_read: int = 0


def require_importer(user) -> None:
    """The import pages are for UPT staff and regional and national officers."""
    scope = user.scope
    if not (scope.is_national or scope.staff_institution_ids or scope.region_ids):
        raise PermissionDenied(_("SDP imports are for UPT staff and regional and national officers."))


def may_import_for(user, area: Area) -> bool:
    """A UPT's list: its staff, its region's officers, national officers. A region's file: its officers and
    national officers. The national file: national officers."""
    scope = user.scope
    if area.institution is not None:
        return scope.may_load_register(area.institution)
    if area.region is not None:
        return scope.is_national or area.region.pk in scope.region_ids
    return scope.is_national


def checksum_of(upload) -> str:
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in iter(lambda: upload.read(1024 * 1024), b""):
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


def import_preview(
    *,
    upload,
    area: Area,
    today: dt.date,
    mapping: dict[str, int] | None = None,
    each_chunk: Callable[[Plan], None] | None = None,
) -> Preview:
    """Read the whole file and plan it; nothing is written. Raises FileRefused for a file refused whole."""
    table = open_table(upload, max_bytes=settings.SDP_IMPORT_MAX_MB * 1024 * 1024)
    used = mapping if mapping is not None else with_profile(table.mapping, table.headers, area)
    if missing := missing_required(used, needs_institution=not area.is_single_upt):
        raise MissingColumns(missing, headers=table.headers, mapping=used, kind=table.kind)
    rejected: list[RowResult] = []
    counter = {"read": 0}
    places = PlaceResolver(area)

    def valid_rows():
        for result in read_rows(table.rows(), used, today=today):
            counter["read"] += 1
            result = places.place_of(result)
            if result.row is None:
                rejected.append(result)
            else:
                yield result.row

    def planned(part: Plan) -> None:
        # Rows matching refused (a register number someone else here holds) go back with the rejected ones,
        # with their reason, before the apply sees the chunk.
        rejected.extend(
            RowResult(
                refused.row.line,
                list(refused.row.cells),
                None,
                (RowProblem(refused.row.line, "register_number", refused.refusal),),
            )
            for refused in part.refused
        )
        if each_chunk is not None:
            each_chunk(part)

    plan = plan_import(valid_rows(), area=area, today=today, each_chunk=planned)
    rejected.sort(key=lambda result: result.line)
    return Preview(
        table_kind=table.kind,
        mapping=used,
        headers=table.headers,
        plan=plan,
        rejected=rejected,
        rows_read=counter["read"],
    )


def with_profile(recognised: dict[str, int], headers: list[str], area: Area) -> dict[str, int]:
    """The recognised mapping, corrected by the area's saved column profile for the headers it knows."""
    profile = MappingProfile.objects.filter(area_key=area.key).first()
    if profile is None:
        return recognised
    mapping = dict(recognised)
    for index, header in enumerate(headers):
        key = profile.header_keys.get(normalised(header))
        if key in BY_KEY:
            mapping = {k: i for k, i in mapping.items() if i != index}  # this column now holds `key`
            mapping[key] = index
    return mapping


@transaction.atomic
def mapping_profile_save(*, by, area: Area, headers: list[str], mapping: dict[str, int]) -> MappingProfile:
    """Remember which of these headers holds what, for the area's next files."""
    if not may_import_for(by, area):
        raise PermissionDenied(_("You may not import for this UPT."))
    header_keys = {normalised(headers[index]): key for key, index in mapping.items() if index < len(headers)}
    header_keys = {header: key for header, key in header_keys.items() if header}
    profile, _created = MappingProfile.objects.update_or_create(
        area_key=area.key, defaults={"header_keys": header_keys, "saved_by": by}
    )
    audit_record(action=AuditEvent.Action.CHANGE, actor=by, obj=profile, details={"columns": header_keys})
    return profile


Progress = Callable[[int, int], None]
PROGRESS_KEY = "sdp-import-progress:{pk}"
BULK = 500  # new people written per statement batch


def import_record(*, by, area: Area, upload, file_name: str, preview: Preview | MissingColumns) -> ImportRun:
    """Keep the uploaded file privately with what its preview found (status: previewed, nothing applied), or,
    when required columns were not recognised, with the mapping so far for the user to complete."""
    if not may_import_for(by, area):
        raise PermissionDenied(_("You may not import for this UPT."))
    checksum = checksum_of(upload)
    if isinstance(preview, Preview):
        kind, counts, rejected = preview.table_kind, preview.plan.counts, len(preview.rejected)
    else:
        kind, counts, rejected = preview.kind, {}, 0
    run = ImportRun(
        institution=area.institution,
        region=area.region,
        file_name=file_name[:255],
        file_size=size_of(upload),
        checksum=checksum,
        file_kind=kind,
        mapping=preview.mapping,
        counts=counts,
        rejected_rows=rejected,
        created_by=by,
    )
    upload.seek(0)
    run.file.save(f"{checksum[:16]}.{kind}", File(upload), save=False)
    run.save()
    audit_record(
        action=AuditEvent.Action.CREATE,
        actor=by,
        obj=run,
        details={"file": run.file_name, "sha256": checksum, "size": run.file_size, "counts": run.counts},
    )
    return run


def open_headers(upload) -> list[str]:
    return open_table(upload, max_bytes=settings.SDP_IMPORT_MAX_MB * 1024 * 1024).headers


def stored_preview(run: ImportRun, *, today: dt.date, mapping: dict[str, int] | None = None) -> Preview:
    """The preview of a kept file read again (in the reader's language), with its mapping or a corrected
    one."""
    with run.file.open("rb") as upload:
        return import_preview(
            upload=upload,
            area=run.area,
            today=today,
            mapping=run.mapping if mapping is None else mapping,
        )


@transaction.atomic
def import_remap(*, by, run: ImportRun, mapping: dict[str, int], today: dt.date) -> Preview:
    """A user corrected which column holds what: preview again with it and keep it."""
    run = ImportRun.objects.select_for_update().get(pk=run.pk)
    if run.status != ImportRun.Status.PREVIEWED:
        raise ValidationError(_("This import has already been applied."))
    preview = stored_preview(run, today=today, mapping=mapping)  # MissingColumns: nothing is kept
    run.mapping, run.counts, run.rejected_rows = preview.mapping, preview.plan.counts, len(preview.rejected)
    run.save(update_fields=["mapping", "counts", "rejected_rows"])
    audit_record(action=AuditEvent.Action.CHANGE, actor=by, obj=run, details={"mapping": preview.mapping})
    return preview


@transaction.atomic
def import_confirm(*, by, run: ImportRun) -> ImportRun:
    """The user confirmed the preview: queue the import (it runs as a Celery task once this commits). A failed
    import left nothing behind and may be confirmed again, as a fresh start: its attempts count from 0, so a
    worker that dies under it has it queued once more (stuck_imports_sweep), as on the first confirmation."""
    if not may_import_for(by, run.area):
        raise PermissionDenied(_("You may not import for this UPT."))
    if missing_required(run.mapping, needs_institution=not run.is_single_upt):
        raise ValidationError(_("Say which columns hold the required data first."))
    updated = (
        ImportRun.objects.filter(pk=run.pk, status__in=[ImportRun.Status.PREVIEWED, ImportRun.Status.FAILED])
        .exclude(file="")
        .update(
            status=ImportRun.Status.QUEUED,
            confirmed_by=by,
            error="",
            started_at=None,
            finished_at=None,
            attempts=0,
        )
    )
    if not updated:
        raise ValidationError(_("This import has already been applied or is running."))
    from exchange.tasks import apply_import

    jobs.enqueue_on_commit(apply_import, run.pk)
    run.refresh_from_db()
    return run


def progress_of(run: ImportRun) -> tuple[int, int, float] | None:
    """(rows done, rows to do, seconds since the start) while the task runs; kept in the cache, because the
    import's own writes are invisible to other connections until it commits."""
    return cache.get(PROGRESS_KEY.format(pk=run.pk))


@transaction.atomic
def import_apply(
    *, by, run: ImportRun, progress: Progress | None = None, today: dt.date | None = None
) -> ImportRun:
    """Apply a kept import: new people and their admissions, returns to custody, the register's changes; and
    keep what the file alone cannot decide as items for the UPT's staff. The file is read again and applied
    chunk by chunk as it is planned, so memory stays flat whatever its size. All or nothing: any failure rolls
    the whole import back."""
    area = run.area
    if not may_import_for(by, area):
        raise PermissionDenied(_("You may not import for this UPT."))
    # One import per UPT at a time: the second waits for the first to commit, then finds nothing left to do.
    list(area.institutions().order_by("pk").select_for_update().values_list("pk", flat=True))
    todo = sum(run.counts.get(kind, 0) for kind in ("new_people", "returns", "changed"))
    done = 0

    def apply_chunk(part: Plan) -> None:
        nonlocal done
        for start in range(0, len(part.new_people), BULK):
            _register(by, part.new_people[start : start + BULK])
        for planned in part.returns:
            _readmit(by, planned, run)
        for planned in part.changed:
            inmates_services.admission_update_from_register(
                by=by,
                admission=_found(planned.admission, planned),
                values={change.field: change.after for change in planned.changes},
            )
        _keep_undecided(run, part)
        done += len(part.new_people) + len(part.returns) + len(part.changed)
        _tick(progress, done, max(todo, done))

    with batch(sdp_import=run.pk), run.file.open("rb") as upload:
        preview = import_preview(
            upload=upload,
            area=area,
            today=today or timezone.localdate(),
            mapping=run.mapping,
            each_chunk=apply_chunk,
        )
        plan = preview.plan
        _keep_left(run, plan.left_ids, places=plan.places)
        run.status, run.finished_at, run.confirmed_by = ImportRun.Status.DONE, timezone.now(), by
        run.counts, run.rows_total = plan.counts, done
        run.rejected_rows = len(preview.rejected)
        run.save(
            update_fields=["status", "finished_at", "confirmed_by", "counts", "rows_total", "rejected_rows"]
        )
        audit_record(action=AuditEvent.Action.CHANGE, actor=by, obj=run, details={"applied": plan.counts})
    return run


def _row_data(planned: Planned) -> dict:
    """The row as read, in JSON, for a registration by hand."""
    row = planned.row
    return {
        "full_name": row.full_name,
        "register_number": row.register_number,
        "nik": row.nik or "",
        "sex": row.sex,
        "birth_place": row.birth_place,
        "birth_date": row.birth_date.isoformat() if row.birth_date else "",
        "admitted_on": row.admitted_on.isoformat(),
        "register_category": row.register_category,
        "offence": row.offence,
        "sentence_months": row.sentence_months,
        "expected_release": row.expected_release.isoformat() if row.expected_release else "",
    }


def _keep_undecided(run: ImportRun, part: Plan) -> None:
    """Rows matching several people or only a similar name, and people held at another UPT, wait for the
    UPT's staff; a later import of the same UPT replaces what is still open (the newest list is the truth)."""
    items = [
        ImportItem(
            run=run,
            kind=ImportItem.Kind.REVIEW,
            institution_id=_upt_of(planned),
            line=planned.row.line,
            row=_row_data(planned),
        )
        for planned in part.review
    ] + [
        ImportItem(
            run=run,
            kind=ImportItem.Kind.TRANSFER,
            institution_id=_upt_of(planned),
            line=planned.row.line,
            row=_row_data(planned),
            person=planned.person,
            admission=planned.admission,
        )
        for planned in part.transfers_in
    ]
    ImportItem.objects.bulk_create(items)
    links = [
        ImportItem.candidates.through(importitem_id=item.pk, person_id=person.pk)
        for item, planned in zip(items, part.review, strict=False)
        for person in planned.candidates
    ]
    ImportItem.candidates.through.objects.bulk_create(links)


def _keep_left(run: ImportRun, left_ids: list[int], *, places: set[int]) -> None:
    """People in custody at a UPT the file lists, but not in it, wait for its staff to confirm how they left;
    what an earlier import of these UPTs left open is replaced (the newest list is the truth)."""
    for start in range(0, len(left_ids), LEFT_BATCH):
        spells = (
            Admission.objects.filter(pk__in=left_ids[start : start + LEFT_BATCH])
            .order_by("pk")
            .values_list("pk", "institution_id")
        )
        items = [
            ImportItem(run=run, kind=ImportItem.Kind.LEFT, institution_id=place, admission_id=pk)
            for pk, place in spells
        ]
        ImportItem.objects.bulk_create(items)
    ImportItem.objects.filter(institution_id__in=places, outcome="").exclude(run=run).update(
        outcome=ImportItem.Outcome.SUPERSEDED, decided_at=timezone.now()
    )


def _tick(progress: Progress | None, done: int, todo: int) -> None:
    if progress is not None:
        progress(done, todo)


T = TypeVar("T")


def _upt_of(planned: Planned) -> int:
    """The UPT a planned row was resolved to: every row in a plan's lists has one (the rest are refused)."""
    if planned.row.institution_id is None:
        raise ValueError(f"Line {planned.row.line} reached the plan without a UPT.")
    return planned.row.institution_id


def _found(found: T | None, planned: Planned) -> T:
    """The person or spell the plan matched a row to: set for every row of the lists that need one."""
    if found is None:
        raise ValueError(f"Line {planned.row.line} reached the plan without the record it matched.")
    return found


def _admission_for(planned: Planned) -> Admission:
    row = planned.row
    return Admission(
        institution_id=_upt_of(planned),
        register_number=row.register_number,
        register_category=row.register_category,
        admitted_on=row.admitted_on,
        offence=row.offence,
        sentence_months=row.sentence_months,
        expected_release=row.expected_release,
    )


def _register(by, chunk: list[Planned]) -> None:
    """New people in bulk: a few statements per chunk instead of a dozen per person."""
    entries = [
        (
            Person(
                full_name=planned.row.full_name,
                nik=planned.row.nik,
                sex=planned.row.sex,
                birth_date=planned.row.birth_date,
                birth_place=planned.row.birth_place,
            ),
            _admission_for(planned),
        )
        for planned in chunk
    ]
    try:
        inmates_services.people_register_bulk(by=by, entries=entries)
    except ValidationError as error:
        lines = f"{chunk[0].row.line}–{chunk[-1].row.line}"
        raise ValidationError(
            _("Lines %(lines)s: %(reason)s") % {"lines": lines, "reason": "; ".join(error.messages)}
        ) from error


def _readmit(by, planned: Planned, run: ImportRun) -> None:
    try:
        inmates_services.admission_link(
            by=by,
            person=_found(planned.person, planned),
            admission=_admission_for(planned),
            reason=_("SDP import #%(run)s (line %(line)s)") % {"run": run.pk, "line": planned.row.line},
            match_reason=_("SDP register"),
        )
    except ValidationError as error:
        raise ValidationError(
            _("Line %(line)s: %(reason)s") % {"line": planned.row.line, "reason": "; ".join(error.messages)}
        ) from error


STUCK_AFTER = dt.timedelta(minutes=2)  # a claim's apply takes its UPT locks within moments
MAX_ATTEMPTS = 2
WORKER_STOPPED = gettext_noop("The worker stopped before the import finished; nothing was changed.")


def stuck_imports_sweep(*, now: dt.datetime) -> int:
    """Find imports marked running whose worker is gone and queue them again (once), or mark them failed.

    A running apply holds its UPTs' rows locked in its transaction until it commits; when its worker dies,
    PostgreSQL ends the connection and the locks go with it. So a run is stuck when its UPTs can be locked
    at once (NOWAIT), or, on any database, when it has outlived the task's hard time limit."""
    from exchange.tasks import apply_import

    hard_limit = dt.timedelta(seconds=settings.SDP_IMPORT_TIME_LIMIT + 120)
    swept = 0
    for run in ImportRun.objects.filter(status=ImportRun.Status.RUNNING, started_at__lt=now - STUCK_AFTER):
        with transaction.atomic():
            if run.started_at >= now - hard_limit and not _nobody_applies(run):
                continue
            again = run.attempts < MAX_ATTEMPTS
            changed = ImportRun.objects.filter(pk=run.pk, status=ImportRun.Status.RUNNING).update(
                status=ImportRun.Status.QUEUED if again else ImportRun.Status.FAILED,
                finished_at=None if again else now,
                error=WORKER_STOPPED,  # in English: translated when shown
            )
            if changed:
                swept += 1
                audit_record(
                    action=AuditEvent.Action.CHANGE,
                    obj=run,
                    details={"stuck": "requeued" if again else "failed"},
                )
                if again:
                    jobs.enqueue_on_commit(apply_import, run.pk)
    return swept


def _nobody_applies(run: ImportRun) -> bool:
    """True when no transaction holds the run's UPTs (PostgreSQL row locks); elsewhere we cannot tell."""
    if connection.vendor != "postgresql":
        return False
    try:
        with transaction.atomic():
            list(run.area.institutions().select_for_update(nowait=True).values_list("pk", flat=True))
    except OperationalError:
        return False
    return True


def files_expired_delete(*, now: dt.datetime) -> int:
    """Delete the kept files of imports older than the retention schedule's period for import files
    (privacy.retention, by default SDP_IMPORT_KEEP_DAYS); the record, its checksum and counts stay. Safe to
    run twice."""
    cutoff = now - retention.kept_for("import_files")
    expired = (
        ImportRun.objects.filter(created_at__lt=cutoff)
        .exclude(file="")
        .exclude(status__in=[ImportRun.Status.QUEUED, ImportRun.Status.RUNNING])
    )
    return files_delete(expired)


def files_delete(runs, *, actor=None) -> int:
    deleted = 0
    for run in runs.iterator():
        run.file.delete(save=False)
        ImportRun.objects.filter(pk=run.pk).update(file="")
        audit_record(
            action=AuditEvent.Action.DELETE, actor=actor, obj=run, details={"file_deleted": run.checksum}
        )
        deleted += 1
    return deleted

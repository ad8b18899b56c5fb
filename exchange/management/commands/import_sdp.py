"""python manage.py import_sdp FILE (--institution CODE | --region CODE | --national) --user USER [--dry-run]

For administrators loading SDP exports from the shell: one UPT's list, or a region's or the country's file
that names each row's UPT in a UPT column. Prints the same preview as the page (counts, rejected rows with
line, column and reason) and, without --dry-run, applies it as the given user (staff of the UPT, or an
officer of the region or the country), all or nothing, with a progress line.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone, translation

from accounts.models import User
from exchange import services
from exchange.sdp.places import Area
from exchange.sdp.reading import FileRefused
from exchange.sdp.rows import column_label
from institutions.models import Institution, Region

REJECTED_SHOWN = 50


class Command(BaseCommand):
    help = "Preview and apply an SDP export (CSV or XLSX) for one UPT."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        area = parser.add_mutually_exclusive_group(required=True)
        area.add_argument("--institution", help="One UPT's list: its code, e.g. lapas-amuntai.")
        area.add_argument("--region", help="A region's file with a UPT column: the region's code.")
        area.add_argument("--national", action="store_true", help="The country's file with a UPT column.")
        parser.add_argument(
            "--user", required=True, help="Staff of the UPT or an officer of the area, named on every change."
        )
        parser.add_argument("--dry-run", action="store_true", help="Show the preview; write nothing.")

    def handle(self, *args, **options):
        with translation.override("id"):  # the working language, as the preview page speaks it by default
            self._handle(**options)

    def _handle(self, *, file: Path, institution: str, region: str, user: str, dry_run: bool, **options):
        area = self._area(institution, region)
        try:
            by = User.objects.get(username=user, is_active=True)
        except User.DoesNotExist as exc:
            raise CommandError(f"No active user {user!r}.") from exc
        if not file.is_file():
            raise CommandError(f"No file at {file}.")
        with file.open("rb") as upload:
            started = time.monotonic()
            try:
                preview = services.import_preview(upload=upload, area=area, today=timezone.localdate())
            except FileRefused as refused:
                raise CommandError(str(refused.reason)) from refused
        self._print_preview(preview, seconds=time.monotonic() - started)
        if dry_run:
            self.stdout.write("Dry run: nothing was written.")
            return
        started = time.monotonic()

        def progress(done: int, todo: int) -> None:
            if done % 500 == 0 or done == todo:
                rate = done / max(time.monotonic() - started, 1e-6)
                sys.stdout.write(f"\r  {done}/{todo} rows, {rate:.0f} rows/s")
                sys.stdout.flush()

        try:
            with file.open("rb") as upload:
                run = services.import_record(
                    by=by, area=area, upload=upload, file_name=file.name, preview=preview
                )
            run = services.import_apply(by=by, run=run, progress=progress)
        except (PermissionDenied, ValidationError) as error:
            messages = getattr(error, "messages", None) or [str(error)]
            raise CommandError("Nothing was written: " + "; ".join(messages)) from error
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(f"Import #{run.pk} applied: {run.counts}"))

    @staticmethod
    def _area(institution: str | None, region: str | None) -> Area:
        if institution:
            try:
                return Area(institution=Institution.objects.select_related("region").get(code=institution))
            except Institution.DoesNotExist as exc:
                raise CommandError(f"No UPT with the code {institution!r}.") from exc
        if region:
            try:
                return Area(region=Region.objects.get(code=region))
            except Region.DoesNotExist as exc:
                raise CommandError(f"No region with the code {region!r}.") from exc
        return Area()

    def _print_preview(self, preview, *, seconds: float) -> None:
        plan = preview.plan
        where = plan.area.institution or plan.area.region or "the whole country"
        self.stdout.write(
            f"{preview.rows_read} rows read ({preview.table_kind}) in {seconds:.1f} s for {where}"
        )
        for key, count in plan.counts.items():
            self.stdout.write(f"  {key:14} {count}")
        self.stdout.write(f"  {'rejected':14} {len(preview.rejected)}")
        for result in preview.rejected[:REJECTED_SHOWN]:
            for problem in result.problems:
                self.stdout.write(
                    f"    line {problem.line}, {column_label(problem.column)}: {problem.reason}"
                )
        if len(preview.rejected) > REJECTED_SHOWN:
            self.stdout.write(f"    … and {len(preview.rejected) - REJECTED_SHOWN} more rejected rows")

"""python manage.py import_sdp FILE --institution CODE --user USERNAME [--dry-run]

For administrators loading a UPT's SDP export from the shell: prints the same preview as the page (counts,
rejected rows with line, column and reason) and, without --dry-run, applies it as the given UPT-staff user,
all or nothing, with a progress line.
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
from exchange.sdp.reading import FileRefused
from exchange.sdp.rows import column_label
from institutions.models import Institution

REJECTED_SHOWN = 50


class Command(BaseCommand):
    help = "Preview and apply an SDP export (CSV or XLSX) for one UPT."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--institution", required=True, help="The UPT's code, e.g. lapas-amuntai.")
        parser.add_argument("--user", required=True, help="A staff member of the UPT, named on every change.")
        parser.add_argument("--dry-run", action="store_true", help="Show the preview; write nothing.")

    def handle(self, *args, **options):
        with translation.override("id"):  # the working language, as the preview page speaks it by default
            self._handle(**options)

    def _handle(self, *, file: Path, institution: str, user: str, dry_run: bool, **options):
        try:
            place = Institution.objects.get(code=institution)
        except Institution.DoesNotExist as exc:
            raise CommandError(f"No UPT with the code {institution!r}.") from exc
        try:
            by = User.objects.get(username=user, is_active=True)
        except User.DoesNotExist as exc:
            raise CommandError(f"No active user {user!r}.") from exc
        if not file.is_file():
            raise CommandError(f"No file at {file}.")
        with file.open("rb") as upload:
            started = time.monotonic()
            try:
                preview = services.import_preview(
                    upload=upload, institution=place, today=timezone.localdate()
                )
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
                    by=by, institution=place, upload=upload, file_name=file.name, preview=preview
                )
            run = services.import_apply(by=by, run=run, progress=progress)
        except (PermissionDenied, ValidationError) as error:
            messages = getattr(error, "messages", None) or [str(error)]
            raise CommandError("Nothing was written: " + "; ".join(messages)) from error
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(f"Import #{run.pk} applied: {run.counts}"))

    def _print_preview(self, preview, *, seconds: float) -> None:
        plan = preview.plan
        self.stdout.write(
            f"{preview.rows_read} rows read ({preview.table_kind}) in {seconds:.1f} s "
            f"for {plan.institution.name}"
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

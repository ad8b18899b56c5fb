"""Render one monthly report synchronously and print the PDF's path.

python manage.py report --scope institution:lapas-amuntai --month 2026-10 [--lang id|en]
python manage.py report --scope region:kalsel --month 2026-10
python manage.py report --scope national --month 2026-10
python manage.py report --scope region:kalsel --month 2026-10 --format xlsx [--output kalsel.xlsx]

The XLSX is made from the rendered report's snapshot (the PDF's figures), rendering it first if needed. With
--output, the PDF too is copied there (it stays in the archive as well).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from institutions.models import Institution, Region
from reports import services
from reports.models import Report
from reports.render import generate
from reports.tasks import claim, report_for
from reports.xlsx import workbook_bytes


class Command(BaseCommand):
    help = "Render a monthly report now (without the queue) and print the PDF's path."

    def add_arguments(self, parser):
        parser.add_argument("--scope", required=True, help="institution:<code>, region:<code> or national")
        parser.add_argument("--month", required=True, help="YYYY-MM")
        parser.add_argument("--lang", default="id", choices=["id", "en"])
        parser.add_argument("--format", default="pdf", choices=["pdf", "xlsx"], dest="output_format")
        parser.add_argument(
            "--output",
            help="where to write the file (XLSX default: laporan-<place>-<month>-<lang>.xlsx; PDF default:"
            " only its path in the archive is printed)",
        )

    def handle(
        self, *args, scope: str, month: str, lang: str, output_format: str, output: str | None, **options
    ):
        if output and Path(output).suffix.lower() not in ("", f".{output_format}"):
            raise CommandError(
                f"--output {output} names a {Path(output).suffix} file, but --format is {output_format}."
            )
        try:
            first = services.month_check(dt.datetime.strptime(month, "%Y-%m").date())
        except ValueError as exc:
            raise CommandError("--month must look like 2026-10") from exc
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        kind, _sep, code = scope.partition(":")
        places = {"institution": (Institution, "institution"), "region": (Region, "region")}
        if kind == "national" and not code:
            report = report_for(scope=Report.Scope.NATIONAL, month=first, language=lang)
        elif kind in places and code:
            model, field = places[kind]
            place = model.objects.filter(code=code).first()
            if place is None:
                raise CommandError(f"No {kind} with code {code!r}.")
            report = report_for(scope=kind, month=first, language=lang, **{field: place})
        else:
            raise CommandError("--scope must be institution:<code>, region:<code> or national")
        if report.status != Report.Status.DONE:
            if not claim(report.pk):
                raise CommandError("This report is being generated right now; try again in a minute.")
            report.refresh_from_db()
            generate(report)
        if output_format == "pdf" and not output:
            self.stdout.write(report.pdf.path)
            return
        target = Path(output or f"laporan-{report.scope_code}-{report.month:%Y-%m}-{report.language}.xlsx")
        if output_format == "pdf":
            with report.pdf.open("rb") as pdf:
                target.write_bytes(pdf.read())
        else:
            target.write_bytes(workbook_bytes(report, report.snapshot))
        self.stdout.write(str(target.resolve()))

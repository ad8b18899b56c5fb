"""Build a synthetic SDP export, preview and apply it for one UPT inside a transaction, and roll everything
back. Not a test: a measurement to record in the README.

    python manage.py benchmark_import [--rows 15000] [--format csv|xlsx] [--area region|national]
                                      [--skip-apply]

The file is a region's (or the country's) list: its rows are spread over one UPT per 600 rows (25 UPT for
15,000 rows, 500 for 300,000, about the country's 530), named in a UPT column.

Prints rows per second for reading, planning and applying, then for previewing the same file again (the next
day's reconciliation, every row matched against the full tables), and the peak memory of the process
(ru_maxrss).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import random
import resource
import tempfile
import time

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from accounts.models import Membership, Role, User
from exchange import services
from exchange.sdp.places import Area
from exchange.sdp.reading import size_of
from institutions.models import Institution, Region

HEADERS = ["UPT", "No. Register", "Nama", "NIK", "JK", "Tempat Lahir", "Tgl Lahir", "Tgl Masuk", "Kategori",
           "Pasal", "Lama Pidana", "Tgl Ekspirasi"]  # fmt: skip
ROWS_PER_UPT = 600


class Rollback(Exception):
    pass


def _upt_code(index: int) -> str:
    return f"benchmark-upt-{index // ROWS_PER_UPT}"


def synthetic_rows(count: int, *, today: dt.date):
    rng = random.Random(2026)
    for index in range(count):
        # Adults at admission (admitted at most 2000 days ago): a child at an adult UPT is not imported.
        born = dt.date(rng.randint(1960, 2000), rng.randint(1, 12), rng.randint(1, 28))
        admitted = today - dt.timedelta(days=rng.randint(1, 2000))
        yield [
            _upt_code(index),
            f"B.I {index}/{admitted.year}",
            f"WBP Sintetis {index}",
            # Province, regency (unique per 10,000 rows), district, birth date, serial: unique per row.
            f"{11 + index // 1_000_000}{index // 10_000 % 100:02d}01{born:%d%m%y}{index % 10_000:04d}",
            rng.choice("LP"),
            "Palembang",
            born.strftime("%d-%m-%Y"),
            admitted.strftime("%d-%m-%Y"),
            rng.choice(["B.I", "B.IIa", "A.II"]),
            rng.choice(["127 UU 35/2009", "114 UU 35/2009", "362 KUHP"]),
            rng.choice(["1 thn 6 bln", "8 bln", "4 thn"]),
            "",
        ]


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class Command(BaseCommand):
    help = "Measure an SDP import on a synthetic export (everything rolled back afterwards)."

    def add_arguments(self, parser):
        parser.add_argument("--rows", type=int, default=15_000)
        parser.add_argument("--format", choices=["csv", "xlsx"], default="csv")
        parser.add_argument("--area", choices=["region", "national"], default="region")
        parser.add_argument("--skip-apply", action="store_true")

    def handle(self, *args, rows: int, format: str, area: str, skip_apply: bool, **options):
        today = timezone.localdate()
        with self._file(rows, format, today) as upload:
            self._measure(upload, rows=rows, format=format, area=area, skip_apply=skip_apply, today=today)

    def _measure(
        self, upload, *, rows: int, format: str, area: str, skip_apply: bool, today: dt.date
    ) -> None:
        self.stdout.write(
            f"{rows} rows, {format}, {size_of(upload) / 1024 / 1024:.1f} MB; peak memory {_peak_mb():.0f} MB"
        )
        try:
            with transaction.atomic():
                region, _ = Region.objects.get_or_create(code="benchmark", defaults={"name": "Benchmark"})
                Institution.objects.bulk_create(
                    [
                        Institution(code=code, name=f"Lapas Benchmark {number}", region=region)
                        for number, code in enumerate(sorted({_upt_code(i) for i in range(rows)}))
                    ],
                    ignore_conflicts=True,
                )
                officer, _ = User.objects.get_or_create(username="benchmark.officer")
                if area == "national":
                    Membership.objects.get_or_create(user=officer, role=Role.NATIONAL)
                    scope = Area()
                else:
                    Membership.objects.get_or_create(user=officer, role=Role.REGIONAL, region=region)
                    scope = Area(region=region)
                officer.__dict__.pop("scope", None)
                started = time.perf_counter()
                preview = services.import_preview(upload=upload, area=scope, today=today)
                took = time.perf_counter() - started
                rate = preview.rows_read / took
                self.stdout.write(
                    f"Preview: {preview.rows_read} rows in {took:.1f} s ({rate:.0f} rows/s), "
                    f"{len(preview.rejected)} rejected, {preview.plan.counts}; "
                    f"peak memory {_peak_mb():.0f} MB"
                )
                if not skip_apply:
                    started = time.perf_counter()
                    upload.seek(0)
                    run = services.import_record(
                        by=officer,
                        area=scope,
                        upload=upload,
                        file_name="benchmark",
                        preview=preview,
                    )
                    run = services.import_apply(by=officer, run=run)
                    took = time.perf_counter() - started
                    applied = sum(run.counts[key] for key in ("new_people", "returns", "changed"))
                    self.stdout.write(
                        f"Apply: {applied} rows in {took:.1f} s ({applied / took:.0f} rows/s); "
                        f"peak memory {_peak_mb():.0f} MB"
                    )
                    # The next day's file, the same people: every row is matched against the full tables.
                    upload.seek(0)
                    started = time.perf_counter()
                    again = services.import_preview(upload=upload, area=scope, today=today)
                    took = time.perf_counter() - started
                    self.stdout.write(
                        f"Preview of the same file again: {again.rows_read} rows in {took:.1f} s "
                        f"({again.rows_read / took:.0f} rows/s), {again.plan.counts['unchanged']} unchanged; "
                        f"peak memory {_peak_mb():.0f} MB"
                    )
                raise Rollback
        except Rollback:
            self.stdout.write("Rolled back.")

    def _file(self, rows: int, format: str, today: dt.date):
        """The export in a temporary file, as an upload sits on disk: the harness holds no copy in memory."""
        out = tempfile.TemporaryFile()  # noqa: SIM115 (handed to the caller, which closes it)
        if format == "csv":
            text = io.TextIOWrapper(out, encoding="utf-8", newline="")
            writer = csv.writer(text, delimiter=";")
            writer.writerow(HEADERS)
            writer.writerows(synthetic_rows(rows, today=today))
            text.flush()
            text.detach()
        else:
            from openpyxl import Workbook

            workbook = Workbook(write_only=True)
            sheet = workbook.create_sheet()
            sheet.append(HEADERS)
            for row in synthetic_rows(rows, today=today):
                sheet.append(row)
            workbook.save(out)
        out.seek(0)
        return out

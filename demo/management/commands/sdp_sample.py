"""python manage.py sdp_sample --institution lapas-amuntai [--format xlsx|csv] [--out FILE]

Writes a sample SDP export of a demo UPT (see demo/sdp_sample.py) to try an import with:
python manage.py import_sdp FILE --institution lapas-amuntai --user staf.amuntai --dry-run
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from demo import sdp_sample
from institutions.models import Institution


class Command(BaseCommand):
    help = "Write a sample SDP export of a demo UPT, to try an import."

    def add_arguments(self, parser):
        parser.add_argument("--institution", default="lapas-amuntai")
        parser.add_argument("--format", choices=["xlsx", "csv"], default="xlsx")
        parser.add_argument("--out", type=Path, help="Default: sdp-<institution>.<format> in this folder.")

    def handle(self, *args, institution: str, format: str, out: Path | None, **options):
        try:
            place = Institution.objects.get(code=institution)
        except Institution.DoesNotExist as exc:
            raise CommandError(
                f"No UPT with the code {institution!r}; load the demo first (make run)."
            ) from exc
        rows = sdp_sample.sample_rows(place, today=timezone.localdate())
        title = f"DAFTAR WBP {place.name.upper()}"
        data = sdp_sample.as_xlsx(rows, title=title) if format == "xlsx" else sdp_sample.as_csv(rows)
        path = out or Path(f"sdp-{place.code}.{format}")
        path.write_bytes(data)
        self.stdout.write(f"{len(rows)} rows written to {path}")

"""What the retention schedule makes due today, and, without --dry-run, carrying it out:

    python manage.py retention_run --dry-run     # per kind of record: how many, and what would happen
    python manage.py retention_run               # plan and carry out at once (administrators, scripts)

The pages do the same in two steps: the plan is approved by the data-protection officer before it runs.
Every record changed is audited; the run is kept with what it did.
"""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand

from privacy import retention


class Command(BaseCommand):
    help = "List what the retention schedule makes due (--dry-run), or carry it out."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="only list what is due")

    def handle(self, *args, dry_run: bool, **options):
        run = retention.plan()
        self.stdout.write(f"Retention plan {run.pk} ({run.planned_at:%Y-%m-%d %H:%M} UTC):")
        for key, (kind, days, _rule) in retention.schedule().items():
            entry = run.plan.get(key, {"ids": [], "cutoff": ""})
            cutoff = dt.datetime.fromisoformat(entry["cutoff"]).date() if entry["cutoff"] else "-"
            self.stdout.write(
                f"  {key:16} {len(entry['ids']):>7}  kept {days} days (before {cutoff}): {kind.action}"
            )
        if dry_run:
            self.stdout.write(
                "Dry run: nothing changed. Approve the plan on the retention page, or run again "
                "without --dry-run."
            )
            return
        result = retention.carry_out(run)
        for key, count in result.items():
            self.stdout.write(f"  {key:16} {count:>7} done")

"""Write one person's access bundle (privacy.bundle) into a folder, as the rights-request page makes it:

    python manage.py subject_access --person <id> --out <folder> [--include-notes]

For administrators answering a request outside the pages (a court, an inspector). Audited like the page's
action, as an export by the command (no user). Notes are left out unless --include-notes is given.
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from audit.models import AuditEvent
from audit.services import audit_record
from inmates.models import Person
from privacy import bundle, documents
from privacy.services import json_bytes


class _Everyone:
    """The command reads the whole processing trail, as the national data-protection officer does."""

    class scope:  # stands in for accounts.scope.Scope
        is_national = True
        is_national_dpo = True


class Command(BaseCommand):
    help = "Write a person's access bundle (JSON and PDF) into a folder."

    def add_arguments(self, parser):
        parser.add_argument("--person", type=int, required=True, help="the person's record number")
        parser.add_argument("--out", required=True, help="an existing folder")
        parser.add_argument("--include-notes", action="store_true", help="hand over counselling notes too")

    def handle(self, *args, person: int, out: str, include_notes: bool, **options):
        folder = Path(out)
        if not folder.is_dir():
            raise CommandError(f"{folder} is not a folder.")
        found = Person.objects.filter(pk=person, merged_into__isnull=True).first()
        if found is None:
            raise CommandError(f"No person with record number {person} (or it was merged into another).")
        admission = found.admissions.select_related("institution__region").order_by("-admitted_on").first()
        zone = admission.institution.time_zone if admission else "Asia/Jakarta"
        data = bundle.build(found, actor=_Everyone(), include_notes=include_notes)
        paths = [folder / f"data-pribadi-{found.pk}.json", folder / f"data-pribadi-{found.pk}.pdf"]
        paths[0].write_bytes(json_bytes(data))
        paths[1].write_bytes(documents.bundle_pdf(data, found, zone=zone))
        audit_record(
            action=AuditEvent.Action.EXPORT,
            person_id=found.pk,
            object_type="inmates.person",
            object_id=str(found.pk),
            object_repr=found.full_name[:200],
            details={"command": "subject_access", "notes_included": include_notes},
        )
        for path in paths:
            self.stdout.write(str(path))

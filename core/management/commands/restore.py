"""manage.py restore: an archive made by `manage.py backup` back into an empty database and an empty folder.

    BACKUP_KEY=... python manage.py restore /backups/rehab-2026-11-30.rlbackup \\
        --database-url postgres://rehab@db:5432/rehab_restored --files-to /srv/rehab/restored

Everything is checked before anything is written (core.backup.archive): a wrong key, an altered or
truncated archive or a checksum that does not match stops it with the reason, leaving the database and the
folder as they were. The database is restored in one transaction, then its rows are counted against the
manifest. The files go to <files-to>/private and <files-to>/media: point DJANGO_PRIVATE_MEDIA_ROOT and
DJANGO_MEDIA_ROOT there (README, "Restore runbook").
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core.backup import database as db
from core.backup.archive import DUMP_NAME, FOLDERS, unpack_and_verify
from core.backup.crypto import BackupError, parse_key


class Command(BaseCommand):
    help = "Restore a backup archive into an empty PostgreSQL database and an empty folder."

    def add_arguments(self, parser):
        parser.add_argument("archive", help="The archive written by manage.py backup.")
        parser.add_argument(
            "--database-url", required=True, help="postgres://... of a newly created, empty database."
        )
        parser.add_argument(
            "--files-to", required=True, help="An empty (or not yet existing) folder for the stored files."
        )
        parser.add_argument(
            "--work-dir",
            help="Where to unpack the archive while checking it (as much free space as the archive); "
            "default: the system's temporary folder.",
        )
        parser.add_argument(
            "--no-owner",
            action="store_true",
            help="Make the restoring role own every object (pg_restore --no-owner --no-privileges), for a "
            "server whose roles differ from the backed-up one's.",
        )

    def handle(self, *args, **options):
        try:
            self._restore(**options)
        except BackupError as error:
            raise CommandError(f"{error} Nothing was restored.") from error

    def _restore(self, *, archive, database_url, files_to, work_dir=None, no_owner=False, **options):
        key = parse_key(os.environ.get("BACKUP_KEY"))
        archive_path, files_root = Path(archive), Path(files_to)
        database = db.settings_for_url(database_url)
        if not db.is_postgresql(database):
            raise BackupError("--database-url must be a PostgreSQL database (postgres://...).")
        if not archive_path.is_file():
            raise BackupError(f"{archive_path} is not a file.")
        if files_root.exists() and (not files_root.is_dir() or any(files_root.iterdir())):
            raise BackupError(f"{files_root} is not an empty folder.")
        db.check_empty(database)

        with tempfile.TemporaryDirectory(prefix="rehab-restore-", dir=work_dir) as work:
            staging = Path(work)
            with archive_path.open("rb") as source:
                manifest = unpack_and_verify(source, key, staging)
            self.stdout.write(f"Archive checked: made {manifest['created_at']}, key id {manifest['key_id']}.")

            db.restore(database, staging / DUMP_NAME, no_owner=no_owner)
            restored = db.counts_of(database)
            expected = manifest["database"]["tables"]
            if restored != expected:
                tables = expected.keys() | restored.keys()
                differing = sorted(t for t in tables if restored.get(t) != expected.get(t))
                raise CommandError(
                    f"The restored database differs from the backup's row counts in {differing}. Drop "
                    f"{database['NAME']} and restore again; if it happens again, the archive is not usable."
                )

            files_root.mkdir(parents=True, exist_ok=True)
            for folder in FOLDERS:
                unpacked = staging / "files" / folder
                if unpacked.is_dir():
                    shutil.move(unpacked, files_root / folder)
                else:
                    (files_root / folder).mkdir()

        files = {folder: len(manifest["files"].get(folder, {})) for folder in FOLDERS}
        migrations = sum(len(names) for names in manifest["application"]["migrations"].values())
        self.stdout.write(
            f"Restored into {database['NAME']}: {len(restored)} tables, {sum(restored.values())} rows "
            f"(every table's count matches the backup's).\n"
            f"Files: {files['private']} private files to {files_root / 'private'}, {files['media']} media "
            f"files to {files_root / 'media'} (checksums verified).\n"
            f"Application version {manifest['application']['version']} with {migrations} migrations applied; "
            f"database server {manifest['database']['server_version']} at the time of the backup.\n"
            "Next: point DATABASE_URL, DJANGO_PRIVATE_MEDIA_ROOT and DJANGO_MEDIA_ROOT at these, then run "
            '`manage.py migrate --check` (README, "Restore runbook").'
        )

"""manage.py backup: one encrypted archive with the whole database and every stored file.

    BACKUP_KEY=... python manage.py backup --output /backups/rehab-2026-11-30.rlbackup
    BACKUP_KEY=... python manage.py backup --output - | <copy to off-site storage>
    python manage.py backup --generate-key

The archive's layout is described in core.backup.archive and its encryption in core.backup.crypto. The
database must be PostgreSQL: the dump and the row counts come from one snapshot, so a backup taken while
people work is consistent. The README's "Backups" section has the schedule and the restore runbook.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from core.backup import database as db
from core.backup.archive import write_archive
from core.backup.crypto import BackupError, generate_key, parse_key


class Command(BaseCommand):
    help = "Write an encrypted backup archive: a PostgreSQL dump plus the private and media files."

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            help="Where to write the archive ('-' for standard output). "
            "Default: var/backups/rehab-<UTC time>.rlbackup under the project folder.",
        )
        parser.add_argument(
            "--generate-key", action="store_true", help="Print a new random BACKUP_KEY and exit."
        )

    def handle(self, *args, output=None, **options):
        if options["generate_key"]:
            self.stdout.write(generate_key())
            return
        try:
            self._backup(output)
        except BackupError as error:
            raise CommandError(str(error)) from error

    def _backup(self, output: str | None) -> None:
        key = parse_key(os.environ.get("BACKUP_KEY"))
        database = settings.DATABASES["default"]
        if not db.is_postgresql(database):
            raise BackupError(
                "manage.py backup needs PostgreSQL (DATABASE_URL=postgres://...). This database is SQLite, "
                "used on a laptop: stop the server and copy the file "
                f"{database['NAME']} and the folder {settings.PRIVATE_MEDIA_ROOT} instead."
            )
        to_stdout = output == "-"
        report = self.stderr if to_stdout else self.stdout
        target = None if to_stdout else Path(output or default_output())
        roots = {"private": Path(settings.PRIVATE_MEDIA_ROOT), "media": Path(settings.MEDIA_ROOT)}

        with tempfile.TemporaryDirectory(prefix="rehab-backup-") as work:
            dump_file = Path(work) / "database.dump"
            state = db.dump(database, dump_file)
            if to_stdout:
                manifest = write_archive(
                    sys.stdout.buffer, key, dump_file=dump_file, database=state, roots=roots
                )
                sys.stdout.buffer.flush()
            else:
                manifest = self._write_file(target, key, dump_file, state, roots)

        files = sum(len(listed) for listed in manifest["files"].values())
        rows = sum(manifest["database"]["tables"].values())
        report.write(
            f"Backup written{'' if to_stdout else f' to {target}'}: {len(manifest['database']['tables'])} "
            f"tables ({rows} rows), {files} files, key id {manifest['key_id']}, at {manifest['created_at']}."
        )

    def _write_file(self, target: Path, key: bytes, dump_file: Path, state: dict, roots: dict) -> dict:
        if target.exists():
            raise BackupError(f"{target} exists already; a backup never overwrites a file.")
        target.parent.mkdir(parents=True, exist_ok=True)
        # Written under another name and renamed at the end: a file with the archive's name is complete.
        partial = target.with_name(target.name + ".partial")
        descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            with os.fdopen(descriptor, "wb") as out:
                manifest = write_archive(out, key, dump_file=dump_file, database=state, roots=roots)
                out.flush()
                os.fsync(out.fileno())
            partial.rename(target)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
        return manifest


def default_output() -> Path:
    name = f"rehab-{dt.datetime.now(dt.UTC):%Y%m%dT%H%M%SZ}.rlbackup"
    return Path(settings.BASE_DIR) / "var" / "backups" / name

"""A backup is proven by restoring it (issue 21): backup → restore into a new database → every table's row
count, the append-only triggers, the private files' checksums, and a report re-rendered from its restored
snapshot all match. An archive that was altered, or a wrong key, restores nothing.

PostgreSQL only, as the commands themselves: the dump is pg_dump's and the triggers are PostgreSQL's.
"""

import datetime as dt
import hashlib
import io
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection
from pypdf import PdfReader

from core.backup import database as db
from core.backup.crypto import generate_key
from reports.models import Report
from reports.render import checksum, generate, pdf_bytes
from reports.tasks import claim, report_for
from tests.factories import PersonFactory, admit, make_agreement
from tests.factories import pdf_bytes as blank_pdf
from tests.reports.test_monthly import screen

ROOT = Path(__file__).resolve().parents[2]
NOVEMBER = dt.datetime(2026, 11, 20, 2, 0, tzinfo=dt.UTC)

needs_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="backup and restore work on PostgreSQL only (pg_dump, pg_restore, triggers); set DATABASE_URL",
)


@pytest.fixture
def backup_key(monkeypatch):
    key = generate_key()
    monkeypatch.setenv("BACKUP_KEY", key)
    return key


@pytest.fixture
def new_database():
    """A newly created, empty database beside the test database (a unique name per test and xdist worker),
    dropped at the end; yields (settings dict, URL)."""
    source = settings.DATABASES["default"]
    name = f"{source['NAME']}_r{uuid.uuid4().hex[:10]}"
    maintenance = {**source, "NAME": "postgres"}
    with db.connection_to(maintenance) as admin, admin.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    target = {**source, "NAME": name}
    try:
        yield target, url_of(target)
    finally:
        with db.connection_to(maintenance) as admin, admin.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def url_of(database: dict) -> str:
    password = f":{database['PASSWORD']}" if database.get("PASSWORD") else ""
    where = f"{database['HOST'] or 'localhost'}:{database['PORT'] or 5432}"
    return f"postgres://{database['USER']}{password}@{where}/{database['NAME']}"


def sha256_tree(root: Path) -> dict[str, str]:
    return {
        path.relative_to(root).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def append_only_tables(database: dict) -> set[str]:
    with db.connection_to(database) as conn, conn.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
            "WHERE t.tgname LIKE '%%\\_no\\_update\\_delete' AND NOT t.tgisinternal"
        )
        return {row[0] for row in cursor.fetchall()}


def update_is_refused(database: dict, table: str) -> bool:
    with db.connection_to(database) as conn, conn.cursor() as cursor:
        try:
            cursor.execute(f'UPDATE "{table}" SET id = id')
        except DatabaseError as error:
            return "append-only" in str(error)
        return False


def text_of(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


@pytest.fixture
def records(institution, agency, staff, person, login):
    """Some of everything: people and screenings, an agreement with its signed document (a private file),
    a generated report with its PDF (another), and audit events (an append-only table)."""
    with time_machine.travel(NOVEMBER, tick=False):
        for n in range(6):
            other = PersonFactory(full_name=f"Rahasia Nama {n}", nik=f"630800000000{n:04d}")
            admit(other, institution, on=dt.date(2026, 1, 1))
            screen(other, institution, staff, "moderate")
        agreement = make_agreement(institutions=[institution], agencies=[agency])
        agreement.document.save("signed.pdf", ContentFile(blank_pdf(padding=3000)))
        report = report_for(
            scope=Report.Scope.INSTITUTION, institution=institution, month=dt.date(2026, 10, 1), language="en"
        )
        assert claim(report.pk)
        generate(report)
        assert login(staff).get(f"/wbp/{person.pk}/").status_code == 200  # an audit event
    return {"report": Report.objects.get(pk=report.pk), "agreement": agreement}


@needs_postgresql
@pytest.mark.django_db(transaction=True)
def test_a_backup_restores_into_a_new_database_with_everything_the_same(
    records, backup_key, new_database, tmp_path, capsys
):
    target, url = new_database
    source = settings.DATABASES["default"]
    archive, files_to = tmp_path / "nightly.rlbackup", tmp_path / "restored"

    call_command("backup", "--output", str(archive))
    raw = archive.read_bytes()
    assert records["agreement"].document.name.encode() not in raw and b"PGDMP" not in raw  # encrypted
    call_command("restore", str(archive), "--database-url", url, "--files-to", str(files_to))
    printed = capsys.readouterr().out
    assert "every table's count matches the backup's" in printed and "2 private files" in printed

    # Every table has as many rows as the original, and the interesting ones are not empty.
    counts = db.counts_of(source)
    assert db.counts_of(target) == counts
    for table in ("inmates_person", "agreements_agreement", "reports_report", "audit_auditevent"):
        assert counts[f"public.{table}"] > 0, table

    # The append-only triggers came along and still refuse an UPDATE.
    guarded = append_only_tables(source)
    assert {"audit_auditevent", "accounts_accesschange", "rehab_sessionchange"} <= guarded
    assert append_only_tables(target) == guarded
    assert update_is_refused(target, "audit_auditevent")
    for table in guarded:
        if counts[f"public.{table}"]:
            assert update_is_refused(target, table), table

    # The private files, byte for byte.
    private = Path(settings.PRIVATE_MEDIA_ROOT)
    assert sha256_tree(files_to / "private") == sha256_tree(private)
    assert {records["report"].pdf.name, records["agreement"].document.name} <= set(sha256_tree(private))

    # The report re-rendered from its restored snapshot reads as the restored PDF does.
    report = records["report"]
    with db.connection_to(target) as conn, conn.cursor() as cursor:
        cursor.execute("SELECT snapshot, checksum FROM reports_report WHERE id = %s", [report.pk])
        snapshot, stored_checksum = cursor.fetchone()
    if isinstance(snapshot, str):  # a driver that leaves jsonb as text
        import json

        snapshot = json.loads(snapshot)
    assert checksum(snapshot) == stored_checksum == report.checksum
    restored_pdf = (files_to / "private" / report.pdf.name).read_bytes()
    with time_machine.travel(NOVEMBER, tick=False):
        rerendered = pdf_bytes(report, snapshot)
    assert text_of(rerendered) == text_of(restored_pdf)
    assert "People screened" in text_of(restored_pdf)


def _nothing_restored(target: dict, files_to: Path) -> bool:
    return db.counts_of(target) == {} and not files_to.exists()


@needs_postgresql
@pytest.mark.django_db(transaction=True)
def test_an_altered_archive_or_a_wrong_key_restores_nothing(
    staff, backup_key, new_database, tmp_path, monkeypatch
):
    target, url = new_database
    private = Path(settings.PRIVATE_MEDIA_ROOT) / "agreements"
    private.mkdir(parents=True)
    (private / "signed.pdf").write_bytes(blank_pdf(padding=1_500_000))  # more than one chunk
    archive, files_to = tmp_path / "nightly.rlbackup", tmp_path / "restored"
    call_command("backup", "--output", str(archive))
    good = archive.read_bytes()

    def restore(data: bytes) -> str:
        spoilt = tmp_path / "spoilt.rlbackup"
        spoilt.write_bytes(data)
        with pytest.raises(CommandError) as refused:
            call_command("restore", str(spoilt), "--database-url", url, "--files-to", str(files_to))
        assert _nothing_restored(target, files_to)
        return str(refused.value)

    altered = bytearray(good)
    altered[len(good) // 2] ^= 0x40
    assert restore(bytes(altered)) == (
        "The archive was altered or damaged: chunk 0 fails its authentication check. Nothing was restored."
    )
    assert "cut short" in restore(good[: len(good) - 100])
    assert "not a backup archive" in restore(b"PGDMP" + good[5:])

    monkeypatch.setenv("BACKUP_KEY", generate_key())
    assert restore(good).startswith("Wrong key: this archive was made with the key whose id is")

    monkeypatch.delenv("BACKUP_KEY")
    assert "BACKUP_KEY is not set" in restore(good)


@needs_postgresql
@pytest.mark.django_db(transaction=True)
def test_restore_refuses_a_database_or_folder_that_is_not_empty(backup_key, tmp_path, new_database):
    archive = tmp_path / "nightly.rlbackup"
    call_command("backup", "--output", str(archive))
    source = settings.DATABASES["default"]
    own_url = url_of(source)
    with pytest.raises(CommandError, match=f"The database {source['NAME']} is not empty"):
        call_command("restore", str(archive), "--database-url", own_url, "--files-to", str(tmp_path / "x"))
    occupied = tmp_path / "occupied"
    occupied.mkdir()
    (occupied / "left-over.txt").write_text("x")
    target, url = new_database
    with pytest.raises(CommandError, match="is not an empty folder"):
        call_command("restore", str(archive), "--database-url", url, "--files-to", str(occupied))
    assert db.counts_of(target) == {}
    with pytest.raises(CommandError, match="exists already"):
        call_command("backup", "--output", str(archive))


def test_backup_refuses_without_a_key(monkeypatch, tmp_path):
    monkeypatch.delenv("BACKUP_KEY", raising=False)
    with pytest.raises(CommandError, match="BACKUP_KEY is not set"):
        call_command("backup", "--output", str(tmp_path / "b.rlbackup"))
    assert not list(tmp_path.iterdir())


def test_backup_says_plainly_that_sqlite_is_not_backed_up_this_way(tmp_path):
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))}
    environment |= {
        "BACKUP_KEY": generate_key(),
        "DJANGO_DEBUG": "1",
        "DATABASE_URL": f"sqlite:///{tmp_path}/db",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "backup", "--output", str(tmp_path / "b.rlbackup")],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1
    assert "manage.py backup needs PostgreSQL" in result.stderr and "This database is SQLite" in result.stderr
    assert not (tmp_path / "b.rlbackup").exists()

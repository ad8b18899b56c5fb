"""What a backup archive holds and how it is checked, on both sides of the encryption (core.backup.crypto).

Inside the encrypted stream is an uncompressed tar (pg_dump's custom format is compressed already):

    database.dump           pg_dump --format=custom of the whole database
    files/private/...       every file under PRIVATE_MEDIA_ROOT (signed agreements, report PDFs, ...)
    files/media/...         every file under MEDIA_ROOT
    manifest.json           last, once everything before it is known (see build_manifest)

Restoring reads the whole archive into a private staging folder first and checks it all (every chunk's
authentication, every checksum in the manifest, no file the manifest does not list) before anything is put
into the target database or folder: an archive that fails any check leaves nothing behind.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import tarfile
import tomllib
from pathlib import Path
from typing import BinaryIO

from django.conf import settings

from core.backup.crypto import BackupError, DecryptingReader, EncryptingWriter, key_id

FORMAT = 1
DUMP_NAME = "database.dump"
MANIFEST_NAME = "manifest.json"
FOLDERS = ("private", "media")


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1024 * 1024), b""):
            digest.update(block)
    return digest.hexdigest()


def files_under(root: Path) -> list[tuple[str, Path]]:
    """(relative POSIX path, path) of every regular file under `root`, sorted; symbolic links are skipped
    (private storage writes none, and following one could copy files from elsewhere into the archive)."""
    if not root.is_dir():
        return []
    found = []
    for folder, _dirs, names in os.walk(root):
        for name in names:
            path = Path(folder) / name
            if path.is_file() and not path.is_symlink():
                found.append((path.relative_to(root).as_posix(), path))
    return sorted(found)


def application_version() -> str:
    try:
        with (Path(settings.BASE_DIR) / "pyproject.toml").open("rb") as handle:
            return tomllib.load(handle)["project"]["version"]
    except (OSError, KeyError, tomllib.TOMLDecodeError):
        return "unknown"  # the migrations in the manifest still say which schema the dump has


def build_manifest(*, database: dict, dump_file: Path, files: dict[str, dict[str, str]], key: bytes) -> dict:
    return {
        "format": FORMAT,
        "created_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "application": {"version": application_version(), "migrations": database["migrations"]},
        "key_id": key_id(key).hex(),
        "database": {
            "server_version": database["server_version"],
            "dump": {"path": DUMP_NAME, "sha256": sha256_of(dump_file), "bytes": dump_file.stat().st_size},
            "tables": database["tables"],
        },
        "files": files,
    }


def write_archive(
    out: BinaryIO, key: bytes, *, dump_file: Path, database: dict, roots: dict[str, Path]
) -> dict:
    """Writes the archive to `out` (a file or a pipe) and returns its manifest."""
    writer = EncryptingWriter(out, key)
    files: dict[str, dict[str, str]] = {}
    with tarfile.open(fileobj=writer, mode="w|", format=tarfile.PAX_FORMAT) as tar:
        tar.add(dump_file, arcname=DUMP_NAME, recursive=False)
        for folder in FOLDERS:
            files[folder] = {}
            for relative, path in files_under(roots[folder]):
                files[folder][relative] = sha256_of(path)
                tar.add(path, arcname=f"files/{folder}/{relative}", recursive=False)
        manifest = build_manifest(database=database, dump_file=dump_file, files=files, key=key)
        body = json.dumps(manifest, indent=2, sort_keys=True).encode()
        info = tarfile.TarInfo(MANIFEST_NAME)
        info.size, info.mtime, info.mode = len(body), int(dt.datetime.now().timestamp()), 0o600
        tar.addfile(info, _BytesReader(body))
    writer.close()
    return manifest


class _BytesReader:
    def __init__(self, data: bytes):
        self._data = memoryview(data)

    def read(self, size: int = -1) -> bytes:
        size = len(self._data) if size < 0 else size
        chunk, self._data = self._data[:size], self._data[size:]
        return bytes(chunk)


def _allowed_member(member: tarfile.TarInfo) -> bool:
    name = member.name
    if member.isdir():
        return name.startswith("files/")
    return member.isfile() and (
        name in (DUMP_NAME, MANIFEST_NAME) or any(name.startswith(f"files/{folder}/") for folder in FOLDERS)
    )


def unpack_and_verify(source: BinaryIO, key: bytes, staging: Path) -> dict:
    """Decrypts and unpacks the archive into `staging` and checks everything against its manifest; returns
    the manifest. Raises BackupError on the first thing that does not check."""
    reader = DecryptingReader(source, key)
    try:
        with tarfile.open(fileobj=reader, mode="r|") as tar:
            for member in tar:
                if not _allowed_member(member):
                    raise BackupError(f"The archive holds an unexpected entry ({member.name!r}).")
                # The "data" filter refuses absolute paths, "..", links and device files.
                tar.extract(member, staging, filter="data")
    except tarfile.TarError as error:
        raise BackupError(f"The archive's contents are not readable ({error}).") from error
    reader.read_to_end()

    manifest_path = staging / MANIFEST_NAME
    if not manifest_path.is_file():
        raise BackupError("The archive has no manifest: it is incomplete.")
    manifest = json.loads(manifest_path.read_text())
    if manifest.get("format") != FORMAT:
        raise BackupError(f"The archive's manifest has format {manifest.get('format')}; expected {FORMAT}.")
    dump = manifest["database"]["dump"]
    if not (staging / DUMP_NAME).is_file() or sha256_of(staging / DUMP_NAME) != dump["sha256"]:
        raise BackupError("The database dump does not match the checksum in the manifest.")
    for folder in FOLDERS:
        listed = manifest["files"].get(folder, {})
        present = dict(files_under(staging / "files" / folder))
        if set(present) != set(listed):
            missing, extra = sorted(set(listed) - set(present)), sorted(set(present) - set(listed))
            raise BackupError(f"The {folder} files differ from its manifest: {missing=}, {extra=}.")
        for relative, expected in listed.items():
            if sha256_of(present[relative]) != expected:
                raise BackupError(f"The {folder} file {relative} does not match its checksum.")
    return manifest

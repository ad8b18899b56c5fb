"""The encrypted stream of a backup archive: authenticated, written and read one chunk at a time, so an
archive of any size passes through a fixed amount of memory.

Format, version 1 (integers big-endian):

    header  = MAGIC (8 bytes, b"RLBACKUP") | VERSION (1 byte, 1) | key id (8 bytes) | salt (32 random bytes)
    chunk i = length of what follows (4 bytes) | AES-256-GCM ciphertext of <= CHUNK_SIZE bytes, with its tag

- The key id is HMAC-SHA256(BACKUP_KEY, "rehab-lapas backup key id")[:8]: it tells which key an archive
  needs without revealing it, so a wrong key is named as such.
- Each archive is encrypted under its own key, HKDF-SHA256(BACKUP_KEY, salt, "rehab-lapas backup v1"), so the
  nonce of chunk i can simply be i (12 bytes).
- The associated data of chunk i is header | i (8 bytes) | final (1 byte: 1 on the last chunk, else 0). A
  reader therefore refuses an altered byte anywhere, chunks reordered, dropped or repeated, an archive cut
  short (no final chunk) and anything after the final chunk.

BACKUP_KEY is 32 random bytes in URL-safe base64 (`manage.py backup --generate-key` prints one).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
import secrets
from typing import BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

MAGIC = b"RLBACKUP"
VERSION = 1
HEADER_SIZE = len(MAGIC) + 1 + 8 + 32
CHUNK_SIZE = 1024 * 1024
TAG_SIZE = 16


class BackupError(Exception):
    """An archive or key that cannot be used; the message says why, for the person running the command."""


def generate_key() -> str:
    return base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()


def parse_key(raw: str | None) -> bytes:
    if not raw or not raw.strip():
        raise BackupError(
            "BACKUP_KEY is not set. Backups are always encrypted: set BACKUP_KEY to the key kept for them "
            "(a new one: manage.py backup --generate-key)."
        )
    try:
        key = base64.urlsafe_b64decode(raw.strip() + "=" * (-len(raw.strip()) % 4))
    except (binascii.Error, ValueError):
        key = b""
    if len(key) != 32:
        raise BackupError("BACKUP_KEY must be 32 bytes in URL-safe base64 (44 characters).")
    return key


def key_id(key: bytes) -> bytes:
    return hmac.new(key, b"rehab-lapas backup key id", hashlib.sha256).digest()[:8]


def _file_cipher(key: bytes, salt: bytes) -> AESGCM:
    derive = HKDF(algorithm=hashes.SHA256(), length=32, salt=salt, info=b"rehab-lapas backup v1")
    return AESGCM(derive.derive(key))


def _associated_data(header: bytes, index: int, final: bool) -> bytes:
    return header + index.to_bytes(8, "big") + (b"\x01" if final else b"\x00")


def _nonce(index: int) -> bytes:
    return index.to_bytes(12, "big")


class EncryptingWriter:
    """A write-only file object: what is written is encrypted into `out`; close() writes the final chunk."""

    def __init__(self, out: BinaryIO, key: bytes):
        salt = os.urandom(32)
        self._out = out
        self._header = MAGIC + bytes([VERSION]) + key_id(key) + salt
        self._cipher = _file_cipher(key, salt)
        self._buffer = bytearray()
        self._index = 0
        self._closed = False
        out.write(self._header)

    def write(self, data: bytes) -> int:
        self._buffer += data
        # Strictly more than a chunk: the last chunk, flagged final, is written by close() even when the data
        # ends on a chunk boundary.
        while len(self._buffer) > CHUNK_SIZE:
            self._emit(bytes(self._buffer[:CHUNK_SIZE]), final=False)
            del self._buffer[:CHUNK_SIZE]
        return len(data)

    def close(self) -> None:
        if not self._closed:
            self._emit(bytes(self._buffer), final=True)
            self._buffer.clear()
            self._closed = True

    def _emit(self, plaintext: bytes, *, final: bool) -> None:
        aad = _associated_data(self._header, self._index, final)
        ciphertext = self._cipher.encrypt(_nonce(self._index), plaintext, aad)
        self._out.write(len(ciphertext).to_bytes(4, "big") + ciphertext)
        self._index += 1


class DecryptingReader:
    """A read-only file object over an archive; raises BackupError as soon as something does not check."""

    def __init__(self, source: BinaryIO, key: bytes):
        self._source = source
        header = source.read(HEADER_SIZE)
        if len(header) < HEADER_SIZE or not header.startswith(MAGIC):
            raise BackupError("This file is not a backup archive of this application.")
        if header[len(MAGIC)] != VERSION:
            raise BackupError(f"This archive has format {header[len(MAGIC)]}; this release reads {VERSION}.")
        wanted = header[len(MAGIC) + 1 : len(MAGIC) + 9]
        if not hmac.compare_digest(wanted, key_id(key)):
            raise BackupError(
                f"Wrong key: this archive was made with the key whose id is {wanted.hex()}; "
                f"BACKUP_KEY has id {key_id(key).hex()}."
            )
        self._header = header
        self._cipher = _file_cipher(key, header[-32:])
        self._buffer = bytearray()
        self._index = 0
        self._finished = False

    def _next_chunk(self) -> bool:
        if self._finished:
            return False
        size = self._source.read(4)
        if len(size) < 4:
            raise BackupError("The archive is cut short: it ends before its last chunk.")
        length = int.from_bytes(size, "big")
        ciphertext = self._source.read(length)
        if not TAG_SIZE <= length <= CHUNK_SIZE + TAG_SIZE:
            raise BackupError(f"The archive is damaged at chunk {self._index}.")
        if len(ciphertext) != length:
            raise BackupError(f"The archive is cut short: it ends inside chunk {self._index}.")
        for final in (False, True):
            try:
                plaintext = self._cipher.decrypt(
                    _nonce(self._index), ciphertext, _associated_data(self._header, self._index, final)
                )
            except InvalidTag:
                continue
            self._buffer += plaintext
            self._index += 1
            if final:
                self._finished = True
                if self._source.read(1):
                    raise BackupError("The archive has data after its end: it was altered.")
            return True
        raise BackupError(
            f"The archive was altered or damaged: chunk {self._index} fails its authentication check."
        )

    def read(self, size: int = -1) -> bytes:
        while (size < 0 or len(self._buffer) < size) and self._next_chunk():
            pass
        if size < 0:
            size = len(self._buffer)
        data = bytes(self._buffer[:size])
        del self._buffer[:size]
        return data

    def read_to_end(self) -> None:
        """Reads and checks every remaining chunk (a tar reader stops before the padding at the end)."""
        while self._next_chunk():
            self._buffer.clear()

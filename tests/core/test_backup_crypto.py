"""The archive's encrypted stream (core.backup.crypto): what was written reads back, and every way of
spoiling an archive — another key, a changed byte, chunks cut, moved or added — is refused by name."""

import io

import pytest

from core.backup import crypto
from core.backup.crypto import BackupError, DecryptingReader, EncryptingWriter, generate_key, parse_key

KEY = parse_key(generate_key())


@pytest.fixture(autouse=True)
def _small_chunks(monkeypatch):
    # Many chunks from a few hundred bytes, so the chunk boundaries are exercised.
    monkeypatch.setattr(crypto, "CHUNK_SIZE", 64)


def encrypt(data: bytes, key: bytes = KEY, pieces: int = 7) -> bytes:
    out = io.BytesIO()
    writer = EncryptingWriter(out, key)
    for start in range(0, len(data), pieces):
        writer.write(data[start : start + pieces])
        assert len(writer._buffer) <= crypto.CHUNK_SIZE  # never more than a chunk held in memory
    writer.close()
    return out.getvalue()


def decrypt(archive: bytes, key: bytes = KEY) -> bytes:
    reader = DecryptingReader(io.BytesIO(archive), key)
    data = b""
    while piece := reader.read(50):
        data += piece
    reader.read_to_end()
    return data


def chunks(archive: bytes) -> tuple[bytes, list[bytes]]:
    """The header and the framed chunks (length prefix included) of an archive."""
    header, rest, found = archive[: crypto.HEADER_SIZE], archive[crypto.HEADER_SIZE :], []
    while rest:
        length = 4 + int.from_bytes(rest[:4], "big")
        found.append(rest[:length])
        rest = rest[length:]
    return header, found


@pytest.mark.parametrize("size", [0, 1, 63, 64, 65, 128, 1000])
def test_what_is_written_reads_back_whatever_its_size(size):
    data = bytes(range(256)) * 4
    assert decrypt(encrypt(data[:size])) == data[:size]


def test_the_same_data_encrypts_differently_every_time():
    assert encrypt(b"x" * 200) != encrypt(b"x" * 200)


def test_another_key_is_named_as_such():
    with pytest.raises(BackupError, match="Wrong key: this archive was made with the key whose id is"):
        decrypt(encrypt(b"x" * 200), parse_key(generate_key()))


@pytest.mark.parametrize("where", [crypto.HEADER_SIZE + 10, -1, -30])
def test_a_changed_byte_is_refused(where):
    archive = bytearray(encrypt(b"records " * 40))
    archive[where] ^= 0x01
    with pytest.raises(BackupError, match=r"altered or damaged: chunk \d+ fails its authentication check"):
        decrypt(bytes(archive))


def test_a_changed_salt_is_refused():
    archive = bytearray(encrypt(b"records " * 40))
    archive[crypto.HEADER_SIZE - 1] ^= 0x01
    with pytest.raises(BackupError, match="chunk 0 fails its authentication check"):
        decrypt(bytes(archive))


def test_an_archive_cut_short_is_refused_even_on_a_chunk_boundary():
    header, framed = chunks(encrypt(b"records " * 40))
    with pytest.raises(BackupError, match="cut short"):
        decrypt(header + b"".join(framed[:-1]))


def test_chunks_moved_or_repeated_are_refused():
    header, framed = chunks(encrypt(b"records " * 40))
    swapped = [framed[1], framed[0], *framed[2:]]
    with pytest.raises(BackupError, match="chunk 0 fails"):
        decrypt(header + b"".join(swapped))
    with pytest.raises(BackupError, match="chunk 1 fails"):
        decrypt(header + b"".join([framed[0], framed[0], *framed[1:]]))


def test_data_after_the_final_chunk_is_refused():
    archive = encrypt(b"records " * 40)
    with pytest.raises(BackupError, match="data after its end"):
        decrypt(archive + b"\x00")


def test_a_file_that_is_no_archive_is_named_as_such():
    with pytest.raises(BackupError, match="not a backup archive"):
        decrypt(b"PGDMP\x01\x0e\x00" + b"\x00" * 100)


@pytest.mark.parametrize("raw", [None, "", "   "])
def test_no_key_no_backup(raw):
    with pytest.raises(BackupError, match="BACKUP_KEY is not set"):
        parse_key(raw)


# Fixed ids: a generated key in an id would differ between xdist workers, which then refuse to run.
@pytest.mark.parametrize(
    "raw", ["short", "not base64 at all!!", generate_key()[:-8]], ids=["short", "not base64", "truncated"]
)
def test_a_malformed_key_is_refused(raw):
    with pytest.raises(BackupError, match="32 bytes in URL-safe base64"):
        parse_key(raw)

"""`.dockerignore` keeps secrets, data and private documents out of the image (`COPY . .` in the Dockerfile).

Docker is not needed: the build context is computed here with Docker's own rules for the ignore file
(moby's patternmatcher: Go's filepath.Match per path segment, `**` across segments, a pattern that matches
a folder takes all of it, the last matching line wins and `!` brings a path back).
"""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]


def read_patterns(text: str) -> list[tuple[bool, re.Pattern]]:
    """(is_exception, regex) per line, as Docker reads .dockerignore."""
    patterns = []
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        exception = line.startswith("!")
        if exception:
            line = line[1:].strip()
        line = os.path.normpath(line).replace(os.sep, "/")  # Go's filepath.Clean: drops a trailing /
        if len(line) > 1 and line.startswith("/"):
            line = line[1:]
        patterns.append((exception, re.compile(_regex(line))))
    return patterns


def _regex(pattern: str) -> str:
    out, i = "^", 0
    while i < len(pattern):
        char = pattern[i]
        if pattern.startswith("**", i):
            i += 2
            if pattern.startswith("/", i):
                i += 1
            out += ".*" if i == len(pattern) else "(.*/)?"
            continue
        if char == "*":
            out += "[^/]*"
        elif char == "?":
            out += "[^/]"
        elif char == "\\" and i + 1 < len(pattern):
            i += 1
            out += re.escape(pattern[i])
        elif char in "[]":
            out += char  # a character class, as in filepath.Match
        else:
            out += re.escape(char)
        i += 1
    return out + "$"


def excluded(path: str, patterns) -> bool:
    """Whether `path` (relative, with /) stays out of the build context: it or a folder above it matches."""
    parts = path.split("/")
    candidates = ["/".join(parts[: depth + 1]) for depth in range(len(parts))]
    result = False
    for exception, regex in patterns:
        if any(regex.match(candidate) for candidate in candidates):
            result = not exception
    return result


@pytest.fixture(scope="module")
def patterns():
    return read_patterns((ROOT / ".dockerignore").read_text())


def test_the_matcher_follows_dockers_rules():
    rules = read_patterns("node_modules\n**/__pycache__\n*.md\n!README.md\n/build/\ndocs/**/*.png\nv?r\n")
    assert excluded("node_modules/bootstrap/dist/x.css", rules)
    assert not excluded("static/node_modules/x.js", rules)  # a plain name is anchored at the root
    assert excluded("__pycache__/x.pyc", rules) and excluded("a/b/__pycache__/x.pyc", rules)
    assert excluded("CHANGES.md", rules) and not excluded("README.md", rules)  # the last match wins
    assert not excluded("docs/design.md", rules)  # * stays within one folder
    assert excluded("build/lib/x.py", rules) and not excluded("src/build/x.py", rules)
    assert excluded("docs/a/b/c.png", rules) and excluded("docs/c.png", rules)
    assert excluded("var/private/x.pdf", rules) and not excluded("vaar/x", rules)


SECRETS_AND_DATA = [
    ".env",
    ".env.production",
    "config/.env",
    "production.env",
    "var/private/agreements/2026/perjanjian.pdf",
    "var/private/sdp-imports/upload.csv",
    "media/photo.jpg",
    "db.sqlite3",
    "db.sqlite3-journal",
    "db.sqlite3-wal",
    "sdp-2026-12-01.csv",
    "sdp-export.xlsx",
    "celerybeat-schedule",
    "celerybeat-schedule.db",
]
BUILT_OR_LOCAL = [
    ".venv/bin/python",
    "node_modules/bootstrap/dist/css/bootstrap.min.css",
    ".git/HEAD",
    "test-artifacts/journey-1.png",
    "__pycache__/manage.cpython-311.pyc",
    "inmates/__pycache__/models.cpython-311.pyc",
    "staticfiles/staticfiles.json",
    "locale/id/LC_MESSAGES/django.mo",
    ".pytest_cache/README.md",
]


@pytest.mark.parametrize("path", SECRETS_AND_DATA + BUILT_OR_LOCAL)
def test_kept_out_of_the_image(path, patterns):
    assert excluded(path, patterns)


def test_the_configured_media_folders_are_kept_out(patterns):
    """Wherever the settings put media and private documents inside the project, they stay out."""
    for folder in (settings.MEDIA_ROOT, settings.PRIVATE_MEDIA_ROOT):
        folder = Path(folder).resolve()
        if folder.is_relative_to(ROOT):
            relative = folder.relative_to(ROOT).as_posix()
            assert excluded(f"{relative}/document.pdf", patterns), relative


def test_everything_the_image_is_built_from_is_in_the_context(patterns):
    """Every file in the repository reaches the build (nothing committed is caught by a pattern)."""
    try:
        tracked = subprocess.run(
            ["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout.split()
    except (OSError, subprocess.CalledProcessError):
        pytest.skip("needs a git checkout to list the committed files")
    assert "manage.py" in tracked
    assert [path for path in tracked if excluded(path, patterns)] == []
    for needed in (
        "requirements.txt",
        "package.json",
        "package-lock.json",
        "locale/id/LC_MESSAGES/django.po",
    ):
        assert needed in tracked and not excluded(needed, patterns)

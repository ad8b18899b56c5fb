"""The lock files pin every Python dependency with its hashes (README, "Production shape").

requirements.txt is what the image installs, requirements-dev.txt what `make test` and CI install, both with
`pip install --require-hashes`. A dependency added to pyproject.toml without `make lock` fails here, before
an install anywhere would.
"""

from __future__ import annotations

import re
import tomllib
from importlib import metadata
from pathlib import Path

import pytest
from packaging.markers import Marker, default_environment
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[2]
RUNTIME_LOCK = ROOT / "requirements.txt"
DEV_LOCK = ROOT / "requirements-dev.txt"

PIN = re.compile(
    r"^(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[^\]]*\])?==(?P<version>[^\s;\\]+)"
    r"(?:\s*;\s*(?P<marker>[^-\\]+?))?\s*(?:--hash|$)"
)


def parse_lock(path: Path) -> dict[str, tuple[str, list[str], str]]:
    """{canonical name: (version, hashes, environment marker)} of a pip requirements file with hashes."""
    text = path.read_text().replace("\\\n", " ")
    entries = {}
    for raw in text.splitlines():
        line = raw.split(" #", 1)[0].strip()
        if not line or line.startswith("#"):
            continue
        pin = PIN.match(line)
        assert pin, f"{path.name}: not a pinned requirement: {line[:80]}"
        name = canonicalize_name(pin["name"])
        hashes = re.findall(r"--hash=sha256:([0-9a-f]{64})", line)
        entries[name] = (pin["version"], hashes, (pin["marker"] or "").strip())
    return entries


def declared() -> dict[str, list[Requirement]]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    return {
        "runtime": [Requirement(spec) for spec in project["dependencies"]],
        "dev": [Requirement(spec) for spec in project["optional-dependencies"]["dev"]],
    }


def extra_requirements(requirement: Requirement) -> list[Requirement]:
    """What the extras asked for bring in (psycopg[binary,pool] → psycopg-binary, psycopg-pool), read from the
    installed distribution's metadata, for this platform."""
    found = []
    for spec in metadata.requires(requirement.name) or []:
        needed = Requirement(spec)
        for extra in requirement.extras:
            if needed.marker and needed.marker.evaluate({**default_environment(), "extra": extra}):
                found.append(needed)
                break
    return found


@pytest.fixture(scope="module")
def runtime_lock():
    return parse_lock(RUNTIME_LOCK)


@pytest.fixture(scope="module")
def dev_lock():
    return parse_lock(DEV_LOCK)


def test_the_lock_parser_reads_names_versions_and_hashes(tmp_path):
    lock = tmp_path / "requirements.txt"
    lock.write_text(
        "# a comment\n"
        "Django==5.2.20 \\\n    --hash=sha256:" + "a" * 64 + " \\\n    --hash=sha256:" + "b" * 64 + "\n"
        "    # via rehab-lapas (pyproject.toml)\n"
        "colorama==0.4.6 ; sys_platform == 'win32' \\\n    --hash=sha256:" + "c" * 64 + "\n"
        "unhashed==1.0\n"
    )
    assert parse_lock(lock) == {
        "django": ("5.2.20", ["a" * 64, "b" * 64], ""),
        "colorama": ("0.4.6", ["c" * 64], "sys_platform == 'win32'"),
        "unhashed": ("1.0", [], ""),
    }


@pytest.mark.parametrize("path", [RUNTIME_LOCK, DEV_LOCK], ids=lambda path: path.name)
def test_every_pinned_entry_has_a_hash(path):
    unhashed = [name for name, (_version, hashes, _marker) in parse_lock(path).items() if not hashes]
    assert not unhashed, f"{path.name}: pinned without a hash: {unhashed} (run `make lock`)"


def test_the_runtime_lock_covers_every_runtime_dependency_within_its_range(runtime_lock):
    for requirement in declared()["runtime"]:
        for needed in [requirement, *extra_requirements(requirement)]:
            name = canonicalize_name(needed.name)
            assert name in runtime_lock, f"{needed} is not in requirements.txt: run `make lock`"
            version = runtime_lock[name][0]
            assert needed.specifier.contains(version, prereleases=True), (
                f"requirements.txt pins {name}=={version}, outside pyproject's {needed}: run `make lock`"
            )


def test_the_dev_lock_covers_every_dependency_within_its_range(dev_lock):
    groups = declared()
    for requirement in groups["runtime"] + groups["dev"]:
        for needed in [requirement, *extra_requirements(requirement)]:
            name = canonicalize_name(needed.name)
            assert name in dev_lock, f"{needed} is not in requirements-dev.txt: run `make lock`"
            version = dev_lock[name][0]
            assert needed.specifier.contains(version, prereleases=True), (
                f"requirements-dev.txt pins {name}=={version}, outside pyproject's {needed}: run `make lock`"
            )


def test_production_and_development_run_the_same_versions(runtime_lock, dev_lock):
    """Tests pass on the versions the image installs: the runtime lock is a part of the dev lock."""
    differing = {
        name: (version, dev_lock.get(name, ("missing",))[0])
        for name, (version, _hashes, _marker) in runtime_lock.items()
        if dev_lock.get(name, (None,))[0] != version
    }
    assert not differing, f"runtime vs dev lock: {differing} (run `make lock`)"


def test_the_locked_versions_are_the_installed_ones(dev_lock):
    """The environment the suite runs in was installed from the lock (a stale .venv shows up here)."""
    stale = {}
    for name, (version, _hashes, marker) in dev_lock.items():
        if marker and not Marker(marker).evaluate():
            continue  # for another platform (colorama on Windows) or Python version
        try:
            installed = metadata.version(name)
        except metadata.PackageNotFoundError:
            installed = "missing"
        if installed != version:
            stale[name] = (version, installed)
    assert not stale, f"locked vs installed: {stale} (run `make install-dev`)"


def test_every_install_goes_through_the_lock_with_hashes():
    makefile = (ROOT / "Makefile").read_text()
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "pip install --quiet --require-hashes -r requirements.txt" in makefile
    assert "pip install --quiet --require-hashes -r requirements-dev.txt" in makefile
    assert "pip install --no-cache-dir --require-hashes -r requirements.txt" in dockerfile
    pip_installs = re.findall(r"pip install[^\n]*", makefile + dockerfile)
    assert all("--require-hashes" in line for line in pip_installs), pip_installs
    # The stamps that decide whether to reinstall follow the lock files.
    assert re.search(r"^\$\(VENV\)/\.installed: requirements\.txt$", makefile, re.MULTILINE)
    assert re.search(r"^\$\(VENV\)/\.installed-dev: .*requirements-dev\.txt$", makefile, re.MULTILINE)

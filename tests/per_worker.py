"""What each pytest-xdist worker (`make test` runs `pytest -n ...`) must have of its own besides its test
database (pytest-django already names that test_<name>_gw0, _gw1, ...): its own Redis database.

The workers share one Redis server. On one Redis database a Celery worker started by one xdist worker
(tests/browser, tests/*/test_worker.py) would take tasks queued by another and run them against the wrong
test database, `cache.clear()` in one would flush the other's queue and results, and one's cache keys would
be read by the other. So worker N uses database base + N of the REDIS_URL given (CI: 0, 1, ...).

Settings read REDIS_URL when they are imported, which pytest-django does in its
`pytest_load_initial_conftests`, before any conftest.py is read; so this is a plugin loaded with `-p`
(pyproject's addopts) whose hook runs first. It rewrites the environment, not Django's settings, so that the
Celery worker processes the tests start (they inherit the environment) use the same database.
"""

import os
from urllib.parse import urlsplit, urlunsplit

import pytest

given_redis_url: str | None = None  # REDIS_URL as given, before a worker's database was put in


REDIS_DATABASES = 16  # Redis's default `databases`


def redis_database(url: str) -> int:
    return int(urlsplit(url).path.strip("/") or 0)


def redis_url_for_worker(url: str, worker: int) -> str:
    """`url` with its database number moved up by `worker`: redis://host:6379/14, worker 1 -> .../15."""
    return urlunsplit(urlsplit(url)._replace(path=f"/{redis_database(url) + worker}"))


@pytest.hookimpl(optionalhook=True, tryfirst=True)
def pytest_xdist_auto_num_workers(config):
    """`-n auto`: one worker more than the cores. The tests wait for PostgreSQL, Chromium and Celery part of
    the time, and the extra worker fills those waits (on 2 cores, 3 workers finish the suite well before 2).
    At most as many as there are Redis databases from REDIS_URL's on."""
    if os.environ.get("PYTEST_XDIST_AUTO_NUM_WORKERS"):
        return None  # a number given by hand: xdist takes it
    workers = len(os.sched_getaffinity(0)) + 1
    if url := os.environ.get("REDIS_URL"):
        workers = min(workers, REDIS_DATABASES - redis_database(url))
    return max(workers, 1)


@pytest.hookimpl(tryfirst=True)
def pytest_load_initial_conftests(early_config):
    worker = os.environ.get("PYTEST_XDIST_WORKER")  # set by xdist in each worker before pytest starts
    url = os.environ.get("REDIS_URL")
    if not worker or not url:
        return
    global given_redis_url
    given_redis_url = url
    os.environ["REDIS_URL"] = redis_url_for_worker(url, int(worker.removeprefix("gw")))


def pytest_configure(config):
    """Before the workers start (xdist has settled `-n` by now): the last one's Redis database must exist.
    A worker that failed on it would only be replaced by another that fails, while the rest pass."""
    workers = getattr(config.option, "numprocesses", None)
    url = os.environ.get("REDIS_URL")
    if os.environ.get("PYTEST_XDIST_WORKER") or not workers or not url:
        return
    import redis

    last = redis_url_for_worker(url, workers - 1)
    try:
        redis.Redis.from_url(last, socket_connect_timeout=5).ping()
    except redis.ResponseError as error:  # most often: a database number past the server's `databases`
        raise pytest.UsageError(
            f"{workers} xdist workers need Redis databases {redis_database(url)} to {redis_database(last)} "
            f"(one each, from REDIS_URL's on) and Redis refuses {last} ({error}). Give a lower database in "
            "REDIS_URL or fewer workers (-n)."
        ) from error
    except redis.ConnectionError:
        pass  # an unreachable Redis is reported by the tests that need it, as without xdist

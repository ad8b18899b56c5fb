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


def redis_url_for_worker(url: str, worker: int) -> str:
    """`url` with its database number moved up by `worker`: redis://host:6379/14, worker 1 -> .../15."""
    parts = urlsplit(url)
    base = int(parts.path.strip("/") or 0)
    return urlunsplit(parts._replace(path=f"/{base + worker}"))


@pytest.hookimpl(tryfirst=True)
def pytest_load_initial_conftests(early_config):
    worker = os.environ.get("PYTEST_XDIST_WORKER")  # set by xdist in each worker before pytest starts
    url = os.environ.get("REDIS_URL")
    if not worker or not url:
        return
    global given_redis_url
    given_redis_url = url
    index = int(worker.removeprefix("gw"))
    os.environ["REDIS_URL"] = own = redis_url_for_worker(url, index)
    import redis

    try:
        redis.Redis.from_url(own, socket_connect_timeout=5).ping()
    except redis.ResponseError as error:  # most often: database number past the server's `databases`
        raise pytest.UsageError(
            f"xdist worker {worker} would use Redis database {own} (REDIS_URL {url} + {index}), which "
            f"Redis refuses ({error}). Give a lower database in REDIS_URL or run fewer workers (-n)."
        ) from error
    except redis.ConnectionError:
        pass  # an unreachable Redis is reported by the tests that need it, as without xdist

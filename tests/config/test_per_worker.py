"""Each pytest-xdist worker has a Redis database of its own (tests/per_worker.py), and Django's cache, the
Celery app and the worker processes a test starts all use it."""

import os

from django.conf import settings
from django.core.cache import cache

from config.celery import app
from tests import per_worker
from tests.per_worker import redis_url_for_worker


def test_the_worker_number_is_added_to_the_database_of_the_url():
    assert redis_url_for_worker("redis://127.0.0.1:6379/14", 1) == "redis://127.0.0.1:6379/15"
    assert redis_url_for_worker("redis://127.0.0.1:6379/0", 0) == "redis://127.0.0.1:6379/0"
    assert redis_url_for_worker("redis://127.0.0.1:6379", 2) == "redis://127.0.0.1:6379/2"
    assert redis_url_for_worker("redis://:secret@redis.internal:6380/3", 2) == (
        "redis://:secret@redis.internal:6380/5"
    )


def test_settings_the_cache_and_celery_read_this_workers_database():
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not settings.REDIS_URL:
        assert app.conf.task_always_eager  # no broker: nothing shared between workers
        return
    if worker:  # gwN is on database N above the one given: two workers never share one
        assert redis_url_for_worker(per_worker.given_redis_url, int(worker[2:])) == settings.REDIS_URL
    # The settings were read after the plugin moved REDIS_URL, and the processes tests start inherit it.
    assert os.environ["REDIS_URL"] == settings.REDIS_URL == app.conf.broker_url
    assert cache._cache._servers == [settings.REDIS_URL]

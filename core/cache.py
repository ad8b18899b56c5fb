"""A Redis cache that misses instead of failing when Redis is down or unreachable.

Everything this application keeps in the cache can be done without it: counted figures are counted again,
an import's progress is not shown, the API's rate counts start afresh. So a broker outage (Redis is the
broker too) must not turn every page that uses the cache into a server error. Each failure is logged."""

from __future__ import annotations

import functools
import logging

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)


def _forgiving(missed):
    """Answer `missed` (called with the method's arguments) when Redis fails."""

    def decorate(method):
        @functools.wraps(method)
        def wrapper(self, *args, **kwargs):
            try:
                return method(self, *args, **kwargs)
            except RedisError as exc:
                logger.warning("Cache unavailable (%s): %s", method.__name__, exc)
                return missed(*args, **kwargs)

        return wrapper

    return decorate


class ForgivingRedisCache(RedisCache):
    add = _forgiving(lambda *a, **k: False)(RedisCache.add)
    get = _forgiving(lambda key, default=None, version=None: default)(RedisCache.get)
    set = _forgiving(lambda *a, **k: None)(RedisCache.set)
    touch = _forgiving(lambda *a, **k: False)(RedisCache.touch)
    delete = _forgiving(lambda *a, **k: False)(RedisCache.delete)
    get_many = _forgiving(lambda *a, **k: {})(RedisCache.get_many)
    has_key = _forgiving(lambda *a, **k: False)(RedisCache.has_key)
    set_many = _forgiving(lambda data, *a, **k: list(data))(RedisCache.set_many)
    delete_many = _forgiving(lambda *a, **k: None)(RedisCache.delete_many)
    clear = _forgiving(lambda *a, **k: False)(RedisCache.clear)

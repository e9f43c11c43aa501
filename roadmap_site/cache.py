"""Redis as the shared cache, with a fallback for while Redis is unreachable.

Everything the cache holds here can be rebuilt: content pages (checked
against the content version), badges and allauth's rate-limit counters. So when Redis
cannot be reached, requests go on against a cache in the process's own
memory instead of failing: sign-in and password reset keep working, and
their rate limits are still counted, per worker process rather than across
them. That is weaker by at most the number of workers (four workers allow
four times the attempts), which still stops a brute-force run, and it lasts
only as long as the outage. A warning is logged when the fallback starts
and a line when Redis is back.

While the fallback is in use, Redis is not asked again for a few seconds
(RETRY_SECONDS), so an unreachable host costs one connect timeout per
worker per interval, not one per cache call. Writes and deletes made during
the outage never reached Redis, and a copy there could be stale once it is
back (a session signed out meanwhile would come back to life); so their
keys are deleted from Redis before it is used again.
"""

import logging
import threading
import time

from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache, RedisCacheClient

logger = logging.getLogger(__name__)

RETRY_SECONDS = 5.0
# How many keys written during an outage are remembered, to delete in Redis
# afterwards; beyond that, stale copies there last until their own timeouts.
MAX_TRACKED_KEYS = 10_000

_READS = ("get", "get_many", "has_key")
_WRITES = ("add", "set", "touch", "delete", "incr", "set_many", "delete_many")


class FallbackRedisCache(RedisCache):
    """django.core.cache.backends.redis.RedisCache that survives Redis being down."""

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = _FallbackClient


class _FallbackClient(RedisCacheClient):
    def __init__(self, servers, **options):
        super().__init__(servers, **options)
        self._memory = LocMemCache("roadmap-cache-fallback", {"OPTIONS": {"MAX_ENTRIES": 10_000}})
        self._lock = threading.Lock()
        self._down_until = 0.0  # monotonic time before which Redis is not asked
        self._written_meanwhile = set()
        self._connection_errors = (self._lib.ConnectionError, self._lib.TimeoutError)

    def _call(self, name, *args):
        if time.monotonic() >= self._down_until:
            try:
                self._clean_up_after_outage()
                return getattr(super(), name)(*args)
            except self._connection_errors as error:
                self._start_outage(error)
        if name in _WRITES:
            self._remember_written(name, args)
        return getattr(self._memory, name)(*args)

    def _start_outage(self, error):
        with self._lock:
            first = self._down_until == 0.0
            self._down_until = time.monotonic() + RETRY_SECONDS
        if first:
            logger.warning(
                "Redis is unreachable (%s): caching in this process's memory, "
                "rate limits counted per process, until it is back",
                error,
            )

    def _remember_written(self, name, args):
        keys = args[0].keys() if name == "set_many" else args[0]
        keys = keys if name in ("set_many", "delete_many") else [keys]
        with self._lock:
            if len(self._written_meanwhile) < MAX_TRACKED_KEYS:
                self._written_meanwhile.update(keys)

    def _clean_up_after_outage(self):
        if self._down_until == 0.0:
            return
        with self._lock:
            stale = list(self._written_meanwhile)
        if stale:
            super().delete_many(stale)
        with self._lock:
            self._written_meanwhile.difference_update(stale)
            self._down_until = 0.0
        self._memory.clear()
        logger.warning("Redis is reachable again: the shared cache is back in use")


def _delegate(name):
    def method(self, *args):
        return self._call(name, *args)

    method.__name__ = name
    return method


for _name in (*_READS, *_WRITES, "clear"):
    setattr(_FallbackClient, _name, _delegate(_name))

"""Keeping calls to LINE under its rate limits, for all processes together when Redis is there.

LINE allows 200 multicast calls a second and 2,000 a second for the other endpoints, per
channel. Each call reserves the next free slot of its kind and sleeps until it: with Redis the
slots are kept in Redis (one atomic script, on Redis's own clock), so any number of workers on
any number of hosts stay under the limit together; without Redis, in this process.
"""

from __future__ import annotations

import threading
import time

LIMITS = {"multicast": 200.0, "other": 2_000.0}  # LINE's limits, calls per second
SHARE = 0.9  # of each limit used: room for calls that reach LINE a little out of step

# Reserve the next slot: returns the microseconds to wait before the call may go.
RESERVE = """
local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000000 + tonumber(clock[2])
local slot = math.max(now, tonumber(redis.call('GET', KEYS[1]) or '0'))
redis.call('SET', KEYS[1], slot + tonumber(ARGV[1]), 'PX', 60000)
return slot - now
"""


def kind_of(what: str) -> str:
    """The limit a call counts against ("multicast" or "other")."""
    return "multicast" if what == "multicast" else "other"


def interval_us(kind: str) -> int:
    """Microseconds between two calls of a kind."""
    return int(1_000_000 / (LIMITS[kind] * SHARE))


class LocalPacer:
    """Slots kept in this process (jobs in-process: only one process calls LINE)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._next: dict[str, float] = {}

    def wait(self, what: str) -> None:
        """Sleep until a call of this kind may go."""
        kind = kind_of(what)
        with self._lock:
            now = time.monotonic()
            slot = max(now, self._next.get(kind, 0.0))
            self._next[kind] = slot + interval_us(kind) / 1e6
        if slot > now:
            time.sleep(slot - now)


class RedisPacer:
    """Slots kept in Redis, shared by every process of the channel."""

    def __init__(self, redis_url: str, channel_key: str) -> None:
        from redis import Redis

        self._redis = Redis.from_url(redis_url)
        self._reserve = self._redis.register_script(RESERVE)
        self._prefix = f"kyojo:line-pace:{channel_key}:"

    def wait(self, what: str) -> None:
        """Sleep until a call of this kind may go (Redis unreachable: go, LINE's 429 paces us)."""
        kind = kind_of(what)
        from redis.exceptions import RedisError

        try:
            waited = int(self._reserve(keys=[self._prefix + kind], args=[interval_us(kind)]))
        except RedisError:
            return
        if waited > 0:
            time.sleep(waited / 1e6)

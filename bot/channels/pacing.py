"""Keeping calls to LINE under its rate limits, for all processes together when Redis is there.

LINE allows 200 multicast calls a second and 2,000 a second for the other endpoints, per
channel. Each call takes the next free slot of its kind and sleeps until it: with Redis the
slots are kept in Redis (one atomic script, on Redis's own clock, reserving a few at a time for
the process), so any number of workers on any number of hosts stay under the limit together;
without Redis, in this process.
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


# Slots a process reserves at once, by kind: a job's two or three calls (loading, reply, push)
# each paid a round trip to Redis (a quarter of a millisecond of a worker's CPU, and Redis's own)
# for a limit it comes nowhere near. A multicast's slot is reserved alone: fan-outs run at that pace.
BLOCK = {"multicast": 1, "other": 8}
# How long a reserved slot stays usable after its time: calls a little late on their slots may
# come closer together than the pace, at most the slots of this span more in any second (0.1 s
# of "other" is 180 calls: within the 10% kept free by SHARE).
LATE = 0.1


class RedisPacer:
    """Slots kept in Redis, shared by every process of the channel; each process reserves a few
    consecutive slots of a kind at once (BLOCK) and uses them one call after another, each no
    earlier than its time and no later than LATE after it."""

    def __init__(self, redis_url: str, channel_key: str) -> None:
        from redis import Redis

        self._redis = Redis.from_url(redis_url)
        self._reserve = self._redis.register_script(RESERVE)
        self._prefix = f"kyojo:line-pace:{channel_key}:"
        self._lock = threading.Lock()
        self._slots: dict[str, tuple[float, int]] = {}  # kind -> (time of the next slot reserved, how many left)

    def wait(self, what: str) -> None:
        """Sleep until a call of this kind may go (Redis unreachable: go, LINE's 429 paces us)."""
        kind = kind_of(what)
        interval = interval_us(kind) / 1e6
        with self._lock:
            now = time.monotonic()
            slot, left = self._slots.get(kind, (0.0, 0))
            if not left or slot < now - LATE:
                slot, left = self._reserved(kind, now)
                if not left:
                    return
            self._slots[kind] = (slot + interval, left - 1)
        if slot > now:
            time.sleep(slot - now)

    def _reserved(self, kind: str, now: float) -> tuple[float, int]:
        """A block of slots from Redis: the first one's time here, and how many (none: Redis away)."""
        from redis.exceptions import RedisError

        count = BLOCK[kind]
        try:
            waited = int(self._reserve(keys=[self._prefix + kind], args=[interval_us(kind) * count]))
        except RedisError:
            return now, 0
        return now + max(waited, 0) / 1e6, count

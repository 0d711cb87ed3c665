"""LINE's rate limits hold for all workers together: their calls are paced through Redis."""

from __future__ import annotations

import threading

from bot.channels.line import LineChannel
from bot.channels.pacing import LocalPacer, RedisPacer
from bot.errors import ChannelError
from bot.events import Text

WORKERS, CALLS = 3, 60  # 180 multicasts: about a second at the shared pace


def _multicast_from_workers(line_config, pacer_for) -> None:
    """Each worker its own channel (as in its own process), all multicasting at once."""

    def work(worker: int) -> None:
        channel = LineChannel.from_config(line_config)
        channel.pacer, channel.retries = pacer_for(), 0
        for n in range(CALLS):
            try:
                channel.multicast([f"U{worker:016x}{n:016x}"], [Text("回覧板です")], retry_key=f"pace-{worker}-{n}")
            except ChannelError:  # refused and no retries left: LINE's count shows it
                pass

    threads = [threading.Thread(target=work, args=(w,)) for w in range(WORKERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def test_workers_sharing_the_pace_in_redis_stay_under_the_multicast_limit(line_config, line_api, redis_url, redis):
    line_api.limit_rate("/v2/bot/message/multicast", 100)  # half LINE's, to keep the test short
    from bot.channels import pacing

    limits, pacing.LIMITS = pacing.LIMITS, {**pacing.LIMITS, "multicast": 100.0}
    try:
        _multicast_from_workers(line_config, lambda: RedisPacer(redis_url, "test"))
    finally:
        pacing.LIMITS = limits
    assert line_api.rate_limited == 0
    assert len(line_api.delivered("/multicast")) == WORKERS * CALLS


def test_workers_pacing_each_on_their_own_break_the_limit(line_config, line_api):
    line_api.limit_rate("/v2/bot/message/multicast", 100)
    from bot.channels import pacing

    limits, pacing.LIMITS = pacing.LIMITS, {**pacing.LIMITS, "multicast": 100.0}
    try:
        _multicast_from_workers(line_config, LocalPacer)
    finally:
        pacing.LIMITS = limits
    assert line_api.rate_limited > 0


def test_a_429_waits_for_retry_after_and_then_goes_through(line_config, line_api):
    line_api.fail_next(429, retry_after=1, path="/multicast")
    channel = LineChannel.from_config(line_config)
    import time

    started = time.monotonic()
    channel.multicast(["U" + "0" * 32], [Text("回覧板です")], retry_key="after-429")
    assert time.monotonic() - started >= 1.0
    assert len(line_api.delivered("/multicast")) == 1


def test_workers_reserving_slots_a_few_at_a_time_stay_under_the_limit_of_the_other_calls(
    line_config, line_api, redis_url, redis, monkeypatch
):
    """Pushes, replies and loading animations take their slots from blocks a process reserves
    at once (one round trip to Redis for several calls): together still under the limit."""
    from redis.connection import Connection

    from bot.channels import pacing

    line_api.limit_rate("/v2/bot/message/push", 100)
    monkeypatch.setattr(pacing, "LIMITS", {**pacing.LIMITS, "other": 90.0})  # calls up to 0.1 s late: 89 a second
    reservations = []
    send = Connection.send_packed_command

    def counting(self, command, *args, **kwargs):
        reservations.extend(
            b"EVALSHA" in bytes(part)[:64] for part in ([command] if isinstance(command, bytes) else command)
        )
        return send(self, command, *args, **kwargs)

    monkeypatch.setattr(Connection, "send_packed_command", counting)

    def work(worker: int) -> None:
        channel = LineChannel.from_config(line_config)
        channel.pacer, channel.retries = RedisPacer(redis_url, "test"), 0
        for n in range(CALLS):
            try:
                channel.send(
                    f"U{worker:016x}{n:016x}", [Text("こんにちは")], reply_token=None, retry_key=f"p-{worker}-{n}"
                )
            except ChannelError:
                pass

    threads = [threading.Thread(target=work, args=(w,)) for w in range(WORKERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert line_api.rate_limited == 0
    assert len(line_api.delivered("/push")) == WORKERS * CALLS
    # one a call before; one a block now, and another when a slow call found its block gone by
    assert sum(reservations) <= WORKERS * CALLS / 4

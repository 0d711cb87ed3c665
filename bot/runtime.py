"""The process's wiring as the rest of the code sees it: configuration, database, jobs, channels, clock.

`bot.wiring.start` builds it once per process (the web process and the worker). Only the boundary
(jobs, web pages, commands) reads it with `current()`; it hands the domain what it needs (config,
channels, the time) as arguments, so nothing below the handlers depends on a process having started.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sqlalchemy import Engine

from bot.channel import Channel
from bot.clock import Clock
from bot.config import Config

if TYPE_CHECKING:
    from bot.queue import Jobs


@dataclass
class Runtime:
    config: Config
    engine: Engine
    jobs: Jobs
    channels: dict[str, Channel]  # platform -> its channel
    clock: Clock = field(default_factory=Clock)
    # Set when another runtime starts in this process (tests start many): its background loops stop.
    retired: threading.Event = field(default_factory=threading.Event)


_current: Runtime | None = None


def install(started: Runtime) -> Runtime:
    """Make `started` this process's runtime (bot.wiring.start does it); the one before retires."""
    global _current
    if _current is not None and _current is not started:
        _current.retired.set()
    _current = started
    return started


def current() -> Runtime:
    """The runtime started in this process."""
    if _current is None:
        raise RuntimeError("bot.wiring.start(config) has not been called in this process")
    return _current

"""The process's wiring as the rest of the code sees it: configuration, database, jobs, channels.

`bot.wiring.start` builds it once per process (the web process and the worker). Only the boundary
(jobs, web pages, commands) reads it with `current()`; it hands the domain what it needs (config,
channels) as arguments, so nothing below the handlers depends on a process having started.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import Engine

from bot.channel import Channel
from bot.config import Config

if TYPE_CHECKING:
    from bot.queue import Jobs


@dataclass
class Runtime:
    config: Config
    engine: Engine
    jobs: Jobs
    channels: dict[str, Channel]  # platform -> its channel


_current: Runtime | None = None


def install(started: Runtime) -> Runtime:
    """Make `started` this process's runtime (bot.wiring.start does it)."""
    global _current
    _current = started
    return started


def current() -> Runtime:
    """The runtime started in this process."""
    if _current is None:
        raise RuntimeError("bot.wiring.start(config) has not been called in this process")
    return _current

"""The process's wiring as the rest of the code sees it: configuration, database, jobs, channels.

`bot.wiring.start` builds it once per process (the web process and the worker); code below the
boundary reads it with `current()` and never imports the channels themselves.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine

from bot.config import Config

if TYPE_CHECKING:
    from bot.queue import Jobs


@dataclass
class Runtime:
    config: Config
    engine: Engine
    jobs: Jobs
    channels: dict[str, Any]  # platform -> a bot.channels.Channel


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

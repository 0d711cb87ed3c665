"""A small HTTP load generator for the benches: loopback only, a bounded count and time.

asyncio with plain sockets, so that the generator takes as little of the machine's CPU as it
can (it shares the cores with the server it drives). Bodies are built before the clock starts.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass


@dataclass
class Outcome:
    """What one load run saw."""

    sent: int
    seconds: float
    latencies_ms: list[float]
    statuses: dict[int, int]

    @property
    def per_second(self) -> float:
        """Requests answered per second of wall time."""
        return self.sent / self.seconds if self.seconds else 0.0

    @property
    def non_2xx(self) -> int:
        """Answers that were not 2xx (a lost connection counts as status 0)."""
        return sum(n for status, n in self.statuses.items() if not 200 <= status < 300)

    def percentile(self, share: float) -> float:
        """Latency at `share` (0.5: median) in ms."""
        ordered = sorted(self.latencies_ms)
        return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else 0.0

    def line(self) -> str:
        """One line: req/s, p50, p99, non-2xx."""
        return (
            f"{self.per_second:7.0f} req/s  p50 {self.percentile(0.5):6.1f} ms  "
            f"p99 {self.percentile(0.99):6.1f} ms  non-2xx {self.non_2xx}  ({self.sent} in {self.seconds:.1f} s)"
        )


def request_bytes(port: int, path: str, body: bytes, headers: dict[str, str]) -> bytes:
    """One HTTP/1.1 POST, ready to write."""
    head = [
        f"POST {path} HTTP/1.1",
        f"Host: 127.0.0.1:{port}",
        "Content-Type: application/json",
        f"Content-Length: {len(body)}",
        *(f"{k}: {v}" for k, v in headers.items()),
    ]
    return ("\r\n".join(head) + "\r\n\r\n").encode() + body


async def _one(port: int, payload: bytes, connection: list) -> int:
    """Send one request on the kept connection (or a new one); its status."""
    if not connection:
        connection.extend(await asyncio.open_connection("127.0.0.1", port))
    reader, writer = connection
    writer.write(payload)
    await writer.drain()
    status_line = await reader.readline()
    length, close = 0, False
    while (line := await reader.readline()) not in (b"\r\n", b""):
        name, _, value = line.decode("latin-1").partition(":")
        if name.lower() == "content-length":
            length = int(value)
        elif name.lower() == "connection" and value.strip().lower() == "close":
            close = True
    await reader.readexactly(length)
    if close or not status_line:
        writer.close()
        connection.clear()
    return int(status_line.split()[1]) if status_line else 0


async def _client(port: int, queue: list[bytes], deadline: float, latencies: list, statuses: dict) -> None:
    connection: list = []
    while queue and time.perf_counter() < deadline:
        payload = queue.pop()
        started = time.perf_counter()
        try:
            status = await _one(port, payload, connection)
        except (OSError, asyncio.IncompleteReadError, ValueError, IndexError):
            status = 0
            connection.clear()
        latencies.append((time.perf_counter() - started) * 1000)
        statuses[status] = statuses.get(status, 0) + 1
    if connection:
        connection[1].close()


def drive(port: int, payloads: list[bytes], connections: int = 16, max_seconds: float = 20.0) -> Outcome:
    """Send the payloads over `connections` concurrent connections; stop early at max_seconds."""
    queue = list(reversed(payloads))
    latencies: list[float] = []
    statuses: dict[int, int] = {}

    async def run() -> None:
        deadline = time.perf_counter() + max_seconds
        await asyncio.gather(*(_client(port, queue, deadline, latencies, statuses) for _ in range(connections)))

    started = time.perf_counter()
    asyncio.run(run())
    return Outcome(len(latencies), time.perf_counter() - started, latencies, statuses)


def median_outcome(outcomes: list[Outcome]) -> Outcome:
    """The run with the median throughput."""
    return sorted(outcomes, key=lambda o: o.per_second)[len(outcomes) // 2]

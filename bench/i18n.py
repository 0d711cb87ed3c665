"""Catalog texts per second: t() next to reading the catalog files for each text, as t() once did
(run: python -m bench.i18n)."""

import time

from bot.i18n import catalog, locales, supported, t

KEYS = ("offer.gone", "common.sorry", "request.kind.garbage", "onboarding.usage")
CALLS = 2000
REPEATS = 5  # the two sides take turns; the best of the repeats damps a noisy machine


def cached() -> None:
    """The texts through t(), whose catalogs are read once per process."""
    for i in range(CALLS):
        t(KEYS[i % len(KEYS)], "en")


def rescanned() -> None:
    """The baseline: the locale's folder listed and its files read for every text."""
    for i in range(CALLS):
        locales.__wrapped__()
        catalog.__wrapped__(supported("en")).get(KEYS[i % len(KEYS)])


def best(work) -> float:
    """The fastest of REPEATS runs, in seconds."""
    times = []
    for _ in range(REPEATS):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return min(times)


if __name__ == "__main__":
    fast, slow = best(cached), best(rescanned)
    print(
        f"t(): {fast / CALLS * 1e6:.1f} µs a text; reading the catalog each time: "
        f"{slow / CALLS * 1e6:.1f} µs; {slow / fast:.0f}x faster"
    )

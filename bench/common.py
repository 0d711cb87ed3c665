"""What the benches share: a PostgreSQL database of their own, and a line about the machine."""

from __future__ import annotations

import os
import platform
import sys

LOCAL_POSTGRES = "host=127.0.0.1 user=postgres dbname=postgres connect_timeout=2"


def postgres_url(name: str) -> str | None:
    """BENCH_DATABASE_URL, else a fresh database `kyojo_bench_<name>` on the machine's PostgreSQL,
    else None (no server: the bench says so and runs on SQLite alone)."""
    if os.environ.get("BENCH_DATABASE_URL"):
        return os.environ["BENCH_DATABASE_URL"]
    try:
        import psycopg

        with psycopg.connect(LOCAL_POSTGRES, autocommit=True) as connection:
            connection.execute(f"drop database if exists kyojo_bench_{name} with (force)")
            connection.execute(f"create database kyojo_bench_{name}")
    except Exception as error:  # noqa: BLE001 - any failure means "no PostgreSQL here"
        print(f"(no PostgreSQL on 127.0.0.1:5432: {error.__class__.__name__}; SQLite only)", file=sys.stderr)
        return None
    return f"postgresql+psycopg://postgres@127.0.0.1:5432/kyojo_bench_{name}"


def drop_postgres(name: str) -> None:
    """Drop the bench's own database again (not one given by BENCH_DATABASE_URL)."""
    if os.environ.get("BENCH_DATABASE_URL"):
        return
    import psycopg

    with psycopg.connect(LOCAL_POSTGRES, autocommit=True) as connection:
        connection.execute(f"drop database if exists kyojo_bench_{name} with (force)")


def machine() -> str:
    """CPU model, cores, memory, load and Python: what a figure was measured on."""
    model = "unknown CPU"
    try:
        with open("/proc/cpuinfo") as info:
            model = next(line.split(":", 1)[1].strip() for line in info if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    return (
        f"{model}, {os.cpu_count()} cores, {memory:.0f} GiB, load {load}; "
        f"Python {platform.python_version()} on {platform.system()}"
    )

"""`make bench`: run every bench, one after another, and write bench/RESULTS.md.

Each bench prints its figures next to a baseline measured in the same run (the smallest size,
or the bare endpoint); this only collects what they print, with the machine and the date.
Run: .venv/bin/python -m bench [NAME ...]
"""

from __future__ import annotations

import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from bench.common import machine

ROOT = Path(__file__).resolve().parent.parent
# name -> (what it measures, the baseline its ratios are against, time limit in seconds)
BENCHES = {
    "matching": ("choosing candidates, 1k / 10k / 100k helpers, SQLite and PostgreSQL", "the 1,000-helper case", 1800),
    "webhook": (
        "POST /callback under the Procfile's web command, PostgreSQL and Redis",
        "a bare Flask endpoint that only checks the signature, same gunicorn",
        900,
    ),
    "circulars": (
        "circular fan-out to 1k / 10k / 100k followers through the fake LINE API",
        "the 1,000-follower case",
        1800,
    ),
    "nlp": ("messages understood per second", "raw fugashi tagging of the same messages", 900),
    "fanout": (
        "100,000 followers through RQ workers, fake LINE API enforcing 200 multicasts/s",
        "the same fan-out with 1 worker",
        900,
    ),
    "city": (
        "1,000 residents asking for help within a minute: webhook, 2 and 4 RQ workers",
        "(absolute: message to first offer, reply-token share, jobs lost, doubled, memory)",
        1200,
    ),
}


def run(name: str, limit: int) -> tuple[str, float]:
    """One bench's output (stderr too) and its wall time."""
    started = time.monotonic()
    try:
        done = subprocess.run(
            [sys.executable, "-m", f"bench.{name}"], cwd=ROOT, capture_output=True, text=True, timeout=limit
        )
        output = done.stdout + (f"\n(exit {done.returncode})\n{done.stderr[-2000:]}" if done.returncode else "")
    except subprocess.TimeoutExpired:
        output = f"(stopped after {limit} s)"
    return output.strip(), time.monotonic() - started


def main() -> None:
    """Run the named benches (default: all) and write their sections of bench/RESULTS.md; a
    section of a bench not run this time is kept as it was (each says when and on what it ran)."""
    names = sys.argv[1:] or list(BENCHES)
    path = ROOT / "bench" / "RESULTS.md"
    earlier = path.read_text(encoding="utf-8") if path.exists() else ""
    sections = _sections(earlier)
    for name in names:
        what, baseline, limit = BENCHES[name]
        print(f"bench.{name} ...", flush=True)
        before = machine()
        output, seconds = run(name, limit)
        print(output, flush=True)
        sections[name] = "\n".join(
            [
                f"## {name}: {what}",
                "",
                f"Baseline: {baseline}. Run {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, took {seconds:.0f} s.",
                f"Machine before: {before}.",
                f"Machine after: {machine()}.",
                "",
                "```",
                output,
                "```",
                "",
            ]
        )
    lines = [
        "# Bench results",
        "",
        "Written by `make bench` (`python -m bench [NAME ...]`). Every ratio is against a baseline",
        "measured in the same run, on the same machine; each section says when it ran and how loaded",
        "the machine was (load average over 1, 5 and 15 minutes; the machine has the cores shown).",
        "",
    ]
    lines += _notes(earlier)
    lines += [sections[name] for name in BENCHES if name in sections]
    path.write_text("\n".join(lines), encoding="utf-8")
    print("wrote bench/RESULTS.md")


def _notes(text: str) -> list[str]:
    """What was written by hand between the header and the first section (when and how loaded
    each bench ran, what was measured next to it): kept as it was."""
    preamble = text.split("\n## ", 1)[0]
    _, found, notes = preamble.partition("the cores shown).\n")
    return [notes.strip("\n"), ""] if found and notes.strip() else []


def _sections(text: str) -> dict[str, str]:
    """The sections of an earlier RESULTS.md, by bench name."""
    found: dict[str, str] = {}
    for part in text.split("\n## ")[1:]:
        name = part.split(":", 1)[0].strip()
        if name in BENCHES:
            found[name] = "## " + part.rstrip("\n") + "\n"
    return found


if __name__ == "__main__":
    main()

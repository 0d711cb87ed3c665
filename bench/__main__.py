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
    "matching": ("choosing candidates, 1k / 10k / 100k helpers, SQLite and PostgreSQL",
                 "the 1,000-helper case", 1800),
    "webhook": ("POST /callback under the Procfile's web command, PostgreSQL and Redis",
                "a bare Flask endpoint that only checks the signature, same gunicorn", 900),
    "circulars": ("circular fan-out to 1k / 10k / 100k followers through the fake LINE API",
                  "the 1,000-follower case", 1800),
    "nlp": ("messages understood per second", "raw fugashi tagging of the same messages", 900),
}


def run(name: str, limit: int) -> tuple[str, float]:
    """One bench's output (stderr too) and its wall time."""
    started = time.monotonic()
    try:
        done = subprocess.run([sys.executable, "-m", f"bench.{name}"], cwd=ROOT, capture_output=True,
                              text=True, timeout=limit)
        output = done.stdout + (f"\n(exit {done.returncode})\n{done.stderr[-2000:]}" if done.returncode else "")
    except subprocess.TimeoutExpired:
        output = f"(stopped after {limit} s)"
    return output.strip(), time.monotonic() - started


def main() -> None:
    names = sys.argv[1:] or list(BENCHES)
    lines = ["# Bench results", "",
             f"Written by `make bench` on {datetime.now(UTC):%Y-%m-%d %H:%M} UTC.",
             f"Machine at the start: {machine()}.", "",
             "Every ratio is against a baseline measured in the same run, on the same machine.", ""]
    for name in names:
        what, baseline, limit = BENCHES[name]
        print(f"bench.{name} ...", flush=True)
        output, seconds = run(name, limit)
        print(output, flush=True)
        lines += [f"## {name}: {what}", "", f"Baseline: {baseline}. Took {seconds:.0f} s.", "",
                  "```", output, "```", ""]
    lines += [f"Machine at the end: {machine()}.", ""]
    (ROOT / "bench" / "RESULTS.md").write_text("\n".join(lines), encoding="utf-8")
    print("wrote bench/RESULTS.md")


if __name__ == "__main__":
    main()

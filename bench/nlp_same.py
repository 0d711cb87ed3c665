"""Whether a change to bot/nlp keeps every reading: snapshot every labelled message's understanding.

    python -m bench.nlp_same save /tmp/before.json   # before the change
    python -m bench.nlp_same check /tmp/before.json  # after it: lists every message read otherwise

Every line of bot/nlp/corpus/*.jsonl, shared/nlp/dev_set.jsonl and tests/nlp/held_out.jsonl is
read by understand() with its pending question and a fixed clock, and also against each pending
question it was not labelled with. What is kept is everything a user could notice (intent, kind,
confidence to the last bit, emergency, time, summary, language) and the learned model's features.
Lines of a set still held out (held_out12: session 13's, never looked at) are counted, never named:
a file and line number would show which held-out message reads otherwise.
"""

import json
import sys
from datetime import datetime
from pathlib import Path

from bot.nlp import understand
from bot.nlp.classify import CONTEXTS, analyse, classify_analysis
from bot.nlp.features import features

ROOT = Path(__file__).resolve().parents[1]
NOW = datetime(2026, 11, 30, 10, 0)
HELD_OUT = "held_out12"  # in the name of every file of the set still held out


def _sources() -> list[Path]:
    """Every labelled message file that exists here."""
    files = sorted((ROOT / "bot" / "nlp" / "corpus").glob("*.jsonl"))
    files += [ROOT.parent / "shared" / "nlp" / "dev_set.jsonl", ROOT / "tests" / "nlp" / "held_out.jsonl"]
    return [path for path in files if path.exists()]


def _reading(text: str, context: str | None) -> list:
    """Everything noticed of one message under one pending question."""
    found = understand(text, context, now=NOW)
    analysis = analyse(text)
    names = features(analysis, context, classify_analysis(analysis, context)) if analysis.language == "ja" else []
    moment = found.when.isoformat() if found.when else None
    return [
        found.intent,
        found.category,
        repr(found.confidence),
        found.emergency,
        moment,
        found.time_of_day,
        found.summary,
        found.language,
        found.leaving,
        found.switch_to,
        names,
    ]


def snapshot() -> dict[str, list]:
    """Readings by "file:line:context"."""
    readings = {}
    for path in _sources():
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            row = json.loads(line)
            for context in (row.get("context"), *(c for c in (None, *CONTEXTS) if c != row.get("context"))):
                readings[f"{path.name}:{number}:{context}"] = _reading(row["text"], context)
    return readings


def listed(changed: list[str]) -> list[str]:
    """The lines to print for readings that changed: each by file, line and question (the first
    50), those of held-out files only as a count."""
    shown = [key for key in changed if HELD_OUT not in key.split(":")[0]]
    lines = [f"changed: {key}" for key in shown[:50]]
    if held := len(changed) - len(shown):
        lines.append(f"changed: {held} readings of held-out messages (never named)")
    return lines


def main(argv: list[str]) -> int:
    """save FILE or check FILE."""
    if len(argv) != 2 or argv[0] not in ("save", "check"):
        print(__doc__)
        return 2
    readings = snapshot()
    target = Path(argv[1])
    if argv[0] == "save":
        target.write_text(json.dumps(readings, ensure_ascii=False), encoding="utf-8")
        print(f"saved {len(readings)} readings to {target}")
        return 0
    before = json.loads(target.read_text(encoding="utf-8"))
    changed = sorted(key for key in before.keys() | readings.keys() if before.get(key) != readings.get(key))
    for line in listed(changed):
        print(line)
    print(f"{len(readings)} readings, {len(changed)} changed")
    return 1 if changed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

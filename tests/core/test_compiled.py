"""bot/nlp's compiled modules run only while they match the source, and read every message as the source does."""

import hashlib
import json
import subprocess
import sys
from importlib.machinery import EXTENSION_SUFFIXES
from pathlib import Path

import pytest

from bot import compiled
from bot.nlp.evaluate import CORPUS_DIR, DEV_SET, read_rows

ROOT = Path(__file__).resolve().parents[2]
# The repository's own dev sets (Japanese, English), and shared/nlp's when it lies beside the clone.
DEV_SETS = [CORPUS_DIR / "dev_ja.jsonl", CORPUS_DIR / "en-dev.jsonl"] + ([DEV_SET] if DEV_SET.exists() else [])


def _package(tmp_path: Path) -> tuple[Path, Path]:
    """A bot/ source tree and a build of it: (bot dir, build dir)."""
    bot, target = tmp_path / "bot", tmp_path / "build"
    (bot / "nlp").mkdir(parents=True)
    target.mkdir()
    (bot / "nlp" / "matcher.py").write_text("X = 1\n")
    (bot / "kinds.py").write_text("KEYS = ()\n")
    (target / "matcher.so").write_bytes(b"")
    digests = {
        str(path.relative_to(bot)): hashlib.sha256(path.read_bytes()).hexdigest() for path in compiled.sources(bot)
    }
    manifest = {"suffix": EXTENSION_SUFFIXES[0], "files": {"bot.nlp.matcher": "matcher.so"}, "sources": digests}
    (target / compiled.MANIFEST).write_text(json.dumps(manifest))
    return bot, target


def test_a_build_is_used_only_while_every_source_it_was_built_from_is_unchanged(tmp_path: Path) -> None:
    bot, target = _package(tmp_path)
    assert compiled.stale(target, bot) is None
    (bot / "nlp" / "matcher.py").write_text("X = 2\n")
    assert "nlp/matcher.py" in (compiled.stale(target, bot) or "")


def test_a_module_added_or_a_build_file_lost_makes_the_build_unusable(tmp_path: Path) -> None:
    bot, target = _package(tmp_path)
    (bot / "nlp" / "when.py").write_text("")
    assert "nlp/when.py" in (compiled.stale(target, bot) or "")
    (bot / "nlp" / "when.py").unlink()
    (target / "matcher.so").unlink()
    assert "matcher.so" in (compiled.stale(target, bot) or "")
    assert "not built" in (compiled.stale(tmp_path / "nothing", bot) or "")


def _readings(pure: bool) -> list:
    """Every message of the dev sets read under each pending question, by a fresh process."""
    script = (
        "import json, sys, bot.compiled as c\n"
        f"{'c.stay_pure()' if pure else ''}\n"
        "from bot.nlp.reading import read\n"
        "from bot.nlp.classify import analyse\n"
        "rows = [json.loads(line) for line in sys.stdin]\n"
        "out = [[c.state().compiled]]\n"
        "for row in rows:\n"
        "    for context in (None, 'offer_pending', 'safety_check'):\n"
        "        r = read(analyse(row['text']), context)\n"
        "        out.append([r.intent, r.category, repr(r.confidence), r.emergency])\n"
        "print(json.dumps(out))\n"
    )
    lines = "\n".join(json.dumps(row, ensure_ascii=False) for path in DEV_SETS for row in read_rows(path))
    done = subprocess.run(
        [sys.executable, "-c", script], input=lines, cwd=ROOT, capture_output=True, text=True, check=True
    )
    return json.loads(done.stdout)


def test_the_compiled_modules_read_every_dev_set_message_as_the_source_does() -> None:
    if compiled.stale() is not None:
        pytest.skip(f"no usable build here: {compiled.stale()}")
    built, source = _readings(pure=False), _readings(pure=True)
    assert built[0] == [True] and source[0] == [False]
    assert built[1:] == source[1:]

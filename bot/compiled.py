"""bot/nlp's hot modules compiled by mypyc, used only while every source they were built from is unchanged.

`python -m bot.compiled build` (run by `make install`, `make test` and `make run` after a change
under bot/nlp) compiles MODULES into bot/nlp/_compiled/ (not in git) with the SHA-256 of every
source file the build read. When bot.nlp is first imported, use_compiled() imports the compiled
modules in place of their source only if each recorded file still has its recorded hash: after
any edit, on a machine where nothing was built (no C compiler, no mypyc), or after stay_pure(),
the source runs as always, and the readings are the same either way (bench.nlp_same checks it).
state() says which ran and why; bench.nlp prints it next to its figures. The module-level names
of MODULES are typed Final: compiled, a Final global is a C variable, any other a dict lookup.
"""

from __future__ import annotations

import hashlib
import importlib.machinery
import importlib.util
import json
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from importlib.abc import MetaPathFinder
from importlib.machinery import ModuleSpec
from pathlib import Path

# the modules that classification spends its time in
MODULES = (
    "normalise",
    "tagger",
    "matcher",
    "classify",
    "features",
    "learned",
    "reading",
    "english",
    "features_lexical",
    "vocab",
    "sums",
)
PACKAGE = "bot.nlp"
BOT_DIR = Path(__file__).resolve().parent
NLP_DIR = BOT_DIR / "nlp"
TARGET = NLP_DIR / "_compiled"
MANIFEST = "manifest.json"
# pyproject.toml's for mypy (fugashi, rapidfuzz and numpy ship no types mypyc needs)
MYPY_SETTINGS = "[mypy]\npython_version = 3.11\nignore_missing_imports = True\nfollow_imports = silent\n"


@dataclass(frozen=True)
class State:
    """Whether bot/nlp runs compiled, and why (or why not)."""

    compiled: bool
    reason: str


_state = State(False, "bot.nlp not imported yet")
_pure = False


def state() -> State:
    """Which code runs bot/nlp."""
    return _state


def stay_pure() -> None:
    """Run bot/nlp from its source even when a matching build exists (call before importing bot.nlp)."""
    global _pure
    _pure = True


def sources(bot_dir: Path = BOT_DIR) -> list[Path]:
    """The files a build depends on: every module of bot/nlp (compiled code calls into them with
    the types it was built against) and bot/kinds.py, which classify reads."""
    return sorted((bot_dir / "nlp").glob("*.py")) + [bot_dir / "kinds.py"]


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def stale(target: Path = TARGET, bot_dir: Path = BOT_DIR) -> str | None:
    """Why the build in `target` cannot be used for the source in `bot_dir` (None when it can)."""
    manifest_path = target / MANIFEST
    if not manifest_path.exists():
        return "not built (make install builds it)"
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    if manifest.get("suffix") not in importlib.machinery.EXTENSION_SUFFIXES:
        return f"built for another Python ({manifest.get('suffix')})"
    recorded: dict[str, str] = manifest["sources"]
    now = {str(path.relative_to(bot_dir)): path for path in sources(bot_dir)}
    if set(now) != set(recorded):
        return f"source files added or removed since the build: {sorted(set(now) ^ set(recorded))}"
    changed = [name for name, path in now.items() if _digest(path) != recorded[name]]
    if changed:
        return f"changed since the build: {', '.join(changed)}"
    missing = [name for name in manifest["files"].values() if not (target / name).exists()]
    return f"build files missing: {missing}" if missing else None


class _Finder(MetaPathFinder):
    """Finds the compiled modules (and the library they share) in the build directory."""

    def __init__(self, files: dict[str, Path]) -> None:
        self.files = files

    def find_spec(self, fullname: str, path: object = None, target: object = None) -> ModuleSpec | None:
        file = self.files.get(fullname)
        return importlib.util.spec_from_file_location(fullname, file) if file else None


def use_compiled(target: Path = TARGET) -> State:
    """Import bot/nlp's compiled modules from now on, if a build matches the source (all or none:
    compiled modules call each other directly)."""
    global _state
    if _pure:
        _state = State(False, "pure Python asked for")
    elif any(f"{PACKAGE}.{name}" in sys.modules for name in MODULES):
        _state = State(False, "modules already imported from source")
    elif reason := stale(target):
        _state = State(False, reason)
    else:
        files = json.loads((target / MANIFEST).read_text(encoding="utf-8"))["files"]
        sys.meta_path.insert(0, _Finder({name: target / file for name, file in files.items()}))
        _state = State(True, f"mypyc build of {', '.join(MODULES)}")
    return _state


def build(target: Path = TARGET) -> str | None:
    """Compile MODULES with mypyc into `target`; the reason when it could not (the source then runs)."""
    with tempfile.TemporaryDirectory() as scratch:
        work = Path(scratch)
        # a copy of the package: what is hashed is what is compiled, whatever is edited meanwhile
        shutil.copytree(BOT_DIR, work / "bot", ignore=shutil.ignore_patterns("_compiled", "__pycache__", "*.so"))
        (work / "mypy.ini").write_text(MYPY_SETTINGS, encoding="utf-8")
        paths = [f"bot/nlp/{name}.py" for name in MODULES]
        done = subprocess.run(
            [sys.executable, "-m", "mypyc", *paths], cwd=work, capture_output=True, text=True, check=False
        )
        if done.returncode:
            return f"mypyc failed: {(done.stdout + done.stderr).strip()[-2000:]}"
        suffix = importlib.machinery.EXTENSION_SUFFIXES[0]
        files = {f"{PACKAGE}.{name}": f"{name}{suffix}" for name in MODULES}
        shared = [path.name for path in work.glob(f"*__mypyc{suffix}")]
        files |= {name.removesuffix(suffix): name for name in shared}
        fresh = Path(tempfile.mkdtemp(dir=target.parent, prefix=".compiled-"))
        fresh.chmod(0o755)
        for name in MODULES:
            shutil.copy2(work / "bot" / "nlp" / files[f"{PACKAGE}.{name}"], fresh)
        for name in shared:
            shutil.copy2(work / name, fresh)
        recorded = {str(path.relative_to(work / "bot")): _digest(path) for path in sources(work / "bot")}
        manifest = {"suffix": suffix, "files": files, "sources": recorded}
        (fresh / MANIFEST).write_text(json.dumps(manifest, indent=1), encoding="utf-8")
        shutil.rmtree(target, ignore_errors=True)
        fresh.rename(target)
    return None


def main(argv: list[str]) -> int:
    """`build`: compile, or say why not (exit 0 either way: the source is always a working fallback)."""
    if argv != ["build"]:
        print("usage: python -m bot.compiled build")
        return 2
    reason = build()
    print(f"bot/nlp compiled: {reason or 'yes'}")
    if reason is None and (left := stale()):
        print(f"...but the source changed during the build, so it runs from source: {left}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""Imports flow one way, and no modules import each other in a circle.

This file is where the direction is written down (README "Which way imports go" points here).
It reads the source (the AST), not the running program, so an import inside a function counts.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# From the top down: a module may import from its own layer and the layers below it.
LAYERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "boundary: processes, web and channels",
        (
            "app",
            "worker",
            "bot.runner",
            "bot.commands",
            "bot.demo",
            "bot.jobs",
            "bot.reconcile",
            "bot.intake",
            "bot.wiring",
            "bot.web",
            "bot.channels",
            "bot.circulars.commands",
            "bot.timebank.commands",
        ),
    ),
    ("handlers", ("bot.handlers",)),
    (
        "domain",
        (
            "bot.nlp",
            "bot.matching",
            "bot.timebank",
            "bot.circulars",
            "bot.watch",
            "bot.residents",
            "bot.conversation",
            "bot.privacy",
            "bot.inbound",
        ),
    ),
    (
        "shared types",
        (
            "bot.events",
            "bot.i18n",
            "bot.config",
            "bot.errors",
            "bot.outbox",
            "bot.queue",
            "bot.runtime",
            "bot.kinds",
            "bot.channel",
            "bot.admin_link",
            "bot.clock",
            "bot.compiled",
        ),
    ),
    ("database", ("db",)),
)


def modules() -> dict[str, Path]:
    """Every module of the project by dotted name (migrations are generated, not ours)."""
    paths = [*ROOT.glob("bot/**/*.py"), *ROOT.glob("db/**/*.py"), ROOT / "app.py", ROOT / "worker.py"]
    found = {}
    for path in paths:
        parts = list(path.relative_to(ROOT).with_suffix("").parts)
        if "versions" in parts:
            continue
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


def imported(name: str, path: Path, known: dict[str, Path], *, typing: bool = True) -> set[str]:
    """The project's modules that `name` imports, anywhere in its source (with typing=False, not
    those only imported for type hints, which never run)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    tree = ast.parse(path.read_text(encoding="utf-8"))
    hints = {id(node) for block in ast.walk(tree) if _type_checking(block) for node in ast.walk(block)}
    targets: set[str] = set()
    for node in ast.walk(tree):
        if not typing and id(node) in hints:
            continue
        if isinstance(node, ast.Import):
            targets.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = _absolute(node, package)
            submodules = {f"{base}.{alias.name}" for alias in node.names} & known.keys()
            targets.update(submodules or {base})
    return {owner for target in targets if (owner := _owner(target, known)) not in (None, name)}


def _type_checking(node: ast.AST) -> bool:
    """An `if TYPE_CHECKING:` block."""
    return isinstance(node, ast.If) and getattr(node.test, "id", getattr(node.test, "attr", "")) == "TYPE_CHECKING"


def _absolute(node: ast.ImportFrom, package: str) -> str:
    if not node.level:
        return node.module or ""
    parts = package.split(".")[: len(package.split(".")) - node.level + 1]
    return ".".join(parts + ([node.module] if node.module else []))


def _owner(target: str, known: dict[str, Path]) -> str | None:
    """The longest known module name `target` is, or is inside of."""
    while target and target not in known:
        target = target.rpartition(".")[0]
    return target or None


def layer(name: str) -> int:
    """The index of the module's layer (0 is the top), by its longest listed prefix."""
    best, index = "", -1
    for position, (_, prefixes) in enumerate(LAYERS):
        for prefix in prefixes:
            if (name == prefix or name.startswith(prefix + ".")) and len(prefix) > len(best):
                best, index = prefix, position
    return index


def graph(*, typing: bool = True) -> dict[str, set[str]]:
    """Module -> the project's modules it imports."""
    known = modules()
    return {name: imported(name, path, known, typing=typing) for name, path in known.items()}


def circles(edges: dict[str, set[str]]) -> list[frozenset[str]]:
    """Groups of modules that reach each other (Tarjan's strongly connected components)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[frozenset[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for nxt in edges.get(node, ()):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                found.append(frozenset(group))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return found


def test_every_module_has_a_layer():
    assert [name for name in modules() if layer(name) < 0 and name not in ("bot", "db")] == []


def test_no_import_runs_backwards():
    backward = {
        (name, target)
        for name, targets in graph().items()
        for target in targets
        if target not in ("bot", "db") and layer(target) < layer(name)
    }
    assert backward == set(), "import from your own layer or one below (see LAYERS); move shared code down"


def test_no_modules_import_each_other_in_a_circle():
    assert circles(graph(typing=False)) == [], "break the circle: move what both need lower"


def test_the_checker_sees_a_backward_import_and_a_circle(tmp_path):
    (tmp_path / "low.py").write_text("from bot.handlers import Turn\nif TYPE_CHECKING:\n    import db\n")
    known = {"bot.handlers": ROOT, "bot.nlp.low": tmp_path / "low.py", "db": ROOT}
    assert imported("bot.nlp.low", tmp_path / "low.py", known) == {"bot.handlers", "db"}
    assert imported("bot.nlp.low", tmp_path / "low.py", known, typing=False) == {"bot.handlers"}
    assert layer("bot.handlers") < layer("bot.nlp.low")
    assert circles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [frozenset("abc")]


# The handlers and the domain are handed what they need (config, channels, jobs) by the boundary
# (bot.jobs, the web pages, the commands); they never look the process's runtime up themselves.
HANDED_DOWN = ("handlers", "domain")


def handed_down(name: str) -> bool:
    """Whether the module is in a layer that is handed what it needs."""
    index = layer(name)
    return index >= 0 and LAYERS[index][0] in HANDED_DOWN


def test_the_handlers_and_the_domain_never_look_up_the_runtime():
    known = modules()
    assert {title for title, _ in LAYERS} >= set(HANDED_DOWN)
    lookups = sorted(
        name for name, path in known.items() if handed_down(name) and "bot.runtime" in imported(name, path, known)
    )
    assert lookups == [], "take config, channels or jobs as arguments; bot/jobs.py (or the Turn) hands them down"


def test_the_checker_sees_a_runtime_lookup(tmp_path):
    (tmp_path / "low.py").write_text("def f():\n    from bot import runtime\n    return runtime.current().config\n")
    known = {"bot.runtime": ROOT, "bot.matching.low": tmp_path / "low.py"}
    assert "bot.runtime" in imported("bot.matching.low", tmp_path / "low.py", known)
    assert handed_down("bot.matching.low") and handed_down("bot.handlers") and not handed_down("bot.jobs")


# Nor do they read the real time: the boundary reads it once per unit of work (bot.clock.Clock, the
# one place that reads it) and hands them `now`, or the clock itself to work that lasts long enough
# for time to move. db.models.local_now, below everything, only stamps rows no one gave a time.
READS_THE_TIME = {
    "datetime.datetime.now",
    "datetime.datetime.utcnow",
    "datetime.datetime.today",
    "datetime.date.today",
    "time.time",
    "time.time_ns",
    "time.monotonic",
    "time.perf_counter",
    "time.localtime",
    "time.gmtime",
    "db.models.local_now",
}
MAKES_A_CLOCK = {"bot.clock.Clock"}  # handing the real clock down is the boundary's (naming its type is not)
KEEPS_THE_TIME = ("handlers", "domain", "shared types")
ALLOWED_TIME_READS = {
    # The one place that reads the real time.
    ("bot.clock", "db.models.local_now"),
    # A stopwatch between a lane's lease renewals inside one long job (every RENEW_EVERY seconds,
    # whatever the wall clock does); the lease itself is stamped with the clock it was handed.
    ("bot.circulars.lanes", "time.monotonic"),
    # `python -m bot.nlp`: a command line of its own, so its own boundary (the time of a message).
    ("bot.nlp.__main__", "datetime.datetime.now"),
}


def time_reads(name: str, path: Path) -> set[str]:
    """The real-time readers `name`'s source refers to (the dotted names of READS_THE_TIME, through
    its imports), and the clocks it makes."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    aliases: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            aliases.update(
                {(a.asname or a.name).split(".")[0]: (a.name if a.asname else a.name.split(".")[0]) for a in node.names}
            )
        elif isinstance(node, ast.ImportFrom):
            base = _absolute(node, package)
            aliases.update({a.asname or a.name: f"{base}.{a.name}" for a in node.names})
    found = set()
    for node in ast.walk(tree):
        dotted = _dotted(node, aliases)
        if dotted in READS_THE_TIME:
            found.add(dotted)
        if isinstance(node, ast.Call) and _dotted(node.func, aliases) in MAKES_A_CLOCK:
            found.add(f"{_dotted(node.func, aliases)}()")
    return found


def _dotted(node: ast.AST, aliases: dict[str, str]) -> str | None:
    """`a.b.c` as the full dotted name its first part was imported as; None for anything else."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name) or node.id not in aliases:
        return None
    return ".".join([aliases[node.id], *reversed(parts)])


def test_nothing_below_the_boundary_reads_the_real_time():
    reads = {
        (name, read)
        for name, path in modules().items()
        if (index := layer(name)) >= 0 and LAYERS[index][0] in KEEPS_THE_TIME
        for read in time_reads(name, path)
    }
    assert reads - ALLOWED_TIME_READS == set(), "take `now` (or the clock) as an argument: the boundary reads it"


def test_the_checker_sees_every_way_of_reading_the_time(tmp_path):
    (tmp_path / "low.py").write_text(
        "import time\nimport datetime as dt\nfrom datetime import date, datetime\nfrom db.models import local_now\n"
        "from bot.clock import Clock\n\n"
        "def f(clock: Clock, now: datetime):\n"
        "    return datetime.now(), dt.datetime.utcnow(), date.today(), time.time(), local_now, Clock().now(), now\n"
    )
    assert time_reads("bot.matching.low", tmp_path / "low.py") == {
        "datetime.datetime.now",
        "datetime.datetime.utcnow",
        "datetime.date.today",
        "time.time",
        "db.models.local_now",
        "bot.clock.Clock()",
    }
    (tmp_path / "fine.py").write_text(
        "from datetime import datetime\n\ndef f(clock, now: datetime):\n    return clock.now(), now\n"
    )
    assert time_reads("bot.matching.fine", tmp_path / "fine.py") == set()

"""README's map of the tree ("Where things are") names every module and package of bot/."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def tree_map() -> str:
    """The README's section that maps the tree."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    return text.split("## Where things are", 1)[1].split("\n## ", 1)[0]


def test_the_readme_map_names_every_module_and_package():
    block = tree_map()
    bot = ROOT / "bot"
    names = [f"bot/{p.name}" for p in bot.glob("*.py") if p.name != "__init__.py"]
    names += [f"bot/{p.name}/" for p in bot.iterdir() if (p / "__init__.py").exists()]
    assert sorted(name for name in names if name not in block) == []

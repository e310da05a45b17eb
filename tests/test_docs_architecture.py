"""docs/architecture.md's tree held to src/: every module and package is named there, and every name
there exists (a module added without its line in the tree fails here)."""
from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src" / "perfeval"
TREE = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8").split("```")[1]


def test_every_module_and_package_is_in_the_tree():
    named = set(re.findall(r"[\w]+\.py", TREE))
    folders = set(re.findall(r"(\w+)/", TREE))
    modules = {p.name for p in SRC.rglob("*.py") if p.name != "__init__.py" and "ruletypes" not in p.parts}
    assert modules <= named, sorted(modules - named)
    packages = {p.parent.name for p in SRC.rglob("__init__.py") if p.parent != SRC}
    assert packages <= folders, sorted(packages - folders)


def test_every_name_in_the_tree_exists():
    named = set(re.findall(r"[\w]+\.py", TREE)) - {"__init__.py", "__main__.py"}
    existing = {p.name for p in SRC.rglob("*.py")}
    assert named <= existing, sorted(named - existing)


def test_every_entry_point_in_the_table_exists():
    import importlib
    text = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    section = text.split("## One entry point per layer")[1].split("\n## ")[0]
    entries = re.findall(r"^\| `(\w+)` \| `([\w.]+)\(", section, re.M)
    assert len(entries) >= 7
    for layer, dotted in entries:
        module, name = dotted.rsplit(".", 1)
        assert module.split(".")[0] == layer, (layer, dotted)
        assert callable(getattr(importlib.import_module(f"perfeval.{module}"), name)), dotted

"""The layering is enforced by import-linter's contracts in pyproject.toml, not only described.

The first test runs the contracts on the package as it is.  The others copy the package,
plant one violation of each kind and check that import-linter reports it — so a contract
that silently stopped checking (a renamed module, a typo in pyproject.toml) fails here.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("importlinter", reason="import-linter 2 needs Python 3.8+")

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "src" / "perfeval"


def _lint(cwd: Path, pythonpath: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(pythonpath))
    code = ("import sys; from importlinter.cli import lint_imports;"
            "sys.exit(lint_imports(config_filenames=('pyproject.toml',), no_cache=True, no_logo=True))")
    return subprocess.run([sys.executable, "-c", code], cwd=cwd, env=env, capture_output=True, text=True)


def test_contracts_are_kept():
    run = _lint(ROOT, ROOT / "src")
    assert run.returncode == 0, run.stdout + run.stderr
    assert "5 kept, 0 broken" in run.stdout


@pytest.mark.parametrize("module, line, contract", [
    ("scoring/model.py", "from perfeval.xlsx import package", "Scoring imports nothing"),
    ("scoring/numbers.py", "import xlwings", "Scoring imports nothing"),
    ("excel/adapter.py", "from perfeval.xlsx import workbook", "never import each other"),
    ("render.py", "from perfeval import cli", "Nothing but the entry point"),
    ("scoring/rubric/model.py", "from perfeval.scoring import inputs", "Inside scoring"),
    ("scoring/ruletypes/bands.py", "from perfeval.scoring import engine", "Inside scoring"),
    ("layout.py", "from perfeval import sheets", "Layers"),
])
def test_a_planted_violation_breaks_its_contract(tmp_path, module, line, contract):
    src = tmp_path / "src"
    shutil.copytree(PACKAGE, src / "perfeval", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    target = src / "perfeval" / module
    target.write_text(target.read_text(encoding="utf-8") + f"\n{line}\n", encoding="utf-8")
    run = _lint(tmp_path, src)
    assert run.returncode != 0, run.stdout
    broken = [ln for ln in run.stdout.splitlines() if ln.endswith("BROKEN")]
    assert any(contract in ln for ln in broken), run.stdout
    assert re.sub(r"\.py$", "", module.replace("/", ".")) in run.stdout   # the report names the culprit


def test_public_api_is_small_and_lazy():
    import perfeval
    assert sorted(perfeval.__all__) == ["Result", "new_template", "recalc", "score_file"]
    code = "import sys, perfeval; print(sorted(m for m in sys.modules if m.startswith('perfeval')))"
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert loaded.strip() == "['perfeval']"          # importing the package loads no layer
    assert perfeval.Result.__module__ == "perfeval.scoring.results"
    assert callable(perfeval.score_file) and callable(perfeval.recalc) and callable(perfeval.new_template)


def test_public_api_example_from_the_docs(tmp_path):
    """The five-line example in docs/architecture.md, run as written there."""
    import perfeval
    book = tmp_path / "红旗镇2023自评.xlsm"
    shutil.copy(ROOT / "workbook_templates" / "红旗镇2023自评.xlsm", book)
    result = perfeval.score_file(book)
    assert (result.total, result.grade) == (perfeval.recalc(book).total, "优")
    assert perfeval.new_template(tmp_path / "空白.xlsm").exists()

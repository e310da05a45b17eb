"""One error tree (perfeval.errors): caught once at the command line and once in the live adapter;
anything else is a bug — exit 1, one line naming a log file with the traceback, never on the console."""
from __future__ import annotations

import re
from pathlib import Path

from click.testing import CliRunner

from perfeval import errors
from perfeval.cli import main

SRC = Path(__file__).resolve().parents[1] / "src" / "perfeval"


def test_every_error_perfeval_raises_is_in_the_tree():
    for name in ("WorkbookError", "NotPerfevalWorkbook", "CannotWrite", "NotSupported", "RubricError"):
        assert issubclass(getattr(errors, name), errors.PerfevalError), name
    defined = re.findall(r"^class (\w+)\((?:\w+\.)?(?:Exception|ValueError|RuntimeError)\)", "\n".join(
        p.read_text(encoding="utf-8") for p in SRC.rglob("*.py")), re.M)
    # besides the tree: exceptions caught where they are raised (a bad cell address, a bad parameter path)
    assert set(defined) <= {"PerfevalError", "BadAddress", "PathError"}, defined


def test_the_tree_is_caught_once_in_each_boundary():
    cli = (SRC / "cli.py").read_text(encoding="utf-8") + (SRC / "cliguard.py").read_text(encoding="utf-8")  # the command line
    adapter = (SRC / "excel" / "adapter.py").read_text(encoding="utf-8")
    assert cli.count("except PerfevalError") == 1 and adapter.count("except PerfevalError") == 1
    assert "except NotSupported" not in cli and "except WorkbookError" not in cli


def test_a_bug_is_exit_1_with_its_traceback_in_a_log_file(monkeypatch, tmp_path):
    import tempfile
    import perfeval.xlsx.workbook as workbook
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))

    def broken(*args, **kwargs):
        raise ValueError("a bug, not the user's file")
    monkeypatch.setattr(workbook, "score_workbook", broken)
    out = CliRunner().invoke(main, ["score", str(tmp_path / "x.xlsm")])
    assert out.exit_code == 1 and "Traceback" not in out.output
    assert "内部错误：ValueError: a bug, not the user's file" in out.output and "请把工作簿和此信息发给技术支持" in out.output
    logs = list(tmp_path.glob("perfeval-内部错误-*.log"))
    assert len(logs) == 1 and str(logs[0]) in out.output
    text = logs[0].read_text(encoding="utf-8")
    assert "Traceback" in text and "def broken" not in text and "broken" in text


def test_a_users_problem_is_exit_2_in_one_line(tmp_path):
    bad = tmp_path / "坏.xlsm"
    bad.write_bytes(b"not a zip")
    out = CliRunner().invoke(main, ["score", str(bad)])
    assert out.exit_code == 2 and out.output.startswith("错误：") and len(out.output.strip().splitlines()) == 1

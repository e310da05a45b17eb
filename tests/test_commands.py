"""``recalc BOOK`` and ``score BOOK`` in their plain forms run without click (``perfeval.commands``):
the same output, errors and exit codes as through the command line's parser."""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from perfeval.commands import plain, recalc, report, score_one
from perfeval.entry import _main

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "workbook_templates" / "红旗镇2023自评.xlsm"


@pytest.mark.parametrize("args, expected", [
    (["recalc", "a.xlsm"], (recalc, ("a.xlsm", False))),
    (["recalc", "a.xlsm", "--force"], (recalc, ("a.xlsm", True))),
    (["recalc", "--force", "a.xlsm"], (recalc, ("a.xlsm", True))),
    (["score", "a.xlsm"], (score_one, ("a.xlsm", False))),
    (["score", "--json", "a.xlsm"], (score_one, ("a.xlsm", True))),
    (["score", "a.xlsm", "b.xlsm"], None), (["recalc", "--", "a.xlsm"], None), (["recalc", "-h"], None),
    (["recalc", "a.xlsm", "--json"], None), (["score", "a.xlsm", "--force"], None), (["recalc"], None),
    (["recalc", "-x.xlsm"], None), ([], None), (["recalc", ""], None),
    (["report", "a.xlsm"], (report, ("a.xlsm", None))), (["report", "-o", "r.docx", "a.xlsm"], (report, ("a.xlsm", "r.docx"))),
    (["report", "a.xlsm", "--output", "r.docx"], (report, ("a.xlsm", "r.docx"))), (["report", "a.xlsm", "-o"], None),
    (["report", "a.xlsm", "-o", "x", "--output", "y"], None), (["report", "-o", "-x", "a.xlsm"], None),
    (["report", "a.xlsm", "b.xlsm"], None), (["report"], None), (["report", "-h"], None)])
def test_only_the_plain_forms_skip_the_parser(args, expected):
    assert plain(args) == expected


def _both(capsys, args: list[str], parsed: list[str]):
    outcomes = []
    for argv in (args, parsed):
        code = _main(argv)
        out, err = capsys.readouterr()
        outcomes.append((code, out, err))
    return outcomes


@pytest.mark.parametrize("command", [["recalc"], ["recalc", "--force"], ["score"], ["score", "--json"], ["report"]])
def test_the_plain_form_and_the_parsed_form_say_the_same(tmp_path, capsys, command):
    for name in ("book.xlsm", "missing.xlsm", "not-a-book.xlsm"):
        book = tmp_path / name
        if name == "book.xlsm":
            shutil.copy(SAMPLE, book)
        elif name == "not-a-book.xlsm":
            book.write_text("hello", encoding="utf-8")
        plain_form = command + [str(book)]
        assert plain(plain_form) is not None
        parsed_form = command[:1] + command[1:] + ["--", str(book)]        # "--": through click
        assert plain(parsed_form) is None
        if command == ["report"]:
            plain_form = plain_form + ["-o", str(tmp_path / "a.docx")]
            parsed_form = ["report", "-o", str(tmp_path / "b.docx"), "--", str(book)]
        quick, parsed = _both(capsys, plain_form, parsed_form)
        quick = tuple(x.replace("a.docx", "b.docx") if isinstance(x, str) else x for x in quick)
        assert quick == parsed, name
        assert quick[0] == (0 if name == "book.xlsm" else 2)


def test_the_plain_forms_do_not_load_click(tmp_path):
    book = tmp_path / "book.xlsm"
    shutil.copy(SAMPLE, book)
    code = ("import sys; from perfeval.entry import _main; "
            f"codes = [_main(['recalc', {str(book)!r}]), _main(['score', {str(book)!r}]), _main(['report', {str(book)!r}])]; "
            "print(codes, 'click' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, encoding="utf-8").stdout
    assert out.strip().endswith("[0, 0, 0] False"), out

"""The command line speaks Chinese throughout: every help page and every error path, run in-process,
prints no English line (command, option and file names excepted) — click's own texts included."""
from __future__ import annotations

import re

import pytest
from click.testing import CliRunner

from perfeval.cli import main

CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")
WORD = re.compile(r"[A-Za-z][A-Za-z_-]+")


def _commands(group, prefix=()):
    for name, command in group.commands.items():
        yield prefix + (name,), command
        if hasattr(command, "commands"):
            yield from _commands(command, prefix + (name,))


COMMANDS = list(_commands(main))
ALLOWED = {"perfeval", "python", "pip", "json", "xlsm", "xlsx", "docx", "pdf", "sqlite", "LibreOffice", "Excel", "WPS"}
for path, command in COMMANDS:
    ALLOWED |= set(path)
    for param in command.params:
        ALLOWED |= {o.lstrip("-") for o in getattr(param, "opts", [])}
        ALLOWED.add(param.name or "")
        if param.param_type_name == "argument":
            ALLOWED.add((param.name or "").upper())                        # BOOK, PATHS … (argument names)


def english_lines(output: str, given: tuple) -> list[str]:
    """Lines with no Chinese and an English word that is not a command, option, metavar or argument."""
    allowed = ALLOWED | {w for arg in given for w in WORD.findall(str(arg))}
    bad = []
    for line in output.splitlines():
        if not line.strip() or CJK.search(line):
            continue
        words = [w for w in WORD.findall(line) if w not in allowed]
        if words:
            bad.append(line)
    return bad


ERROR_PATHS = [
    (), ("--help",), ("--version",), ("scor",), ("nosuch",), ("score",), ("recalc",), ("recalc", "a.xlsm", "b.xlsm"),
    ("new",), ("new", "x.xlsm", "--bogus"), ("new", "x.txt"), ("summary",), ("summary", "x", "--jobs", "0"),
    ("summary", "x", "--year", "abc"), ("rubric",), ("rubric", "chek"), ("rubric", "check"), ("rubric", "build", "x.xlsx"),
    ("rubric", "export", "ebian-2023"), ("upgrade",), ("report",), ("submit",), ("score", "不存在.xlsm"),
    ("recalc", "不存在.xlsm"), ("rubric", "check", "不存在.json"), ("demo", "--force", "--force2"),
]


@pytest.mark.parametrize("args", ERROR_PATHS, ids=lambda a: " ".join(a) or "(none)")
def test_error_paths_are_in_chinese(args, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    out = CliRunner().invoke(main, list(args))
    assert "Traceback" not in out.output
    assert english_lines(out.output, args) == [], out.output


@pytest.mark.parametrize("path", [p for p, _ in COMMANDS], ids=" ".join)
def test_every_help_page_is_in_chinese(path):
    out = CliRunner().invoke(main, list(path) + ["--help"])
    assert out.exit_code == 0
    assert english_lines(out.output, path) == [], out.output
    assert "…" not in out.output and "..." not in out.output.replace("[参数]...", "").replace("BOOKS...", "").replace("PATHS...", "")


def test_the_list_of_commands_is_never_cut():
    out = CliRunner().invoke(main, ["--help"]).output
    for name, command in main.commands.items():
        first = (command.help or "").split("。")[0]
        assert first.replace("\n", " ")[:30] in out.replace("\n", " ").replace("  ", " ") or name == "rubric", name


def test_each_force_option_says_what_it_does_there():
    helps = {" ".join(p): next(param.help for param in c.params if param.name == "force")
             for p, c in COMMANDS if any(param.name == "force" for param in c.params)}
    assert len(set(helps.values())) == len(helps) - 1                 # rubric export and build share one text
    assert "只读" in helps["recalc"] and "覆盖" in helps["new"]


def test_the_check_itself_catches_clicks_english():
    assert english_lines("Usage: perfeval score [OPTIONS] BOOKS...\nError: Missing argument 'BOOK'.", ()) != []
    assert english_lines("  -o, --output TEXT  [default: out.xlsx]", ()) != []
    assert english_lines("用法： perfeval score [选项] BOOKS...\n  --force  BOOK 为只读文件时也写入结果", ()) == []

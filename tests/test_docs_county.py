"""docs/county.md and the README's command table held to the code: every command and option they
show exists, every sheet of the authoring workbook and every rule type is named, and the messages
they quote are the ones perfeval prints."""
from __future__ import annotations

import re
from pathlib import Path

import click
import openpyxl
from click.testing import CliRunner

from perfeval.authoring import declare as D
from perfeval.authoring.convert import rule_type_names
from perfeval.cli import main

ROOT = Path(__file__).resolve().parents[1]
COUNTY = (ROOT / "docs" / "county.md").read_text(encoding="utf-8")
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _command(words: list[str]):
    """The click command a `perfeval …` line names, and the words after it."""
    command = main
    rest = list(words)
    while rest and hasattr(command, "commands") and rest[0] in command.commands:
        command = command.commands[rest.pop(0)]
    return command, rest


def _options(command) -> set[str]:
    return {o for p in command.params for o in getattr(p, "opts", [])}


def _check_line(line: str) -> None:
    words = line.split()[1:]
    command, rest = _command(words)
    assert command is not main and not hasattr(command, "commands"), line
    for word in rest:
        word = word.split("\\")[0]
        if word.startswith("--") or re.fullmatch(r"-[a-z]", word):
            assert word.split("=")[0] in _options(command), (line, word)


def test_every_command_in_county_md_exists_with_its_options():
    lines = [l.strip() for l in COUNTY.splitlines() if l.strip().startswith("perfeval ")]
    lines += re.findall(r"`(perfeval [^`]+)`", COUNTY)
    assert len(lines) >= 8
    for line in lines:
        _check_line(line)


def undocumented_commands() -> set[str]:
    """CLI commands missing from the README's command table (each row's command and options must exist)."""
    rows = re.findall(r"^\| `(perfeval [^`]+)`", README, re.M)
    for row in rows:
        _check_line(row.replace("[", " ").replace("]", " "))
    named = {" ".join(row.split()[1:3]) if row.split()[1] == "rubric" else row.split()[1] for row in rows}
    leaves = {name for name, c in main.commands.items() if not hasattr(c, "commands")}
    leaves |= {f"rubric {name}" for name in main.commands["rubric"].commands}
    return leaves - named


def test_every_command_in_the_readme_table_exists_and_every_command_is_listed():
    assert undocumented_commands() == set()


def _leaves(group=main, prefix=()):
    for name, command in group.commands.items():
        if hasattr(command, "commands"):
            yield from _leaves(command, prefix + (name,))
        else:
            yield " ".join(prefix + (name,)), command


def undocumented_options() -> set[str]:
    """“command --option” for every option that no README row of its command shows (any of its spellings)."""
    rows = re.findall(r"^\| `(perfeval [^`]+)`", README, re.M)
    missing = set()
    for name, command in _leaves():
        text = " ".join(r for r in rows if r.split()[1:1 + len(name.split())] == name.split())
        for param in command.params:
            opts = getattr(param, "opts", [])
            if param.param_type_name == "option" and not any(re.search(re.escape(o) + r"(?![\w-])", text) for o in opts):
                missing.add(f"{name} {opts[0]}")
    return missing


def test_every_option_of_every_command_is_in_its_readme_row():
    assert undocumented_options() == set()


def test_an_option_added_without_docs_fails_the_docs_test():
    command = main.commands["recalc"]
    command.params.append(click.Option(["--frobnicate"], is_flag=True))
    try:
        assert undocumented_options() == {"recalc --frobnicate"}
    finally:
        command.params.pop()


def test_a_command_added_without_docs_fails_the_docs_test():
    @main.command("frobnicate")
    def frobnicate():
        """试验用。"""
    try:
        assert undocumented_commands() == {"frobnicate"}
    finally:
        del main.commands["frobnicate"]


def test_county_md_names_every_sheet_and_rule_type():
    for sheet in (D.GUIDE_SHEET,) + tuple(s.sheet for s in D.SHEETS):
        assert f"| {sheet} |" in COUNTY, sheet
    names = rule_type_names()
    assert f"共 {len(names)} 种" in COUNTY
    for label in names.values():
        assert label in COUNTY, label
    for image in re.findall(r"\]\(([^)]+\.png)\)", COUNTY):
        assert (ROOT / "docs" / image).is_file(), image


def _without_per_item(book: Path, **cells) -> None:
    """The authoring workbook with violations' per_item row emptied (and other 指标 cells set)."""
    wb = openpyxl.load_workbook(book)
    for ref, value in cells.items():
        wb["指标"][ref] = value
    params = wb["规则参数"]
    for r in range(5, params.max_row + 1):
        if params.cell(r, 1).value == "violations" and params.cell(r, 2).value == "per_item":
            for c in range(1, 5):
                params.cell(r, c).value = None
    wb.save(book)


def test_the_messages_county_md_quotes_are_what_check_prints(tmp_path):
    book = tmp_path / "本县评分标准.xlsx"
    assert CliRunner().invoke(main, ["rubric", "new", str(book)]).exit_code == 0
    _without_per_item(book, E5=None, K10="按心情计分")
    out = CliRunner().invoke(main, ["rubric", "check", str(book)]).output
    assert "错误：指标!E5：“分值”不能为空" in out and "错误：指标!E5：“分值”不能为空" in COUNTY
    assert "实为“按心情计分”" in out and "错误：指标!K10：“计分方法”应为" in COUNTY
    quoted = "错误：指标!K13：计分方法“按个数扣分”缺少参数“per_item”：请在“规则参数”中添加一行（指标编号 violations，参数 per_item）"
    assert quoted in COUNTY
    fresh = tmp_path / "b.xlsx"
    CliRunner().invoke(main, ["rubric", "new", str(fresh)])
    _without_per_item(fresh)
    assert quoted in CliRunner().invoke(main, ["rubric", "check", str(fresh)]).output


GUIDE = (ROOT / "docs" / "使用指南.md").read_text(encoding="utf-8")


def test_the_guide_commands_exist_and_its_images_are_there():
    lines = re.findall(r"`(perfeval [^`]+)`", GUIDE)
    assert len(lines) >= 8
    for line in lines:
        _check_line(line)
    for image in re.findall(r"\]\(([^)]+\.png)\)", GUIDE):
        assert (ROOT / "docs" / image).is_file(), image
    assert "](docs/使用指南.md)" in README.split("## 中文说明")[0]           # linked right after the two commands


def test_the_messages_the_guide_quotes_are_what_perfeval_says(tmp_path):
    import sys
    sys.path.insert(0, str(ROOT / "docs"))
    from render_guide import mistakes_book                              # the workbook of the guide's screenshots
    from perfeval.xlsx.workbook import score_workbook
    result, _ = score_workbook(mistakes_book(tmp_path))
    said = {f"{ {'error': '错误', 'warning': '警告', 'info': '提示'}[f.severity]}：{f.message}" for f in result.findings}
    quoted = re.findall(r"^\| [^|]+ \| ((?:错误|警告|提示)：[^|]+) \|$", GUIDE, re.M)
    assert len(quoted) == 4
    for text in quoted:
        assert text.strip() in said, text


def test_the_readme_still_starts_with_the_two_commands():
    assert README.startswith("# perfeval — 部门整体支出绩效自评\n\n```bash\n"
                             "# 安装并计算随附示例工作簿 / install and score the bundled sample workbooks\n"
                             "python -m pip install -e . && perfeval demo demo --force\n\n"
                             "# 运行全部测试 / run the tests\n"
                             "python -m pip install -e '.[test]' && python -m pytest -q\n```")

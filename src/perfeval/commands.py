"""The bodies of the commands a clerk's icon and scripts run most — ``recalc BOOK``, ``score BOOK`` and
``report BOOK`` — as plain functions, so that the console script can run them without loading the command-line library
(``entry`` dispatches their plain forms here; ``cli`` wraps the same functions for every other form).
Each is guarded by ``cliguard``: the same exit codes and one-line Chinese errors either way."""
from __future__ import annotations

import json
from pathlib import Path

from .cliguard import _guarded, _say, _say_utf8


@_guarded
def recalc(book: str, force: bool = False) -> None:
    from . import render
    from .xlsx.workbook import recalc as run
    result = run(book, force=force)
    _say(f"{Path(book).name}：{render.summary(result)}")


@_guarded
def score_one(book: str, as_json: bool = False) -> None:
    from .scoring.results import STATUS_LABELS
    from .xlsx.workbook import score_workbook
    result, data = score_workbook(book)
    if as_json:
        _say_utf8(json.dumps(result.to_json(data.cell_of), ensure_ascii=False, indent=1))
        return
    unit = result.unit or "（未填写单位名称）"
    year = f"{result.year}年" if result.year else "（未填写评价年度）"
    if result.complete:
        _say(f"{unit} {year}  总分 {num(result.total)}/{num(result.max_total)}  等级 {result.grade}")
    else:
        _say(f"{unit} {year}  {result.completion}：已计分部分 {num(result.total)}/{num(result.max_total)}，不评定等级")
    width = max((display_width(line.name) for line in result.lines), default=0)
    for line in result.lines:
        status = STATUS_LABELS[line.status]
        _say(f"  {pad(status, 6)} {pad(line.name, width)} {num(line.score):>6}/{num(line.max)}")
        for r in line.reasons:
            _say(f"         {r.text}")
    counts = result.counts()
    _say(f"校验：错误{counts['error']}个，警告{counts['warning']}个，提示{counts['info']}个")


@_guarded
def report(book: str, output: str | None = None) -> None:
    from .report import write_report
    path, d = write_report(book, output)
    _say(f"已生成自评报告：{path}")
    if d.is_draft:
        _say(f"警告：自评尚未完成，报告已标为草稿（不能报送）。需更正的{len(d.problems)}处：", err=True)
        for problem in d.problems:
            _say(f"  {problem}", err=True)
    if d.missing:
        _say(f"以下内容在工作簿中未填写，报告中标为【待填写】：{'、'.join(d.missing)}")
    for note in d.notes:
        _say(f"提示：{note}")


def plain(args: list[str]):
    """The function and arguments for ``recalc BOOK [--force]``, ``score BOOK [--json]`` and ``report BOOK
    [-o OUT]``, in any order; None for any other command line (help, other options, ``--``, a name that
    looks like an option)."""
    if args[:1] == ["report"]:
        rest, output = list(args[1:]), None
        for flag in ("-o", "--output"):
            if flag in rest:
                at = rest.index(flag)
                if output is not None or at + 1 >= len(rest) or rest[at + 1].startswith("-"):
                    return None
                output = rest[at + 1]
                del rest[at:at + 2]
        if len(rest) != 1 or rest[0].startswith("-") or not rest[0] or output == "":
            return None
        return report, (rest[0], output)
    if len(args) < 2 or len(args) > 3 or args[0] not in ("recalc", "score"):
        return None
    flag = "--force" if args[0] == "recalc" else "--json"
    rest = args[1:]
    flagged = flag in rest
    if flagged:
        rest = [a for a in rest if a != flag]
    if len(rest) != 1 or rest[0].startswith("-") or not rest[0]:
        return None
    return (recalc if args[0] == "recalc" else score_one), (rest[0], flagged)


def display_width(text: str) -> int:
    """Columns a text takes in a terminal: wide (CJK) characters count two."""
    import unicodedata
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def pad(text: str, width: int) -> str:
    return text + " " * max(0, width - display_width(text))


def num(value) -> str:
    from .scoring.numbers import fmt_num
    return fmt_num(value)

"""The county bureau's authoring workbook (本县评分标准.xlsx): the rubric written in Excel.

- ``export(data, path)``: a rubric's JSON as the workbook (``rubric new`` / ``rubric export``).
- ``load(path)``: the workbook as a ``Rubric``, or every problem at once, each with its sheet and cell
  (structure, then the rubric schema, mapped back from JSON paths to the cells they came from).
- ``check(path)``: ``load`` plus the lint and the 算例, every finding with its cell.
- ``pretty_json(data)``: the JSON ``rubric build`` writes (exact numbers, readable).

The declaration is ``declare``; ``convert`` turns rows into JSON and back; ``read``/``write`` are the
file sides; ``guide`` writes the 使用说明.
"""
from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import NamedTuple

from .convert import Cell, from_rows
from .read import read_rows
from .write import write_authoring


class Finding(NamedTuple):
    severity: str               # error | warning | info
    where: str                  # "指标!E7", "表头", or a JSON path when no cell is known
    message: str

    def text(self) -> str:
        return f"{self.where}：{self.message}" if self.where else self.message


def export(data: dict, path: str | Path) -> Path:
    return write_authoring(data, path)


def _where(cell: Cell) -> str:
    if not cell.sheet:
        return ""
    return f"{cell.sheet}!{cell.ref}" if cell.ref else cell.sheet


def _parents(path: str):
    while path:
        yield path
        cut = max(path.rfind("."), path.rfind("["))
        path = path[:cut] if cut > 0 else ""


def locate(where: dict, path: str, missing: str = "") -> str:
    """The cell a rubric path came from (its nearest recorded parent), as "工作表!单元格"."""
    from .paths import join
    for candidate in ([join(path, missing)] if missing else []) + list(_parents(path)):
        if candidate in where and where[candidate].sheet:
            return _where(where[candidate])
    return path


def _explained(problem, data: dict) -> str:
    """A schema problem in the author's terms: a missing rule parameter says where to add it."""
    import re
    m = re.fullmatch(r"lines\[(\d+)\]\.rule", problem.path)
    if problem.missing and m:
        from .convert import rule_type_names
        line = data["lines"][int(m.group(1))]
        kind = line.get("rule", {}).get("type")
        name = rule_type_names().get(kind, kind)
        return (f"计分方法“{name}”缺少参数“{problem.missing}”：请在“规则参数”中添加一行"
                f"（指标编号 {line.get('id', '')}，参数 {problem.missing}）")
    return problem.message


def load(path: str | Path):
    """(rubric, data, findings, where): the rubric is None when any finding is an error."""
    from ..scoring.rubric import parse_data
    rows, problems = read_rows(path)
    if problems:
        return None, None, [Finding("error", _where(p.cell), p.message) for p in problems], {}
    data, builder = from_rows(rows)
    findings = [Finding("error", _where(p.cell), p.message) for p in builder.problems]
    reported = {p.path for p in builder.problems if p.path}
    rubric, schema_problems = parse_data(data, str(path))
    from .paths import join
    for p in schema_problems:
        full = join(p.path, p.missing) if p.missing else p.path
        if any(full == r or full.startswith(r + ".") or full.startswith(r + "[") for r in reported):
            continue                      # a cell already reported in the sheet's words
        findings.append(Finding("error", locate(builder.where, p.path, p.missing), _explained(p, data)))
    if any(f.severity == "error" for f in findings):
        return None, data, findings, builder.where
    return rubric, data, findings, builder.where


class Checked(NamedTuple):
    rubric: object              # the Rubric, or None
    findings: list[Finding]
    outcomes: list              # the 算例 run (scoring.examples.Outcome)
    unreadable: bool = False    # a table or header of the workbook is missing: not an authoring workbook

    @property
    def passed(self) -> bool:
        return self.rubric is not None and not any(f.severity == "error" for f in self.findings) \
            and not any(o.failures for o in self.outcomes)


def check(path: str | Path) -> Checked:
    """The lint and the 算例 of an authoring workbook, every finding with its cell."""
    from ..scoring.examples import check as rubric_check
    rubric, data, findings, where = load(path)
    if rubric is None:
        return Checked(None, findings, [], unreadable=data is None)
    issues, outcomes = rubric_check(rubric)
    findings += [Finding(i.severity, locate(where, i.path) if i.path else "", i.message) for i in issues]
    failures = [Finding(f.severity, locate(where, f.path) if f.path else "", f.message) for o in outcomes for f in o.failures]
    return Checked(rubric, findings + failures, outcomes)


def pretty_json(value: object, indent: int = 0) -> str:
    """JSON with one key per line, exact numbers (Decimal as written) and Chinese as is."""
    import json
    pad, inner = " " * indent, " " * (indent + 1)
    if isinstance(value, dict):
        if not value:
            return "{}"
        body = ",\n".join(f"{inner}{json.dumps(str(k), ensure_ascii=False)}: {pretty_json(v, indent + 1)}"
                          for k, v in value.items())
        return "{\n" + body + "\n" + pad + "}"
    if isinstance(value, list):
        if not value:
            return "[]"
        if all(not isinstance(v, (dict, list)) for v in value):
            return "[" + ", ".join(pretty_json(v) for v in value) + "]"
        return "[\n" + ",\n".join(inner + pretty_json(v, indent + 1) for v in value) + "\n" + pad + "]"
    if isinstance(value, bool) or value is None:
        return {True: "true", False: "false", None: "null"}[value]
    if isinstance(value, Decimal):
        return format(value.normalize(), "f") if value == value.to_integral_value() else format(value, "f")
    if isinstance(value, (int, float)):
        return str(value)
    return json.dumps(value, ensure_ascii=False)

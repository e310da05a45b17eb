"""Worked examples: what `perfeval rubric check` runs, and the whole check of a rubric.

An example gives 定性评价 answers by item id (as typed), 其他数据 by input id, library metric
values taken as given, and rows of standard tables; it expects line scores (a 扣分项: its
contribution; ``null``: excluded; "未填写"/"不适用"/"错误": the status), ``metric:NAME`` values
(compared at the decimals written; ``null`` for 0 ÷ 0) and ``LINE/三级指标`` indicator scores.
"""
from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import NamedTuple

from .. import layout as L
from .engine import project_view, score
from .inputs import department_from_tables, raw_table, rubric_table
from .lint import Issue, defects
from .metrics import MISSING, evaluate
from .model import ERROR
from .numbers import fmt_num
from .results import STATUS_LABELS, ERROR_STATUS, INCOMPLETE, NA
from .rubric import Example, Rubric
from .ruletypes import Line

STATUS_WORDS = {"未填写": INCOMPLETE, "不适用": NA, "错误": ERROR_STATUS}


class Outcome(NamedTuple):
    example: Example
    failures: list[Issue]


def example_tables(rubric: Rubric, example: Example) -> dict:
    """The example as the raw tables a workbook would give (every standard table present)."""
    tables = {t.name: raw_table(t, {} if t.is_keyvalue else []) for t in L.INPUT_TABLES}
    qualitative = rubric_table(L.QUALITATIVE, rubric)
    tables[L.QUALITATIVE.name] = raw_table(qualitative, {rubric.item(k).label: v for k, v in example.items.items()
                                                         if rubric.item(k)})
    extra = rubric_table(L.EXTRA_INPUTS, rubric)
    tables[L.EXTRA_INPUTS.name] = raw_table(extra, {rubric.input(k).label: v for k, v in example.inputs.items()
                                                    if rubric.input(k)})
    for name, rows in example.tables.items():
        table = next((t for t in L.INPUT_TABLES if t.name.lower() == name.lower()), None)
        if table is None:
            continue
        if table.is_keyvalue and isinstance(rows, dict):
            tables[table.name] = raw_table(table, rows)
        elif not table.is_keyvalue and isinstance(rows, list):
            tables[table.name] = raw_table(table, [r for r in rows if isinstance(r, dict)])
    return tables


def _close(actual: Decimal, expected: object) -> bool:
    want = Decimal(str(expected))
    exponent = min(want.as_tuple().exponent, 0)
    return actual.quantize(Decimal(1).scaleb(exponent), rounding=ROUND_HALF_UP) == want


def run_example(rubric: Rubric, example: Example) -> Outcome:
    tables = example_tables(rubric, example)
    unknown = [f"examples[{example.index}].tables.{n}" for n in example.tables
               if not any(t.name.lower() == n.lower() for t in L.INPUT_TABLES)]
    failures = [Issue(ERROR, path, f"算例“{example.name}”中的表格“{path.rsplit('.', 1)[1]}”不存在") for path in unknown]
    dept = department_from_tables(tables, rubric)
    if rubric.scope == "project" and dept.projects:       # a project form scores the example's (first) project
        dept = project_view(dept, dept.projects[0], rubric)
    given = {k: v for k, v in example.metrics.items()}
    result = score(dept, given=given)
    lines = {line.id: line for line in result.lines}
    base = f"examples[{example.index}].expected"
    for key, want in example.expected.items():
        path = f"{base}.{key}"
        got = _actual(key, want, lines, dept, given, result)
        if got is not True:
            failures.append(Issue(ERROR, path, f"算例“{example.name}”：{key} 应为{_shown(want)}，实为{got}"))
    return Outcome(example, failures)


def _shown(value: object) -> str:
    if value is None:
        return "null（不计入 / 无法计算）"
    return fmt_num(Decimal(str(value))) if isinstance(value, (int, float, Decimal)) else f"“{value}”"


def _actual(key, want, lines, dept, given, result):
    """True when the expectation holds, else the actual value as text."""
    if want is not None and not isinstance(want, (int, float, Decimal)) and (key.startswith("metric:") or "/" in key):
        return "（此处应给出数字或 null）"
    if key.startswith("metric:"):
        line = Line(result.lines[0].spec, {}, Decimal(0), dept, [], given) if result.lines else None
        value = evaluate(key[7:], line, dept, given).value
        if value is MISSING:
            return "无法计算（输入未填写或有误）"
        if want is None:
            return True if value is None else fmt_num(value)
        if value is None:
            return "无法计算（0÷0）"
        return True if value.is_finite() and _close(value, want) else fmt_num(value)
    line_id, _, indicator = key.partition("/")
    line = lines.get(line_id)
    if line is None:
        return "（没有这一项）"
    if indicator:
        found = [s for name, _, s in line.extra.get("indicators", []) if name == indicator]
        if not found:
            return "（没有这个指标）"
        return True if _close(found[0], want) else fmt_num(found[0])
    if want is None:
        return True if line.excluded else f"{fmt_num(line.score)}分（{STATUS_LABELS[line.status]}）"
    if isinstance(want, str):
        expected = STATUS_WORDS.get(want.strip())
        return True if line.status == expected else f"{fmt_num(line.score)}分（{STATUS_LABELS[line.status]}）"
    if line.status in (ERROR_STATUS, INCOMPLETE) or line.excluded:
        reasons = "；".join(r.text for r in line.reasons)
        return f"{'不计入' if line.excluded else STATUS_LABELS[line.status]}（{reasons}）"
    return True if line.score == Decimal(str(want)) else f"{fmt_num(line.score)}分"


def check(rubric: Rubric) -> tuple[list[Issue], list[Outcome]]:
    """The lint of a rubric (defects, then the printed form's arithmetic as 提示) and its examples.
    Examples run only when the rubric has no defect that is an error."""
    from .lint import form_issues
    from .params import default_params
    issues = defects(rubric)
    if not any(i.severity == ERROR for i in issues):
        issues += form_issues(default_params(rubric))
    if any(i.severity == ERROR for i in issues):
        return issues, []
    return issues, [run_example(rubric, e) for e in rubric.examples]

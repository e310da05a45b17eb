"""Score one department-year: resolve the rubric, run the 14 rules, total and grade.

Pure: no Excel objects, no I/O.  Never raises for bad input — an unexpected failure
inside a rule becomes that line's ``error`` status and an 错误 finding.
"""
from __future__ import annotations

from decimal import Decimal

from .inputs import department_from_tables
from .model import ERROR, Department, Finding
from .results import ERROR_STATUS, Detail, LineResult, Reason, Result
from .rubric import Params, grade, line_bounds, lint, max_total, resolve
from .rules import Line
from .rules.application import RULES
from .rules.control import progress_and_planner
from .validate import validate

INTERNAL_ERROR = "内部错误"


def score_tables(tables: dict) -> tuple[Result, Params]:
    """Raw input tables (from any adapter) → result and the parameters it was scored with."""
    dept = department_from_tables(tables)
    params, param_findings = resolve(dept.parameters)
    dept.findings += param_findings
    return score(dept, params), params


def score(dept: Department, params: Params | None = None) -> Result:
    findings: list[Finding] = list(dept.findings)
    if params is None:
        params, param_findings = resolve(dept.parameters)
        findings += param_findings
    findings += lint(params)
    findings += validate(dept, params["check.tolerance"])
    lines = [_run(spec, params, dept, findings) for spec in params.rubric.lines]
    progress, planner, last = progress_and_planner(Line(params.rubric.line("execution_progress"), params, []), dept)
    total = sum((line.score for line in lines), Decimal(0))
    return Result(unit=dept.unit_name, year=dept.year, rubric_id=params.rubric.id, total=total,
                  max_total=max_total(params), grade=grade(total, params), lines=lines,
                  findings=findings, planner=planner, progress=progress, last_month=last)


def _run(spec, params: Params, dept: Department, findings: list[Finding]) -> LineResult:
    line = Line(spec, params, findings)
    try:
        return line.finish(RULES[spec.id](line, dept))
    except Exception as exc:  # noqa: BLE001 - a rule bug must not stop the other lines
        message = f"{INTERNAL_ERROR}：计算“{spec.name}”时出错（{type(exc).__name__}: {exc}），请将工作簿发给技术支持"
        findings.append(Finding(ERROR, message, None))
        lo, hi = line_bounds(spec, params)
        return LineResult(spec.id, spec.name, hi, lo, Decimal(0), ERROR_STATUS, [Reason(message)], Detail(()))

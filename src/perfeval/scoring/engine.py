"""Score one department-year under its rubric: resolve the parameters, run every line's rule
type, rescale when lines are excluded, total and grade.

Pure: no Excel objects, no I/O.  Never raises for bad input — an unexpected failure inside a
rule becomes that line's ``error`` status and an 错误 finding.  No line id is named here: the
rubric is data.
"""
from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from ..errors import NotPerfevalWorkbook
from .inputs import department_from_tables
from .lint import form_lint
from .. import layout as L
from .model import ERROR, INFO, Department, Finding, Loc
from .numbers import round_score
from .params import Params, grade, line_bounds, max_total, resolve
from .results import ERROR_STATUS, Detail, LineResult, ProjectResult, Reason, Result
from .projects import project_checks, project_rubric
from .rubric import load_rubric
from .ruletypes import RULE_TYPES, Line
from .ruletypes import checkpoints as checkpoint_rule
from .validate import validate

INTERNAL_ERROR = "内部错误"


def score_tables(tables: dict) -> Result:
    """The engine's entry point for the adapters: raw input tables (header → rows of cell values, as
    either adapter reads them) → the Result (its ``params`` are the parameters it was scored with).
    A workbook whose embedded rubric cannot be used is refused: nothing is scored or written."""
    dept = department_from_tables(tables)
    if dept.rubric_problem:
        raise NotPerfevalWorkbook(dept.rubric_problem)
    result = score(dept)
    result.projects, result.project_params = score_projects(dept, result.findings)
    return result


def score(dept: Department, params: Params | None = None, given: dict | None = None) -> Result:
    """Score a Department under its rubric (or ``params``, already resolved).  ``given``: metric values taken as given (a rubric's worked examples)."""
    findings: list[Finding] = list(dept.findings)
    if dept.rubric is None:
        dept.rubric = load_rubric()
    if params is None:
        params, param_findings = resolve(dept.rubric, dept.parameters)
        findings += param_findings
    findings += form_lint(params)
    findings += validate(dept, params.tolerance)
    lines = [_run(spec, params, dept, findings, given) for spec in params.rubric.lines]
    progress, planner, last = _progress(params, dept)
    total = sum((line.score for line in lines if not line.excluded), Decimal(0))
    top = max_total(params)
    applicable = sum((line.max for line in lines if not line.excluded), Decimal(0))
    rescaled = any(line.excluded for line in lines)
    if rescaled:
        total = round_score(total * top / applicable) if applicable else Decimal(0)
    return Result(unit=dept.unit_name, year=dept.year, rubric_id=params.rubric.id, total=total,
                  max_total=top, grade=grade(total, params), lines=lines,
                  findings=list(dict.fromkeys(findings)), planner=planner, progress=progress, last_month=last,
                  rubric=params.rubric, params=params, rescaled=rescaled, department=dept)


def _run(spec, params: Params, dept: Department, findings: list[Finding], given) -> LineResult:
    line = Line(spec, params.rule(spec), params.points(spec), dept, findings, given)
    try:
        return line.finish(RULE_TYPES[spec.kind].score(line, line.rule))
    except Exception as exc:  # noqa: BLE001 - a rule bug must not stop the other lines
        message = f"{INTERNAL_ERROR}：计算“{spec.label}”时出错（{type(exc).__name__}: {exc}），请将工作簿发给技术支持"
        findings.append(Finding(ERROR, message, None))
        lo, hi = line_bounds(spec, params)
        return LineResult(spec.id, spec.label, hi, lo, Decimal(0), ERROR_STATUS, [Reason(message)], Detail(()), spec=spec)


def _progress(params: Params, dept: Department):
    """The monthly execution (chart) and planner of the first ``checkpoints`` line, if any."""
    spec = next((s for s in params.rubric.lines if s.kind == checkpoint_rule.NAME), None)
    if spec is None:
        return [], [], 0
    line = Line(spec, params.rule(spec), params.points(spec), dept, [])
    return checkpoint_rule.progress(line, line.rule)


# ------------------------------------------------------------------ the per-project 自评表 (project-scope rubric)

def project_view(dept: Department, project, rubric, by_object: dict | None = None) -> Department:
    """The department as a project-scope rubric sees one project: that project and its indicators
    (指标对象 = its name) only; everything else shared, no findings of its own yet.  ``by_object``:
    ``grouped_by(dept.indicators, "target_object")``, when many projects are viewed (one pass, not one per project)."""
    if by_object is None:
        by_object = grouped_by(dept.indicators, "target_object")
    return replace(dept, projects=[project], project=project, rubric=rubric, findings=[],
                   indicators=by_object.get(project.name.strip(), []))


def grouped_by(items, attribute: str) -> dict:
    """Rows grouped by their stripped ``attribute`` (an indicator's 指标对象, a goal's 项目名称), in row order."""
    grouped: dict = {}
    for item in items:
        grouped.setdefault((getattr(item, attribute) or "").strip(), []).append(item)
    return grouped


def score_projects(dept: Department, findings: list[Finding]) -> tuple[list[ProjectResult], Params | None]:
    """Every project whose indicators carry 分值 scored under the workbook's project rubric (embedded,
    else 评分参数 项目评分标准, default national-project-2020) with its 本县取值 (评分参数 rows 项目自评表·…),
    and those parameters.  Each project's findings stay its own (the 自评表's): they never make the
    department's evaluation incomplete; the 评分参数 findings are the workbook's (``findings``).  A project
    with indicators but no 分值 gets one 提示 in ``findings`` instead of a 自评表."""
    rubric, chosen = project_rubric(dept)
    findings += chosen
    if rubric is None:
        return [], None
    out, unweighted = [], []
    params, param_findings = resolve(rubric, dept.parameters)
    findings += [f for f in param_findings if f not in findings]
    by_object = grouped_by(dept.indicators, "target_object")
    goals = grouped_by(dept.project_goals, "name")
    for project in dept.projects:
        view = project_view(dept, project, rubric, by_object)
        if not view.indicators:
            continue
        if all(i.weight is None for i in view.indicators):
            unweighted.append(view)
            continue
        own: list[Finding] = []
        lines = [_run(spec, params, view, own, None) for spec in rubric.lines]
        total = sum((line.score for line in lines if not line.excluded), Decimal(0))
        top = max_total(params)
        applicable = sum((line.max for line in lines if not line.excluded), Decimal(0))
        if any(line.excluded for line in lines):
            total = round_score(total * top / applicable) if applicable else Decimal(0)
        own += project_checks(view, params, lines)
        out.append(ProjectResult(project, goals.get(project.name.strip(), [None])[0], total, top, grade(total, params), lines,
                                 list(dict.fromkeys(own)), rubric, view.indicators))
    if unweighted:
        names = "、".join(f"“{v.project.name}”" for v in unweighted)
        findings.append(Finding(INFO, f"{len(unweighted)}个项目的绩效指标未填写分值，未生成项目支出绩效自评表：{names}"
                                      f"（在“绩效指标”的“分值”列填写各指标分值后生成）",
                                Loc(L.INDICATORS.name, unweighted[0].indicators[0].row, L.INDICATORS.header("weight"))))
    return out, params

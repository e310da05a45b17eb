"""The per-project 项目支出绩效自评表: which project-scope rubric a workbook uses, and the national
rule that causes are given — an indicator off its target, or a low 预算执行率, without a reason is a
警告 at its cell.  The scoring itself is the engine's (``engine.score_projects``): the same rule types
over a view of the department holding one project and its indicators."""
from __future__ import annotations

from decimal import Decimal

from .. import layout as L
from .indicators import describe, judge
from .model import WARNING, Department, Finding, Loc
from .numbers import fmt_num, fmt_pct, fmt_pct_plain, is_blank as is_blank_text
from .params import DEVIATION_BAND, EXECUTION_FLOOR, Params
from .rubric import DEFAULT_PROJECT_RUBRIC, load_rubric, shipped_ids

NONE_WORDS = ("无", "不适用", "不评")


def project_rubric(dept: Department):
    """(the project rubric, findings): the one embedded in the workbook (RubricData 项目…); in a workbook
    without one, the shipped project-scope rubric 评分参数 项目评分标准 names (blank: national-project-2020).
    项目评分标准 无/不适用 turns the per-project 自评表 off; an embedded one that cannot be used too (its
    错误 is already among the workbook's findings)."""
    label = L.PROJECT_RUBRIC_PARAMETER_LABEL
    named = dept.parameters.get(label)
    loc = Loc(L.PARAMETERS.name, dept.parameters.rows.get(label), L.PARAMETERS.header("value"))
    text = named.strip() if isinstance(named, str) else ""
    if text in NONE_WORDS or dept.project_rubric_problem:
        return None, []
    embedded = dept.project_rubric
    if embedded is not None:
        if text and text != embedded.id:
            return embedded, [Finding(WARNING, f"评分参数“{label}”填写的“{text}”与本工作簿嵌入的项目评分标准 {embedded.id} 不同，"
                                               f"按嵌入的 {embedded.id} 计算（要换用其他项目评分标准，请运行 perfeval upgrade "
                                               f"--project-rubric）", loc)]
        return embedded, []
    if not text:
        return (load_rubric(DEFAULT_PROJECT_RUBRIC) if DEFAULT_PROJECT_RUBRIC in shipped_ids() else None), []
    if text not in shipped_ids() or load_rubric(text).scope != "project":
        return load_rubric(DEFAULT_PROJECT_RUBRIC), [Finding(
            WARNING, f"评分参数“{label}”填写的“{text}”不是随附的项目评分标准，按 {DEFAULT_PROJECT_RUBRIC} 计算", loc)]
    return load_rubric(text), []


def carried_project_rubric(dept: Department):
    """(the project rubric a rebuilt workbook embeds, its 本县取值 in use or None, 自评表 off): the
    embedded one, else the one 评分参数 names, else national-project-2020 — for upgrade and next year."""
    from .params import resolve
    rubric, _ = project_rubric(dept)
    off = rubric is None and not dept.project_rubric_problem
    rubric = rubric or dept.project_rubric or load_rubric(DEFAULT_PROJECT_RUBRIC)
    return rubric, resolve(rubric, dept.parameters)[0], off


def project_checks(view: Department, params: Params, lines) -> list[Finding]:
    """Warnings of one project's 自评表: its indicators' 分值 not adding up to their line's points (the
    score is then scaled), an indicator below target or above it by more than the band without 偏差原因,
    a 预算执行率 below the floor without a reason in 项目目标."""
    p, out = view.project, []
    band, floor = params.values.get(DEVIATION_BAND, Decimal("0.1")), params.values.get(EXECUTION_FLOOR, Decimal("0.9"))
    for line in lines:
        if line.spec is not None and line.spec.kind == "weighted_indicators" and line.status != "error":
            weights = [w for _, w, _ in line.extra.get("indicators", ())]
            if weights and sum(weights) != line.max:
                out.append(Finding(WARNING, f"项目“{p.name}”的绩效指标分值合计{fmt_num(sum(weights))}分，不是{fmt_num(line.max)}分："
                                            f"本项按{fmt_num(line.max)}×Σ得分÷Σ分值折算", Loc(L.INDICATORS.name, None,
                                                                                     L.INDICATORS.header("weight"), L.INDICATORS.sheet)))
    for ind in view.indicators:                  # judged as the 打分表's quantity indicators are, with this band
        j = judge(ind, band, counted=True)
        if not j.counted or j.achieved or j.invalid or not is_blank_text(ind.reason):
            continue
        how = "未达到目标" if j.verdict == "未达到" else f"偏离目标超过{fmt_pct_plain(band)}"
        out.append(Finding(WARNING, f"项目“{p.name}”的指标“{describe(ind)}”{how}（目标{fmt_num(j.target.number)}，"
                                    f"实际{fmt_num(j.actual.number)}），请在“偏差原因”中说明原因和改进措施",
                           Loc(L.INDICATORS.name, ind.row, L.INDICATORS.header("reason"))))
    spent, budget = p.spent, p.budget
    if isinstance(spent, Decimal) and isinstance(budget, Decimal) and budget > 0 and spent / budget < floor:
        goal = next((g for g in view.project_goals if (g.name or "").strip() == p.name.strip()), None)
        if goal is None or is_blank_text(goal.execution_reason):
            loc = Loc(L.PROJECT_GOALS.name, goal.row, L.PROJECT_GOALS.header("execution_reason")) if goal \
                else Loc(L.PROJECTS.name, p.row, L.PROJECTS.header("spent"))
            out.append(Finding(WARNING, f"项目“{p.name}”预算执行率{fmt_pct(spent / budget)}，低于{fmt_pct_plain(floor)}："
                                        f"请在“项目目标”的“执行率偏低原因及改进措施”中说明", loc))
    return out

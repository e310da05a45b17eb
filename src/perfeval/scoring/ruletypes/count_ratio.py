"""count_ratio: points × passing ÷ counted over indicators or projects.

Indicators pass the ``achieved`` test (≥ ≤ = with numbers, within the band; 定性 rows listed, not
counted); projects pass ``metric op value`` (per project: 结余率, 执行率).  A member whose test
divides by zero is left out of both counts, with a warning.  Nothing counted → ``empty``.
"""
from __future__ import annotations

from decimal import Decimal

from ... import layout as L
from ..indicators import describe, judge
from ..metrics import MISSING, PROJECT_METRICS
from ..model import WARNING, Loc
from ..numbers import fmt_money, fmt_num, fmt_pct
from . import NEGATED, OP_WORDS, OPS
from ._common import operand, threshold_text
from ._population import filter_text, ind_loc, indicator_rows, level_match, population_tables, project_rows

NAME, LABEL = "count_ratio", "达标个数比例"


def score(line, rule):
    filt = rule.get("filter", {})
    if rule["population"] == "indicators":
        counted, passed = _indicators(line, rule, filt)
    else:
        counted, passed = _projects(line, rule, filt)
    if counted is None or line.stopped:
        return None
    line.extra.update(counted=counted, passing=passed)
    if counted == 0:
        return _empty(line, rule, filt)
    return Decimal(passed) / Decimal(counted) * line.points


def _empty(line, rule, filt):
    policy = rule.get("empty", "zero")
    what = filter_text(rule["population"], filt)
    if policy == "full":
        line.detail.notes.append(f"无{what}，得满分")
        return line.points
    if policy == "na":
        line.not_applicable(f"无{what}")
        return None
    line.reason(f"未设置{what}")
    line.detail.notes.append(f"未设置{what}")
    return Decimal(0)


def _indicators(line, rule, filt):
    rows = indicator_rows(line, filt)
    if rows is None:
        return None, None
    band = Decimal(rule["test"].get("band", "0.3"))
    noun = filt.get("level2") or filt.get("level3") or filt.get("level1") or "指标"
    detail = line.table("指标对象", "三级指标", "方向", "目标值", "实际完成值", "结论")
    counted = achieved = 0
    verdicts = []
    for ind in rows:
        j = judge(ind, band, counted=level_match(ind, filt), noun=noun)
        for w in j.warnings:
            line.finding(WARNING, w, ind_loc(ind.row, "actual"))
        if j.invalid:
            line.invalid(j.invalid, ind_loc(ind.row, "target" if "目标值" in j.invalid else "actual"))
        detail.rows.append((ind.target_object, describe(ind), j.direction or ind.direction,
                            str(ind.target if ind.target is not None else ""),
                            str(ind.actual if ind.actual is not None else ""), j.verdict))
        verdicts.append((ind, j.counted, j.achieved, j.verdict))
        if j.counted:
            counted += 1
            if j.achieved:
                achieved += 1
            elif j.reason:
                line.reason(j.reason, ind_loc(ind.row, "actual"))
    line.extra["indicators"] = verdicts
    if counted:
        detail.notes.append(f"达到预期值的{noun}{achieved}个，全部{noun}{counted}个，"
                            f"得分={achieved}/{counted}×{fmt_num(line.points)}")
        if achieved < counted:
            line.reason(f"{noun}{counted}个中达到{achieved}个，得分={achieved}/{counted}×{fmt_num(line.points)}")
    return counted, achieved


def _projects(line, rule, filt):
    rows = project_rows(line, filt)
    if rows is None:
        return None, None
    test = rule["test"]
    metric = PROJECT_METRICS[test["metric"]]
    op, threshold = test["op"], operand(line, test["value"])
    if threshold is MISSING or threshold is None:
        return None, None
    limit = threshold_text(threshold, "rate", line.rubric)
    detail = line.table("项目名称", "预算数（万元）", "实际支出（万元）", *metric.columns, "结论", "备注")
    blanks = (None,) * len(metric.columns)
    counted = passed = 0
    for project in rows:
        if not (line.check(project.budget) and line.check(project.spent)):
            continue
        budget, spent = project.budget or Decimal(0), project.spent
        if budget == 0:
            line.finding(WARNING, f"项目“{project.name}”预算数为0，不参与{metric.label}计算",
                         Loc(L.PROJECTS.name, project.row, L.PROJECTS.header("budget")))
            detail.rows.append((project.name, budget, spent) + blanks + ("预算为0，不计入", project.note))
            continue
        if spent is None:
            line.finding(WARNING, f"项目“{project.name}”未填写实际支出，按0计算",
                         Loc(L.PROJECTS.name, project.row, L.PROJECTS.header("spent")))
            spent = Decimal(0)
        values = metric.compute(budget, spent)
        ok = OPS[op](values[-1], threshold)
        counted += 1
        passed += ok
        detail.rows.append((project.name, budget, spent) + values
                           + ("合格" if ok else f"{metric.label}{NEGATED[op]}{limit}", project.note))
        if not ok:
            note = f"（备注：{project.note}）" if project.note else ""
            line.reason(f"项目“{project.name}”{metric.label}{fmt_pct(values[-1])}（预算{fmt_money(budget)}万元，"
                        f"实际支出{fmt_money(spent)}万元），{NEGATED[op]}{limit}{note}",
                        Loc(L.PROJECTS.name, project.row, L.PROJECTS.header("spent")))
    if counted:
        what = f"{metric.label}{OP_WORDS[op]}{limit}"
        detail.notes.append(f"{what}的项目{passed}个，项目总数{counted}个，得分={passed}/{counted}×{fmt_num(line.points)}")
        if passed < counted:
            line.reason(f"{counted}个项目中{passed}个{what}，得分={passed}/{counted}×{fmt_num(line.points)}")
    return counted, passed


def readback(spec, rule, rubric) -> str:
    filt, test = rule.get("filter", {}), rule["test"]
    what = filter_text(rule["population"], filt)
    empty = {"zero": "不得分", "full": "得满分", "na": "按不适用处理"}[rule.get("empty", "zero")]
    if rule["population"] == "indicators":
        band = threshold_text(Decimal(test.get("band", "0.3")), "rate")
        return (f"得分=达到预期值的{what}个数÷全部{what}个数×{fmt_num(spec.points)}；"
                f"实际完成未达到目标或偏离目标{band}以上的不计为达到；没有{what}时{empty}")
    metric = PROJECT_METRICS.get(test.get("metric"))
    label = metric.label if metric else test.get("metric")
    limit = threshold_text(test["value"], "rate", rubric)
    return (f"得分={label}{OP_WORDS[test['op']]}{limit}的{what}个数÷{what}总数×{fmt_num(spec.points)}；"
            f"没有{what}时{empty}")


def param(path, rule, spec, rubric):
    path = tuple(path)
    if path == ("test", "band"):
        return f"{spec.label}偏离幅度", "ratio"
    if path == ("test", "value"):
        return f"{spec.label}标准值", "rate"
    return None


def references(rule, rubric):
    test = rule["test"]
    if rule["population"] == "indicators":
        if test.get("test") != "achieved":
            return [("test.test", "指标的达标条件应为 {\"test\": \"achieved\", \"band\": …}")]
        return []
    out = []
    if test.get("metric") not in PROJECT_METRICS:
        out.append(("test.metric", f"未知的项目指标“{test.get('metric')}”（可用：{'、'.join(PROJECT_METRICS)}）"))
    if "op" not in test or "value" not in test:
        out.append(("test", "项目的达标条件应给出 metric、op 和 value"))
    return out


def tables(rule, rubric) -> set:
    return population_tables(rule["population"], rule.get("filter", {}))

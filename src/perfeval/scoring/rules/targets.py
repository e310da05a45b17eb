"""目标管理: lines 1–4 (target review, target quality, department and project indicators)."""
from __future__ import annotations

from decimal import Decimal

from ... import layout as L
from ..indicators import describe, judge
from ..inputs import normalize_label
from ..model import WARNING, Department, Invalid, Loc
from ..numbers import fmt_num
from . import ZERO, Line
from .control import projects_missing

DEPARTMENT_OBJECT = "部门整体"
QUALITY_ITEMS = ("scientific", "complete", "quantified", "matched")


def target_review(line: Line, dept: Department) -> Decimal:
    return line.answer(dept, "review", line.max, manual=False)


def target_quality(line: Line, dept: Department) -> Decimal:
    item = line.params["target_quality.item_points"]
    total = sum((line.answer(dept, key, item, manual=True) for key in QUALITY_ITEMS), ZERO)
    return total + line.answer(dept, "collective", item, manual=False)


def _ind_loc(row: int | None, column: str) -> Loc:
    return Loc(L.INDICATORS.name, row, L.INDICATORS.header(column))


def _score_indicators(line: Line, indicators, empty_reason: str) -> Decimal:
    band = line.params["indicators.band"]
    detail = line.table("指标对象", "三级指标", "方向", "目标值", "实际完成值", "结论")
    counted = achieved = 0
    for ind in indicators:
        j = judge(ind, band)
        for w in j.warnings:
            line.finding(WARNING, w, _ind_loc(ind.row, "actual"))
        if j.invalid:
            column = "target" if "目标值" in j.invalid else "actual"
            line.invalid(j.invalid, _ind_loc(ind.row, column))
        detail.rows.append((ind.target_object, describe(ind), j.direction or ind.direction,
                            str(ind.target if ind.target is not None else ""),
                            str(ind.actual if ind.actual is not None else ""), j.verdict))
        if j.counted:
            counted += 1
            if j.achieved:
                achieved += 1
            elif j.reason:
                line.reason(j.reason, _ind_loc(ind.row, "actual"))
    if counted == 0:
        line.reason(empty_reason)
        detail.notes.append(empty_reason)
        return ZERO
    detail.notes.append(f"达到预期值的数量指标{achieved}个，全部数量指标{counted}个，"
                        f"得分={achieved}/{counted}×{fmt_num(line.max)}")
    if achieved < counted:
        line.reason(f"数量指标{counted}个中达到{achieved}个，得分={achieved}/{counted}×{fmt_num(line.max)}")
    return Decimal(achieved) / Decimal(counted) * line.max


def indicators_missing(line: Line, dept: Department) -> bool:
    if dept.indicators:
        return False
    return line.blank_table(dept, L.INDICATORS, "绩效指标表未填写", _ind_loc(0, "target_object"))


def dept_indicators(line: Line, dept: Department) -> Decimal:
    if indicators_missing(line, dept):
        return ZERO
    rows = [i for i in dept.indicators if normalize_label(i.target_object) == DEPARTMENT_OBJECT]
    return _score_indicators(line, rows, "未设置部门整体数量指标")


def project_indicators(line: Line, dept: Department) -> Decimal:
    if projects_missing(line, dept):
        return ZERO
    if dept.projects and indicators_missing(line, dept):
        return ZERO
    projects = {normalize_label(p.name): p for p in dept.projects if p.name}
    chosen, warned = [], set()
    for ind in dept.indicators:
        key = normalize_label(ind.target_object)
        if key == DEPARTMENT_OBJECT:
            continue
        loc = _ind_loc(ind.row, "target_object")
        if not key:
            line.finding(WARNING, f"绩效指标第{(ind.row or 0) + 1}行未填写指标对象，未计入", loc)
            continue
        project = projects.get(key)
        if project is None:
            line.finding(WARNING, f"绩效指标中的项目“{ind.target_object}”不在项目支出表中，未计入", loc)
            continue
        managed = project.managed
        if isinstance(managed, Invalid):
            line.check(managed)
            continue
        if managed is None:
            if key not in warned:
                warned.add(key)
                line.finding(WARNING, f"项目“{project.name}”未填写是否纳入绩效目标管理，按“否”处理，其指标未计入",
                             Loc(L.PROJECTS.name, project.row, L.PROJECTS.header("managed")))
            continue
        if managed:
            chosen.append(ind)
    return _score_indicators(line, chosen, "未设置项目数量指标")

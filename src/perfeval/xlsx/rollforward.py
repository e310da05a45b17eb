"""perfeval new --from LAST_YEAR.xlsm: next year's workbook, started from last year's.

Carried: 基本信息 (评价年度 + 1, 填报日期 cleared), 公用经费 and 月度支出 subjects, 三公经费 items with last
year's 本年 figures as this year's 上年 figures, 收支情况 上年结转 = last year's 结转结余, projects (names, 资金来源,
纳入绩效目标管理, 重点项目; amounts cleared), indicators (targets kept; 实际完成值, 偏差原因, 完成等级 cleared),
the county's 本县取值, the rubric, and 报告文字 marked for revision.  Last year's deducted lines and its
open problems become this year's 上年问题整改 list, which the clerk marks 已整改/未整改.  Everything else
(this year's amounts, answers, problems) starts blank.  The source is only read.
"""
from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from .. import layout as L
from ..scoring.inputs import RawTable, raw_table
from ..scoring.model import Invalid
from ..scoring.numbers import fmt_num
from ..scoring.params import resolve
from ..scoring.projects import carried_project_rubric
from ..errors import WorkbookError
from .upgrade import parameter_table
from .workbook import new_template, score_workbook

REVISE = "【上年内容，请按本年度情况修改】"


def roll_forward(last_year: str | Path, out: str | Path, rubric=None, *, force: bool = False, project_rubric=None) -> Path:
    last_year = Path(last_year)
    if Path(out).resolve() == last_year.resolve():
        raise WorkbookError("新年度工作簿不能覆盖上年工作簿：请换一个文件名")
    result, data = score_workbook(last_year)
    dept = result.department
    carried = carried_project_rubric(dept)
    tables = next_year_tables(result, data.tables, carried, switch_on=project_rubric is not None)
    new_template(out, tables, force=force, rubric=rubric or dept.rubric, project_rubric=project_rubric or carried[0])
    return Path(out)


def _value(value):
    return None if isinstance(value, Invalid) else value


def next_year_tables(result, tables: dict[str, RawTable], carried=None, *, switch_on: bool = False) -> dict[str, RawTable]:
    """Next year's input tables; ``carried``: the project rubric, its parameters in use and whether the
    自评表 was off (``carried_project_rubric``); ``switch_on``: another project rubric was named."""
    dept = result.department
    info = {L.INFO.label(k): _value(v) for k, v in dept.info.values.items()}
    year = dept.year
    info[L.INFO.label("year")] = year + 1 if isinstance(year, int) else None
    info[L.INFO.label("fill_date")] = None
    out = {"Info": raw_table(L.INFO, info)}
    balance = dept.finance.get("balance")
    out["Finance"] = raw_table(L.FINANCE, {L.FINANCE.label("carryover"): balance if isinstance(balance, Decimal) else None})
    out["PublicExpense"] = raw_table(L.PUBLIC_EXPENSE, [{"科目": e.subject} for e in dept.public_expenses if e.subject]
                                     or [{"科目": s[0]} for s in L.PUBLIC_EXPENSE.prefill])
    if dept.three_expenses:
        out["ThreeExpenses"] = raw_table(L.THREE_EXPENSES, [
            {"项目": e.item, "上年预算数": _value(e.budget), "上年决算数": _value(e.actual)} for e in dept.three_expenses])
    out["Projects"] = raw_table(L.PROJECTS, [
        {"项目名称": p.name, "资金来源": p.source, "纳入绩效目标管理": _yes(p.managed), "重点项目": _yes(p.key)}
        for p in dept.projects if p.name])
    out["MonthlySpending"] = raw_table(L.MONTHLY, [{"支出项目": m.item} for m in dept.monthly if m.item]
                                       or [{"支出项目": s[0]} for s in L.MONTHLY.prefill])
    out["Indicators"] = raw_table(L.INDICATORS, [
        {"指标对象": i.target_object, "一级指标": i.level1, "二级指标": i.level2, "三级指标": i.level3,
         "指标方向": i.direction, "目标值": _value(i.target), "计量单位": i.unit, "分值": _value(i.weight)}
        for i in dept.indicators])
    out["PriorIssues"] = raw_table(L.PRIOR_ISSUES, prior_issues(result))
    texts = {L.REPORT_TEXT.label(k): f"{REVISE}{v}" for k, v in dept.report_text.values.items()
             if isinstance(v, str) and v.strip()}
    out["ReportText"] = raw_table(L.REPORT_TEXT, texts)
    params, _ = resolve(dept.rubric, dept.parameters)
    project, project_params, off = carried or carried_project_rubric(dept)
    out["Parameters"] = parameter_table(dept.rubric, params, project, project_params, [], off and not switch_on)
    return out


def _yes(value) -> str | None:
    return {True: "是", False: "否"}.get(value) if isinstance(value, bool) else None


def prior_issues(result) -> list[dict]:
    """Last year's deducted lines (with why) and its problems not yet rectified."""
    rows = []
    for line in result.lines:
        if line.status == "deducted":
            why = "；".join(r.text for r in line.reasons)
            rows.append({"问题": f"{line.name}扣{fmt_num(line.deduction)}分：{why}", "来源": f"{result.year or ''}年自评扣分"})
    dept = result.department
    for issue in dept.monitoring:
        if issue.handled is not True:
            rows.append({"问题": f"{issue.project}：{issue.description}".strip("："), "来源": "绩效运行监控"})
    for v in dept.violations:
        if "已整改" not in (v.status or ""):
            rows.append({"问题": v.description or "（未填描述）", "来源": v.source or "违规记录"})
    return rows

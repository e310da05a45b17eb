"""Cross-table checks that are not a single line's business: totals that must add up,
the monthly budget against 收支情况, missing basic information."""
from __future__ import annotations

from decimal import Decimal

from .. import layout as L
from .model import INFO, WARNING, Department, Finding, Invalid, Loc
from .numbers import fmt_money, fmt_pct

ZERO = Decimal(0)


def _num(value) -> Decimal | None:
    return value if isinstance(value, Decimal) else None


def _finance_loc(dept: Department, key: str) -> Loc:
    return Loc(L.FINANCE.name, dept.finance.rows.get(key), L.FINANCE.header("amount"))


def _sum_check(dept: Department, total_key: str, part_keys: tuple[str, ...], tolerance: Decimal) -> list[Finding]:
    values = dept.finance.values
    total = _num(values.get(total_key))
    if total is None or any(isinstance(values.get(k), Invalid) for k in part_keys):
        return []
    parts = [k for k in part_keys if _num(values.get(k)) is not None]
    if not parts:
        return []
    added = sum((_num(values[k]) for k in parts), ZERO)
    diff = total - added
    if abs(diff) <= tolerance:          # flagged only when it exceeds (超过) the tolerance
        return []
    names = "、".join(L.FINANCE.label(k) for k in parts)
    return [Finding(WARNING, f"{L.FINANCE.label(total_key)}{fmt_money(total)}万元与{names}之和{fmt_money(added)}万元"
                             f"相差{fmt_money(abs(diff))}万元，请核对", _finance_loc(dept, total_key))]


def validate(dept: Department, tolerance: Decimal) -> list[Finding]:
    findings: list[Finding] = []
    findings += _sum_check(dept, "income_total", ("carryover", "general_budget", "fund_budget", "soe_budget"), tolerance)
    findings += _sum_check(dept, "expense_total", ("basic_expense", "project_expense"), tolerance)
    income, expense, balance = (_num(dept.finance.get(k)) for k in ("income_total", "expense_total", "balance"))
    if income is not None and expense is not None and abs(income - expense - (balance or ZERO)) > tolerance:
        findings.append(Finding(WARNING, f"财政拨款收入合计{fmt_money(income)}万元不等于支出合计{fmt_money(expense)}万元"
                                         f"加结转结余{fmt_money(balance or ZERO)}万元，请核对", _finance_loc(dept, "income_total")))
    annual = [r.annual_budget for r in dept.monthly]
    if dept.monthly and expense is not None and all(isinstance(a, Decimal) or a is None for a in annual):
        monthly_total = sum((a or ZERO for a in annual), ZERO)
        if abs(monthly_total - expense) > tolerance:
            findings.append(Finding(WARNING, f"月度支出的全年预算数合计{fmt_money(monthly_total)}万元与收支情况中"
                                             f"财政拨款支出合计{fmt_money(expense)}万元不一致",
                                    Loc(L.MONTHLY.name, None, L.MONTHLY.header("annual_budget"), L.MONTHLY.sheet)))
    findings += _project_checks(dept, tolerance)
    findings += _monthly_checks(dept, tolerance)
    for key in ("organization", "functions", "tasks", "goal"):
        if not dept.info.get(key):
            findings.append(Finding(INFO, f"自评报告需要的“{L.INFO.label(key)}”未填写，生成报告时将标为【待填写】",
                                    Loc(L.INFO.name, dept.info.rows.get(key), L.INFO.header("value"), L.INFO.sheet)))
    for key in ("unit_name", "year"):
        if not dept.info.get(key) and not isinstance(dept.info.get(key), Invalid):
            findings.append(Finding(WARNING, f"基本信息未填写“{L.INFO.label(key)}”",
                                    Loc(L.INFO.name, dept.info.rows.get(key), L.INFO.header("value"), L.INFO.sheet)))
    for p in dept.projects:
        if isinstance(p.budget, Decimal) and isinstance(p.spent, Decimal) and p.spent > p.budget:
            findings.append(Finding(INFO, f"项目“{p.name}”实际支出{fmt_money(p.spent)}万元超过预算{fmt_money(p.budget)}万元",
                                    Loc(L.PROJECTS.name, p.row, L.PROJECTS.header("spent"))))
    return findings


def _project_checks(dept: Department, tolerance: Decimal) -> list[Finding]:
    """项目支出 in 收支情况 against the project list, and the fund incomes that can only be
    spent on projects (in both seeds 政府性基金 money is project money)."""
    out = []
    declared = _num(dept.finance.get("project_expense"))
    budgets = [p.budget for p in dept.projects]
    if declared is not None and budgets and all(isinstance(b, Decimal) or b is None for b in budgets):
        listed = sum((b or ZERO for b in budgets), ZERO)
        if abs(listed - declared) > tolerance:
            out.append(Finding(WARNING, f"项目支出表中各项目预算数合计{fmt_money(listed)}万元，与收支情况中项目支出"
                                        f"{fmt_money(declared)}万元相差{fmt_money(abs(listed - declared))}万元，请核对",
                               _finance_loc(dept, "project_expense")))
    fund, soe = _num(dept.finance.get("fund_budget")), _num(dept.finance.get("soe_budget"))
    earmarked = (fund or ZERO) + (soe or ZERO)
    if declared is not None and (fund is not None or soe is not None) and earmarked - declared > tolerance:
        names = "与".join(n for n, v in (("政府性基金预算拨款收入", fund), ("国有资本经营预算拨款收入", soe)) if v)
        out.append(Finding(WARNING, f"{names}{fmt_money(earmarked)}万元超过项目支出{fmt_money(declared)}万元"
                                    f"（这两类资金只能安排项目支出），请核对",
                           _finance_loc(dept, "fund_budget" if fund else "soe_budget")))
    return out


def _monthly_checks(dept: Department, tolerance: Decimal) -> list[Finding]:
    """Cumulative monthly spending never above the year's budget; December's cumulative
    equal to 财政拨款支出合计 once the year is filled in."""
    rows = dept.monthly
    if not rows or any(not isinstance(r.annual_budget, Decimal) and r.annual_budget is not None for r in rows):
        return []
    budget = sum((r.annual_budget or ZERO for r in rows), ZERO)
    out, running, filled, over = [], ZERO, 0, False
    for m in range(12):
        values = [r.months[m] for r in rows]
        if any(v is not None and not isinstance(v, Decimal) for v in values):
            return out                                   # an unreadable month is already an error
        if any(v is not None for v in values):
            filled = m + 1
        running += sum((v or ZERO for v in values), ZERO)
        if budget > 0 and running - budget > tolerance and not over:
            over = True                                  # the first month above the budget, once
            out.append(Finding(WARNING, f"截至{m + 1}月累计支出{fmt_money(running)}万元，超过全年预算数{fmt_money(budget)}万元"
                                        f"（{fmt_pct(running / budget)}），请核对是否多填或单位有误（应为万元）",
                               Loc(L.MONTHLY.name, 0, L.MONTH_HEADERS[m])))
    expense = _num(dept.finance.get("expense_total"))
    if filled == 12 and expense is not None and abs(running - expense) > tolerance:
        out.append(Finding(WARNING, f"月度支出12月累计{fmt_money(running)}万元，与收支情况中财政拨款支出合计"
                                    f"{fmt_money(expense)}万元相差{fmt_money(abs(running - expense))}万元，请核对",
                           Loc(L.MONTHLY.name, 0, L.MONTH_HEADERS[11])))
    return out

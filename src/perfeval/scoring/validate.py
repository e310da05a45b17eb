"""Cross-table checks that are not a single line's business: totals that must add up,
the monthly budget against 收支情况, missing basic information."""
from __future__ import annotations

from decimal import Decimal

from .. import layout as L
from .model import INFO, WARNING, Department, Finding, Invalid, Loc
from .numbers import fmt_money

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
    if abs(diff) < tolerance:
        return []
    names = "、".join(L.FINANCE.label(k) for k in parts)
    return [Finding(WARNING, f"{L.FINANCE.label(total_key)}{fmt_money(total)}万元与{names}之和{fmt_money(added)}万元"
                             f"相差{fmt_money(abs(diff))}万元，请核对", _finance_loc(dept, total_key))]


def validate(dept: Department, tolerance: Decimal) -> list[Finding]:
    findings: list[Finding] = []
    findings += _sum_check(dept, "income_total", ("carryover", "general_budget", "fund_budget", "soe_budget"), tolerance)
    findings += _sum_check(dept, "expense_total", ("basic_expense", "project_expense"), tolerance)
    income, expense, balance = (_num(dept.finance.get(k)) for k in ("income_total", "expense_total", "balance"))
    if income is not None and expense is not None and abs(income - expense - (balance or ZERO)) >= tolerance:
        findings.append(Finding(WARNING, f"财政拨款收入合计{fmt_money(income)}万元不等于支出合计{fmt_money(expense)}万元"
                                         f"加结转结余{fmt_money(balance or ZERO)}万元，请核对", _finance_loc(dept, "income_total")))
    annual = [r.annual_budget for r in dept.monthly]
    if dept.monthly and expense is not None and all(isinstance(a, Decimal) or a is None for a in annual):
        monthly_total = sum((a or ZERO for a in annual), ZERO)
        if abs(monthly_total - expense) >= tolerance:
            findings.append(Finding(WARNING, f"月度支出的全年预算数合计{fmt_money(monthly_total)}万元与收支情况中"
                                             f"财政拨款支出合计{fmt_money(expense)}万元不一致",
                                    Loc(L.MONTHLY.name, None, L.MONTHLY.header("annual_budget"), L.MONTHLY.sheet)))
    for key in ("unit_name", "year"):
        if not dept.info.get(key) and not isinstance(dept.info.get(key), Invalid):
            findings.append(Finding(WARNING, f"基本信息未填写“{L.INFO.label(key)}”",
                                    Loc(L.INFO.name, dept.info.rows.get(key), L.INFO.header("value"), L.INFO.sheet)))
    for p in dept.projects:
        if isinstance(p.budget, Decimal) and isinstance(p.spent, Decimal) and p.spent > p.budget:
            findings.append(Finding(INFO, f"项目“{p.name}”实际支出{fmt_money(p.spent)}万元超过预算{fmt_money(p.budget)}万元",
                                    Loc(L.PROJECTS.name, p.row, L.PROJECTS.header("spent"))))
    return findings

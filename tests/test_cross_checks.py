"""Cross-table checks (warnings at the cell; tolerance from 评分参数; flagged only when it exceeds — 超过)."""
from __future__ import annotations

from decimal import Decimal as D

from helpers import base, monthly, run, set_rows, set_value
from perfeval.samples import hongqi


def warnings(tables, text):
    return [f for f in run(tables).findings if f.severity == "warning" and text in f.message]


def test_samples_are_clean():
    assert not warnings(hongqi(), "")


def test_project_spending_must_add_up_to_project_spending():
    """Actual with actual: the projects' 实际支出 against 收支情况's 项目支出 (never their budgets)."""
    t = hongqi()
    spent = sum((row[3] for row in t["Projects"].rows if isinstance(row[3], D)), D(0))
    set_value(t, "Finance", "项目支出", spent + D("6.55"))
    set_value(t, "Finance", "财政拨款支出合计", D("1216.75") + D("6.55"))
    set_value(t, "Finance", "财政拨款收入合计", D("1216.75") + D("6.55"))
    set_value(t, "Finance", "一般公共预算拨款收入", D("1178.17") + D("6.55"))
    found = warnings(t, f"各项目实际支出合计{spent:.2f}万元")
    assert len(found) == 1 and found[0].loc.table == "Finance" and "相差6.55万元" in found[0].message


def test_fund_income_above_project_spending():
    t = hongqi()
    set_value(t, "Finance", "政府性基金预算拨款收入", D("200"))
    set_value(t, "Finance", "一般公共预算拨款收入", D("1016.75"))
    found = warnings(t, "超过项目支出143.45万元")
    assert len(found) == 1 and "政府性基金预算拨款收入200.00万元" in found[0].message


def test_monthly_cumulative_above_the_annual_budget():
    """Amounts typed in 元 instead of 万元: 3,804% of the budget by December."""
    t = base()
    set_rows(t, "MonthlySpending", monthly(D(100), [D(10)] * 5 + [D(3000)] + [D(100)] * 6))
    found = warnings(t, "超过全年预算数100.00万元")
    assert len(found) == 1 and found[0].message.startswith("截至6月累计支出3050.00万元")
    assert found[0].loc.column == "6月"


def test_december_cumulative_against_total_spending():
    t = hongqi()
    rows = t["MonthlySpending"].rows
    rows[1][-1] = D("143.40")                       # 项目支出 December 0.05 short
    found = warnings(t, "12月累计")
    assert len(found) == 1 and "相差0.05万元" in found[0].message


def test_tolerance_is_exceeded_not_reached():
    t = hongqi()
    set_value(t, "Parameters", "收支勾稽容差（万元）", D("0.05"))
    rows = t["MonthlySpending"].rows
    rows[1][-1] = D("143.40")                       # exactly 0.05: not flagged
    assert not warnings(t, "12月累计")
    rows[1][-1] = D("143.39")                       # 0.06: flagged
    assert warnings(t, "12月累计")

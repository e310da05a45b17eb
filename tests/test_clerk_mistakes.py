"""The mistakes clerks make, each caught at its cell — never silently costing points, never silently
dropped or double-counted (the trust issue): amounts typed in 元, rows without a name, a project pasted
twice, refunds, yes/no in words, budget compared with actual."""
from __future__ import annotations

from decimal import Decimal as D

import pytest

from helpers import base, monthly, run, set_rows, set_value
from perfeval.samples import hongqi


def found(result, severity: str, text: str):
    return [f for f in result.findings if f.severity == severity and text in f.message]


# ------------------------------------------------------------------ amounts in 元

def test_an_amount_typed_in_yuan_in_public_expense_is_a_warning_with_the_wanyuan_reading():
    t = hongqi()
    t["PublicExpense"].rows[0][2] = D(38000)                 # 3.8 万元 typed as 38000 元
    r = run(t)
    (w,) = found(r, "warning", "像是按元填写的")
    assert w.loc.table == "PublicExpense" and w.loc.row == 0 and w.loc.column == "决算数（万元）"
    assert "按万元应为3.80" in w.message


@pytest.mark.parametrize("table,row,col", [("ThreeExpenses", 0, 4), ("Projects", 0, 3), ("MonthlySpending", 0, 3)])
def test_every_amount_table_is_checked_against_the_units_scale(table, row, col):
    t = hongqi()
    set_rows(t, "ThreeExpenses", [{"项目": "公务接待费", "上年预算数": D(2), "上年决算数": D("1.8"), "本年预算数": D(2),
                                   "本年决算数": D("1.5")}])
    t[table].rows[row][col] = D(1250000)
    assert [f.loc.table for f in found(run(t), "warning", "像是按元填写的")] == [table]


def test_a_finance_row_in_yuan_is_checked_against_its_table():
    t = hongqi()
    set_value(t, "Finance", "结转结余", D(274000))           # 27.40 万元 as 元
    (w,) = found(run(t), "warning", "像是按元填写的")
    assert w.loc.table == "Finance" and "收支情况“结转结余”" in w.message


def test_the_samples_raise_no_scale_warning():
    assert not found(run(hongqi()), "warning", "像是按元填写的")


def test_every_check_of_a_table_runs_when_another_cell_of_it_is_an_error():
    t = hongqi()
    t["MonthlySpending"].rows[0][5] = "2023-05-01"           # an error …
    t["MonthlySpending"].rows[1][8] = D(1250000)              # … does not hide this
    r = run(t)
    assert found(r, "error", "不是有效数字") and found(r, "warning", "像是按元填写的")
    assert found(r, "warning", "超过全年预算数")


# ------------------------------------------------------------------ rows

def test_a_row_with_amounts_but_no_name_is_an_error_at_its_name_cell():
    t = hongqi()
    t["Projects"].rows[2][0] = None
    r = run(t)
    (e,) = found(r, "error", "“项目名称”为空")
    assert e.loc.table == "Projects" and e.loc.row == 2 and e.loc.column == "项目名称"
    assert not r.complete and r.shown_grade == "未完成"


def test_a_project_pasted_twice_counts_once_with_a_warning_at_the_second():
    t = hongqi()
    before = run(t)
    t["Projects"].rows.append(list(t["Projects"].rows[0]))
    r = run(t)
    (w,) = found(r, "warning", "重复填写（内容相同），只计一次")
    assert w.loc.row == len(t["Projects"].rows) - 1
    assert r.total == before.total and len(r.department.projects) == len(before.department.projects)


def test_a_project_listed_twice_with_different_figures_is_an_error_at_both():
    t = hongqi()
    twin = list(t["Projects"].rows[0])
    twin[3] = D("20")
    t["Projects"].rows.append(twin)
    r = run(t)
    errors = found(r, "error", "各填了一次，内容不同")
    assert sorted(e.loc.row for e in errors) == [0, len(t["Projects"].rows) - 1] and not r.complete


# ------------------------------------------------------------------ refunds and words

def test_a_negative_month_nets_off_with_a_hint():
    t = base()
    set_rows(t, "MonthlySpending", monthly(D(100), [D(10)] * 9 + [D(-5)]))
    r = run(t)
    assert r.line("execution_progress").status != "error"
    (hint,) = found(r, "info", "资金退回或支出冲减")
    assert hint.loc.column == "10月"


def test_a_negative_cumulative_or_budget_stays_an_error():
    t = base()
    set_rows(t, "MonthlySpending", monthly(D(100), [D(-5)] + [D(10)] * 9))
    r = run(t)
    assert r.line("execution_progress").status == "error" and found(r, "error", "截至1月累计支出为负数")
    set_rows(t, "MonthlySpending", monthly(D(-100), [D(10)] * 10))
    assert found(run(t), "error", "金额不能为负数")


@pytest.mark.parametrize("word,answer", [("是的", True), ("有", True), ("已开展", True), ("已建立", True),
                                          ("已公开", True), ("已反馈", True), ("已整改", True), ("无", False),
                                          ("没有", False), ("未开展", False), ("未建立", False), ("未公开", False),
                                          ("未反馈", False)])
def test_yes_no_in_words_is_taken_with_a_hint(word, answer):
    t = base()
    set_value(t, "Qualitative", "自评情况随决算公开", word)
    r = run(t)
    assert r.line("disclosure").score == (r.line("disclosure").max if answer else 0)
    (hint,) = found(r, "info", f"按“{'是' if answer else '否'}”计")
    assert f"“{word}” → {'是' if answer else '否'}" in hint.message and r.complete


# ------------------------------------------------------------------ like with like

def test_an_underspending_unit_raises_no_cross_check_warning():
    """收入 905.60 = 支出 878.20 + 结转结余 27.40: budgets above actual spending are not a mismatch."""
    t = hongqi()
    for label, value in (("财政拨款收入合计", "905.60"), ("上年结转", "0"), ("一般公共预算拨款收入", "867.02"),
                         ("政府性基金预算拨款收入", "38.58"), ("财政拨款支出合计", "878.20"), ("基本支出", "760.28"),
                         ("项目支出", "117.92"), ("结转结余", "27.40"), ("全年预算数（调整后）", "905.60")):
        set_value(t, "Finance", label, D(value))
    rows = t["Projects"].rows
    spent = D("117.92") - sum((r[3] for r in rows[1:]), D(0))
    rows[0][3] = spent                                         # the first project underspent its budget
    assert rows[0][2] > spent
    set_rows(t, "MonthlySpending", monthly(D("905.60"), [D("73.18")] * 11 + [D("73.22")]))   # 12月: 878.20
    r = run(t)
    assert [f.message for f in r.findings if f.severity == "warning"] == []

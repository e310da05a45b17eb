from decimal import Decimal as D

from rubric_helpers import line, rubric, run

RULE = {"type": "checkpoints", "checkpoints": [{"month": 6, "target": D("0.4"), "points": 1},
                                              {"month": 9, "target": D("0.675"), "points": 2}]}


def monthly(budget, months):
    return {"MonthlySpending": [dict({"支出项目": "合计", "全年预算数（万元）": budget}, **{f"{m}月": v for m, v in months.items()})]}


def test_on_target_is_full_below_is_proportional():
    r = rubric(RULE, points=3)
    assert line(r, tables=monthly(100, {6: 40, 9: D("27.5")})).score == 3
    l = line(r, tables=monthly(100, {6: 20, 9: D("13.75")}))
    assert l.score == D("1.5") and l.reasons[0].text == "6月累计支出20.00万元，执行进度20.00%，低于40%，得0.5分（满分1分）"


def test_initial_base_and_zero_budget():
    r = rubric(dict(RULE, base="initial"), points=3)
    tables = dict(monthly(999, {6: 40, 9: D("27.5")}), Finance={"年初预算数": 100})
    assert line(r, tables=tables).score == 3
    assert line(r, tables=dict(tables, Finance={"年初预算数": 0})).status == "error"
    assert line(r, tables=monthly(100, {6: 40})).status == "incomplete"      # 年初预算数 blank
    assert line(rubric(RULE, points=3), tables=monthly(0, {6: 1})).status == "error"


def test_planner_for_any_checkpoints_line():
    result = run(rubric(RULE, points=3), tables=monthly(100, {1: 10}))
    assert [(p.month, p.needed) for p in result.planner] == [(6, 30), (9, D("57.5"))]

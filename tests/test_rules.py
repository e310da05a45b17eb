"""One test group per line of the 打分表, with the edge cases of rubric.md."""
from decimal import Decimal as D

import pytest

from helpers import base, indicator, monthly, run, set_rows, set_value
from perfeval.scoring.ruletypes.checkpoints import checkpoint_points


def line(tables, line_id):
    return run(tables).line(line_id)


def test_base_case_is_all_full():
    result = run(base())
    assert [l.status for l in result.lines] == ["full"] * 14
    assert result.total == 105


# ---- 1, 2, 10–13: qualitative answers
@pytest.mark.parametrize("answer,score", [("是", 10), ("否", 0), ("Y", 10), ("n", 0), (1, 10), (0, 0), ("√", 10), ("×", 0)])
def test_target_review_yes_no(answer, score):
    t = base()
    set_value(t, "Qualitative", "开展内部绩效目标审核", answer)
    assert line(t, "target_review").score == score


def test_blank_answer_is_incomplete_not_a_deduction():
    t = base()
    set_value(t, "Qualitative", "开展内部绩效目标审核", None)
    result = run(t)
    l = result.line("target_review")
    assert (l.score, l.status) == (0, "incomplete") and l.reasons[0].text == "“开展内部绩效目标审核”未填写"
    warn = [f for f in result.findings if f.severity == "warning" and "未填写" in f.message]
    assert len(warn) == 1 and warn[0].loc.table == "Qualitative" and warn[0].loc.column == "填报"
    assert not result.complete and result.incomplete == 1
    assert result.to_json()["complete"] is False


def test_target_quality_manual_scores():
    t = base()
    set_value(t, "Qualitative", "目标科学合理", 1.5)
    set_value(t, "Qualitative", "目标细化量化", "否")
    set_value(t, "Qualitative", "目标纳入集体决策", "否")
    l = line(t, "target_quality")
    assert l.score == D("5.5") and l.status == "deducted"
    assert any("目标科学合理酌情评1.5分（满分2分），扣0.5分" in r.text for r in l.reasons)
    assert any("不符合“绩效指标编制细化量化”，扣2分" == r.text for r in l.reasons)     # the criterion, quoted
    assert not any("「" in r.text for r in l.reasons)


@pytest.mark.parametrize("bad", [2.5, -1, "3"])
def test_manual_score_out_of_range_is_error(bad):
    t = base()
    set_value(t, "Qualitative", "目标规范完整", bad)
    result = run(t)
    l = result.line("target_quality")
    assert l.status == "error" and l.score == 0
    assert any(f.severity == "error" and "超出范围" in f.message for f in result.findings)
    assert result.line("target_review").status == "full"   # other lines still scored


def test_strict_yes_no_rejects_scores():
    t = base()
    set_value(t, "Qualitative", "自评情况随决算公开", 3)
    assert line(t, "disclosure").status == "error"


def test_budget_linkage_and_rectification_manual():
    t = base()
    set_value(t, "Qualitative", "纳入内部考核体系", 3)
    set_value(t, "Qualitative", "问题整改", "4.5")
    r = run(t)
    assert r.line("budget_linkage").score == 8 and r.line("rectification").score == D("4.5")
    set_value(t, "Qualitative", "问题整改", 6)
    assert line(t, "rectification").status == "error"


def test_disclosure_and_feedback():
    t = base()
    set_value(t, "Qualitative", "自评情况随决算公开", "否")
    set_value(t, "Qualitative", "按时反馈结果应用", "no")
    r = run(t)
    assert r.line("disclosure").score == 0 and r.line("feedback").score == 0


# ---- 3, 4: indicators
def test_dept_indicators_ratio():
    t = base()
    set_rows(t, "Indicators", [indicator(actual="10"), indicator(actual="9"), indicator(actual="14"),
                               indicator(level2="质量指标", actual="0")])
    l = line(t, "dept_indicators")
    assert l.score == D("3.33")         # 1 of 3 counted indicators, 10/3 rounded half-up
    assert any("实际14，较目标高40.00%，偏离超过30%" in r.text for r in l.reasons)


def test_no_dept_indicators_scores_zero():
    t = base()
    set_rows(t, "Indicators", [indicator(obj="垃圾车运营维护费")])
    l = line(t, "dept_indicators")
    assert l.score == 0 and l.reasons[0].text == "未设置部门整体数量指标"


def test_no_project_indicators_scores_zero():
    t = base()
    set_rows(t, "Indicators", [indicator()])
    l = line(t, "project_indicators")
    assert l.score == 0 and l.reasons[0].text == "未设置项目数量指标"


def test_indicator_for_unknown_project_warns():
    t = base()
    set_rows(t, "Indicators", [indicator(obj="不存在的项目"), indicator(obj="垃圾车运营维护费")])
    r = run(t)
    assert r.line("project_indicators").score == 10
    assert any("不在项目支出表中" in f.message for f in r.findings)


def test_unmanaged_projects_are_excluded():
    t = base()
    t["Projects"].rows[4][4] = "否"     # 垃圾车运营维护费 not under target management
    set_rows(t, "Indicators", [indicator(obj="垃圾车运营维护费", actual="0"), indicator(obj="乡镇安全管理相关")])
    assert line(t, "project_indicators").score == 10


def test_unreadable_indicator_makes_line_error():
    t = base()
    set_rows(t, "Indicators", [indicator(actual="已完成")])
    r = run(t)
    assert r.line("dept_indicators").status == "error"
    assert any(f.loc and f.loc.column == "实际完成值" for f in r.findings if f.severity == "error")


# ---- 5: expense control
@pytest.mark.parametrize("deviation,points", [
    ("0", 10), ("0.1", 10), ("0.1000001", 5), ("0.2", 5), ("0.2000001", 0), ("0.5", 0)])
def test_expense_bands_exact(deviation, points):
    t = base()
    set_rows(t, "PublicExpense", [{"科目": "办公费", "年初预算数（万元）": D(1), "决算数（万元）": 1 + D(deviation)}])
    assert line(t, "expense_control").score == points


@pytest.mark.parametrize("budget,actual,points", [
    ("100", "110", 10), ("100", "90", 10), ("100", "110.01", 5), ("100", "120", 5), ("100", "79.99", 0),
    ("0", "0", 10), ("0", "1", 0), ("3", "3.3", 10)])
def test_expense_control_line(budget, actual, points):
    t = base()
    set_rows(t, "PublicExpense", [{"科目": "办公费", "年初预算数（万元）": D(budget), "决算数（万元）": D(actual)}])
    assert line(t, "expense_control").score == points


def test_expense_control_float_inputs_exact_10_percent():
    t = base()   # 3.3 / 3 − 1 is 0.10000000000000009 in binary floating point
    set_rows(t, "PublicExpense", [{"科目": "电费", "年初预算数（万元）": 3.0, "决算数（万元）": 3.3}])
    assert line(t, "expense_control").score == 10


def test_expense_text_amount_is_error_with_location():
    t = base()
    set_rows(t, "PublicExpense", [{"科目": "办公费", "年初预算数（万元）": "十万", "决算数（万元）": 1}])
    r = run(t)
    assert r.line("expense_control").status == "error"
    f = next(f for f in r.findings if f.severity == "error")
    assert (f.loc.table, f.loc.row, f.loc.column) == ("PublicExpense", 0, "年初预算数（万元）")


# ---- 6: timely handling
@pytest.mark.parametrize("n,u,expected", [(0, 0, 5), (4, 1, D("3.75")), (2, 2, 0), (2, 3, 0), (3, 0, 5)])
def test_handling_score(n, u, expected):
    t = base()
    rows = [{"项目名称": f"项目{i}", "问题描述": "问题", "已整改处置": "否" if i < u else "是"} for i in range(max(n, u))]
    set_rows(t, "MonitoringIssues", rows)
    expected = D(5) - D(min(u, max(n, u))) / max(n, u) * 5 if max(n, u) else D(5)
    assert line(t, "timely_handling").score == expected.quantize(D("0.01"))


def test_timely_handling_counts_projects_not_rows():
    t = base()
    set_rows(t, "MonitoringIssues", [
        {"项目名称": "垃圾车运营维护费", "问题描述": "a", "已整改处置": "是"},
        {"项目名称": "垃圾车运营维护费", "问题描述": "b", "已整改处置": "否"},
        {"项目名称": "乡镇安全管理相关", "问题描述": "c", "已整改处置": "是"},
        {"项目名称": "基层组织和农村公共服务运行", "问题描述": "d", "已整改处置": None},
    ])
    r = run(t)
    assert r.line("timely_handling").score == D("1.67")    # 5 − 2/3 × 5
    assert any("按未整改计" in f.message for f in r.findings)


# ---- 7: execution progress
@pytest.mark.parametrize("rate,target,points,expected", [
    ("0.40", "0.40", "1", "1"), ("0.675", "0.675", "2", "2"), ("0.6749", "0.675", "2", None),
    ("0", "0.4", "1", "0"), ("0.9", "0.825", "2", "2")])
def test_checkpoint_points(rate, target, points, expected):
    got = checkpoint_points(D(rate), D(target), D(points))
    assert got == (D(expected) if expected else D(rate) / D(target) * D(points))


def test_execution_rate_exactly_on_checkpoints():
    t = base()   # 40 by June, 67.5 by September, 82.5 by November of 100
    months = [D(0)] * 5 + [D(40), D(0), D(0), D("27.5"), D(0), D(15), D("17.5")]
    set_rows(t, "MonthlySpending", monthly(D(100), months))
    assert line(t, "execution_progress").score == 5


def test_execution_reason_quotes_rate():
    t = base()
    months = [D(0)] * 5 + [D(40), D(0), D(0), D("12.3125"), D(0), D("18.87"), D(0)]
    set_rows(t, "MonthlySpending", monthly(D(100), months))
    l = line(t, "execution_progress")
    assert "9月累计支出52.31万元，执行进度52.31%，低于67.5%，得1.55分（满分2分）" in [r.text for r in l.reasons]
    assert "11月累计支出71.18万元，执行进度71.18%，低于82.5%，得1.73分（满分2分）" in [r.text for r in l.reasons]
    assert l.score == D("4.28")


def test_execution_budget_zero_is_error():
    t = base()
    set_rows(t, "MonthlySpending", monthly(D(0), [D(1)] * 12))
    assert line(t, "execution_progress").status == "error"


def test_planner_for_coming_checkpoints():
    t = base()
    set_rows(t, "MonthlySpending", monthly(D("1216.75"), [D(50)] * 7))   # filled to July
    r = run(t)
    assert r.last_month == 7
    assert [(p.month, p.needed) for p in r.planner] == [(9, D("471.31")), (11, D("653.82"))]
    # 0.675 × 1216.75 − 350 = 471.30625 → rounded up to the cent so that spending it reaches the target


# ---- 8: balance rate
def projects(*pairs):
    return [{"项目名称": f"项目{i}", "预算数（万元）": b, "实际支出（万元）": s, "纳入绩效目标管理": "是"}
            for i, (b, s) in enumerate(pairs)]


def test_balance_rate_threshold_is_strict():
    t = base()
    set_rows(t, "Projects", projects((D(100), D(90)), (D(100), D("90.01")), (D(100), D(100)), (D(100), D(120))))
    l = line(t, "balance_rate")
    assert l.score == D("3.75")     # 10% balance is not "< 0.1"
    assert any("项目“项目0”结余率10.00%" in r.text for r in l.reasons)


def test_balance_budget_zero_excluded_with_warning():
    t = base()
    set_rows(t, "Projects", projects((D(0), D(0)), (D(100), D(95))))
    r = run(t)
    assert r.line("balance_rate").score == 5
    assert any("预算数为0" in f.message for f in r.findings)


def test_no_projects_full_only_when_project_spending_is_zero():
    t = base()
    set_rows(t, "Projects", [])
    set_rows(t, "Indicators", [indicator()])
    l = line(t, "balance_rate")                      # 收支情况 shows 项目支出 143.45: the table was left blank
    assert (l.score, l.status) == (0, "incomplete") and "项目支出表未填写" in l.reasons[0].text
    assert line(t, "project_indicators").status == "incomplete"
    set_value(t, "Finance", "项目支出", D(0))
    l = line(t, "balance_rate")
    assert l.score == 5 and l.status == "full" and "无部门预算项目" in l.detail.notes[0]
    set_value(t, "Finance", "项目支出", None)         # blank is not a declared zero
    assert line(t, "balance_rate").status == "incomplete"


# ---- 9, 14: counts
def test_violations_deduct_half_point_each_not_below_zero():
    t = base()
    set_rows(t, "Violations", [{"来源": "审计监督", "问题描述": f"问题{i}"} for i in range(3)])
    assert line(t, "violations").score == D("3.5")
    set_rows(t, "Violations", [{"来源": "部门自查", "问题描述": f"问题{i}"} for i in range(12)])
    assert line(t, "violations").score == 0


def test_cooperation_line_and_deduction_rubrics():
    t = base()
    set_value(t, "Qualitative", "不配合评价次数", 3)
    assert line(t, "cooperation").score == D("8.5")
    set_value(t, "Qualitative", "不配合评价次数", 40)
    assert line(t, "cooperation").score == 0
    set_value(t, "Parameters", "评分标准", "ebian-2023-100")
    l = line(t, "cooperation")
    assert (l.score, l.max, l.min, l.deduction) == (-10, 0, -10, 10)
    set_value(t, "Qualitative", "不配合评价次数", 0)
    assert line(t, "cooperation").score == 0 and line(t, "cooperation").status == "full"

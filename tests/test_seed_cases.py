"""The two seed reports, scored end to end by the engine (inputs documented in docs/samples.md)."""
from decimal import Decimal as D

from helpers import run, set_value
from perfeval.samples import WUDU_PROJECTS, hongqi, wudu


def test_hongqi_scores_97_with_exactly_two_deductions():
    r = run(hongqi())
    assert (r.unit, r.year, r.total, r.grade) == ("红旗镇人民政府", 2023, 97, "优")
    deducted = {l.id: l.score for l in r.lines if l.status != "full"}
    assert deducted == {"execution_progress": 2, "budget_linkage": 5}
    assert all(l.status == "full" for l in r.lines if l.id not in deducted)
    assert r.to_json()["total"] == 97 and r.to_json()["max_total"] == 105
    assert not [f for f in r.findings if f.severity in ("error", "warning")]


def test_hongqi_seed_figures():
    r = run(hongqi())
    balance = r.line("balance_rate").detail
    assert [row[0] for row in balance.rows][:2] == ["乡镇农村人居环境整治考核奖补资金", "在职村干部养老保险补助、村组干部意外保险"]
    assert sum(row[1] for row in balance.rows) == D("143.45")


def test_wudu_105_under_default_and_100_under_hundred_point_reading():
    a, b = run(wudu("ebian-2023")), run(wudu("ebian-2023-100"))
    assert (a.total, a.max_total, a.rubric_id) == (105, 105, "ebian-2023")
    assert (b.total, b.max_total, b.rubric_id) == (100, 100, "ebian-2023-100")
    assert all(l.status == "full" for l in a.lines + b.lines)
    assert b.line("disclosure").max == 10 and b.line("cooperation").max == 0


def test_wudu_income_short_by_exactly_the_tolerance_is_not_flagged():
    """1282.33 printed against 1008.65 + 273.67 = 1282.32: 0.01 does not exceed (超过) the 0.01 tolerance."""
    r = run(wudu())
    assert not [f for f in r.findings if f.severity in ("warning", "error")]
    t = wudu()
    set_value(t, "Finance", "财政拨款收入合计", D("1282.34"))                 # 0.02: now it exceeds
    warnings = [f for f in run(t).findings if f.severity == "warning"]
    assert len(warnings) == 1                                   # (income vs expense differs by 0.01 only)
    w = warnings[0]
    assert "1282.34" in w.message and "1282.32" in w.message and "0.02" in w.message
    assert (w.loc.table, w.loc.column) == ("Finance", "金额（万元）")


def test_wudu_has_nine_projects_with_exact_amounts():
    r = run(wudu())
    rows = r.line("balance_rate").detail.rows
    assert len(rows) == 10 and rows[-2][1] == D("49.482728") and rows[-1][1] == D("224.187272")
    assert sum(b for _, _, b in WUDU_PROJECTS) == D("235.141928")

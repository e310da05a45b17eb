"""Bad input never raises: every problem is a located finding, other lines still scored."""

from decimal import Decimal as D

from helpers import base, run, set_rows, set_value
from perfeval.scoring.engine import score
from perfeval.scoring.inputs import RawTable, department_from_tables
from perfeval.scoring.rubric import load_rubric


def test_empty_input_scores_without_raising():
    r = score(department_from_tables({}))
    assert len(r.lines) == len(load_rubric().lines)
    missing = [f for f in r.findings if "找不到表格" in f.message]
    assert len(missing) == 10 and all(f.severity == "error" for f in missing)


def test_missing_column_is_reported_and_blank():
    t = base()
    raw = t["Projects"]
    t["Projects"] = RawTable("Projects", [h for h in raw.headers if h != "实际支出（万元）"],
                             [[v for h, v in zip(raw.headers, row) if h != "实际支出（万元）"] for row in raw.rows])
    r = run(t)
    assert any("缺少列“实际支出（万元）”" in f.message for f in r.findings)


def test_reordered_and_extra_columns_and_blank_rows():
    t = base()
    raw = t["Projects"]
    order = list(reversed(range(len(raw.headers))))
    t["Projects"] = RawTable("Projects", [raw.headers[i] for i in order] + ["自定义列"],
                             [[row[i] for i in order] + ["x"] for row in raw.rows] + [[None] * 7])
    assert run(t).total == 105


def test_table_names_case_insensitive_and_header_spacing():
    t = base()
    fin = t.pop("Finance")
    t["finance"] = RawTable("finance", ["项目", "金额 (万元)"], fin.rows)
    assert run(t).total == 105


def test_every_bad_cell_is_reported_not_only_the_first():
    t = base()
    set_rows(t, "Projects", [
        {"项目名称": "A", "预算数（万元）": "abc", "实际支出（万元）": "#REF!", "纳入绩效目标管理": "也许"},
        {"项目名称": "B", "预算数（万元）": -3, "实际支出（万元）": "１２", "纳入绩效目标管理": "是"},
    ])
    r = run(t)
    errors = [(f.loc.row, f.loc.column) for f in r.findings if f.severity == "error" and f.loc and f.loc.table == "Projects"]
    assert (0, "预算数（万元）") in errors and (0, "实际支出（万元）") in errors
    assert (0, "纳入绩效目标管理") in errors and (1, "预算数（万元）") in errors
    assert any(f.severity == "info" and "全角" in f.message for f in r.findings)
    assert r.line("balance_rate").status == "error"
    assert r.line("target_review").status == "full"


def test_excel_error_values():
    t = base()
    set_value(t, "Finance", "财政拨款收入合计", "#REF!")
    set_value(t, "Qualitative", "问题整改", "#N/A")
    r = run(t)
    assert r.line("rectification").status == "error"
    assert any("#REF!" in f.message for f in r.findings)


def test_monthly_budget_is_compared_with_the_declared_budget_not_with_spending():
    t = base()                   # base(): monthly budget 100, 支出合计 1216.75 (actual: not compared)
    assert not any("月度支出的全年预算数合计" in f.message for f in run(t).findings)
    set_value(t, "Finance", "全年预算数（调整后）", D("1300"))
    found = [f for f in run(t).findings if "月度支出的全年预算数合计100.00万元" in f.message]
    assert len(found) == 1 and "全年预算数（调整后）1300.00万元" in found[0].message


def test_rule_crash_becomes_error_line(monkeypatch):
    from perfeval.scoring.ruletypes import RULE_TYPES
    monkeypatch.setattr(RULE_TYPES["per_item"], "score", lambda line, rule: 1 / 0)
    r = run(base())
    assert r.line("violations").status == "error" and r.line("disclosure").status == "full"
    assert any("内部错误" in f.message for f in r.findings)


def test_scoring_twice_gives_the_same_result():
    dept = department_from_tables(base())
    assert score(dept).to_json() == score(dept).to_json()

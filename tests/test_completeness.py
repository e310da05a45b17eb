"""未填写: a blank table or answer is not full marks, and the total says it is incomplete (rubric.md, wave 2)."""
from __future__ import annotations

import json
from decimal import Decimal as D
from pathlib import Path

import openpyxl
from click.testing import CliRunner

from helpers import base, run, set_rows, set_value
from perfeval import sheets as S
from perfeval.cli import main
from perfeval.render import summary
from perfeval.samples import hongqi
from perfeval.scoring.inputs import RawTable
from perfeval.xlsx.workbook import recalc

TEMPLATE = Path(__file__).resolve().parents[1] / "workbook_templates" / "部门整体绩效自评模板.xlsm"
ABSENCE_LINES = {"timely_handling", "violations", "cooperation"}     # a blank table means "none"


def test_untouched_template_is_incomplete_and_nothing_full_depends_on_a_blank_table(tmp_path):
    out = CliRunner().invoke(main, ["score", str(TEMPLATE), "--json"])
    assert out.exit_code == 0
    data = json.loads(out.output)
    assert data["complete"] is False and data["incomplete"] == 11
    full = {line["id"] for line in data["lines"] if line["status"] == "full"}
    assert full == ABSENCE_LINES
    assert all(line["status"] == "incomplete" for line in data["lines"] if line["id"] not in ABSENCE_LINES)


def test_untouched_template_prints_未填写_and_未完成(tmp_path):
    book = tmp_path / "t.xlsm"
    book.write_bytes(TEMPLATE.read_bytes())
    result = recalc(book)
    wb = openpyxl.load_workbook(book)
    ws = wb[S.SCORE_SHEET]
    first = S.SCORE.first_line_row + 1
    statuses = [ws.cell(first + i, S.SCORE.col("状态") + 1).value for i in range(len(result.lines))]
    assert statuses.count("未填写") == 11
    total_status = ws.cell(first + 14, S.SCORE.col("状态") + 1).value
    assert total_status == "未完成（11项未填写）"
    cover = wb[S.COVER_SHEET]
    assert "未完成（11项未填写）" in cover.cell(*(x + 1 for x in S.COVER_STATUS_BY_KEY["state"].cell)).value
    assert "未完成（11项未填写）" in summary(result)


def test_public_expense_blank_is_incomplete_but_zeros_typed_in_are_full():
    t = base()
    set_rows(t, "PublicExpense", [{"科目": "办公费"}, {"科目": "印刷费"}])          # subjects, no amounts
    r = run(t)
    assert r.line("expense_control").status == "incomplete" and not r.complete
    set_rows(t, "PublicExpense", [{"科目": "办公费", "年初预算数（万元）": D(0), "决算数（万元）": D(0)}])
    l = run(t).line("expense_control")
    assert (l.status, l.score) == ("full", 10) and "无相关支出" in l.detail.notes[0]


def test_monthly_blank_is_incomplete():
    t = base()
    set_rows(t, "MonthlySpending", [{"支出项目": "基本支出"}])
    assert run(t).line("execution_progress").status == "incomplete"


def test_absence_tables_stay_full_when_blank():
    t = base()
    set_rows(t, "MonitoringIssues", [])
    set_rows(t, "Violations", [])
    set_value(t, "Qualitative", "不配合评价次数", None)
    r = run(t)
    assert all(r.line(i).status == "full" for i in ABSENCE_LINES) and r.complete


def test_a_missing_table_is_an_error_not_未填写():
    t = base()
    del t["PublicExpense"]
    assert run(t).line("expense_control").status == "error"


def test_discretionary_deduction_quotes_its_reason_and_warns_without_one():
    t = hongqi()
    set_value(t, "Qualitative", "问题整改", 3)
    r = run(t)
    assert [x.text for x in r.line("rectification").reasons] == ["问题整改酌情评3分（满分5分），扣2分"]
    assert any(f.severity == "warning" and "写明扣分理由" in f.message and f.loc.column == "说明" for f in r.findings)
    raw: RawTable = t["Qualitative"]
    row = next(r for r in raw.rows if r[0] == "问题整改")
    row[2] = "审计发现问题2项，整改完成1项"
    r = run(t)
    assert r.line("rectification").reasons[0].text.endswith("理由：审计发现问题2项，整改完成1项")
    assert not any("写明扣分理由" in f.message for f in r.findings)


def test_project_remark_is_kept():
    t = base()
    set_rows(t, "Projects", [{"项目名称": "甲", "预算数（万元）": D(100), "实际支出（万元）": D(50),
                              "纳入绩效目标管理": "是", "备注": "年底下达，次年使用"}])
    l = run(t).line("balance_rate")
    assert "备注：年底下达，次年使用" in l.reasons[0].text
    assert l.detail.rows[0][-1] == "年底下达，次年使用"

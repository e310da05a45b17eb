"""perfeval new --from: 红旗镇 2023 rolled forward to 2024 carries what a clerk would not retype."""
import shutil
from pathlib import Path

import openpyxl
from click.testing import CliRunner

from perfeval.cli import main
from perfeval.xlsx.workbook import read_inputs, score_workbook

SAMPLE = Path(__file__).resolve().parents[1] / "workbook_templates" / "红旗镇2023自评.xlsm"


def test_roll_forward_of_hongqi_2023(tmp_path):
    last = tmp_path / "红旗镇2023自评.xlsm"
    shutil.copy(SAMPLE, last)
    before = last.read_bytes()
    out = CliRunner().invoke(main, ["new", str(tmp_path / "红旗镇2024自评.xlsm"), "--from", str(last)])
    assert out.exit_code == 0, out.output
    assert last.read_bytes() == before                                    # the source only read
    result, data = score_workbook(tmp_path / "红旗镇2024自评.xlsm")
    dept = result.department
    assert (dept.unit_name, dept.year, dept.info.get("fill_date")) == ("红旗镇人民政府", 2024, "")
    assert dept.info.get("staff_total") == 41 and dept.info.get("organization").startswith("内设六办一所四中心")
    assert [p.name for p in dept.projects][:2] == ["乡镇农村人居环境整治考核奖补资金", "在职村干部养老保险补助、村组干部意外保险"]
    assert all(p.budget is None and p.spent is None and p.managed is True for p in dept.projects)
    assert [i.target for i in dept.indicators][:2] == ["5", "275"] and all(i.actual is None for i in dept.indicators)
    assert [e.subject for e in dept.public_expenses] == ["办公费", "印刷费", "水费", "电费", "物业管理费"]
    assert all(e.budget is None for e in dept.public_expenses)
    assert all(v is None for v in dept.qualitative.values.values() if v != 0)          # this year's answers: blank
    assert dept.report_text.get("problems").startswith("【上年内容，请按本年度情况修改】在资金管理过程中")
    assert result.rubric_id == "ebian-2023" and not result.complete
    prior = read_inputs(tmp_path / "红旗镇2024自评.xlsm").tables["PriorIssues"].rows
    issues = [row[0] for row in prior if row[0]]
    assert len(issues) == 2 and issues[0].startswith("执行进度扣3分：") and issues[1] == "预算挂钩扣5分：未建立对内设机构和下属单位预算与绩效挂钩机制，扣5分"
    ws = openpyxl.load_workbook(tmp_path / "红旗镇2024自评.xlsm")["上年问题整改"]
    assert ws["B4"].value == "2023年自评扣分" and ws["C4"].value is None        # the clerk marks 已整改/未整改
    again = CliRunner().invoke(main, ["new", str(last), "--from", str(last)])
    assert again.exit_code == 2 and last.read_bytes() == before

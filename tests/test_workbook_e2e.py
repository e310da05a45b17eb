"""End to end: generate a template, fill it through the contract, recalc, read back."""
import json
import re
from datetime import datetime

import openpyxl
import pytest
from click.testing import CliRunner

from perfeval import layout as L

from perfeval import sheets as S
from perfeval.cli import main
from perfeval.samples import hongqi, wudu
from perfeval.xlsx.workbook import fill_workbook, new_template, read_inputs, recalc
from perfeval.xlsx.package import Package
from wbtools import parts

NOW = datetime(2026, 11, 22, 9, 30, 0)


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    return new_template(tmp_path_factory.mktemp("tpl") / "模板.xlsm")


@pytest.fixture()
def filled(template, tmp_path):
    out = tmp_path / "红旗镇.xlsm"
    fill_workbook(template, hongqi(), out=out)
    return out


def score_rows(path):
    ws = openpyxl.load_workbook(path)[S.SCORE_SHEET]
    first = S.SCORE.first_line_row + 1
    return ws, [[c.value for c in row] for row in ws.iter_rows(min_row=first, max_row=first + 13)]


def test_hongqi_recalc_shows_97_with_two_highlighted_explained_deductions(filled):
    result = recalc(filled, now=NOW)
    assert result.total == 97
    ws, rows = score_rows(filled)
    s = S.SCORE
    total_row = S.SCORE.first_line_row + len(result.lines) + 1
    assert ws.cell(total_row, s.col("自评得分") + 1).value == 97
    assert ws.cell(total_row + 1, s.col("自评得分") + 1).value == "优"
    deducted = {r[s.col("三级指标")]: r for r in rows if r[s.col("状态")] == "扣分"}
    assert set(deducted) == {"执行进度", "预算挂钩"}
    assert deducted["执行进度"][s.col("自评得分")] == 2 and deducted["预算挂钩"][s.col("扣分")] == 5
    assert "9月累计支出328.52万元，执行进度27.00%，低于67.5%" in deducted["执行进度"][s.col("扣分原因")]
    assert "6月累计支出194.68万元，执行进度16.00%，低于40%，得0.4分（满分1分）" in deducted["执行进度"][s.col("扣分原因")]
    assert not any("!" in (r[s.col("扣分原因")] or "") for r in rows)       # no cell addresses on the form
    assert "未建立对内设机构和下属单位预算与绩效挂钩机制" in deducted["预算挂钩"][s.col("扣分原因")]
    assert all(r[s.col("状态")] == "满分" and not r[s.col("扣分原因")] for r in rows if r not in deducted.values())
    # the highlight is the template's conditional format keyed on the status column
    sheet_xml = parts(filled)[Package.open(str(filled)).sheets[S.SCORE_SHEET]].decode()
    assert re.search(r'<conditionalFormatting sqref="K5:N18">.*?\$M5="扣分"', sheet_xml, re.S)
    cover = openpyxl.load_workbook(filled)[S.COVER_SHEET]
    assert cover["B6"].value == 97 and cover["B7"].value == "优"
    assert cover["B5"].value.startswith("计算完成：总分97分（优），扣分2项")


def test_score_sheet_matches_score_json(filled):
    recalc(filled, now=NOW)
    out = CliRunner().invoke(main, ["score", str(filled), "--json"])
    assert out.exit_code == 0, out.output
    data = json.loads(out.output)
    _, rows = score_rows(filled)
    s = S.SCORE
    assert [line["score"] for line in data["lines"]] == [r[s.col("自评得分")] for r in rows]
    assert [line["deduction"] for line in data["lines"]] == [r[s.col("扣分")] for r in rows]
    assert data["total"] == 97 and data["max_total"] == 105 and data["grade"] == "优"
    assert data["unit"] == "红旗镇人民政府" and data["year"] == 2023


def test_recalc_never_changes_input_parts_or_cells(filled):
    before = parts(filled)
    pkg = Package.open(str(filled))
    inputs_before = {s: pkg.cells(s) for s in {t.sheet for t in L.INPUT_TABLES}}
    recalc(filled, now=NOW)
    after = parts(filled)
    owned = {pkg.sheets[s] for s in (S.COVER_SHEET,) + S.OUTPUT_SHEETS} | {pkg.workbook, pkg.tables["findings"].part}
    assert set(before) == set(after)
    assert [n for n in before if before[n] != after[n] and n not in owned] == []
    pkg2 = Package.open(str(filled))
    assert {s: pkg2.cells(s) for s in inputs_before} == inputs_before


def test_recalculating_twice_gives_the_same_workbook(filled):
    recalc(filled, now=NOW)
    first = parts(filled)
    recalc(filled, now=NOW)
    assert parts(filled) == first
    recalc(filled, now=datetime(2027, 1, 1))
    changed = [n for n, b in parts(filled).items() if b != first[n]]
    assert changed == [Package.open(str(filled)).sheets[S.COVER_SHEET]]   # only the timestamp


def test_findings_table_grows_links_and_shrinks(template, tmp_path):
    book = tmp_path / "b.xlsm"
    t = hongqi()
    t["Projects"].rows[1][2] = "十五万"          # text in an amount cell
    t["Projects"].rows[2][3] = "８１"            # full-width digits
    fill_workbook(template, t, out=book)
    result = recalc(book, now=NOW)
    wb = openpyxl.load_workbook(book)
    ws = wb[S.FINDINGS_SHEET]
    table = ws.tables["Findings"]
    rows = list(ws.iter_rows(min_row=4, values_only=True))
    assert table.ref == f"A3:D{3 + len(result.findings)}"
    err = next(r for r in rows if r[0] == "错误")
    assert err[1] == "项目支出" and err[2] == '=HYPERLINK("#\'项目支出\'!C5","C5")' and "十五万" in err[3]
    assert any(r[0] == "提示" and "全角" in r[3] for r in rows)
    _, score = score_rows(book)
    line = score[7]
    assert line[S.SCORE.col("状态")] == "错误" and "十五万" in line[S.SCORE.col("扣分原因")]
    assert "!C5" not in line[S.SCORE.col("扣分原因")]                     # the form carries no cell address …
    details = [c for row in wb[S.DETAILS_SHEET].iter_rows(values_only=True) for c in row if isinstance(c, str)]
    assert any("（项目支出!C5）" in c for c in details)                      # … 计算明细 does
    fill_workbook(book, hongqi())                       # fix the inputs: the table shrinks again
    result = recalc(book, now=NOW)
    ws = openpyxl.load_workbook(book)[S.FINDINGS_SHEET]
    assert ws.tables["Findings"].ref == f"A3:D{3 + len(result.findings)}"
    assert all(v is None for v in [c.value for c in ws[3 + len(result.findings) + 1]])


def test_wudu_sample_and_rubric_switch(template, tmp_path):
    book = tmp_path / "w.xlsm"
    fill_workbook(template, wudu("ebian-2023"), out=book)
    assert recalc(book, now=NOW).total == 105
    fill_workbook(book, {"Parameters": wudu()["Parameters"]})          # the row alone: the embedded rubric wins
    result = recalc(book, now=NOW)
    assert result.total == 105 and any("按嵌入的 ebian-2023 计算" in f.message for f in result.findings)
    from perfeval.scoring.rubric import load_rubric
    from perfeval.xlsx.upgrade import upgrade
    book, lost = upgrade(book, tmp_path / "w100.xlsm", load_rubric("ebian-2023-100"))   # the seed's own rubric
    assert lost == []
    result = recalc(book, now=NOW)
    assert (result.total, result.max_total) == (100, 100)
    ws = openpyxl.load_workbook(book)[S.SCORE_SHEET]
    assert ws["D18"].value == -10 and ws["D15"].value == 10        # 扣分项 as a deduction, 自评公开 10
    assert not [f for f in result.findings if f.severity == "warning"]      # 0.01 does not exceed the tolerance
    info = [f for f in result.findings if f.severity == "info" and f.loc and f.loc.table == "Finance"]
    assert all(read_inputs(book).cell_of(f.loc)[0] == "收支情况" for f in info)


def test_details_sheet_and_chart_data(filled):
    recalc(filled, now=NOW)
    ws = openpyxl.load_workbook(filled)[S.DETAILS_SHEET]
    d = S.DETAILS
    months = [[c.value for c in row] for row in ws.iter_rows(min_row=d.chart_first_row + 1, max_row=d.chart_first_row + 12)]
    assert months[5][0] == "6月" and months[5][3] == pytest.approx(0.16) and months[5][4] == pytest.approx(0.4)
    assert months[11][2] == pytest.approx(1216.75)
    text = "\n".join(str(c.value) for row in ws.iter_rows(min_row=d.blocks_first_row + 1) for c in row if c.value is not None)
    assert "7. 执行进度：得分2（满分5）扣分" in text and "乡镇安全管理相关" in text and "无需测算" in text


def test_stale_flag_formula_and_fingerprint(filled):
    recalc(filled, now=NOW)
    cover = openpyxl.load_workbook(filled)[S.COVER_SHEET]
    stale, current, last = (cover[f"B{S.COVER_STATUS_BY_KEY[k].cell[0] + 1}"].value for k in ("stale", "current", "fingerprint"))
    assert stale.startswith("=IF(") and S.STALE_MESSAGE in stale
    assert current.startswith("=SUM(Info[[#Data]])")
    assert isinstance(last, float) and last > 1216.75

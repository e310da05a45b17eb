"""The roll-up enforces the county's form: perfeval summary --rubric lists every workbook not scored
under it (another rubric, another version, none embedded, 本县取值 of a locked rubric) in 评分标准核对
and ranks only the others; without --rubric, workbooks are ranked within their form only."""
from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

pytest.importorskip("pandas", reason="the roll-up needs pandas (Python 3.8+)")
from click.testing import CliRunner

from perfeval.cli import main
from perfeval.scoring.inputs import RawTable, raw_table, rubric_table
from perfeval import layout as L
from perfeval.scoring.rubric import read_rubric
from perfeval.xlsx.workbook import fill_workbook, new_template

HERE = Path(__file__).parent
OFFICIAL = HERE / "rubrics" / "county-b-2024.json"          # locked: true
OTHER = HERE / "rubrics" / "county-a-2024.json"


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def _book(template: Path, out: Path, unit: str, review, rubric, override=None) -> Path:
    tables = {
        "Info": RawTable("Info", ["项目", "内容"], [["单位名称", unit], ["评价年度", 2024]]),
        "Finance": RawTable("Finance", ["项目", "金额（万元）"], [["年初预算数", Decimal(200)], ["全年预算数（调整后）", Decimal(220)],
                                                           ["财政拨款支出合计", Decimal(198)], ["结转结余", Decimal(8)], ["上年结转", Decimal(10)]]),
        "Qualitative": raw_table(rubric_table(L.QUALITATIVE, rubric), {i.label: review for i in rubric.items}),
    }
    if rubric.inputs:
        tables["ExtraInputs"] = raw_table(rubric_table(L.EXTRA_INPUTS, rubric), {i.label: 10 for i in rubric.inputs})
    if override:
        tables["Parameters"] = RawTable("Parameters", ["参数", "本县取值"], [list(override)])
    fill_workbook(template, tables, out=out)
    return out


@pytest.fixture(scope="module")
def county(tmp_path_factory):
    folder = tmp_path_factory.mktemp("county")
    official, other = read_rubric(OFFICIAL), read_rubric(OTHER)
    template, foreign = folder.parent / "official.xlsm", folder.parent / "other.xlsm"
    new_template(template, rubric=official)
    new_template(foreign, rubric=other)
    for i in range(18):
        _book(template, folder / f"单位{i:02d}.xlsm", f"单位{i:02d}", i, official)
    label = next(p.label for p in __import__("perfeval.scoring.params", fromlist=["x"]).default_params(official).parameters
                 if p.label != L.RUBRIC_PARAMETER_LABEL)
    _book(template, folder / "改参数.xlsm", "改参数镇", 19, official, override=(label, Decimal("0.99")))
    _book(foreign, folder / "别县表.xlsm", "别县表镇", "是", other)
    return folder, label


def _sheet(path: Path, name: str) -> list[tuple]:
    ws = openpyxl.load_workbook(path)[name]
    return [tuple(c.value for c in row) for row in ws.iter_rows(min_row=3)]


def test_summary_with_the_official_rubric_lists_exactly_the_two_and_ranks_the_18(county, tmp_path):
    folder, label = county
    out = tmp_path / "汇总.xlsx"
    result = run("summary", folder, "-o", out, "--rubric", OFFICIAL, "--jobs", "1")
    assert result.exit_code == 0, result.output
    checked = _sheet(out, "评分标准核对")
    assert checked[0][:4] == ("单位", "文件", "评分标准", "校验码")
    listed = {row[0]: row[4] for row in checked[1:]}
    assert set(listed) == {"改参数镇", "别县表镇"}
    assert label in listed["改参数镇"] and "锁定" in listed["改参数镇"]
    assert "county-a-2024" in listed["别县表镇"] and read_rubric(OFFICIAL).checksum in listed["别县表镇"]
    ranked = _sheet(out, "排名")[1:]
    assert len(ranked) == 18 and {r[1] for r in ranked} == {f"单位{i:02d}" for i in range(18)}
    assert [r[0] for r in ranked] == sorted(r[0] for r in ranked)                  # 名次 1 … in order
    grades = _sheet(out, "等级分布")
    assert sum(row[1] for row in grades[1:]) == 18
    assert "改参数镇" in result.output and "别县表镇" in result.output


def test_without_a_rubric_each_form_is_ranked_apart(county, tmp_path):
    folder, _ = county
    out = tmp_path / "汇总.xlsx"
    result = run("summary", folder, "-o", out, "--jobs", "1")
    assert result.exit_code == 0, result.output
    ranked = _sheet(out, "排名")
    header, rows = ranked[0], ranked[1:]
    rubric_col, rank_col = header.index("评分标准"), header.index("名次")
    by_form: dict = {}
    for row in rows:
        by_form.setdefault((row[rubric_col], row[header.index("校验码")]), []).append(row[rank_col])
    assert sorted(len(v) for v in by_form.values()) == [1, 19]
    assert all(ranks[0] == 1 for ranks in by_form.values())                       # each form ranked from 1
    groups = _sheet(out, "评分标准核对")
    assert {row[0] for row in groups[1:]} == {"county-a-2024", "county-b-2024"}
    assert "分组排名" in result.output


def test_a_workbook_without_an_embedded_rubric_cannot_be_checked(tmp_path):
    import shutil
    folder = tmp_path / "w"
    folder.mkdir()
    shutil.copy(HERE / "fixtures" / "wave2" / "红旗镇2023自评.xlsm", folder / "旧.xlsm")
    shutil.copy(HERE.parent / "workbook_templates" / "红旗镇2023自评.xlsm", folder / "新.xlsm")
    out = tmp_path / "汇总.xlsx"
    result = run("summary", folder, "-o", out, "--rubric", "ebian-2023", "--jobs", "1")
    assert result.exit_code == 0, result.output
    listed = _sheet(out, "评分标准核对")[1:]
    assert [row[1] for row in listed] == ["旧.xlsm"] and "没有嵌入评分标准" in listed[0][4]
    assert len(_sheet(out, "排名")[1:]) == 1

"""The workbook's project rubric: embedded beside the department's (RubricData 项目…), named in 评分参数
项目评分标准 with its parameters as 项目自评表·… rows whose 本县取值 apply to every project's 自评表 only;
a county's own project-scope rubric via --project-rubric (new, upgrade), carried by upgrade and next
year; a tampered one refused without stopping the department's 打分表."""
from __future__ import annotations

import copy
import json
import shutil
from decimal import Decimal as D
from pathlib import Path

from click.testing import CliRunner

from helpers import set_value
from perfeval.cli import main
from perfeval.samples import hongqi
from perfeval.scoring.engine import score_tables
from perfeval.scoring.model import ERROR
from perfeval.scoring.params import PROJECT_PREFIX
from perfeval.scoring.rubric import load_rubric
from perfeval.xlsx.workbook import read_inputs

SAMPLE = Path(__file__).resolve().parents[1] / "workbook_templates" / "红旗镇2023自评.xlsm"
BLANK = Path(__file__).resolve().parents[1] / "workbook_templates" / "部门整体绩效自评模板.xlsm"


def county_project_rubric(tmp_path) -> Path:
    """A county's own project form: 预算执行率 20, 绩效指标 80, 优 from 95."""
    data = json.loads(load_rubric("national-project-2020").canonical)
    data.update(id="county-project-2026", title="某县项目支出绩效自评表", region="某县", examples=[])
    data["groups"][0]["points"], data["groups"][1]["points"] = 20, 80
    data["lines"][0]["points"], data["lines"][1]["points"] = 20, 80
    data["grades"][0]["min"] = 95
    path = tmp_path / "county-project.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def parameters(book: Path) -> dict:
    table = read_inputs(book).tables["Parameters"]
    return {row[0]: row[1:] for row in table.rows}


def score_json(book: Path) -> dict:
    result = CliRunner().invoke(main, ["score", str(book), "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_the_template_embeds_and_lists_the_project_rubric_and_its_parameters():
    rows = parameters(BLANK)
    rubric = load_rubric("national-project-2020")
    assert rows["项目评分标准"][:2] == ["national-project-2020", "national-project-2020"]
    assert rows[f"{PROJECT_PREFIX}预算执行率分值"][0] == 10 and rows[f"{PROJECT_PREFIX}指标偏差说明阈值"][0] == 0.1
    assert f"{PROJECT_PREFIX}收支勾稽容差（万元）" not in rows                 # a project form has no 收支勾稽
    parts = {row[0]: row[1] for row in read_inputs(BLANK).tables["RubricData"].rows}
    assert parts["项目校验码"] == rubric.checksum and parts["校验码"] == load_rubric("ebian-2023").checksum
    result = score_tables(read_inputs(SAMPLE).tables)
    assert not [f for f in result.findings if "不是" in f.message and "的参数" in f.message]
    assert [p.rubric.id for p in result.projects] == ["national-project-2020"] * 5


def test_a_project_parameters_county_value_changes_the_forms_and_not_the_department():
    tables = hongqi()
    before = score_tables(copy.deepcopy(tables))
    set_value(tables, "Parameters", f"{PROJECT_PREFIX}等级“优”最低分", 100.5)
    set_value(tables, "Parameters", f"{PROJECT_PREFIX}指标偏差说明阈值", "5%")
    after = score_tables(tables)
    assert after.total == before.total and after.grade == before.grade
    assert [p.grade for p in before.projects] == ["优"] * 5 and [p.grade for p in after.projects] == ["良"] * 5
    assert after.project_params.values["project.deviation_band"] == D("0.05")
    used = [f.message for f in after.findings if f.message.startswith(f"评分参数“{PROJECT_PREFIX}")]
    assert len(used) == 2 and all("使用本县取值" in m and "national-project-2020默认值" in m for m in used)


def test_a_bad_project_parameter_value_is_an_error_at_its_cell_and_the_default_is_used():
    tables = hongqi()
    set_value(tables, "Parameters", f"{PROJECT_PREFIX}执行率说明阈值", "很高")
    result = score_tables(tables)
    (bad,) = [f for f in result.findings if f"{PROJECT_PREFIX}执行率说明阈值" in f.message]
    assert bad.severity == ERROR and bad.loc.table == "Parameters" and bad.loc.row is not None
    assert result.project_params.values["project.execution_floor"] == D("0.9")


def test_none_turns_the_forms_off_and_an_unknown_name_falls_back_with_a_warning():
    tables = hongqi()
    set_value(tables, "Parameters", "项目评分标准", "无")
    assert score_tables(copy.deepcopy(tables)).projects == []
    set_value(tables, "Parameters", "项目评分标准", "ebian-2023")
    result = score_tables(tables)
    assert len(result.projects) == 5 and [f for f in result.findings if "不是随附的项目评分标准" in f.message]


def test_a_countys_own_project_rubric_is_embedded_by_upgrade_and_scores_every_project(tmp_path):
    own = county_project_rubric(tmp_path)
    out = tmp_path / "县表.xlsm"
    result = CliRunner().invoke(main, ["upgrade", str(SAMPLE), "--project-rubric", str(own), "-o", str(out)])
    assert result.exit_code == 0, result.output
    data = score_json(out)
    assert data["total"] == score_json(SAMPLE)["total"]                       # the 打分表 is untouched
    first = data["projects"][0]
    assert [(l["id"], l["max"]) for l in first["lines"]] == [("execution", 20), ("indicators", 80)]
    assert (first["total"], first["grade"]) == (100, "优")
    assert parameters(out)["项目评分标准"][1] == "county-project-2026"
    assert parameters(out)[f"{PROJECT_PREFIX}预算执行率分值"][0] == 20
    again = tmp_path / "再升级.xlsm"                                            # upgrade keeps the embedded one
    assert CliRunner().invoke(main, ["upgrade", str(out), "-o", str(again)]).exit_code == 0
    assert score_json(again)["projects"][0]["lines"][0]["max"] == 20


def test_new_embeds_a_countys_project_rubric_and_refuses_the_wrong_scope(tmp_path):
    own = county_project_rubric(tmp_path)
    out = tmp_path / "模板.xlsm"
    result = CliRunner().invoke(main, ["new", str(out), "--project-rubric", str(own)])
    assert result.exit_code == 0 and "项目评分标准 county-project-2026" in result.output
    parts = {row[0] for row in read_inputs(out).tables["RubricData"].rows}
    assert {"校验码", "1", "项目校验码", "项目1"} <= parts
    wrong = CliRunner().invoke(main, ["new", str(tmp_path / "x.xlsm"), "--project-rubric", "ebian-2023"])
    assert wrong.exit_code == 2 and "不是项目评分标准" in wrong.output and not (tmp_path / "x.xlsm").exists()
    swapped = CliRunner().invoke(main, ["new", str(tmp_path / "y.xlsm"), "--rubric", "national-project-2020"])
    assert swapped.exit_code == 2 and "--project-rubric" in swapped.output


def test_a_tampered_project_rubric_is_a_warning_and_the_department_is_still_scored_and_complete():
    """The 自评表 are the projects': a tampered project rubric makes none of them and never holds up the
    打分表 (its grade, submit) — also when 项目评分标准 says 无."""
    from perfeval.scoring.model import WARNING
    tables = read_inputs(SAMPLE).tables
    rows = tables["RubricData"].rows
    part = next(r for r in rows if r[0] == "项目1")
    assert '"points":90' in part[1]
    part[1] = part[1].replace('"points":90', '"points":99', 1)
    result = score_tables(tables)
    untouched = score_tables(read_inputs(SAMPLE).tables)
    assert result.projects == [] and result.total == untouched.total and result.complete == untouched.complete
    (warning,) = [f for f in result.findings if "项目评分标准" in f.message and "校验码不符" in f.message]
    assert warning.severity == WARNING and warning.loc.table == "RubricData"
    for row in tables["Parameters"].rows:
        if row[0] == "项目评分标准":
            row[2] = "无"
    assert score_tables(tables).complete == untouched.complete


def test_a_project_rubric_named_in_parameters_that_differs_from_the_embedded_one_warns():
    tables = read_inputs(SAMPLE).tables
    for row in tables["Parameters"].rows:
        if row[0] == "项目评分标准":
            row[2] = "某县项目表"
    result = score_tables(tables)
    assert len(result.projects) == 5
    assert [f for f in result.findings if "与本工作簿嵌入的项目评分标准 national-project-2020 不同" in f.message]


def test_next_year_carries_the_project_rubric_and_its_county_values(tmp_path):
    own = county_project_rubric(tmp_path)
    this_year = tmp_path / "2023.xlsm"
    assert CliRunner().invoke(main, ["upgrade", str(SAMPLE), "--project-rubric", str(own), "-o", str(this_year)]).exit_code == 0
    from wbtools import write_values
    label = f"{PROJECT_PREFIX}执行率说明阈值"
    write_values(this_year, "评分参数", {(3 + list(parameters(this_year)).index(label), 2): 0.8})
    assert parameters(this_year)[label][1] == 0.8
    nxt = tmp_path / "2024.xlsm"
    result = CliRunner().invoke(main, ["new", str(nxt), "--from", str(this_year)])
    assert result.exit_code == 0, result.output
    carried = parameters(nxt)
    assert carried["项目评分标准"][1] == "county-project-2026" and carried[label][1] == 0.8


def test_naming_a_project_rubric_on_upgrade_turns_an_old_none_back_on(tmp_path):
    off = tmp_path / "无.xlsm"
    shutil.copy(SAMPLE, off)
    from wbtools import write_values
    write_values(off, "评分参数", {(3 + list(parameters(off)).index("项目评分标准"), 2): "无"})
    assert score_json(off)["projects"] == []
    kept = tmp_path / "仍无.xlsm"
    assert CliRunner().invoke(main, ["upgrade", str(off), "-o", str(kept)]).exit_code == 0
    assert parameters(kept)["项目评分标准"][1] == "无"                    # upgrade keeps the clerk's 无
    on = tmp_path / "开.xlsm"
    assert CliRunner().invoke(main, ["upgrade", str(off), "--project-rubric", "national-project-2020", "-o", str(on)]).exit_code == 0
    assert parameters(on)["项目评分标准"][1] == "national-project-2020" and len(score_json(on)["projects"]) == 5

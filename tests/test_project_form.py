"""The per-project 项目支出绩效自评表 (national-project-2020), hand-computed: 预算执行率 10 = 执行率 × 10
capped; 绩效指标 90 = 90 × Σ(分值 × 完成比例) ÷ Σ分值; 优 ≥ 90, 良 ≥ 80, 中 ≥ 60, 差."""
from __future__ import annotations

import json
from decimal import Decimal as D

import pytest

from helpers import set_rows
from perfeval.samples import hongqi
from perfeval.scoring.engine import score_tables

P = "测试项目"


def book(indicators: list[dict], budget=D(100), spent=D(100), goals=None, initial=None) -> dict:
    t = hongqi()
    set_rows(t, "Projects", [{"项目名称": P, "资金来源": "一般公共预算", "预算数（万元）": budget, "实际支出（万元）": spent,
                              "纳入绩效目标管理": "是", "年初预算数（万元）": initial}])
    set_rows(t, "Indicators", [{"指标对象": P, "一级指标": "产出指标", "二级指标": "数量指标", **i} for i in indicators])
    if goals:
        set_rows(t, "ProjectGoals", goals)
    return t


def ind(name, direction, target, actual, weight, **more) -> dict:
    return {"三级指标": name, "指标方向": direction, "目标值": target, "实际完成值": actual, "分值": weight, **more}


def form(tables):
    result = score_tables(tables)
    (project,) = result.projects
    return project, {line.id: line for line in project.lines}, result


def test_all_met_scores_100():
    p, lines, _ = form(book([ind("数量", "≥", "10", "10", 50), ind("质量", "≥", "95%", "98%", 40)]))
    assert (lines["execution"].score, lines["indicators"].score, p.total, p.grade) == (10, 90, 100, "优")


def test_below_target_scores_its_share_and_asks_for_a_reason():
    p, lines, _ = form(book([ind("数量", "≥", "100", "80", 90)]))
    assert lines["indicators"].score == 72 and p.total == 82 and p.grade == "良"      # 90 × 0.8
    (w,) = [f for f in p.findings if "偏差原因" in f.message]
    assert w.severity == "warning" and w.loc.column == "偏差原因" and "未达到目标" in w.message
    p, _, _ = form(book([ind("数量", "≥", "100", "80", 90, 偏差原因="工期延误，已调整计划")]))
    assert not [f for f in p.findings if "偏差原因" in f.message]


def test_a_ceiling_indicator_above_its_ceiling():
    p, lines, _ = form(book([ind("成本", "≤", "50", "60", 90)]))
    assert lines["indicators"].score == D("75") and p.total == 85        # 90 × 50/60


@pytest.mark.parametrize("grade,share", [("达成", 1), ("部分达成", D("0.8")), ("未达成", D("0.6")),
                                         ("部分达成 70%", D("0.7")), ("未达成30%", D("0.3"))])
def test_qualitative_tiers_score_their_upper_bound_or_the_typed_percentage(grade, share):
    p, lines, _ = form(book([ind("满意度", "定性", "满意", "基本满意", 90, 完成等级=grade)]))
    assert lines["indicators"].score == 90 * share


def test_a_percentage_outside_its_tier_is_an_error_and_no_grade_is_unfilled():
    p, lines, _ = form(book([ind("满意度", "定性", "满意", "满意", 90, 完成等级="部分达成 90%")]))
    assert lines["indicators"].status == "error" and "60%至80%之间" in lines["indicators"].reasons[0].text
    assert p.shown_grade == "未完成"
    p, lines, _ = form(book([ind("满意度", "定性", "满意", "满意", 90)]))
    assert lines["indicators"].status == "incomplete"


def test_execution_above_100_percent_is_capped_and_below_90_asks_for_a_reason():
    p, lines, _ = form(book([ind("数量", "≥", "1", "1", 90)], budget=D(100), spent=D(108)))
    assert lines["execution"].score == 10
    p, lines, _ = form(book([ind("数量", "≥", "1", "1", 90)], budget=D(100), spent=D("85.5")))
    assert lines["execution"].score == D("8.55") and p.total == D("98.55")
    assert [f for f in p.findings if "预算执行率85.50%，低于90%" in f.message]
    goals = [{"项目名称": P, "执行率偏低原因及改进措施": "年末资金到位，已结转下年"}]
    p, _, _ = form(book([ind("数量", "≥", "1", "1", 90)], spent=D("85.5"), goals=goals))
    assert not [f for f in p.findings if "预算执行率" in f.message] and p.goal.execution_reason.startswith("年末")


def test_the_initial_budget_as_base():
    """A county's own project form may measure against 年初预算数 (metric project_execution_rate_initial)."""
    from perfeval.scoring.engine import _run, project_view
    from perfeval.scoring.inputs import department_from_tables
    from perfeval.scoring.params import default_params
    from perfeval.scoring.rubric import load_rubric
    from perfeval.scoring.rubric import parse_data
    import copy
    data = copy.deepcopy(load_rubric("national-project-2020").data)
    data["id"], data["examples"] = "county-project", []
    data["lines"][0]["rule"]["metric"] = "project_execution_rate_initial"
    rubric, problems = parse_data(data)
    assert rubric is not None, problems
    dept = department_from_tables(book([ind("数量", "≥", "1", "1", 90)], budget=D(120), spent=D(90), initial=D(100)))
    view = project_view(dept, dept.projects[0], rubric)
    line = _run(rubric.lines[0], default_params(rubric), view, [], None)
    assert line.score == 9                                            # 90 ÷ 100 (年初), not 90 ÷ 120


def test_weights_not_adding_up_to_90_are_scaled_with_a_warning_naming_the_project():
    p, lines, _ = form(book([ind("数量", "≥", "10", "10", 40), ind("质量", "≥", "10", "5", 20)]))
    assert lines["indicators"].score == D("75")                      # 90 × (40 + 10) ÷ 60
    (w,) = [f for f in p.findings if "分值合计" in f.message]
    assert P in w.message and "60分，不是90分" in w.message


def test_a_zero_or_missing_budget_is_an_error_at_the_project():
    for budget in (D(0), None):
        p, lines, _ = form(book([ind("数量", "≥", "1", "1", 90)], budget=budget, spent=D(0)))
        assert lines["execution"].status == "error" and lines["execution"].reasons[0].loc.table == "Projects"
        assert p.shown_grade == "未完成"


def test_an_indicator_without_weight_in_a_scored_project_is_an_error_at_its_cell():
    p, lines, result = form(book([ind("数量", "≥", "1", "1", 90), ind("质量", "≥", "1", "1", None)]))
    assert lines["indicators"].status == "error"
    assert lines["indicators"].reasons[0].loc.column == "分值"
    assert result.complete                       # the project's form, not the department's evaluation


def test_projects_without_any_weight_get_one_hint_and_no_form():
    t = hongqi()
    for row in t["Indicators"].rows:
        row[9] = None
    result = score_tables(t)
    assert result.projects == [] and len([f for f in result.findings if "未生成项目支出绩效自评表" in f.message]) == 1


def test_the_hongqi_sample_scores_its_five_projects_in_json(tmp_path):
    from click.testing import CliRunner
    from pathlib import Path
    from perfeval.cli import main
    sample = Path(__file__).resolve().parents[1] / "workbook_templates" / "红旗镇2023自评.xlsm"
    data = json.loads(CliRunner().invoke(main, ["score", str(sample), "--json"]).output)
    assert [(p["total"], p["grade"]) for p in data["projects"]] == [(100, "优")] * 5
    first = data["projects"][0]
    assert first["name"] == "乡镇农村人居环境整治考核奖补资金" and [l["id"] for l in first["lines"]] == ["execution", "indicators"]
    assert first["indicators"] == [{"line": "indicators", "name": "整治沟渠条数", "weight": 90, "score": 90}]


def test_the_report_appends_each_projects_form_on_its_own_landscape_page(tmp_path):
    import shutil
    from pathlib import Path
    from docx import Document
    from docx.enum.section import WD_ORIENT
    from perfeval.report import write_report
    book = tmp_path / "红旗镇.xlsm"
    shutil.copy(Path(__file__).resolve().parents[1] / "workbook_templates" / "红旗镇2023自评.xlsm", book)
    path, d = write_report(book)
    doc = Document(str(path))
    assert [s.orientation for s in doc.sections] == [WD_ORIENT.PORTRAIT, WD_ORIENT.LANDSCAPE]
    headings = [p.text for p in doc.paragraphs if p.text.startswith("附件2-")]
    assert len(headings) == 5 and headings[0] == "附件2-1：项目支出绩效自评表（乡镇农村人居环境整治考核奖补资金）"
    starts = [p.text for p in doc.paragraphs if p.paragraph_format.page_break_before]
    assert starts == headings                               # after the landscape 打分表, one project per page
    assert not any('w:br w:type="page"' in r._r.xml for p in doc.paragraphs for r in p.runs)   # no empty break paragraph
    forms = [t for t in doc.tables if t.rows[0].cells[0].text == "项目名称" and len(t.columns) == 9]
    assert len(forms) == 5
    first = [[c.text for c in row.cells] for row in forms[0].rows]
    assert first[0][1] == "乡镇农村人居环境整治考核奖补资金" and first[0][8] == first[0][1]      # merged across
    assert ["", "产出指标", "数量指标", "整治沟渠条数", "≥2条", "2", "90", "90", ""] in [[c if i else "" for i, c in enumerate(r)] for r in first]
    assert first[-1][6:] == ["100", "100", "等级：优"]


def test_the_roll_up_lists_every_units_projects(tmp_path):
    pytest.importorskip("pandas", reason="the roll-up needs pandas (Python 3.8+)")
    import shutil
    from pathlib import Path
    import openpyxl
    from perfeval.summary import run
    bundled = Path(__file__).resolve().parents[1] / "workbook_templates"
    for name in ("红旗镇2023自评.xlsm", "五渡镇2023自评.xlsm"):
        shutil.copy(bundled / name, tmp_path / name)
    out = tmp_path / "汇总.xlsx"
    run([tmp_path], out, jobs=1)
    ws = openpyxl.load_workbook(out)["项目自评"]
    rows = [[c.value for c in row] for row in ws.iter_rows(min_row=4)]
    assert len(rows) == 5 and {r[0] for r in rows} == {"红旗镇人民政府"}          # 五渡镇 has no weighted indicators
    assert all(r[3] == 100 and r[5] == "优" and r[6] == "已完成" for r in rows)


def test_the_macro_free_copy_keeps_the_project_forms(tmp_path):
    import shutil
    from pathlib import Path
    import openpyxl
    from perfeval.xlsx.export import macro_free_copy
    from perfeval.xlsx.workbook import recalc
    book = tmp_path / "红旗镇.xlsm"
    shutil.copy(Path(__file__).resolve().parents[1] / "workbook_templates" / "红旗镇2023自评.xlsm", book)
    recalc(book)
    copy = macro_free_copy(book, tmp_path / "红旗镇.xlsx")
    ws = openpyxl.load_workbook(copy)["项目自评"]
    names = [row[1] for row in ws.iter_rows(values_only=True) if row[0] == "项目名称"]
    assert len(names) == 5 and names[0] == "乡镇农村人居环境整治考核奖补资金"


def test_both_adapters_print_one_page_per_project_and_a_long_form_goes_on_below_the_next_head(tmp_path):
    import shutil
    import zipfile
    from pathlib import Path
    from fake_xlwings import FakeBook
    from perfeval import render as R
    from perfeval import sheets as S
    from perfeval.excel import adapter
    from perfeval.xlsx.workbook import fill_workbook, recalc
    book = tmp_path / "红旗镇.xlsm"
    shutil.copy(Path(__file__).resolve().parents[1] / "workbook_templates" / "红旗镇2023自评.xlsm", book)
    long = book.with_name("long.xlsm")
    shutil.copy(book, long)
    recalc(book)
    page = S.PROJECTS.page_rows
    xml = zipfile.ZipFile(book).read("xl/workbook.xml").decode()
    assert f"'项目自评'!$A$1:$I${5 * page}</definedName>" in xml
    fake = FakeBook.from_file(book)
    adapter.run(fake)
    assert fake.sheets[S.PROJECT_SHEET].print_area == f"$A$1:$I${5 * page}"
    t = book_tables = hongqi()
    t["Indicators"].rows = [r for r in t["Indicators"].rows if r[0] == "部门整体"] + [
        [P, "产出指标", "数量指标", f"指标{i}", "≥", "1", "", "1", None, 3, None] for i in range(30)]
    t["Projects"].rows.append([P, "一般公共预算", D(10), D(10), "是", None, None, None])
    fill_workbook(long, {k: book_tables[k] for k in ("Indicators", "Projects")})
    result = recalc(long)
    (form,) = [p for p in result.projects if p.name == P]
    rows = R.project_rows(result, None)
    start = next(i for i, row in enumerate(rows) if len(row) > 1 and row[1] == P) - 2    # its title row
    assert start % page == 0                                    # it starts a page …
    mine = rows[start:start + 2 * page]                         # … and takes two
    assert len(rows) % page == 0 and len(result.projects) * page + page == len(rows)
    assert all(not any(row) for row in mine[page:page + S.PROJECTS.head_rows])   # under the next page's merged head
    names = [row[3] for row in mine if len(row) > 3 and str(row[3]).startswith("指标")]
    assert names == [f"指标{i}" for i in range(30)]              # every indicator, none hidden

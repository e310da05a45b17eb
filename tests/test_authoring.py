"""The county bureau's authoring workbook: rubric new/export → edit in Excel → rubric check/build,
and perfeval new --rubric 本县评分标准.xlsx (issue: the county writes its form in Excel)."""
from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from perfeval import authoring
from perfeval.authoring import declare as D
from perfeval.authoring.guide import EXAMPLE_FILE, RULE_HELP, worked
from perfeval.cli import main
from perfeval.scoring.rubric import canonical_json, read_rubric
from perfeval.scoring.ruletypes import RULE_TYPES
from perfeval.xlsx.workbook import score_workbook

from wbtools import libreoffice_job, needs_libreoffice

HERE = Path(__file__).parent
ROOT = HERE.parent
RUBRIC_FILES = sorted((ROOT / "src" / "perfeval" / "scoring" / "rubrics").glob("*.json")) + \
    sorted((HERE / "rubrics").glob("*.json")) + [ROOT / "docs" / "rubric-example.json"]


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def load_json(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"), parse_float=Decimal)


@pytest.mark.parametrize("path", RUBRIC_FILES, ids=lambda p: p.stem)
def test_export_then_build_gives_back_the_same_json(path, tmp_path):
    book, built = tmp_path / "本县.xlsx", tmp_path / "本县.json"
    assert run("rubric", "export", path, "-o", book).exit_code == 0
    out = run("rubric", "build", book, "-o", built)
    assert out.exit_code == 0, out.output
    assert canonical_json(load_json(built)) == canonical_json(load_json(path))
    assert read_rubric(built).checksum == read_rubric(path).checksum


def test_rubric_new_starts_from_the_ebian_form_and_checks_clean(tmp_path):
    book = tmp_path / "本县.xlsx"
    assert run("rubric", "new", book).exit_code == 0
    assert run("rubric", "new", book).exit_code == 2                     # never overwrites without --force
    out = run("rubric", "check", book)
    assert out.exit_code == 0, out.output
    assert "在职人员控制率" not in out.output and "ebian-2023：14项，错误0个，算例3/3通过" in out.output
    assert "按违规问题数计，每个扣0.5分" in out.output                    # every line read back
    wb = openpyxl.load_workbook(book)
    assert wb.sheetnames == [D.GUIDE_SHEET] + [s.sheet for s in D.SHEETS]
    assert {t for ws in wb.worksheets for t in ws.tables} == {s.table for s in D.SHEETS}
    lines = wb[D.LINES.sheet]
    rules = {str(dv.sqref).split(":")[0]: dv.formula1 for dv in lines.data_validations.dataValidation}
    method_col = openpyxl.utils.get_column_letter([f.key for f in D.LINES.fields].index("rule.type") + 1)
    assert "分档计分" in rules[f"{method_col}5"] and "时点进度" in rules[f"{method_col}5"]   # 计分方法: a drop-down


def test_the_guide_explains_every_rule_type_with_an_example_the_engine_scored():
    assert set(RULE_HELP) == set(RULE_TYPES)
    assert EXAMPLE_FILE.read_bytes() == (ROOT / "docs" / "rubric-example.json").read_bytes()
    for kind in RULE_TYPES:
        readback, params, outcome = worked(kind)
        assert readback and params and "得" in outcome
        points = next(s.points for s in authoring.guide.example_rubric().lines if s.kind == kind)
        assert f"该项满分{points.normalize():f}分" in outcome and not outcome.endswith(f"得{points.normalize():f}分"), kind


def test_new_builds_the_template_straight_from_the_authoring_workbook(tmp_path):
    book, template = tmp_path / "丁县.xlsx", tmp_path / "模板.xlsm"
    source = HERE / "rubrics" / "county-d-2024.json"
    assert run("rubric", "export", source, "-o", book).exit_code == 0
    out = run("new", template, "--rubric", book)
    assert out.exit_code == 0, out.output
    result, _ = score_workbook(template)
    assert result.rubric.checksum == read_rubric(source).checksum and len(result.lines) == 25


# ------------------------------------------------------------------ bad authoring workbooks

def _edit(book: Path, sheet: str, changes: dict[tuple[str, int], object]) -> None:
    """Set cells of one sheet by (header, data row number from 1) — openpyxl keeps the tables."""
    wb = openpyxl.load_workbook(book)
    ws = wb[sheet]
    headers = {ws.cell(4, c).value: c for c in range(1, ws.max_column + 1)}
    for (header, n), value in changes.items():
        ws.cell(4 + n, headers[header]).value = value
    wb.save(book)


def _row_of(book: Path, sheet: str, header: str, value: str) -> int:
    ws = openpyxl.load_workbook(book)[sheet]
    col = next(c for c in range(1, ws.max_column + 1) if ws.cell(4, c).value == header)
    return next(r - 4 for r in range(5, ws.max_row + 1) if ws.cell(r, col).value == value)


def test_every_authoring_mistake_is_one_line_with_its_sheet_and_cell(tmp_path):
    book = tmp_path / "本县.xlsx"
    assert run("rubric", "new", book).exit_code == 0
    review = _row_of(book, "指标", "编号", "target_review")
    staff_like = _row_of(book, "指标", "编号", "expense_control")
    _edit(book, "指标", {("分值", review): None, ("计分方法", staff_like): "按心情计分"})
    first_param = _row_of(book, "规则参数", "指标编号", "target_review")
    violations_param = _row_of(book, "规则参数", "指标编号", "violations")
    _edit(book, "规则参数", {("参数", first_param): "colour", ("值", first_param): "red",
                           ("参数", violations_param): "per_itemm"})
    _edit(book, "算例", {("名称", _row_of(book, "算例", "类别", "预期得分")): "no_such_line"})
    out = run("rubric", "check", book)
    assert out.exit_code == 1, out.output
    lines = out.output.splitlines()
    assert "Traceback" not in out.output
    expect = [f"指标!E{4 + review}", f"指标!K{4 + staff_like}", f"规则参数!C{4 + first_param}"]
    for cell in expect:
        assert any(cell in line for line in lines), (cell, out.output)
    assert any("分值" in l and "不能为空" in l for l in lines)
    assert any("按心情计分" in l for l in lines)
    assert any("colour" in l and "未知" in l for l in lines)                        # a parameter the type does not take
    assert any("缺少参数“item”" in l or "缺少参数“per_item”" in l for l in lines)    # a missing parameter
    built = tmp_path / "x.json"
    assert run("rubric", "build", book, "-o", built).exit_code == 1 and not built.exists()   # nothing written


def test_an_example_naming_an_unknown_line_or_item_and_a_group_that_does_not_add_up(tmp_path):
    book = tmp_path / "本县.xlsx"
    assert run("rubric", "new", book).exit_code == 0
    expected = _row_of(book, "算例", "类别", "预期得分")
    answer = _row_of(book, "算例", "类别", "定性项目答案")
    _edit(book, "算例", {("名称", expected): "no_such_line", ("名称", answer): "no_such_item"})
    out = run("rubric", "check", book)
    assert out.exit_code == 1
    assert any(l.startswith("错误：算例!") and "no_such_line" in l for l in out.output.splitlines()), out.output
    assert any(l.startswith("错误：算例!") and "no_such_item" in l for l in out.output.splitlines()), out.output
    other = tmp_path / "分组.xlsx"
    assert run("rubric", "new", other).exit_code == 0
    _edit(other, "分组", {("分值", 2): 41})                                      # 目标管理 40 → 41
    out = run("rubric", "check", other)
    assert any("目标管理" in l and "41分" in l for l in out.output.splitlines()), out.output   # as for the printed form


def test_a_renamed_table_or_an_edited_header_names_what_is_missing(tmp_path):
    book = tmp_path / "本县.xlsx"
    assert run("rubric", "new", book).exit_code == 0
    wb = openpyxl.load_workbook(book)
    ws = wb["指标"]
    ws.cell(4, 5).value = "分数"                                               # header 分值 edited
    table = ws.tables["RubricLines"]
    table.tableColumns[4].name = "分数"
    wb["分组"].tables["RubricGroups"].displayName = "Groups2"
    wb["分组"].tables["RubricGroups"].name = "Groups2"
    wb.save(book)
    out = run("rubric", "check", book)
    assert out.exit_code == 2, out.output
    assert "RubricGroups" in out.output and "缺少列“分值”" in out.output and "Traceback" not in out.output


def test_a_file_that_is_not_a_workbook_is_unreadable(tmp_path):
    bad = tmp_path / "坏.xlsx"
    bad.write_bytes(b"not a zip")
    out = run("rubric", "check", bad)
    assert out.exit_code == 2 and "Traceback" not in out.output


@libreoffice_job("xlsx:Calc MS Excel 2007 XML")
def county_b_exported(folder):
    book = folder / "本县.xlsx"
    return [book], run("rubric", "export", HERE / "rubrics" / "county-b-2024.json", "-o", book).exit_code


@needs_libreoffice
def test_libreoffice_keeps_the_authoring_workbook(libreoffice, tmp_path):
    source = HERE / "rubrics" / "county-b-2024.json"
    done = libreoffice(county_b_exported, tmp_path / "lo", check=False)
    assert done.extra == 0                                   # the export's exit code
    saved = done.outputs[0]
    assert saved.exists(), "LibreOffice did not save the authoring workbook"
    rubric, data, findings, _ = authoring.load(saved)
    assert not findings and canonical_json(data) == canonical_json(load_json(source))


# ------------------------------------------------------------------ a hostile author (a helper's findings)

def _exported(tmp_path, source="ebian-2023", name="h.xlsx") -> Path:
    book = tmp_path / name
    assert run("rubric", "export", source, "-o", book).exit_code == 0
    return book


def _set(book: Path, sheet: str, cells: dict) -> None:
    wb = openpyxl.load_workbook(book)
    for ref, value in cells.items():
        wb[sheet][ref] = value
    wb.save(book)


def _check(book: Path):
    out = run("rubric", "check", book)
    assert "Traceback" not in out.output and "内部错误" not in out.output, out.output
    return out.exit_code, [l for l in out.output.splitlines() if l.startswith(("错误", "警告", "提示"))]


@pytest.mark.parametrize("sheet,cells,expect", [
    ("分组", {"B5": "A"}, "分组!B5：分组“A”的上级分组形成循环"),                          # its own parent
    ("分组", {"B5": "B1", "B9": "A"}, "分组!B5：分组“A”的上级分组形成循环（A → B1 → B → A）"),
    ("指标", {"A6": "target_review"}, "指标!A6：编号“target_review”与指标表中前面的一行重复"),
    ("指标", {"E5": 1e308}, "指标!E5：应不大于10000"),
    ("等级", {"B5": 50, "B6": 95}, "等级：等级应从高到低排列"),
    ("算例", {"C20": "Finance.不存在的列"}, "中没有“不存在的列”一行"),
    ("表头", {"B9": __import__("datetime").datetime(2023, 1, 1)}, "表头!B9：“年度”是日期格式的单元格"),
])
def test_a_careless_author_gets_one_located_line_and_no_crash(tmp_path, sheet, cells, expect):
    book = _exported(tmp_path)
    _set(book, sheet, cells)
    code, lines = _check(book)
    assert code == 1 and any(expect in l for l in lines), lines


def test_a_metric_that_refers_to_itself_is_reported_not_a_crash(tmp_path):
    book = _exported(tmp_path, HERE / "rubrics" / "county-b-2024.json")
    _set(book, "自定义指标", {"D5": "metric:adjust_share"})
    code, lines = _check(book)
    assert code == 1 and any("adjust_share" in l and "循环" in l for l in lines), lines


def test_an_expected_score_that_is_not_a_number_is_said_so(tmp_path):
    book = _exported(tmp_path)
    row = _row_of(book, "算例", "类别", "预期得分")
    _edit(book, "算例", {("值", row): "十分"})
    code, lines = _check(book)
    assert code == 1 and any("预期得分“十分”应为数字" in l for l in lines), lines


def test_an_empty_lines_sheet_is_located_at_the_sheet(tmp_path):
    book = _exported(tmp_path)
    wb = openpyxl.load_workbook(book)
    ws = wb["指标"]
    for row in ws.iter_rows(min_row=5, max_row=ws.max_row):
        for c in row:
            c.value = None
    wb.save(book)
    code, lines = _check(book)
    assert code == 1 and any(l.startswith("错误：指标：") for l in lines), lines


def test_a_word_document_renamed_xlsx_is_one_line(tmp_path):
    from docx import Document
    fake = tmp_path / "假.xlsx"
    Document().save(str(tmp_path / "d.docx"))
    fake.write_bytes((tmp_path / "d.docx").read_bytes())
    out = run("rubric", "check", fake)
    errors = [l for l in out.output.splitlines() if l.startswith("错误")]
    assert out.exit_code == 2 and len(errors) == 1 and "不是评分标准编写用工作簿" in errors[0], out.output

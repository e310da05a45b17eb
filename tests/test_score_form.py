"""The 打分表 follows its rubric's groups: indicator columns (one to four), merged group cells like the
official form, one page wide with the header repeated, any number of lines — and a 打分表 of another
shape is refused before anything is written (file adapter and button)."""
from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from fake_xlwings import FakeBook
from perfeval import printing as P
from perfeval import render as R
from perfeval.excel import adapter as excel
from perfeval.scoring.params import default_params
from perfeval.scoring.rubric import canonical_json, load_rubric, parse_rubric, read_rubric
from perfeval.scoring.rubric.form import Merge, covered, form_rows, level_count, merges
from perfeval.xlsx.package import WorkbookError
from perfeval.xlsx.workbook import new_template, recalc

from wbtools import libreoffice_job, needs_libreoffice, pdf_pages, write_values

HERE = Path(__file__).parent
RUBRICS = HERE / "rubrics"


def _rubric(groups, lines):
    data = {"format": "perfeval-rubric/2", "id": "f", "title": "表", "year": 2024,
            "total": sum(p for _, _, _, p in lines),
            "groups": [dict({"id": g, "name": n, "points": p}, **({"parent": par} if par else {}))
                       for g, par, n, p in groups],
            "lines": [dict({"group": g, "name": n, "points": p, "rule": {"type": "manual", "item": i}}, id=i)
                      for i, g, n, p in lines],
            "items": [{"id": i, "label": n, "kind": "score"} for i, _, n, _ in lines]}
    r, problems = parse_rubric(canonical_json(data))
    assert r is not None, problems
    return r


# ------------------------------------------------------------------ the form's cells

def test_ebian_keeps_its_three_columns_and_its_merges():
    rubric = load_rubric("ebian-2023")
    rows = form_rows(rubric)
    assert level_count(rubric) == 3 and len(rows) == len(rubric.lines)
    assert rows[0] == ("部门预算项目绩效管理（70分）", "目标管理（40分）", "目标制定")
    assert rows[-1] == ("扣分项（10分）", "", "")                     # alone in its group: spans the three columns
    found = merges(rows)
    assert Merge(13, 0, 13, 2, "扣分项（10分）") in found
    assert Merge(0, 0, 8, 0, "部门预算项目绩效管理（70分）") in found
    assert Merge(0, 1, 3, 1, "目标管理（40分）") in found


def test_three_group_levels_give_four_columns_and_shallower_lines_span():
    r = _rubric([("A", None, "甲", 30), ("A1", "A", "乙", 20), ("A11", "A1", "丙", 20), ("B", None, "丁", 10)],
                [("x", "A11", "一", 10), ("y", "A11", "二", 10), ("z", "A", "三", 10), ("w", "B", "四", 10)])
    rows = form_rows(r)
    assert level_count(r) == 4
    assert rows == [("甲（30分）", "乙（20分）", "丙（20分）", "一"), ("甲（30分）", "乙（20分）", "丙（20分）", "二"),
                    ("甲（30分）", "三", "", ""), ("丁（10分）", "四", "", "")]
    found = merges(rows)
    assert set(found) == {Merge(0, 0, 2, 0, "甲（30分）"), Merge(0, 1, 1, 1, "乙（20分）"), Merge(0, 2, 1, 2, "丙（20分）"),
                          Merge(2, 1, 2, 3, "三"), Merge(3, 1, 3, 3, "四")}
    inside = covered(found)
    assert (1, 0) in inside and (2, 2) in inside and (0, 0) not in inside
    assert len(inside) == sum((m.last_row - m.first_row + 1) * (m.last_col - m.first_col + 1) - 1 for m in found)


def test_one_group_level_gives_two_columns():
    r = _rubric([("A", None, "甲", 20)], [("x", "A", "一", 10), ("y", "A", "二", 10)])
    assert level_count(r) == 2 and R.score_sheet(r).columns[:3] == ("一级指标", "二级指标", "分值")


def test_merged_ranges_never_overlap():
    for path in sorted(RUBRICS.glob("*.json")):
        rows = form_rows(read_rubric(path))
        seen: set = set()
        for m in merges(rows):
            cells = {(r, c) for r in range(m.first_row, m.last_row + 1) for c in range(m.first_col, m.last_col + 1)}
            assert not cells & seen, path.name
            seen |= cells


def test_rows_grow_to_show_long_indicator_cells(tmp_path):
    """A line's row is as tall as its own indicator cell's wrapped text needs, and the lines a merged group
    label spans are together as tall as the label (what they lack is added to the last of them)."""
    long_group = "一个名称很长很长很长很长很长很长的二级指标需要在合并的单元格里换成好几行才能显示完整"
    long_line = "一个名称很长很长的三级指标需要在它自己的单元格里换成好几行显示"
    r = _rubric([("A", None, "甲", 30), ("A1", "A", long_group, 20), ("A2", "A", "丙", 10)],
                [("x", "A1", "一", 10), ("y", "A1", "二", 10), ("z", "A2", long_line, 10)])
    s = R.score_sheet(r)
    rows = R.score_rows(default_params(r))
    heights = R.score_heights(r, rows)
    plain = [R.score_row_height(row, s) for row in rows]
    label = P.fitted_height([(rows[0][1], s.widths[1])])
    assert label > plain[0] + plain[1] and heights[0] + heights[1] >= label and heights[0] == plain[0]
    assert heights[2] >= P.fitted_height([(long_line, s.widths[2])]) > plain[2]
    ws = openpyxl.load_workbook(new_template(tmp_path / "t.xlsm", rubric=r))["打分表"]
    assert [ws.row_dimensions[s.first_line_row + 1 + i].height for i in range(3)] == heights


# ------------------------------------------------------------------ the sheet

@pytest.fixture(scope="module")
def county_d(tmp_path_factory):
    book = tmp_path_factory.mktemp("d") / "d.xlsm"
    new_template(book, rubric=read_rubric(RUBRICS / "county-d-2024.json"))
    return book


def test_a_25_line_three_level_template_prints_its_lines_with_merged_groups(county_d):
    rubric = read_rubric(RUBRICS / "county-d-2024.json")
    s = R.score_sheet(rubric)
    ws = openpyxl.load_workbook(county_d)["打分表"]
    h1 = s.header_rows[0] + 1
    assert [ws.cell(h1, c + 1).value for c in range(5)] == ["一级指标", "二级指标", "三级指标", "四级指标", "分值"]
    first = s.first_line_row + 1
    assert [ws.cell(first + i, 4).value for i in range(25)] == [l.name for l in rubric.lines]
    total = first + 25
    assert ws.cell(total, 1).value == s.total_label and ws.cell(total, 5).value is None
    ranges = {str(m) for m in ws.merged_cells.ranges}
    assert f"A{first}:A{first + 6}" in ranges                           # 决策 over its seven lines
    assert f"B{first}:B{first + 4}" in ranges and f"C{first}:C{first + 2}" in ranges
    assert f"A{total}:D{total}" in ranges
    assert ws.page_setup.fitToWidth in (None, 1) and ws.page_setup.fitToHeight == 0   # 1 is the default, not written
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.print_title_rows == f"${s.header_rows[0] + 1}:${s.header_rows[1] + 1}"


def test_the_25_line_template_recalculates_every_line_and_the_total_row(county_d, tmp_path):
    book = tmp_path / "d.xlsm"
    book.write_bytes(county_d.read_bytes())
    result = recalc(book)
    s = R.score_sheet(result.rubric)
    ws = openpyxl.load_workbook(book)["打分表"]
    first = s.first_line_row + 1
    statuses = [ws.cell(first + i, s.col("状态") + 1).value for i in range(25)]
    assert len(result.lines) == 25 and all(statuses)
    assert ws.cell(first + 25, 1).value == s.total_label
    assert ws.cell(first + 25, s.col("分值") + 1).value == 100


def _break_score_sheet(book: Path, out: Path) -> None:
    rubric = load_rubric("ebian-2023")
    s = R.score_sheet(rubric)
    write_values(book, "打分表", {(s.first_line_row + len(rubric.lines), 0): "合计"}, out=out)


def test_a_score_sheet_of_another_shape_is_refused_unwritten(tmp_path):
    book = new_template(tmp_path / "t.xlsm")
    bad = tmp_path / "bad.xlsm"
    _break_score_sheet(book, bad)
    before = bad.read_bytes()
    with pytest.raises(WorkbookError, match="打分表的格式与评分标准“ebian-2023”不符.*perfeval upgrade bad.xlsm"):
        recalc(bad)
    assert bad.read_bytes() == before


def test_the_button_refuses_a_score_sheet_of_another_shape(tmp_path):
    book = new_template(tmp_path / "t.xlsm")
    bad = tmp_path / "bad.xlsm"
    _break_score_sheet(book, bad)
    fake = FakeBook.from_file(bad)
    assert excel.run(fake) is None
    assert "打分表的格式与评分标准" in fake.app.alerts[-1][1]
    assert not [c for c in fake.calls if c == "range.value.set"]


@libreoffice_job("pdf")
def county_d_recalculated(folder):
    """The 25-line template of county-d-2024, recalculated."""
    book = new_template(folder / "d.xlsm", rubric=read_rubric(RUBRICS / "county-d-2024.json"))
    recalc(book)
    return [book]


@needs_libreoffice
def test_libreoffice_prints_it_one_page_wide_with_the_header_on_every_page(libreoffice, tmp_path):
    import shutil
    if shutil.which("pdftotext") is None:
        pytest.skip("poppler-utils is not installed; .ci/run installs it")
    pages = pdf_pages(libreoffice(county_d_recalculated, tmp_path / "pdf").outputs[0])
    first = next(i for i, text in enumerate(pages) if text.lstrip().startswith("县级部门整体绩效自评打分表"))
    sheet = [pages[first]]
    for text in pages[first + 1:]:
        if "四级指标" not in text:
            break
        sheet.append(text)
    assert len(sheet) >= 2                                              # 25 lines take more than one page …
    for text in sheet:
        assert all(h in text for h in ("一级指标", "四级指标", "分值", "扣分原因"))   # … each one page wide, header repeated
    assert "部门整体自评得分" in sheet[-1]
    rubric = read_rubric(RUBRICS / "county-d-2024.json")
    printed = "".join(sheet)
    assert all(line.name in printed for line in rubric.lines)


def test_the_button_on_a_workbook_without_an_output_sheet_says_to_upgrade(tmp_path):
    import zipfile
    book = new_template(tmp_path / "t.xlsm")
    bad = tmp_path / "旧.xlsm"
    with zipfile.ZipFile(book) as zin, zipfile.ZipFile(bad, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "xl/workbook.xml":
                import re
                data = re.sub(rb'<sheet name="\xe8\xae\xa1\xe7\xae\x97\xe6\x98\x8e\xe7\xbb\x86"[^>]*/>', b"", data)  # 计算明细
            zout.writestr(item, data)
    fake = FakeBook.from_file(bad)
    assert "计算明细" not in [s._name for s in fake.sheets]
    assert excel.run(fake) is None
    message = fake.app.alerts[-1][1]
    assert "缺少输出工作表“计算明细”" in message and "perfeval upgrade" in message and "计算失败" not in message
    assert "range.value.set" not in fake.calls

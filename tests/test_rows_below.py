"""Rows typed directly under a table (outside it) are read, with a 提示 to extend the table: LibreOffice
and WPS do not extend a table when a row is typed below it (Excel does), and the guide tells clerks
they may add rows at the end.  Both adapters read them the same way."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

from click.testing import CliRunner

from fake_xlwings import FakeBook
from perfeval import locate
from perfeval.cli import main
from perfeval.excel import adapter
from perfeval.xlsx.workbook import read_inputs, score_workbook
from wbtools import libreoffice_job, needs_libreoffice, write_values

ROOT = Path(__file__).resolve().parents[1]
HONGQI = ROOT / "workbook_templates" / "红旗镇2023自评.xlsm"


def _projects_end(book: Path) -> int:
    """The 0-based row of the 项目支出 table's last row."""
    return read_inputs(book).package.tables["projects"].bounds[2]


def both(book: Path) -> tuple[dict, dict]:
    result, data = score_workbook(book)
    live, _, _, locs = adapter.score_book(FakeBook.from_file(book))
    return result.to_json(data.cell_of), live.to_json(lambda loc: locate.cell_of(locs, loc))


def test_a_row_written_under_a_table_is_read_with_a_hint_by_both_adapters(tmp_path):
    book = tmp_path / "below.xlsm"
    end = _projects_end(HONGQI)
    write_values(HONGQI, "项目支出", {(end + 1, 0): "新增项目", (end + 1, 2): 12, (end + 1, 3): 10, (end + 1, 4): "是",
                                     (end + 3, 0): "空行之后的内容"}, out=book)
    file_json, live_json = both(book)
    assert file_json == live_json
    hint = [f for f in file_json["findings"] if "填在表格下方" in f["message"]]
    assert len(hint) == 1 and hint[0]["sheet"] == "项目支出" and hint[0]["cell"] == f"A{end + 2}"
    assert "有1行" in hint[0]["message"]                       # a blank row ends the continuation
    result, _ = score_workbook(book)
    assert [p.name for p in result.department.projects][-1] == "新增项目"


def test_nothing_under_a_table_changes_nothing():
    file_json, live_json = both(HONGQI)
    assert file_json == live_json and not [f for f in file_json["findings"] if "填在表格下方" in f["message"]]


@libreoffice_job("xlsm:Calc MS Excel 2007 VBA XML", typing=True)
def typed_under_the_table(folder):
    """The 红旗镇 sample, a project typed in the row under the 项目支出 table."""
    book = folder / "typed.xlsm"
    shutil.copy(HONGQI, book)
    end = _projects_end(book) + 1                              # the first row under the table (1-based)
    return [book], ("项目支出", {f"A{end + 1}": "新增项目", f"B{end + 1}": "一般公共预算", f"C{end + 1}": "12",
                                f"D{end + 1}": "10", f"E{end + 1}": "是"})


@needs_libreoffice
def test_a_row_typed_under_a_table_in_libreoffice_is_read(libreoffice, tmp_path):
    """As a clerk types in LibreOffice Calc (the table is not extended: its ref stays), then saves."""
    import openpyxl
    end = _projects_end(HONGQI) + 1                            # the first row under the table (1-based)
    before = json.loads(CliRunner().invoke(main, ["score", str(HONGQI), "--json"]).output)
    book = libreoffice(typed_under_the_table, tmp_path).outputs[0]
    ws = openpyxl.load_workbook(book)["项目支出"]
    assert ws.tables["Projects"].ref.endswith(str(end)) and ws[f"C{end + 1}"].value == 12   # outside the table
    after = json.loads(CliRunner().invoke(main, ["score", str(book), "--json"]).output)
    hint = [f for f in after["findings"] if "填在表格下方" in f["message"]]
    assert hint and hint[0]["cell"] == f"A{end + 1}"
    assert after["total"] != before["total"]                  # the row counts: 结余率 of a new project
    assert any("实际支出合计153.45万元" in f["message"] for f in after["findings"])
    file_json, live_json = both(book)
    assert file_json == live_json

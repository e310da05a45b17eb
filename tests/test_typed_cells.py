"""Every cell read as the clerk meant it, and the file and live adapters agree on it.

Each case edits a filled sample workbook the way a clerk (or another program) would,
then scores it through the file adapter (``perfeval recalc``'s reader) and through the
live adapter over the xlwings fake, and asserts both give the same result — totals,
line scores, reasons and findings with their cells — and the expected reading.
"""
from __future__ import annotations

import io
import json
from decimal import Decimal
import os
import re
import shutil
import zipfile
from datetime import datetime
from pathlib import Path

import openpyxl
import pytest
from openpyxl.utils import range_boundaries

from fake_xlwings import FakeBook
from perfeval.excel import adapter
from perfeval import locate
from perfeval.xlsx.workbook import recalc, score_workbook

SAMPLE = Path(__file__).resolve().parents[1] / "workbook_templates" / "红旗镇2023自评.xlsm"


@pytest.fixture
def book(tmp_path):
    path = tmp_path / "红旗镇.xlsm"
    shutil.copy(SAMPLE, path)
    return path


def cell_of(ws, table: str, row: int, header: str):
    t = ws.tables[table]
    c1, r1, c2, _ = range_boundaries(t.ref)
    headers = [ws.cell(r1, c).value for c in range(c1, c2 + 1)]
    return ws.cell(r1 + 1 + row, c1 + headers.index(header))


def edit(path: Path, table: str, row: int, header: str, value, number_format: str | None = None) -> str:
    """Set one input cell with openpyxl (as Excel stores it); returns its address."""
    return edits(path, (table, row, header, value, number_format))[0]


def edits(path: Path, *changes: tuple) -> list[str]:
    """Set input cells, each ``(table, row, header, value[, number_format])``, with openpyxl in one load and
    save (as Excel stores them); returns their addresses."""
    wb = openpyxl.load_workbook(path, keep_vba=True)
    addresses = []
    for table, row, header, value, *number_format in changes:
        ws = next(ws for ws in wb.worksheets if table in ws.tables)
        cell = cell_of(ws, table, row, header)
        cell.value = value
        if number_format and number_format[0]:
            cell.number_format = number_format[0]
        addresses.append(cell.coordinate)
    wb.save(path)
    return addresses


_ADDRESSES: dict = {}


def address_of(path: Path, table: str, row: int, header: str) -> tuple[str, str]:
    """The sheet and address of an input cell, as openpyxl reads the file (one read per distinct file)."""
    import hashlib
    key = hashlib.sha256(Path(path).read_bytes()).hexdigest()
    if key not in _ADDRESSES:
        wb = openpyxl.load_workbook(path)
        _ADDRESSES[key] = {(t, r, h): (ws.title, cell_of(ws, t, r, h).coordinate)
                           for t, r, h in TARGETS + EXTRA_TARGETS for ws in wb.worksheets if t in ws.tables}
    return _ADDRESSES[key][(table, row, header)]


def both(path: Path) -> dict:
    """Score through both adapters; assert they agree; return the result as JSON."""
    result, data = score_workbook(path)
    via_file = result.to_json(data.cell_of)
    live, _, _, locs = adapter.score_book(FakeBook.from_file(path))
    via_excel = live.to_json(lambda loc: locate.cell_of(locs, loc))
    assert via_file == via_excel
    return via_file


def line(js: dict, name: str) -> dict:
    return next(x for x in js["lines"] if x["name"] == name)


def errors_at(js: dict, cell: str) -> list[str]:
    return [f["message"] for f in js["findings"] if f["severity"] == "error" and f["cell"] == cell]


def test_untouched_samples_agree(book, tmp_path):
    assert both(book)["total"] == 97
    wudu = tmp_path / "五渡镇.xlsm"
    shutil.copy(SAMPLE.with_name("五渡镇2023自评.xlsm"), wudu)
    assert both(wudu)["total"] == 100
    blank = tmp_path / "空白.xlsm"
    shutil.copy(SAMPLE.with_name("部门整体绩效自评模板.xlsm"), blank)
    assert both(blank)["complete"] is False


def test_a_date_in_a_monthly_amount_is_an_error_not_45107(book):
    cell = edit(book, "MonthlySpending", 0, "6月", datetime(2023, 6, 30))
    js = both(book)
    assert any("日期" in m and "2023-06-30" in m for m in errors_at(js, cell)), js["findings"]
    assert line(js, "执行进度")["status"] == "error"
    assert js["total"] < 97


def test_a_date_in_a_project_budget_is_an_error(book):
    cell = edit(book, "Projects", 0, "预算数（万元）", datetime(2023, 5, 1), "yyyy\"年\"m\"月\"d\"日\"")
    js = both(book)
    assert any("日期" in m for m in errors_at(js, cell))


@pytest.mark.parametrize("fmt", ["0%", "0.00%", "[$-804]0.0%"])
def test_a_percent_formatted_indicator_is_a_percentage(book, fmt):
    edits(book, ("Indicators", 0, "目标值", "≥95%"),             # a quantity indicator, target typed as text
          ("Indicators", 0, "计量单位", "%"),
          ("Indicators", 0, "实际完成值", 0.96, fmt))                # typed 96% into a percent cell
    js = both(book)
    assert js["total"] == 97
    assert not any("0.96" in r for x in js["lines"] for r in x["reasons"])
    edit(book, "Indicators", 0, "实际完成值", 0.85, fmt)          # 85% < 95%: now it is short
    short = both(book)
    assert any("实际85%" in r for x in short["lines"] for r in x["reasons"]), short["lines"]


def test_a_percent_formatted_target_is_a_percentage(book):
    edits(book, ("Indicators", 0, "目标值", 0.95, "0%"),          # ≥ from the 指标方向 column
          ("Indicators", 0, "实际完成值", "96%"))
    js = both(book)
    assert js["total"] == 97 and not any("疑似" in f["message"] for f in js["findings"])


def test_fifty_percent_in_an_amount_cell_is_an_error(book):
    cell = edit(book, "Projects", 1, "实际支出（万元）", 0.5, "0%")
    js = both(book)
    assert any("百分比格式" in m for m in errors_at(js, cell))


@pytest.mark.parametrize("error", ["#DIV/0!", "#N/A", "#VALUE!", "#REF!"])
def test_an_error_value_is_an_error_in_both_paths(book, error):
    cell = edit(book, "Projects", 0, "实际支出（万元）", error)
    js = both(book)
    assert any(error in m for m in errors_at(js, cell))


def edit_error(path: Path, table: str, row: int, header: str, error: str) -> str:
    """Store an error value as Excel does (``t="e"``) — openpyxl knows only the seven classic ones."""
    from perfeval.xlsx.package import Package
    from perfeval.xlsx.parts import SheetEditor, write_package
    from perfeval.locate import parse_ref
    title, coordinate = address_of(path, table, row, header)
    r, c = parse_ref(coordinate)
    pkg = Package.open(str(path))
    ed = SheetEditor(pkg.read(pkg.sheets[title]), title)
    ed.set(r, c, None)
    entry = ed.rows[r + 1]
    entry[2][c] = f'<c r="{coordinate}" t="e"><v>{error}</v></c>'
    data = ed.serialize()
    write_package(pkg.zf, path, {pkg.sheets[title]: data})
    return coordinate


@pytest.mark.parametrize("error", ["#SPILL!", "#CALC!", "#FIELD!"])
@pytest.mark.parametrize("where", [("Projects", 0, "实际支出（万元）"), ("Indicators", 0, "实际完成值")], ids=["amount", "indicator"])
def test_a_newer_error_value_is_the_same_error_in_both_paths(book, error, where):
    """#SPILL!, #CALC! … reach the button as bare integers (xlwings names only the classic seven): read as
    the file reader reads t="e", never scored as the number -2146826243; the clerk sees the error's name."""
    cell = edit_error(book, *where, error)
    js = both(book)
    messages = errors_at(js, cell) + [f["message"] for f in js["findings"] if f["cell"] == cell]
    assert any(error in m for m in messages), messages
    assert not any("2146826" in m or "Invalid(" in m for m in json.dumps(js, ensure_ascii=False).split("\n"))


def test_currency_and_accounting_formats_are_plain_numbers(book):
    edits(book, ("Projects", 2, "预算数（万元）", 81, '"¥"#,##0.00'),
          ("Projects", 3, "预算数（万元）", 4.8, '_(* #,##0.00_);_(* (#,##0.00);_(* "-"??_);_(@_)'))
    assert both(book)["total"] == 97


def test_a_currency_cell_is_read_as_stored_not_as_a_4_decimal_currency(book):
    """COM's Range.Value hands a Currency-formatted 38.579951 over as Decimal('38.5800'): the button reads
    Value2 for such cells (one more call per table that has them), so both paths see 38.579951."""
    cell = edit(book, "Projects", 2, "实际支出（万元）", 38.579951, '_ ¥* #,##0.00_ ;_ ¥* -#,##0.00_ ;_ ¥* "-"??_ ;_ @_ ')
    js = both(book)
    fake = FakeBook.from_file(book)
    sheet = next(s for s in fake._sheets if any(t.name == "Projects" for t in s.tables))
    from perfeval.locate import parse_ref
    r, c = parse_ref(cell)
    assert sheet.range((r + 1, c + 1)).value == Decimal("38.5800")          # what xlwings hands over
    tables, _ = adapter.read_tables(fake)
    assert fake.calls.count("range.api.Value2") == 1                       # only the table that has one
    projects = tables["Projects"]
    column = projects.headers.index("实际支出（万元）")
    assert 38.579951 in [row[column] for row in projects.rows]
    assert js["lines"]                                                      # and both() found the two paths equal


def test_a_totals_row_is_not_a_project(book):
    wb = openpyxl.load_workbook(book, keep_vba=True)
    ws = next(ws for ws in wb.worksheets if "Projects" in ws.tables)
    table = ws.tables["Projects"]
    c1, r1, c2, r2 = range_boundaries(table.ref)
    ws.cell(r2 + 1, c1).value = "汇总"
    ws.cell(r2 + 1, c1 + 2).value = 999
    table.ref = f"{ws.cell(r1, c1).coordinate}:{ws.cell(r2 + 1, c2).coordinate}"
    table.totalsRowCount = 1
    wb.save(book)
    js = both(book)
    assert js["total"] == 97
    assert not any("汇总" in f["message"] for f in js["findings"])


def test_a_formula_without_a_cached_value_is_a_finding(book):
    cell = edit(book, "Projects", 0, "实际支出（万元）", "=C4*1")     # openpyxl stores no result
    result, data = score_workbook(book)
    js = result.to_json(data.cell_of)
    assert any("没有计算结果" in m and "Excel" in m for m in errors_at(js, cell))


# ------------------------------------------------------------------ XML-level oddities

def rewrite_part(path: Path, part: str, change) -> None:
    with zipfile.ZipFile(path) as zf:
        items = [(i, zf.read(i.filename)) for i in zf.infolist()]
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as out:
        for info, data in items:
            out.writestr(info, change(data) if info.filename == part else data)
    path.write_bytes(buf.getvalue())


def sheet_part(path: Path, table: str) -> str:
    from perfeval.xlsx.package import Package
    pkg = Package.open(str(path))
    return pkg.tables[table.lower()].part.replace("tables/", "worksheets/").rsplit("/", 1)[0] + "/" + \
        Path(pkg.sheets[pkg.tables[table.lower()].sheet]).name


def test_cells_without_r_are_placed_by_order(book):
    part = sheet_part(book, "Projects")
    rewrite_part(book, part, lambda xml: re.sub(rb'(<c[^>]*?) r="[A-Z]+\d+"', rb"\1", xml))
    assert b' r="C4"' not in zipfile.ZipFile(book).read(part)
    assert score_workbook(book)[0].total == 97


def test_phonetic_runs_are_not_part_of_the_text(book):
    def add_phonetic(xml: bytes) -> bytes:
        return xml.replace("<t>红旗镇人民政府</t>".encode(),
                           '<t>红旗镇人民政府</t><rPh sb="0" eb="3"><t>ホンチー</t></rPh>'.encode(), 1)
    rewrite_part(book, "xl/sharedStrings.xml", add_phonetic)
    assert "ホンチー".encode() in zipfile.ZipFile(book).read("xl/sharedStrings.xml")
    assert score_workbook(book)[0].unit == "红旗镇人民政府"


def test_a_shared_string_index_out_of_range_is_an_error_at_the_cell(book):
    part = sheet_part(book, "Info")
    cell = address_of(book, "Info", 0, "内容")[1]

    def break_index(xml: bytes) -> bytes:
        return re.sub(rf'(<c r="{cell}"[^>]*t="s"[^>]*><v>)\d+'.encode(), rb"\g<1>99999", xml)
    rewrite_part(book, part, break_index)
    result, data = score_workbook(book)
    js = result.to_json(data.cell_of)
    assert any("共享字符串" in m for m in errors_at(js, cell)), js["findings"]


def test_inline_rich_text_is_read(book):
    part = sheet_part(book, "Info")
    cell = address_of(book, "Info", 0, "内容")[1]

    def inline(xml: bytes) -> bytes:
        return re.sub(rf'<c r="{cell}"([^>]*?) t="s"([^>]*)><v>\d+</v></c>'.encode(),
                      rf'<c r="{cell}"\1 t="inlineStr"\2><is><r><t>红旗镇</t></r><r><t>人民政府</t></r>'
                      rf'<rPh sb="0" eb="1"><t>ホ</t></rPh></is></c>'.encode(), xml)
    rewrite_part(book, part, inline)
    assert score_workbook(book)[0].unit == "红旗镇人民政府"


def input_cells(path: Path) -> dict:
    """Every cell of every input sheet, except the 评分参数 默认值 column (an output)."""
    wb = openpyxl.load_workbook(path)
    out = {}
    for ws in wb.worksheets:
        if ws.title in ("使用说明", "打分表", "计算明细", "校验结果", "项目自评"):
            continue
        skip = set()
        if "Parameters" in ws.tables:
            c1, r1, c2, r2 = range_boundaries(ws.tables["Parameters"].ref)
            col = c1 + [ws.cell(r1, c).value for c in range(c1, c2 + 1)].index("默认值")
            skip = {(r, col) for r in range(r1 + 1, r2 + 1)}
        out[ws.title] = {(c.row, c.column): c.value for row in ws.iter_rows() for c in row
                         if (c.row, c.column) not in skip}
    return out


def test_recalc_never_changes_input_cells(book):
    edits(book, ("MonthlySpending", 0, "6月", datetime(2023, 6, 30)), ("Parameters", 0, "本县取值", "ebian-2023-100"),
          ("Parameters", 2, "本县取值", 7))
    before = input_cells(book)
    recalc(book)
    assert input_cells(book) == before
    ws = openpyxl.load_workbook(book)["评分参数"]
    defaults = {ws.cell(r, 1).value: ws.cell(r, 2).value for r in range(4, ws.max_row + 1)}
    assert defaults["自评公开分值"] == 5        # the embedded rubric's default (ebian-2023), written by recalc
    assert defaults["评分标准"] == "ebian-2023"


# ------------------------------------------------------------------ parity as a property

from datetime import time  # noqa: E402
import tempfile  # noqa: E402

from hypothesis import HealthCheck, example, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

TARGETS = [("Finance", 0, "金额（万元）"), ("Finance", 7, "金额（万元）"), ("Info", 1, "内容"), ("Info", 4, "内容"),
           ("PublicExpense", 1, "决算数（万元）"), ("Projects", 0, "预算数（万元）"), ("Projects", 2, "实际支出（万元）"),
           ("Projects", 1, "纳入绩效目标管理"), ("Projects", 0, "项目名称"), ("MonthlySpending", 0, "6月"),
           ("MonthlySpending", 1, "9月"), ("Indicators", 0, "目标值"), ("Indicators", 1, "实际完成值"),
           ("Qualitative", 0, "填报"), ("Qualitative", 5, "填报"), ("Parameters", 2, "本县取值")]
EXTRA_TARGETS = [("Info", 0, "内容"), ("Projects", 0, "实际支出（万元）"), ("Indicators", 0, "实际完成值")]

cell_values = st.one_of(
    st.none(),
    st.tuples(st.floats(-1e6, 1e6, allow_nan=False).map(lambda x: round(x, 4)), st.sampled_from(
        [None, "0%", "0.00%", '"¥"#,##0.00', "#,##0.00####", "@"])),
    # a number under a date format: Excel's date range (outside it Excel shows #####)
    st.tuples(st.floats(0, 2958465, allow_nan=False).map(lambda x: round(x, 4)),
              st.sampled_from(["yyyy-mm-dd", 'yyyy"年"m"月"d"日"', "h:mm", "[$-804]yyyy/m/d"])),
    st.integers(-5, 3000),
    st.sampled_from(["是", "否", "96%", "≥95%", "１２", "1,200", "abc", "-x", "  ", "#DIV/0!", "#N/A", "#REF!"]),
    st.booleans(),
    st.datetimes(datetime(1990, 1, 1), datetime(2030, 12, 31)).map(lambda d: d.replace(microsecond=0)),
    st.times().map(lambda t: time(t.hour, t.minute)),
)


@settings(max_examples=int(os.environ.get("PERFEVAL_PARITY_EXAMPLES", "8")), deadline=None,
          suppress_health_check=list(HealthCheck))
@given(edits=st.lists(st.tuples(st.sampled_from(TARGETS), cell_values), min_size=1, max_size=4))
@example(edits=[(("Indicators", 0, "目标值"), time(0, 3))])           # found by hypothesis: a time as a target
@example(edits=[(("Finance", 0, "金额（万元）"), (-0.0, "0%"))])        # found by hypothesis: negative zero
@example(edits=[(("Finance", 0, "金额（万元）"), datetime(2000, 1, 1, 1, 0))])  # found: 01:00 shown as 00:59
@example(edits=[(("Finance", 0, "金额（万元）"), (0.0, "yyyy-mm-dd")), (("Finance", 0, "金额（万元）"), (-894936.0, None))])
# found: a serial outside the date range under a date format (the fake had taken openpyxl's #VALUE! for Excel's)
def test_file_and_live_adapters_agree_on_any_cells(edits):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "b.xlsm"
        shutil.copy(SAMPLE, path)
        wb = openpyxl.load_workbook(path, keep_vba=True)
        for (table, row, header), value in edits:
            ws = next(ws for ws in wb.worksheets if table in ws.tables)
            cell = cell_of(ws, table, row, header)
            if isinstance(value, tuple):
                value, fmt = value
                if fmt:
                    cell.number_format = fmt
            cell.value = value
        wb.save(path)
        both(path)


def test_a_table_with_its_header_row_switched_off_is_refused_alike_in_both_paths(book):
    """表设计 → 标题行 off: the button read its first data row as headers (82 instead of 97); now both
    adapters refuse it with the same Chinese message and write nothing."""
    from perfeval.errors import PerfevalError
    wb = openpyxl.load_workbook(book, keep_vba=True)
    ws = next(ws for ws in wb.worksheets if "Projects" in ws.tables)
    table = ws.tables["Projects"]
    c1, r1, c2, r2 = range_boundaries(table.ref)
    ws.delete_rows(r1)                                   # the header cells go, the body moves up …
    table.ref = f"{ws.cell(r1, c1).coordinate}:{ws.cell(r2 - 1, c2).coordinate}"
    table.headerRowCount = 0                             # … and the table has no header row
    table.autoFilter = None
    wb.save(book)
    before = book.read_bytes()
    messages = []
    for attempt in (lambda: score_workbook(book), lambda: adapter.score_book(FakeBook.from_file(book))):
        with pytest.raises(PerfevalError) as caught:
            attempt()
        messages.append(str(caught.value))
    assert messages[0] == messages[1] and "关闭了标题行" in messages[0] and "Projects" in messages[0]
    assert book.read_bytes() == before

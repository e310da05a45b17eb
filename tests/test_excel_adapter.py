"""The live-Excel adapter against a recording fake of xlwings (see fake_xlwings.py: no Excel here)."""
from datetime import datetime
from decimal import Decimal

import openpyxl
import pytest

from fake_xlwings import FakeBook
from perfeval.excel import adapter as excel
from perfeval import layout as L
from perfeval import sheets as S
from perfeval.scoring.inputs import raw_table
from perfeval.samples import hongqi
from perfeval.xlsx.workbook import fill_workbook, new_template, recalc

NOW = datetime(2026, 11, 22, 9, 30)


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    return new_template(tmp_path_factory.mktemp("x") / "t.xlsm")


def filled(template, tmp_path, tables, name="b.xlsm"):
    out = tmp_path / name
    fill_workbook(template, tables, out=out)
    return out


def sheet_values(path, sheet):
    ws = openpyxl.load_workbook(path)[sheet]
    return {(c.row, c.column): c.value for row in ws.iter_rows() for c in row if c.value is not None}


def test_same_outputs_as_headless_on_hongqi(template, tmp_path):
    book_path = filled(template, tmp_path, hongqi())
    fake = FakeBook.from_file(book_path)
    live = excel.run(fake, now=NOW)
    headless = recalc(book_path, now=NOW)
    assert live.total == headless.total == 97
    for sheet in S.OUTPUT_SHEETS + (S.COVER_SHEET,):
        assert fake.sheets[sheet].cells == sheet_values(book_path, sheet), sheet
    table = fake.sheets[S.FINDINGS_SHEET].tables["Findings"]
    assert table.bounds == (3, 1, 3 + len(headless.findings), 4)
    assert fake.app.alerts == [(excel.TITLE, "计算完成：总分97分（优），扣分2项，校验未发现错误或警告")]
    assert all(fake.sheets[s].protected for s in S.OUTPUT_SHEETS)


def test_inputs_are_not_written(template, tmp_path):
    fake = FakeBook.from_file(filled(template, tmp_path, hongqi()))
    before = {s._name: dict(s.cells) for s in fake._sheets}
    excel.run(fake, now=NOW)
    for sheet in {t.sheet for t in L.INPUT_TABLES}:
        assert fake.sheets[sheet].cells == before[sheet]


def _with_rows(n):
    t = hongqi()
    t["Indicators"] = raw_table(L.INDICATORS, [
        {"指标对象": "部门整体", "二级指标": "数量指标", "三级指标": f"指标{i}", "指标方向": "≥", "目标值": "10",
         "实际完成值": "11"} for i in range(n)])
    t["Projects"] = raw_table(L.PROJECTS, [
        {"项目名称": f"项目{i}", "预算数（万元）": Decimal(10), "实际支出（万元）": Decimal(10), "纳入绩效目标管理": "是"}
        for i in range(n)])
    return t


def test_excel_calls_do_not_grow_with_rows(template, tmp_path):
    small = FakeBook.from_file(filled(template, tmp_path, _with_rows(10), "s.xlsm"))
    large = FakeBook.from_file(filled(template, tmp_path, _with_rows(2_000), "l.xlsm"))       # 200× the rows
    excel.run(small, now=NOW)
    excel.run(large, now=NOW)
    # 174 before typed reads (63 of them sheet.name); 200 with 三公经费, 其他数据, 上年问题整改, 评分标准 and the
    # embedded rubric; 203 with the one read that checks the 打分表's shape before writing; 213 with each
    # list table read together with the rows under it (one range per table instead of the table's own); 222 with
    # 项目目标 (the per-project 自评表's inputs); 236 with 项目自评 (its sheet and block); 380 with 计算明细's print
    # layout (its print area; its palette read once and copied onto each rectangle of a role, two calls a
    # rectangle, however many rows a rectangle has; its rows fitted and its manual page breaks reset)
    assert len(small.calls) == len(large.calls) <= 390
    assert small.calls == large.calls
    assert small.calls.count("range.value.get") == len(L.INPUT_TABLES) + 2       # + the palette


def test_text_that_looks_like_a_formula_stays_text(template, tmp_path):
    t = hongqi()
    t["Violations"] = raw_table(L.VIOLATIONS, [{"来源": "审计监督", "问题描述": "=1+1", "整改情况": "-已整改"}])
    fake = FakeBook.from_file(filled(template, tmp_path, t))
    excel.run(fake, now=NOW)
    assert excel.excel_value("=1+1") == "'=1+1" and excel.excel_value("@x") == "'@x"
    reasons = [v for v in fake.sheets[S.SCORE_SHEET].cells.values() if isinstance(v, str) and "=1+1" in v]
    assert reasons and not any(v.startswith("=") for v in reasons)


def test_not_a_perfeval_workbook_gets_a_message(tmp_path):
    path = tmp_path / "other.xlsx"
    openpyxl.Workbook().save(path)
    fake = FakeBook.from_file(path)
    assert excel.run(fake) is None
    assert "不是 perfeval 工作簿" in fake.app.alerts[0][1]


def test_python_errors_become_a_message_and_sheets_stay_protected(template, tmp_path, monkeypatch):
    fake = FakeBook.from_file(filled(template, tmp_path, hongqi()))
    for s in S.OUTPUT_SHEETS:
        fake.sheets[s].protected = True
    monkeypatch.setattr(excel.R, "all_blocks", lambda *a: 1 / 0)
    assert excel.run(fake) is None
    assert fake.app.alerts[-1][1].startswith("计算失败：ZeroDivisionError")
    assert all(fake.sheets[s].protected for s in S.OUTPUT_SHEETS)


def test_dates_read_like_the_file_reader():
    assert excel._cell(datetime(2024, 3, 15), None).text() == "2024-03-15"


def test_main_uses_the_caller(monkeypatch, template, tmp_path):
    xlwings = pytest.importorskip("xlwings", reason="xlwings installs on Python 3.11+ only")
    fake = FakeBook.from_file(filled(template, tmp_path, hongqi()))
    monkeypatch.setattr(xlwings.Book, "caller", classmethod(lambda cls: fake))
    excel.main()
    assert fake.app.alerts and fake.app.alerts[0][1].startswith("计算完成：总分97分")


def test_the_fake_only_offers_what_xlwings_has():
    """Every attribute of the fake (hence every one the adapter can use) exists on the real
    xlwings class it stands for, so a typo in the adapter cannot pass against the fake alone."""
    xlwings = pytest.importorskip("xlwings", reason="xlwings installs on Python 3.11+ only")
    import fake_xlwings as fake
    pairs = {fake.FakeBook: xlwings.Book, fake.FakeSheet: xlwings.Sheet, fake.FakeRange: xlwings.Range,
             fake.FakeTable: xlwings.main.Table, fake.FakeApp: xlwings.App}
    for ours, theirs in pairs.items():
        public = {n for n in vars(ours) if not n.startswith("_") and n not in ("from_file", "record")}
        instance_attrs = {"api"} if ours is fake.FakeSheet else set()
        missing = {n for n in public | instance_attrs if not hasattr(theirs, n)}
        assert not missing, (ours.__name__, missing)
    assert hasattr(xlwings.Book, "caller") and hasattr(xlwings.Range, "options")


def test_only_protected_sheets_are_unprotected_and_reprotected(template, tmp_path):
    fake = FakeBook.from_file(filled(template, tmp_path, hongqi()))
    assert all(fake.sheets[s].protected for s in S.OUTPUT_SHEETS)        # as the template saves them
    fake.sheets[S.DETAILS_SHEET].protected = False                        # a clerk unprotected one
    excel.run(fake, now=NOW)
    assert fake.calls.count("sheet.api.Unprotect") == len(S.OUTPUT_SHEETS) - 1
    assert not fake.sheets[S.DETAILS_SHEET].protected
    assert fake.sheets[S.SCORE_SHEET].protected and fake.sheets[S.FINDINGS_SHEET].protected


def test_a_password_on_an_output_sheet_is_a_chinese_message_and_nothing_is_left_unprotected(template, tmp_path):
    fake = FakeBook.from_file(filled(template, tmp_path, hongqi()))
    fake.sheets[S.FINDINGS_SHEET].password = "secret"
    before = {s._name: dict(s.cells) for s in fake._sheets}
    assert excel.run(fake, now=NOW) is None
    title, message = fake.app.alerts[-1]
    assert "设置了密码保护" in message and "撤销工作表保护" in message and S.FINDINGS_SHEET in message
    assert all(fake.sheets[s].protected for s in S.OUTPUT_SHEETS)       # the ones opened were re-protected
    assert {s._name: dict(s.cells) for s in fake._sheets} == before       # nothing written
    assert fake.prompts == []                      # Excel was never made to ask the clerk for the password


def test_in_manual_calculation_the_button_calculates_before_reading(template, tmp_path):
    """A formula cell whose result Excel has not recomputed (manual calculation) is read after calculate()."""
    book = filled(template, tmp_path, hongqi())
    fake = FakeBook.from_file(book)
    automatic = excel.run(fake, now=NOW)
    assert "app.calculate" not in fake.calls
    fake = FakeBook.from_file(book)
    fake.app._calculation = "manual"
    sheet = fake.sheets["基本信息"]
    cell = next(k for k, v in sheet.cells.items() if v == "红旗镇人民政府")
    fake.stale[("基本信息", *cell)] = "红旗镇人民政府（手动计算后）"      # what a recomputed formula would give
    manual = excel.run(fake, now=NOW)
    assert fake.calls.count("app.calculate") == 1 and manual.unit == "红旗镇人民政府（手动计算后）"
    assert manual.total == automatic.total


def test_screen_updating_and_calculation_are_restored_even_on_failure(template, tmp_path, monkeypatch):
    fake = FakeBook.from_file(filled(template, tmp_path, hongqi()))
    fake.app._calculation = "semiautomatic"
    excel.run(fake, now=NOW)
    assert fake.app.history == [("screen_updating", False), ("calculation", "manual"),
                                ("calculation", "semiautomatic"), ("screen_updating", True)]
    fake.app.history.clear()
    monkeypatch.setattr(excel, "_matrix", lambda block: 1 / 0)
    assert excel.run(fake, now=NOW) is None
    assert fake.app.history[-2:] == [("calculation", "semiautomatic"), ("screen_updating", True)]
    assert fake.app.alerts[-1][1].startswith("计算失败：ZeroDivisionError")
    assert all(fake.sheets[s].protected for s in S.OUTPUT_SHEETS)

"""What the file adapter reads and overwrites, as Excel would: strings with Excel's _xHHHH_ escapes,
the 1904 date system, a save by another program while recalc runs (never overwritten), LibreOffice's
lock file, a FIFO given as the workbook."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
import xlsxwriter
from click.testing import CliRunner

from perfeval.cli import main
from perfeval.errors import WorkbookError
from perfeval.xlsx.package import Package, unescape
from perfeval.xlsx.workbook import read_inputs, recalc, score_workbook
from wbtools import write_values

SAMPLE = Path(__file__).resolve().parents[1] / "workbook_templates" / "红旗镇2023自评.xlsm"


@pytest.fixture
def book(tmp_path) -> Path:
    path = tmp_path / "红旗镇.xlsm"
    shutil.copy(SAMPLE, path)
    return path


def test_excel_string_escapes_are_decoded():
    assert unescape("a_x000D_") == "a\r" and unescape("_x0009_b") == "\tb"
    assert unescape("_x005F_x000D_") == "_x000D_"           # an escaped underscore keeps the text literal
    assert unescape("x000D_ and _x12_") == "x000D_ and _x12_"
    assert unescape("_xD83D__xDE00_") == "😀" and unescape("a_xD83D_b") == "a\ufffdb"   # UTF-16 halves: paired or replaced


def test_an_indicator_object_pasted_with_a_carriage_return_still_matches_its_project(book):
    before, _ = score_workbook(book)
    rows = read_inputs(book).tables["Indicators"].rows
    name = rows[0][0]
    write_values(book, "绩效指标", {(3, 0): f"{name}_x000D_"})          # as Excel stores a pasted CR
    write_values(book, "基本信息", {(3, 1): "红旗镇人民政府_x000D_"})
    assert read_inputs(book).tables["Indicators"].rows[0][0] == name + "\r"
    after, _ = score_workbook(book)
    assert after.total == before.total and len(after.projects) == len(before.projects) == 5
    data = json.loads(CliRunner().invoke(main, ["score", str(book), "--json"]).output)
    assert data["unit"] == "红旗镇人民政府" and "_x000D_" not in json.dumps(data, ensure_ascii=False)


def test_the_1904_date_system_gives_the_dates_excel_shows(tmp_path):
    path = tmp_path / "mac.xlsx"
    wb = xlsxwriter.Workbook(str(path), {"date_1904": True})
    ws = wb.add_worksheet("S")
    ws.write_datetime(0, 0, date(2023, 12, 31), wb.add_format({"num_format": "yyyy-mm-dd"}))
    wb.close()
    pkg = Package.open(str(path))
    assert pkg.date1904 and pkg.cells("S")[(0, 0)].text() == "2023-12-31"


def test_a_save_by_another_program_during_recalc_is_never_overwritten(book, monkeypatch):
    import perfeval.xlsx.workbook as W
    other = SAMPLE.with_name("五渡镇2023自评.xlsm").read_bytes()
    real = W.score_tables

    def score_and_meanwhile_save(tables):
        book.write_bytes(other)                     # the clerk saves in Excel while perfeval computes
        return real(tables)
    monkeypatch.setattr(W, "score_tables", score_and_meanwhile_save)
    with pytest.raises(WorkbookError, match="在计算期间被其他程序修改"):
        recalc(book)
    assert book.read_bytes() == other and not [p for p in book.parent.iterdir() if p.name.startswith(".~perfeval")]


def test_a_file_touched_but_not_changed_meanwhile_is_recalculated(book, monkeypatch):
    import perfeval.xlsx.workbook as W
    real = W.score_tables

    def touch_and_score(tables):
        os.utime(book, (1_700_000_000, 1_700_000_000))
        return real(tables)
    monkeypatch.setattr(W, "score_tables", touch_and_score)
    assert recalc(book).total == 97


def test_a_workbook_open_in_libreoffice_is_refused_untouched(book):
    lock = book.with_name(f".~lock.{book.name}#")
    lock.write_text("user,host,,01.12.2026 10:00,file:///home/user/.config/libreoffice/4;", encoding="utf-8")
    before = book.read_bytes()
    run = CliRunner().invoke(main, ["recalc", str(book)])
    assert run.exit_code == 2 and "LibreOffice" in run.output and book.read_bytes() == before


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="POSIX FIFOs")
def test_a_fifo_given_as_the_workbook_is_refused_at_once(tmp_path):
    fifo = tmp_path / "book.xlsm"
    os.mkfifo(fifo)
    run = subprocess.run([sys.executable, "-m", "perfeval", "score", str(fifo)], capture_output=True, text=True,
                         timeout=60, env=dict(os.environ, PYTHONIOENCODING="utf-8"))
    assert run.returncode == 2 and "不是普通文件" in run.stderr

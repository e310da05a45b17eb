"""The fast sheet reader against a plain ElementTree reading of the same parts (the oracle),
on every sheet of the bundled workbooks, the Excel-made fixtures and a sample re-saved by
LibreOffice: the same typed value at the same position, cell for cell."""
from __future__ import annotations

import io
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest

from perfeval.locate import parse_ref
from perfeval.xlsx.package import _M, Package, _cell_value
from wbtools import FIXTURES, convert, needs_libreoffice

ROOT = Path(__file__).resolve().parents[1]
BOOKS = sorted((ROOT / "workbook_templates").glob("*.xlsm")) + sorted(FIXTURES.glob("*.xls*"))


def oracle(pkg: Package, sheet: str) -> dict:
    """Every cell by a simple start/end event walk: rows and cells positioned as Excel reads them."""
    shared, formats = pkg.shared_strings(), pkg.cell_formats()
    out, row_i, col_i = {}, -1, -1
    for event, el in ET.iterparse(io.BytesIO(pkg.read(pkg.sheets[sheet])), events=("start", "end")):
        if event == "start" and el.tag == f"{_M}row":
            row_i = int(el.get("r")) - 1 if el.get("r") else row_i + 1
            col_i = -1
        elif event == "end" and el.tag == f"{_M}c":
            r, c = parse_ref(el.get("r")) if el.get("r") else (row_i, col_i + 1)
            col_i = c
            out[(r, c)] = _cell_value(el, shared, formats)
    return out


def same(a: dict, b: dict) -> bool:
    return a.keys() == b.keys() and all(type(a[k]) is type(b[k]) and (a[k] == b[k] or a[k] != a[k]) for k in a)


@pytest.mark.parametrize("book", BOOKS, ids=[b.name for b in BOOKS])
def test_reader_matches_the_oracle(book):
    pkg = Package.open(str(book))
    assert pkg.sheets
    for sheet in pkg.sheets:
        assert same(pkg.cells(sheet), oracle(pkg, sheet)), sheet


@needs_libreoffice
def test_reader_matches_the_oracle_on_a_libreoffice_resave(tmp_path):
    resaved = convert(ROOT / "workbook_templates" / "红旗镇2023自评.xlsm", "xlsm:Calc MS Excel 2007 VBA XML", tmp_path)
    pkg = Package.open(str(resaved))
    for sheet in pkg.sheets:
        assert same(pkg.cells(sheet), oracle(pkg, sheet)), sheet

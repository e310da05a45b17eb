"""The sheet readers against a plain ElementTree reading of the same parts (the oracle), on every
sheet of the bundled workbooks, the Excel-made fixtures, a sample re-saved by LibreOffice, the large
openpyxl-written book of the benchmark and generated sheet XML: the scanner (``Package.cells``), the
ElementTree reader (``Package.cells_by_elements``) and the oracle give the same typed value at the
same position, cell for cell, or refuse the same part."""
from __future__ import annotations

import io
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from perfeval.errors import WorkbookError
from perfeval.locate import parse_ref
from perfeval.xlsx import scan
from perfeval.xlsx.package import _M, Package, _cell_value, _plain_utf8_without_dtd
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


def scanned(pkg: Package, sheet: str, rows=None) -> dict:
    """The scanner alone (no fallback): the cells it reads, or None where it hands the part back."""
    data = pkg.read(pkg.sheets[sheet])
    region = scan.sheet_data(data) if _plain_utf8_without_dtd(data) else None
    if region is None:
        return None
    out, shared, formats = {}, pkg.shared_strings(), pkg.cell_formats()
    from perfeval.xlsx.package import _position, _typed
    done = scan.scan(region, rows[0] if rows else -1, rows[1] if rows else -1,
                     lambda t, s, text: _typed(t, s, text, shared, formats, pkg.date1904),
                     lambda el: _cell_value(el, shared, formats, pkg.date1904), lambda ref: _position(ref, sheet),
                     lambda r, c, v: out.__setitem__((r, c), v))
    return out if done else None


@pytest.mark.parametrize("book", BOOKS, ids=[b.name for b in BOOKS])
def test_reader_matches_the_oracle(book):
    pkg = Package.open(str(book))
    assert pkg.sheets
    for sheet in pkg.sheets:
        expected = oracle(pkg, sheet)
        assert same(pkg.cells(sheet), expected), sheet
        assert same(pkg.cells_by_elements(sheet), expected), sheet


@pytest.mark.parametrize("book", sorted((ROOT / "workbook_templates").glob("*.xlsm")), ids=lambda b: b.name)
def test_the_scanner_reads_every_sheet_perfeval_writes_itself(book):
    """perfeval's own books never take the slow path: every sheet is read by the scanner, and the same."""
    pkg = Package.open(str(book))
    for sheet in pkg.sheets:
        got = scanned(pkg, sheet)
        assert got is not None, sheet
        assert same(got, oracle(pkg, sheet)), sheet


@needs_libreoffice
def test_reader_matches_the_oracle_on_a_libreoffice_resave(tmp_path):
    resaved = convert(ROOT / "workbook_templates" / "红旗镇2023自评.xlsm", "xlsm:Calc MS Excel 2007 VBA XML", tmp_path)
    pkg = Package.open(str(resaved))
    for sheet in pkg.sheets:
        assert same(pkg.cells(sheet), oracle(pkg, sheet)), sheet


def test_the_scanner_reads_an_openpyxl_written_book(tmp_path):
    """The benchmark's large book as a script writes it: inline strings of character references."""
    openpyxl = pytest.importorskip("openpyxl")
    book = tmp_path / "openpyxl.xlsm"
    wb = openpyxl.load_workbook(ROOT / "workbook_templates" / "红旗镇2023自评.xlsm", keep_vba=True)
    wb.save(book)
    pkg = Package.open(str(book))
    assert b"&#" in pkg.read(pkg.sheets["项目支出"])
    for sheet in pkg.sheets:
        got = scanned(pkg, sheet)
        assert got is not None, sheet
        assert same(got, oracle(pkg, sheet)), sheet


# ---------------------------------------------------------------- generated sheet XML

_ROOT = (f'<worksheet xmlns="{_M[1:-1]}" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
         ' xmlns:x14ac="http://schemas.microsoft.com/office/spreadsheetml/2009/9/ac">')
_text = st.sampled_from(["12", " 3.5 ", "1e3", "-0", "abc", "项目", "", "  ", "&amp;lt;", "&#20844;&#21153;", "&#x4E2D;",
                         "a&gt;b", "_x000D_x", "_x005F_x000D_", "TRUE", "1", "#N/A", "2023-05-01T00:00:00", "7&#13;8",
                         "9", "0"])
_body = st.one_of(
    st.just(None), st.just(""), st.just(" "),
    _text.map(lambda t: f"<v>{t}</v>"), _text.map(lambda t: f" <v>{t}</v>\n"), st.just("<v/>"), st.just("<v></v>"),
    _text.map(lambda t: f"<is><t>{t}</t></is>"), _text.map(lambda t: f'<is><t xml:space="preserve">{t}</t></is>'),
    _text.map(lambda t: f"<is><r><t>{t}</t></r><r><rPr><b/><vertAlign val=\"superscript\"/></rPr><t>z</t></r>"
                        f"<rPh sb=\"0\" eb=\"1\"><t>ふ</t></rPh></is>"),
    _text.map(lambda t: f"<f>SUM(A1:A2)</f><v>{t}</v>"), st.just("<f>A1</f>"), st.just('<f t="shared" si="0"/>'),
    _text.map(lambda t: f"<v><![CDATA[{t}]]></v>"), st.just("<!-- note --><v>4</v>"), st.just("<?pi x?><v>5</v>"),
    st.just("<extLst><c r=\"B1\"/></extLst><v>6</v>"), st.just("<is><t>a</t></is><v>7</v>"))
_cell = st.tuples(
    st.sampled_from(["A", "B", "C", "AA", "b", None, "XFE", "A0"]), st.integers(1, 4),
    st.sampled_from([None, "0", "1", "2", "x"]), st.sampled_from([None, "s", "n", "str", "b", "e", "inlineStr", "d", "zz", ""]),
    st.sampled_from(["", ' cm="1"', ' x14ac:dy="1"']), st.sampled_from(['"', "'"]), _body)
_row = st.tuples(st.sampled_from([None, "1", "2", "3", "4", "x", " 2"]), st.sampled_from(["", ' spans="1:3"', ' x14ac:dyDescent="0.25"']),
                 st.lists(_cell, max_size=4), st.sampled_from(["", "\n  ", "<!-- between -->"]))


def _cell_xml(cell) -> str:
    col, row, style, kind, extra, q, body = cell
    attrs = (f" r={q}{col}{row}{q}" if col else "") + (f" s={q}{style}{q}" if style else "") + \
        (f" t={q}{kind}{q}" if kind is not None else "") + extra
    return f"<c{attrs}/>" if body is None else f"<c{attrs}>{body}</c>"


def _sheet_xml(rows, crlf: bool) -> bytes:
    parts = []
    for r, extra, cells, gap in rows:
        attrs = (f' r="{r}"' if r else "") + extra
        inner = gap.join(_cell_xml(c) for c in cells)
        parts.append(f"<row{attrs}>{inner}</row>" if inner else f"<row{attrs}/>")
    xml = f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n{_ROOT}<sheetData>{"".join(parts)}</sheetData></worksheet>'
    return (xml.replace("\n", "\r\n") if crlf else xml).encode("utf-8")


def _package_with(xml: bytes) -> tuple[Package, str]:
    pkg = Package.open(str(ROOT / "workbook_templates" / "红旗镇2023自评.xlsm"))
    sheet = next(iter(pkg.sheets))
    part, read = pkg.sheets[sheet], pkg.read
    pkg.read = lambda name, *a, **k: xml if name == part else read(name, *a, **k)
    return pkg, sheet


def _outcome(read):
    try:
        return read()
    except WorkbookError as exc:
        return WorkbookError, str(exc)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_row, max_size=5), st.booleans(), st.sampled_from([None, (0, 1), (1, 2), (3, 9)]))
def test_the_readers_agree_on_generated_sheets(rows, crlf, bounds):
    """Any mix of shapes: the scanner (with its fallbacks) and the ElementTree reader read the same cells or
    refuse the part with the same message; with a sink too, and within row bounds."""
    pkg, sheet = _package_with(_sheet_xml(rows, crlf))
    expected = _outcome(lambda: pkg.cells_by_elements(sheet, bounds))
    got = _outcome(lambda: pkg.cells(sheet, bounds))
    if isinstance(expected, tuple):
        assert got == expected
        return
    assert same(got, expected)
    sunk: dict = {}
    assert _outcome(lambda: pkg.cells(sheet, bounds, sink=lambda r, c, v: sunk.__setitem__((r, c), v))) == {}
    assert same(sunk, expected)


def test_generated_shapes_take_both_paths():
    """The generator above is not vacuous: plain rows are scanned, odd ones fall back."""
    plain = [("1", "", [("A", 1, "1", "s", "", '"', "<v>0</v>"), ("B", 1, None, "inlineStr", "", '"', "<is><t>x</t></is>")], "")]
    odd = [("1", "", [("A", 1, None, None, "", '"', "<v>1</v>")] * 2, "<!-- between -->")]
    for rows, scanned_ok in ((plain, True), (odd, False)):
        pkg, sheet = _package_with(_sheet_xml(rows, False))
        assert (scanned(pkg, sheet) is not None) is scanned_ok


def test_error_literals_start_with_a_hash():
    """scoring.inputs takes plain text that does not start with "#" as typed, without the error-literal check."""
    from perfeval.scoring.cells import EXCEL_ERRORS
    assert all(e.startswith("#") for e in EXCEL_ERRORS)

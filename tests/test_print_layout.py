"""The printed layout of the workbook (A4, in Excel and in LibreOffice): no wrapped text runs into the next
row or over a header, 计算明细 prints at 8 points or more with its numbers formatted, groups stay on one
page where they fit, a group label never leaves its "）" alone on a line.

The blank template and both recalculated samples are checked cell by cell from the files (openpyxl);
the LibreOffice tests print them (docs/render_print.py renders every page to docs/print/)."""
from __future__ import annotations

import re
import zipfile
from datetime import datetime
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from perfeval import layout as L
from perfeval import printing as P
from perfeval import render as R
from perfeval import sheets as S
from perfeval.scoring.rubric import load_rubric, read_rubric, shipped_ids
from perfeval.xlsx.parts import SheetEditor
from perfeval.xlsx.workbook import new_template, recalc

from wbtools import libreoffice_job, needs_libreoffice, pdf_pages, samples

HERE = Path(__file__).parent
NOW = datetime(2024, 3, 15, 10, 0)


@pytest.fixture(scope="module")
def books(tmp_path_factory):
    """The blank template and the two samples, recalculated, as written by the current code."""
    folder = tmp_path_factory.mktemp("print")
    written = samples(folder)
    for path in written:
        recalc(path, now=NOW)
    books = {"template": new_template(folder / "模板.xlsm"), "hongqi": written[0], "wudu": written[1]}
    for rubric in FOUR_LEVEL_RUBRICS:                   # blank templates of the test rubrics with four levels
        books[rubric] = new_template(folder / f"{rubric}.xlsm", rubric=_load(rubric))
    return books


FOUR_LEVEL_RUBRICS = ("county-b-2024", "county-d-2024")     # tests/rubrics/: four indicator columns on the 打分表


def _load(rubric_id: str):
    """A shipped rubric by id, else a test rubric of tests/rubrics/."""
    return load_rubric(rubric_id) if rubric_id in shipped_ids() else read_rubric(HERE / "rubrics" / f"{rubric_id}.json")


@pytest.fixture(scope="module")
def opened(books):
    return {key: openpyxl.load_workbook(path) for key, path in books.items()}


# ------------------------------------------------------------------ reading the layout back

def column_widths(ws) -> dict[int, float]:
    """Column (1-based) → width in character units as the template set it (the file adds 5/7 of padding)."""
    out = {}
    for dim in ws.column_dimensions.values():
        if dim.width and dim.min and dim.max:
            for c in range(dim.min, dim.max + 1):
                out[c] = 0.0 if dim.hidden else (int(dim.width * 7 + 0.5) - 5) / 7     # via Excel's pixels
    return out


def width_of(ws, widths, col: int) -> float:
    return widths.get(col, 8.43)


def height_of(ws, row: int) -> float:
    h = ws.row_dimensions[row].height if row in ws.row_dimensions else None
    return h if h is not None else 15.0


def text_cells(ws):
    """Each string cell shown (not inside a merge, not in a hidden column): (cell, width, height) with
    the width and height of its merged range, if any."""
    widths = column_widths(ws)
    merged = {(m.min_row, m.min_col): m for m in ws.merged_cells.ranges}
    covered = {(r, c) for m in ws.merged_cells.ranges for r in range(m.min_row, m.max_row + 1)
               for c in range(m.min_col, m.max_col + 1)} - set(merged)
    for row in ws.iter_rows():
        for c in row:
            if not isinstance(c.value, str) or not c.value.strip() or c.value.startswith("=") \
                    or (c.row, c.column) in covered:                    # (a formula shows its result)
                continue
            if widths.get(c.column) == 0.0:
                continue
            m = merged.get((c.row, c.column))
            cols = range(m.min_col, m.max_col + 1) if m else [c.column]
            rows = range(m.min_row, m.max_row + 1) if m else [c.row]
            yield c, sum(width_of(ws, widths, k) for k in cols), sum(height_of(ws, r) for r in rows)


def visible(wb):
    return [ws for ws in wb.worksheets if ws.sheet_state == "visible"]


# ------------------------------------------------------------------ wrapped texts fit their rows

@pytest.mark.parametrize("book", ["template", "hongqi", "wudu", *FOUR_LEVEL_RUBRICS])
def test_every_wrapped_text_fits_its_row(opened, book):
    """Help rows, labels, 绩效指标 names, the cover's notes, 计算明细 and 校验结果 cells: each wrapped
    text's lines fit the height of its row (or merged rows) — nothing prints over the row below."""
    short = []
    for ws in visible(opened[book]):
        for c, width, height in text_cells(ws):
            if not c.alignment.wrap_text:
                continue
            size = c.font.sz or 11
            lines = P.cell_lines(c.value, width, size)
            if lines > 1 and height < lines * size * 1.3:
                short.append(f"{ws.title}!{c.coordinate} {lines}行 {height}pt：{c.value[:20]}")
    assert not short, short


@pytest.mark.parametrize("book", ["template", "hongqi", "wudu"])
def test_help_text_is_merged_over_its_table(opened, book):
    """The grey help row above a table spans the table's columns (a help text in one narrow cell
    wrapped there and printed over the header row)."""
    tables = [t for t in L.INPUT_TABLES if t.help and t is not L.REPORT_TEXT] + [S.FINDINGS]
    wb = opened[book]
    for table in tables:
        if table.sheet not in wb.sheetnames or wb[table.sheet].sheet_state != "visible":
            continue
        ws = wb[table.sheet]
        cell = ws.cell(2, table.origin[1] + 1)
        assert cell.value and cell.value.startswith(table.help.split("；")[0][:6]) or table is S.FINDINGS, table.name
        ranges = [m for m in ws.merged_cells.ranges if m.min_row == 2 and m.min_col == table.origin[1] + 1]
        assert ranges and ranges[0].max_col == table.origin[1] + len(table.columns), table.name


@pytest.mark.parametrize("book", ["template", "hongqi", "wudu"])
def test_the_cover_shows_every_note(opened, book):
    ws = opened[book][S.COVER_SHEET]
    texts = [c.value for c, _, _ in text_cells(ws)]
    assert any(t.endswith("结果均为普通数值。") for t in texts)
    for c, width, height in text_cells(ws):
        if c.value.endswith("结果均为普通数值。"):
            assert width >= 100 and height >= P.cell_lines(c.value, width, 10) * 13, (width, height)


# ------------------------------------------------------------------ group labels never leave "）" alone

def _rubrics():
    yield from (load_rubric(i) for i in shipped_ids())
    yield from (read_rubric(p) for p in sorted((HERE / "rubrics").glob("*.json")))


LABEL = re.compile(r"（\d+(?:\.\d+)?分）$")


def test_group_labels_break_before_their_bracket():
    """Every 打分表 group label "名称（N分）" of every shipped and test rubric fits on one line of its
    cell, or is broken before its "（" (so "）" never ends up alone on the last line)."""
    checked = 0
    for rubric in _rubrics():
        s = R.score_sheet(rubric)
        for row in R.indicator_cells(rubric):
            end = max((c for c, t in enumerate(row) if t), default=-1)
            for col, text in enumerate(row):
                if not LABEL.search(text.replace("\n", "")):
                    continue
                width = sum(s.widths[col:s.levels]) if col == end else s.widths[col]
                checked += 1
                if "\n" not in text:
                    assert P.cell_lines(text, width) == 1, (rubric.id, text)
                else:
                    head, tail = text.rsplit("\n", 1)
                    assert tail.startswith("（") and P.cell_lines(tail, width) == 1, (rubric.id, text)
                    assert P.cell_lines(head + tail, width) > 1, (rubric.id, text)   # broken only when needed
    assert checked > 20


@pytest.mark.parametrize("book", ["template", "hongqi", "wudu"])
def test_no_wrapped_label_on_any_sheet_leaves_its_bracket_alone(opened, book):
    for ws in visible(opened[book]):
        for c, width, _ in text_cells(ws):
            if c.alignment.wrap_text and LABEL.search(c.value) and "\n（" not in c.value:
                assert P.cell_lines(c.value, width, c.font.sz or 11) == 1, (ws.title, c.coordinate, c.value)


def test_label_break_unit():
    assert P.label_break("目标管理（40分）", 11) == "目标管理\n（40分）"
    assert P.label_break("目标管理（40分）", 30) == "目标管理（40分）"
    assert P.label_break("扣分项（10分）", 33) == "扣分项（10分）"          # spans three columns: one line
    assert P.label_break("（10分）", 3) == "（10分）"


# ------------------------------------------------------------------ 计算明细: 8 points or more, formatted numbers

def test_details_print_at_8_points_or_more(opened):
    """计算明细 prints landscape at a fixed scale at which its columns fit one A4 page wide in Excel and in
    LibreOffice (whose columns, without Calibri, are a third wider): every 10-point text at 8 points or more."""
    for book in ("template", "hongqi", "wudu"):
        ws = opened[book][S.DETAILS_SHEET]
        assert ws.page_setup.orientation == "landscape" and ws.page_setup.paperSize == 9
        assert not (ws.sheet_properties.pageSetUpPr and ws.sheet_properties.pageSetUpPr.fitToPage)
        scale = ws.page_setup.scale
        widths = column_widths(ws)
        printed = [width_of(ws, widths, c) for c in range(1, S.DETAILS.width + 1)]
        assert min(P.fit_scales(printed, True)) * 100 >= scale            # the columns fit at that scale
        fonts = {ws.cell(i + 1, R.PALETTE_COLUMN + 1).font.sz for i in range(len(R.PALETTE_ROLES))}
        assert min(fonts) * scale / 100 >= 8, (book, scale, fonts)
        area = ws.print_area.replace("$", "").split("!")[-1]
        assert re.fullmatch(r"A1:H\d+", area), area                        # not the hidden palette column Z


def test_the_old_details_layout_would_print_too_small():
    """The guard above is no formality: the earlier columns (portrait) fitted a page wide print at about 5 points
    in LibreOffice, 6.6 in Excel."""
    old = (26, 16, 16, 14, 14, 16, 16, 40)
    assert 10 * min(P.fit_scales(old, False)) < 6 < 8 <= 10 * min(P.fit_scales(S.DETAILS.widths, S.DETAILS.landscape))


# ------------------------------------------------------------------ 打分表: 80% or more in Excel

SCORE_SCALE_MIN = 0.80          # Excel's fitted scale of the 打分表: its 10-point text at 8 points or more


def printed_widths(ws) -> list[float]:
    """The widths of the columns a sheet's print area holds (A to its last column), as the file sets them."""
    area = ws.print_area.replace("$", "").split("!")[-1]
    last = openpyxl.utils.column_index_from_string(re.fullmatch(r"A1:([A-Z]+)\d+", area).group(1))
    widths = column_widths(ws)
    return [width_of(ws, widths, c) for c in range(1, last + 1)]


@pytest.mark.parametrize("book, rubric", [("template", "ebian-2023"), ("hongqi", "ebian-2023"), ("wudu", "ebian-2023-100"),
                                          *((r, r) for r in FOUR_LEVEL_RUBRICS)])
def test_score_sheet_prints_at_80_percent_or_more_in_excel(opened, book, rubric):
    """The 打分表 is fitted one A4 landscape page wide with every column of the official form; the widths the
    file gives its printed columns make Excel print it at 80% or more (``fit_scales``): 10-point text at
    8 points — the 峨边 form (template, both samples) and each test rubric with four indicator columns."""
    ws = opened[book][S.SCORE_SHEET]
    s = R.score_sheet(_load(rubric))
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.paperSize == 9
    assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToHeight == 0
    assert [ws.cell(s.header_rows[0] + 1, c + 1).value for c in range(s.levels + 1)] == list(s.columns[:s.levels + 1])
    widths = printed_widths(ws)
    assert len(widths) == len(s.columns) == s.levels + 14 - 3, widths       # every column, none hidden
    assert all(w > 0 for w in widths)
    excel, libreoffice = P.fit_scales(widths, landscape=True)
    assert excel >= SCORE_SCALE_MIN, (book, round(100 * excel, 1), widths)
    assert 10 * excel >= 8 and libreoffice > 0.6


def test_the_old_score_sheet_columns_printed_below_80_percent():
    """The guard above is no formality: the earlier columns (三级: 指标解释 24, 计分标准 40, 扣分原因 46, the
    marks 6 each) printed at about 72% in Excel, 68% with a 四级指标 column."""
    old = (10, 11, 12, 6, 24, 40, 6, 6, 6, 6, 8, 7, 8, 46)
    assert P.fit_scales(old, True)[0] < 0.73 and P.fit_scales(old[:3] + (12,) + old[3:], True)[0] < 0.69
    assert P.fit_scales(S.SCORE.widths, True)[0] >= SCORE_SCALE_MIN


def _detail_tables(ws):
    """The tables of 计算明细's blocks: (header texts, [(row, values)]) from row 17 down."""
    tables, current = [], None
    for r in range(S.DETAILS.blocks_first_row + 1, ws.max_row + 1):
        cells = [ws.cell(r, c) for c in range(1, S.DETAILS.width + 1)]
        if cells[0].fill.fgColor.rgb in ("FFD9E1F2",) and cells[0].font.b:      # a header row
            current = ([c.value for c in cells], [])
            tables.append(current)
        elif current is not None and any(c.value is not None for c in cells[1:]):
            current[1].append(cells)
        else:
            current = None
    return tables


@pytest.mark.parametrize("book", ["hongqi", "wudu"])
def test_details_numbers_have_two_decimals_and_rates_are_percentages(opened, book):
    ws = opened[book][S.DETAILS_SHEET]
    tables = _detail_tables(ws)
    assert len(tables) >= 10
    numbers = rates = 0
    for headers, rows in tables:
        for cells in rows:
            for header, c in zip(headers, cells):
                rate = any(w in (header or "") for w in R.RATE_WORDS)
                if isinstance(c.value, str):
                    assert not (rate and re.fullmatch(r"-?[\d.,]+%", c.value)), (c.coordinate, c.value)   # no rate as text
                    continue
                if not isinstance(c.value, (int, float)) or isinstance(c.value, bool):
                    continue
                assert c.alignment.horizontal == "right", (c.coordinate, c.alignment.horizontal)
                if rate:
                    assert c.number_format == "0.00%", (c.coordinate, header, c.number_format)
                    rates += 1
                elif c.number_format != "0":                               # a whole count (int) stays as it is
                    assert c.number_format == "#,##0.00", (c.coordinate, header, c.number_format)
                    numbers += 1
    assert numbers > 20 and rates > 5, (numbers, rates)


def test_details_cells_in_a_rate_column_are_styled_percentages():
    assert R._display(Decimal("0.16"), "累计执行进度") == R.Styled(Decimal("0.16"), "pct")
    assert R._display(Decimal("0.9753426196360369"), "得分") == R.Styled(Decimal("0.9753426196360369"), "number")
    assert R._display(3, "问题数") == R.Styled(3, "count")
    assert R._display("达到", "结论") == "达到"
    assert R.unstyled(R.Styled(Decimal("0.16"), "pct")) == "16.00%"         # an older template without the style


def test_details_titles_and_notes_never_run_past_the_printed_width():
    """A title or note runs on over the empty cells to its right: one longer than the printed columns
    is split into rows that each fit."""
    long = "扣分依据：" + "某项目预算执行率偏低，" * 12
    rows = R._text_rows(long, "note")
    assert len(rows) > 1 and "".join(r[0].value for r in rows) == long
    assert all(P.text_lines(r[0].value, sum(S.DETAILS.widths) - P.CELL_PADDING, 10) == 1 for r in rows)


# ------------------------------------------------------------------ groups kept on one page

def _pages(breaks, n):
    edges = [0] + sorted(b for b in breaks if 0 < b < n) + [n]
    return list(zip(edges, edges[1:]))


def test_page_breaks_keep_groups_whole_when_they_fit():
    G = P.Group
    heights = [10] * 10
    assert P.page_breaks(heights, [G(0, 2), G(3, 5), G(6, 8)], 65) == [6]
    assert P.page_breaks(heights, [G(0, 2), G(3, 5), G(6, 8)], 100) == []
    # a group taller than a page starts a page and breaks between its parts
    assert P.page_breaks(heights, [G(0, 1), G(2, 9, (G(2, 5), G(6, 9)))], 45) == [2, 6]
    # rows above the first group (a title) and header rows repeated on every page count
    assert P.page_breaks(heights, [G(0, 2), G(3, 5)], 65, above=30, repeat=20) == [3]


def _score_rows(ws, first: int, n: int) -> list[float]:
    return [height_of(ws, first + 1 + i) for i in range(n)]


@pytest.mark.parametrize("book, rubric", [("template", "ebian-2023"), ("hongqi", "ebian-2023"), ("wudu", "ebian-2023-100"),
                                          ("county-d-2024", "county-d-2024")])
def test_score_sheet_breaks_between_groups_and_each_page_fits(opened, book, rubric):
    """The 打分表 breaks only where a group starts, each page's rows fit an A4 page at Excel's fitted scale
    (the larger one: LibreOffice's pages then hold them too), and no group that fits on a page is split —
    a taller one only between its parts, each of which is whole when it fits."""
    ws = opened[book][S.SCORE_SHEET]
    r = _load(rubric)
    s = R.score_sheet(r)
    groups = R.score_groups(r)
    starts = {len(r.lines)} | {g.first for g in groups} | {p.first for g in groups for p in g.parts}
    breaks = [b.id - s.first_line_row for b in ws.row_breaks.brk]
    assert breaks, "this 打分表 needs two pages at Excel's scale"
    assert set(breaks) <= starts, (breaks, sorted(starts))
    heights = [height_of(ws, s.first_line_row + 1 + i) for i in range(len(r.lines) + 2)]
    capacity = P.page_capacity(s.widths, True)
    header = height_of(ws, s.header_rows[0] + 1) + height_of(ws, s.header_rows[1] + 1)
    above = height_of(ws, 1) + height_of(ws, 2)
    for n, (a, b) in enumerate(_pages(breaks, len(heights))):
        assert sum(heights[a:b]) + header + (above if n == 0 else 0) <= capacity, (a, b)
    for g in groups + [p for g in groups for p in g.parts]:
        if sum(heights[g.first:g.last + 1]) + header <= capacity:
            assert not any(g.first < b <= g.last for b in breaks), (g, breaks)


@pytest.mark.parametrize("book", ["hongqi", "wudu"])
def test_details_breaks_only_before_a_block(opened, book):
    """计算明细's manual page breaks (written by recalculation) each start a line's block (its title row),
    and each page's rows fit the page at the sheet's fixed scale."""
    ws = opened[book][S.DETAILS_SHEET]
    breaks = [b.id for b in ws.row_breaks.brk]
    assert breaks
    for b in breaks:
        title = ws.cell(b + 1, 1)
        assert title.font.b and re.match(r"\d+\. |执行进度测算", title.value or ""), (b, title.value)
    last = int(re.search(r"(\d+)$", ws.print_area).group(1))
    capacity = P.page_capacity(S.DETAILS.widths, True, ws.page_setup.scale)
    for a, b in _pages(breaks, last):
        assert sum(height_of(ws, r + 1) for r in range(a, b)) <= capacity, (a, b)


def test_a_second_recalculation_leaves_no_stale_heights_or_breaks(tmp_path):
    """The block rows' heights and the page breaks are the last calculation's: rows a longer earlier result
    had are given the default height back."""
    from perfeval.samples import hongqi
    from perfeval.xlsx.workbook import fill_workbook
    book = tmp_path / "b.xlsm"
    fill_workbook(new_template(tmp_path / "t.xlsm"), hongqi(), out=book)
    recalc(book, now=NOW)
    first = openpyxl.load_workbook(book)[S.DETAILS_SHEET]
    tall = {r for r, d in first.row_dimensions.items() if d.height and r > S.DETAILS.blocks_first_row}
    assert tall
    t = hongqi()
    t["Projects"].rows = t["Projects"].rows[:1]                  # fewer projects: shorter blocks
    t["Indicators"].rows = [row for row in t["Indicators"].rows if row[0] == "部门整体"]
    fill_workbook(book, {"Projects": t["Projects"], "Indicators": t["Indicators"]})
    recalc(book, now=NOW)
    ws = openpyxl.load_workbook(book)[S.DETAILS_SHEET]
    last = int(re.search(r"(\d+)$", ws.print_area).group(1))
    stale = [r for r, d in ws.row_dimensions.items() if d.height and r > last]
    assert not stale, stale
    assert all(b.id < last for b in ws.row_breaks.brk)


# ------------------------------------------------------------------ the sheet editor's print parts

SHEET = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
         b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
         b'<sheetData><row r="1" ht="40" customHeight="1"><c r="A1" t="inlineStr"><is><t>x</t></is></c></row>'
         b'</sheetData><pageMargins left="0.4" right="0.4" top="0.5" bottom="0.5" header="0.3" footer="0.3"/>'
         b'<pageSetup paperSize="9"/><rowBreaks count="1" manualBreakCount="1"><brk id="9" max="16383" man="1"/>'
         b'</rowBreaks><drawing r:id="rId1" xmlns:r="x"/><tableParts count="0"/></worksheet>')


def test_sheet_editor_replaces_row_breaks_where_the_schema_puts_them():
    ed = SheetEditor(SHEET, holds_inputs=False)
    ed.set_row_breaks([20, 5, 20])
    out = ed.serialize().decode()
    assert out.count("<rowBreaks") == 1 and '<brk id="5"' in out and '<brk id="20"' in out and 'id="9"' not in out
    assert out.index("</rowBreaks>") < out.index("<drawing") and out.index("<pageSetup") < out.index("<rowBreaks")
    ed.set_row_breaks([])
    assert "rowBreaks" not in ed.serialize().decode()


def test_sheet_editor_sets_and_resets_row_heights():
    ed = SheetEditor(SHEET, holds_inputs=False)
    ed.set_height(0, None)
    ed.set_height(2, 29.25)
    out = ed.serialize().decode()
    assert '<row r="1"><c' in out.replace(' spans="1:1"', "")
    assert '<row r="3" ht="29.25" customHeight="1"/>' in out


# ------------------------------------------------------------------ the button path

def test_the_button_formats_details_as_the_file_writer_does(books, tmp_path):
    """The live path clears 计算明细's blocks with their formats and copies the palette's onto each role's
    rectangles: the same number formats as the headless path, rows fitted, manual page breaks reset."""
    from fake_xlwings import FakeBook
    from perfeval.excel import adapter as excel
    from perfeval.samples import hongqi
    from perfeval.xlsx.workbook import fill_workbook
    book = tmp_path / "h.xlsm"
    fill_workbook(new_template(tmp_path / "t.xlsm"), hongqi(), out=book)
    fake = FakeBook.from_file(book)
    excel.run(fake, now=NOW)
    recalc(book, now=NOW)
    ws = openpyxl.load_workbook(book)[S.DETAILS_SHEET]
    live = fake.sheets[S.DETAILS_SHEET]
    first, compared = S.DETAILS.blocks_first_row + 1, 0
    for (r, c), value in live.cells.items():
        if r >= first and c <= S.DETAILS.width and isinstance(value, (int, float)) and not isinstance(value, bool):
            assert live.formats.get((r, c), "General") == ws.cell(r, c).number_format, (r, c)
            compared += ws.cell(r, c).number_format != "General"
    assert compared > 30
    assert live.print_area == ws.print_area.split("!")[-1]
    assert live.page_breaks_reset and live.autofit_rows       # Excel fits the rows and breaks the pages itself


def test_a_workbook_from_an_older_template_keeps_its_rates_as_text(tmp_path):
    """A 计算明细 palette without the percentage style (a template made before it): the rates are written as
    their text, as before, rather than as bare fractions."""
    import re as _re
    from perfeval.samples import hongqi
    from perfeval.xlsx.package import Package
    from perfeval.xlsx.workbook import fill_workbook
    template = new_template(tmp_path / "t.xlsm")
    part = Package.open(str(template)).sheets[S.DETAILS_SHEET]
    old = tmp_path / "old.xlsm"
    with zipfile.ZipFile(template) as src, zipfile.ZipFile(old, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == part:                                     # the palette's pct and count cells gone
                data = _re.sub(rb'<c r="Z[89]"[^>]*?(/>|>.*?</c>)', b"", data)
            dst.writestr(info, data)
    book = tmp_path / "b.xlsm"
    fill_workbook(old, hongqi(), out=book)
    recalc(book, now=NOW)
    values = [c.value for row in openpyxl.load_workbook(book)[S.DETAILS_SHEET].iter_rows() for c in row]
    assert "16.00%" in values and "40.00%" in values


# ------------------------------------------------------------------ printed by LibreOffice

@libreoffice_job("pdf")
def score_and_details(folder):
    """五渡镇's 打分表 and 计算明细 on their own (every other sheet hidden), as docs/render_print.py prints them;
    五渡镇 recalculated as in ``books``."""
    import sys
    sys.path.insert(0, str(HERE.parent / "docs"))
    from render_print import only_sheet
    wudu = samples(folder / "samples")[1]
    recalc(wudu, now=NOW)
    return [only_sheet(wudu, S.SCORE_SHEET, folder / "score.xlsm"), only_sheet(wudu, S.DETAILS_SHEET, folder / "details.xlsm")]


@pytest.fixture(scope="module")
def printed(libreoffice, tmp_path_factory):
    return dict(zip(("score", "details"), libreoffice(score_and_details, tmp_path_factory.mktemp("lo")).outputs))


@needs_libreoffice
def test_libreoffice_prints_each_group_of_the_score_sheet_on_one_page(printed, opened):
    """Each group of 五渡镇's 打分表 prints on one page when it fits one at Excel's scale; the one taller than a
    page at 81% (部门预算项目绩效管理, nine lines) is broken between its 二级指标, each printed whole."""
    pages = [text.replace("\n", "") for text in pdf_pages(printed["score"])]
    assert len(pages) == 2
    rubric = load_rubric("ebian-2023-100")
    s = R.score_sheet(rubric)
    ws = opened["wudu"][S.SCORE_SHEET]
    heights = [height_of(ws, s.first_line_row + 1 + i) for i in range(len(rubric.lines))]
    header = height_of(ws, s.header_rows[0] + 1) + height_of(ws, s.header_rows[1] + 1)
    capacity = P.page_capacity(s.widths, True) - header

    def pages_holding(group: P.Group) -> list[int]:
        names = {rubric.lines[i].name for i in range(group.first, group.last + 1)}
        return [n for n, text in enumerate(pages) if all(name in text for name in names)]

    taller = []
    for group in R.score_groups(rubric):
        if sum(heights[group.first:group.last + 1]) <= capacity:
            assert pages_holding(group), R.indicator_cells(rubric)[group.first][0]
            continue
        taller.append(R.indicator_cells(rubric)[group.first][0].split("\n")[0])
        assert not pages_holding(group) and group.parts
        for part in group.parts:
            assert pages_holding(part), R.indicator_cells(rubric)[part.first][1]
    assert taller == ["部门预算项目绩效管理"]
    assert "整改反馈" in pages[1] and "问题整改" in pages[1] and "应用反馈" in pages[1]


@needs_libreoffice
def test_libreoffice_prints_each_details_block_on_one_page(printed):
    pages = [p.replace("\n", "") for p in pdf_pages(printed["details"])]
    assert len(pages) >= 3
    rubric = load_rubric("ebian-2023-100")
    for i, spec in enumerate(rubric.lines, 1):
        on = [n for n, text in enumerate(pages) if f"{i}. {spec.label}：得分" in text]
        assert len(on) == 1, (spec.label, on)
    # a block's first and last rows on the same page: the 结余率 block's title and its summary note
    title = next(n for n, t in enumerate(pages) if "资金结余率" in t and "得分" in t)
    assert "结余率低于10%的项目" in pages[title]


# ------------------------------------------------------------------ a long form: 定性评价 keeps its groups too

def _long_rubric():
    """Four groups of three subgroups of four lines, each line scored from one 定性评价 item: 48 rows."""
    from perfeval.scoring.rubric import canonical_json, parse_rubric
    groups, lines = [], []
    for a in range(4):
        groups.append({"id": f"G{a}", "name": f"一级{a}", "points": 12})
        for b in range(3):
            groups.append({"id": f"G{a}{b}", "parent": f"G{a}", "name": f"二级{a}{b}", "points": 4})
            lines += [{"id": f"l{a}{b}{c}", "group": f"G{a}{b}", "name": f"指标{a}{b}{c}", "points": 1,
                       "rule": {"type": "manual", "item": f"i{a}{b}{c}"}} for c in range(4)]
    data = {"format": "perfeval-rubric/2", "id": "long-form", "title": "长表", "year": 2024, "total": 48,
            "groups": groups, "lines": lines,
            "items": [{"id": s["rule"]["item"], "label": f"评分项{s['name']}", "kind": "score"} for s in lines]}
    rubric, problems = parse_rubric(canonical_json(data))
    assert rubric is not None, problems
    return rubric


def test_a_long_qualitative_sheet_breaks_between_groups(tmp_path):
    rubric = _long_rubric()
    ws = openpyxl.load_workbook(new_template(tmp_path / "long.xlsm", rubric=rubric))[L.QUALITATIVE.sheet]
    first = L.QUALITATIVE.origin[0] + 1                                   # the first item's row (0-based)
    breaks = [b.id - first for b in ws.row_breaks.brk]
    groups = R.item_groups(rubric)
    assert [(g.first, g.last) for g in groups] == [(0, 11), (12, 23), (24, 35), (36, 47)]
    assert breaks and set(breaks) <= {g.first for g in groups} | {p.first for g in groups for p in g.parts}
    widths = [c.width for c in L.QUALITATIVE.columns]
    capacity = P.page_capacity(widths, True)
    heights = [height_of(ws, first + 1 + i) for i in range(48)]
    for g in groups:
        if sum(heights[g.first:g.last + 1]) + 15 <= capacity:
            assert not any(g.first < b <= g.last for b in breaks), (g, breaks)
    for a, b in _pages(breaks, 48)[1:]:
        assert sum(heights[a:b]) + 15 <= capacity

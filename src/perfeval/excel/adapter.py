"""The live-Excel adapter: what the 重新计算 button runs (through xlwings' RunPython).

Same layout declaration, same scoring and the same render blocks as the headless path;
only the I/O differs.  Round trips are constant whatever the row count: one read per
input table, one write per output block (and, on 计算明细, one format copy per
rectangle of a style role and two calls for its print layout).  Every failure becomes a Chinese message box,
never a Python traceback in front of the clerk.

This module is the click path: it imports the engine (standard library only) and
xlwings, nothing else.
"""
from __future__ import annotations

from contextlib import contextmanager
from datetime import date, datetime, time
from decimal import Decimal

from .. import layout as L
from ..errors import CannotWrite, NotPerfevalWorkbook, PerfevalError

from .. import sheets as S
from .. import render as R
from ..scoring.engine import score_tables
from ..scoring.inputs import RawTable, normalize_label
from ..locate import TableLoc, cell_of, contiguous_runs, headerless_message, is_list_table, last_row_under, typed_below
from ..cellformat import format_kind, typed_number
from ..scoring.cells import CellError, SerialDate

TITLE = "perfeval 重新计算"
FORMULA_STARTS = ("=", "+", "-", "@")


def main() -> None:
    """Entry point of the button: ``RunPython "import perfeval.excel; perfeval.excel.main()"``."""
    import xlwings as xw
    run(xw.Book.caller())


def run(book, now: datetime | None = None, *, announce: bool = True):
    """Recalculate a live workbook and tell the user the outcome in a message box (unless
    ``announce`` is False: the caller reports the outcome)."""
    try:
        result, params, tables, locs = score_book(book)
        blocks = R.all_blocks(result, params, tables, lambda loc: cell_of(locs, loc), now or datetime.now(),
                              frozenset(locs.sheets))
        write_blocks(book, blocks, locs, result.rubric)
    except PerfevalError as exc:                   # the one place the button catches the error tree
        _alert(book, str(exc))
        return None
    except Exception as exc:  # noqa: BLE001 - the clerk gets a message, not a traceback
        _alert(book, f"计算失败：{type(exc).__name__}: {exc}\n\n输入数据未被修改。请将工作簿和此信息发给技术支持。")
        return None
    if announce:
        _alert(book, R.summary(result))
    return result


def score_book(book):
    """Read and score a live workbook (no writes): result, parameters, tables, table locations.  In
    manual calculation Excel's formula results may be stale: it calculates first, as recalc reads
    what the last calculation left (the file is saved calculated)."""
    try:
        if book.app.calculation == "manual":
            book.app.calculate()
    except Exception:  # noqa: BLE001 - no application (a book opened elsewhere): read what is there
        pass
    tables, locs = read_tables(book)
    result = score_tables(tables)          # refuses an unusable embedded rubric: nothing written
    return result, result.params, tables, locs


def check_score_sheet(sheet, rubric) -> None:
    """Refuse (nothing written) a 打分表 whose rows and columns are not the rubric's: one read."""
    first, last = R.score_layout_rows(rubric)
    width = R.score_sheet(rubric).levels + 1
    values = sheet.range((first + 1, 1), (last + 1, width)).options(ndim=2).value
    problem = R.score_layout_problem(rubric, lambda r, c: values[r - first][c])
    if problem:
        raise NotPerfevalWorkbook(problem)


def _book_name(book) -> str:
    try:
        return str(book.name)
    except Exception:  # noqa: BLE001 - a name only for the message
        return "本工作簿"


def _alert(book, message: str) -> None:
    try:
        book.app.alert(message, title=TITLE)
    except Exception:  # noqa: BLE001 - no UI (e.g. Excel busy): nothing more we can do
        pass


# ------------------------------------------------------------------ reading

def _is_number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


# Excel's error values reach COM as CVErr(n) = 0x800A0000 + n; xlwings names the seven classic ones
# (err_to_str) and hands the others over as the integer (#SPILL! is -2146826243).  Numbers from cells are
# always floats, so an integer is an error code: named here as the file reader names its t="e" cells.
_COM_ERROR_BASE = -2146828288
EXCEL_ERROR_NUMBERS = {2000: "#NULL!", 2007: "#DIV/0!", 2015: "#VALUE!", 2023: "#REF!", 2029: "#NAME?", 2036: "#NUM!",
                       2042: "#N/A", 2043: "#GETTING_DATA", 2045: "#SPILL!", 2046: "#CONNECT!", 2047: "#BLOCKED!",
                       2048: "#UNKNOWN!", 2049: "#FIELD!", 2050: "#CALC!"}


def _error_name(value: int) -> str | None:
    number = value - _COM_ERROR_BASE
    return EXCEL_ERROR_NUMBERS.get(number, "#UNKNOWN!") if 2000 <= number <= 2999 else None


def _cell(value: object, kind: str | None) -> object:
    """An xlwings value plus its number-format kind → the typed value the file reader
    produces (see ``scoring.cells``): dates as Excel serials, percentages as ``Percent``,
    error codes xlwings does not name as their error text (a ``CellError``)."""
    if isinstance(value, int) and not isinstance(value, bool):
        name = _error_name(value)
        if name is not None:
            return CellError(name)
    if isinstance(value, (datetime, date, time)):
        return SerialDate.of(value)
    if _is_number(value):
        return typed_number(float(value), kind)
    return value


def _stored_currency(rng, values: list[list[object]]) -> list[list[object]]:
    """COM's Range.Value hands a number in a Currency or Accounting format over as a Currency, which
    pywin32 makes a 4-place Decimal (38.5800 for a stored 38.579951).  Where a table has such cells,
    its Value2 (the stored doubles) is read once more and those cells take the stored number, so the
    button sees what the file holds, as ``perfeval recalc`` does."""
    spots = [(i, j) for i, row in enumerate(values) for j, v in enumerate(row) if isinstance(v, Decimal)]
    if not spots:
        return values
    raw = rng.api.Value2
    raw = raw if isinstance(raw, (tuple, list)) else ((raw,),)
    for i, j in spots:
        stored = raw[i][j] if i < len(raw) and j < len(raw[i]) else None
        values[i][j] = float(stored) if _is_number(stored) else float(values[i][j])
    return values


def _format_kinds(sheet, loc: TableLoc, body: list[list[object]], skip: set[int]):
    """Number-format kinds of the body's numeric cells, read coarsely: one call per run of
    adjacent columns holding numbers (all 12 months at once), one per column only where a
    run mixes formats, and one per numeric cell only in a column that mixes formats (Excel
    answers None for a mixed range)."""
    numeric = sorted({j for row in body for j, v in enumerate(row) if _is_number(v) and j not in skip})
    (first, last), c1 = loc.body, loc.bounds[1]
    per_column: dict[int, str | None] = {}
    per_cell: dict[tuple[int, int], str | None] = {}

    def fmt(j1: int, j2: int, i1: int = 0, i2: int | None = None):
        i2 = last - first if i2 is None else i2
        return sheet.range((first + 1 + i1, c1 + 1 + j1), (first + 1 + i2, c1 + 1 + j2)).number_format

    for run in contiguous_runs(numeric):
        code = fmt(run[0], run[-1])
        if code is not None:
            per_column.update({j: format_kind(code) for j in run})
            continue
        for j in run:
            code = fmt(j, j) if len(run) > 1 else None
            if code is not None:
                per_column[j] = format_kind(code)
                continue
            for i, row in enumerate(body):
                if _is_number(row[j]):
                    per_cell[(i, j)] = format_kind(fmt(j, j, i, i))
    return lambda i, j: per_cell[(i, j)] if (i, j) in per_cell else per_column.get(j)


class TableLocs(dict):
    """Table locations by lower-case name, and the optional output sheets the workbook has (read with them)."""

    def __init__(self):
        super().__init__()
        self.sheets: set[str] = set()


def read_tables(book) -> tuple[dict[str, RawTable], dict[str, TableLoc]]:
    """Every input table as the file reader sees it: one value read per table (errors as
    text, always 2-D), its totals row dropped, and number formats read per body or column
    — a constant number of Excel calls whatever the row count."""
    wanted = {t.name.lower() for t in L.INPUT_TABLES} | {S.FINDINGS.name.lower()}
    tables: dict[str, RawTable] = {}
    locs = TableLocs()
    for sheet in book.sheets:
        sheet_name = sheet.name
        if sheet_name in S.OPTIONAL_OUTPUT_SHEETS:
            locs.sheets.add(sheet_name)
        named = [(table, table.name) for table in sheet.tables]
        found = [(table, name, rng, rng.address) for table, name in named if name.lower() in wanted
                 for rng in (table.range,)]
        bounds = {name: TableLoc(name, sheet_name, address, []).bounds for _, name, _, address in found}
        for table, name, rng, address in found:
            if name.lower() == S.FINDINGS.name.lower():
                locs[name.lower()] = TableLoc(name, sheet_name, address, [c.header for c in S.FINDINGS.columns])
                continue
            totals = 1 if table.show_totals else 0
            r1, c1, r2, c2 = bounds[name]
            limit = last_row_under(bounds[name], [b for n, b in bounds.items() if n != name])
            under = is_list_table(name) and not totals and limit > r2
            source = sheet.range((r1 + 1, c1 + 1), (limit + 1, c2 + 1)) if under else rng   # the rows under it too
            values = _stored_currency(source, source.options(ndim=2, err_to_str=True).value)
            below = values[r2 - r1 + 1:] if under else []
            values = values[:r2 - r1 + 1]
            headers = ["" if h is None else str(h) for h in values[0]]
            declared = L.TABLES_BY_NAME.get(next((t.name for t in L.INPUT_TABLES if t.name.lower() == name.lower()), ""))
            if declared and not {normalize_label(h) for h in headers} & {normalize_label(c.header) for c in declared.columns} \
                    and table.header_row_range is None:          # asked only when the first row is no header row
                raise NotPerfevalWorkbook(headerless_message(name, sheet_name))
            loc = TableLoc(name, sheet_name, address, headers, 1, totals)
            body = values[1:len(values) - totals]
            typed = below[:typed_below(below)]
            body = body + typed
            outputs = {normalize_label(c.header) for c in declared.columns if c.is_output} if declared else set()
            kind = _format_kinds(sheet, loc, body, {j for j, h in enumerate(headers) if normalize_label(h) in outputs})
            locs[name.lower()] = loc
            tables[name] = RawTable(name, headers, [[_cell(v, kind(i, j)) for j, v in enumerate(row)]
                                                    for i, row in enumerate(body)], len(typed))
    if not tables:
        raise NotPerfevalWorkbook("这不是 perfeval 工作簿：找不到任何输入表格（如 Projects、Finance）。\n"
                                  "请用 perfeval new 生成模板后填写。")
    return tables, locs


# ------------------------------------------------------------------ writing

def excel_value(value: object) -> object:
    """A render value → what to assign through xlwings.  Text that Excel would parse
    (a leading = + - @) is prefixed with an apostrophe, which Excel keeps as text."""
    if isinstance(value, R.Styled):
        value = value.value
    if isinstance(value, R.Formula):
        return "=" + value.text
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _matrix(block: R.Block) -> list[list[object]]:
    width = block.columns
    return [[excel_value(v) for v in row] + [None] * (width - len(row)) for row in block.rows]


def _unstyled(block: R.Block, roles: frozenset) -> R.Block:
    """The block with each styled value whose role the workbook's palette lacks (an older template's)
    as ``render.unstyled`` gives it (a percentage as its text)."""
    if all(v.role in roles for row in block.rows for v in row if isinstance(v, R.Styled)):
        return block
    from dataclasses import replace
    rows = [[R.unstyled(v) if isinstance(v, R.Styled) and v.role not in roles else v for v in row] for row in block.rows]
    return replace(block, rows=rows)


@contextmanager
def _quiet(app):
    """Screen updating off and calculation manual while writing; both restored afterwards,
    whatever happens (an app that refuses either is left as it is)."""
    saved = {}
    for name, value in (("screen_updating", False), ("calculation", "manual")):
        try:
            saved[name] = getattr(app, name)
            setattr(app, name, value)
        except Exception:  # noqa: BLE001 - cosmetic: never stop a recalculation for it
            saved.pop(name, None)
    try:
        yield
    finally:
        for name, value in reversed(list(saved.items())):
            try:
                setattr(app, name, value)
            except Exception:  # noqa: BLE001
                pass


@contextmanager
def _unprotected(sheets):
    """Unprotect the output sheets that are protected (only those), re-protect them after."""
    opened = []
    try:
        for sheet in sheets:
            try:
                if not sheet.api.ProtectContents:
                    continue
                sheet.api.Unprotect("")          # explicit: Excel refuses a password instead of prompting for it
            except Exception:  # noqa: BLE001 - a password: Excel refuses without one
                raise CannotWrite(f"输出工作表“{sheet.name}”设置了密码保护，无法写入结果：请在 Excel 中点击"
                                  "“审阅 → 撤销工作表保护”后再点“重新计算”。输入数据未被修改。") from None
            opened.append(sheet)
        yield
    finally:
        for sheet in opened:
            try:
                sheet.api.Protect()
            except Exception:  # noqa: BLE001 - leave it unprotected rather than fail the click
                pass


def _print_layout(sheet, area) -> None:
    """The rows a headless recalculation laid out for print (their heights, its manual page breaks) are
    given back to Excel: the rows fitted to what they now hold, the sheet's manual page breaks removed —
    two calls whatever the row count.  Cosmetic: a refusal never stops the recalculation."""
    try:
        area.api.EntireRow.AutoFit()
        sheet.api.ResetAllPageBreaks()
    except Exception:  # noqa: BLE001 - print layout only
        pass


def write_blocks(book, blocks: list[R.Block], locs: dict[str, TableLoc], rubric=None) -> None:
    """Write the blocks; with ``rubric``, first check that the 打分表 has its shape (else nothing is written)."""
    sheets, missing = {}, []
    for name in dict.fromkeys(b.sheet for b in blocks):
        try:
            sheets[name] = book.sheets[name]
        except Exception:  # noqa: BLE001 - xlwings raises a COM error (the fake: KeyError) for a missing sheet
            missing.append(name)
    if missing:
        raise NotPerfevalWorkbook(S.missing_sheets_message(missing, _book_name(book)))
    if rubric is not None:
        check_score_sheet(sheets[S.SCORE_SHEET], rubric)
    with _quiet(book.app), _unprotected([sheets[s] for s in S.OUTPUT_SHEETS if s in sheets]):
        _write(book, blocks, locs, sheets)


def _palette_roles(sheet) -> frozenset:
    """The roles the 计算明细 palette (hidden column Z, one cell per role, its name as the value) has."""
    n = len(R.PALETTE_ROLES)
    values = sheet.range((1, R.PALETTE_COLUMN + 1), (n, R.PALETTE_COLUMN + 1)).options(ndim=1).value
    return frozenset(v for v in values if v in R.PALETTE_ROLES)


def _format_areas(sheet, block: R.Block, roles: frozenset) -> None:
    """计算明细's free blocks, cleared with their formats, take the palette's: each role's cell copied onto
    the rectangles of that role (``render.role_areas``: a constant number of calls whatever the rows)."""
    for role, areas in R.role_areas(block).items():
        if role not in roles:
            continue
        source = sheet.range((R.PALETTE_ROLES.index(role) + 1, R.PALETTE_COLUMN + 1)).api
        for r1, c1, r2, c2 in areas:
            source.Copy(sheet.range((r1 + 1, c1 + 1), (r2 + 1, c2 + 1)).api)


def _write(book, blocks: list[R.Block], locs: dict[str, TableLoc], sheets) -> None:
    roles = _palette_roles(sheets[S.DETAILS_SHEET]) if S.DETAILS_SHEET in sheets else frozenset()
    for block in blocks:
        sheet = sheets[block.sheet]
        top, left, width = block.top + 1, block.left + 1, block.columns
        area = None
        if block.clear_to_end:
            last = max(sheet.used_range.last_cell.row, top + len(block.rows))
            area = sheet.range((top, left), (last, left + width - 1))
            # free 计算明细 blocks lose their old formats too (values only on this path)
            area.clear() if block.sheet == S.DETAILS_SHEET else area.clear_contents()   # 项目自评 keeps its merges
            if block.sheet == S.DETAILS_SHEET:         # … and take the palette's, values written over them
                _format_areas(sheet, block, roles)
        if block.rows:
            sheet.range((top, left)).resize(len(block.rows), width).value = _matrix(_unstyled(block, roles))
        if block.print_area:
            sheet.page_setup.print_area = block.print_area
        if area is not None and (block.heights is not None or block.breaks is not None):
            _print_layout(sheet, area)
    findings = locs.get(S.FINDINGS.name.lower())
    if findings is not None:
        block = next(b for b in blocks if b.sheet == S.FINDINGS_SHEET)
        r1, c1, _, c2 = findings.bounds
        sheet = book.sheets[findings.sheet]
        sheet.tables[findings.name].resize(sheet.range((r1 + 1, c1 + 1), (r1 + 1 + len(block.rows), c2 + 1)))

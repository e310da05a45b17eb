"""Where tables and cells are: table geometry shared by the file and live adapters.

A ``TableLoc`` is an Excel table as found in a workbook (its sheet, range and header
texts); ``cell_of`` turns an engine location (table, data row, column header) into
the sheet name and cell address the user sees.  Pure, standard library only.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from . import layout as L
from .scoring.inputs import normalize_label
from .scoring.model import Loc

_REF_RE = re.compile(r"^\$?([A-Za-z]{1,3})\$?(\d+)$")


class BadAddress(ValueError):
    pass


def parse_ref(ref: str) -> tuple[int, int]:
    """"B7" → (6, 1), 0-based (row, col)."""
    m = _REF_RE.match(ref.strip())
    if not m:
        raise BadAddress(f"无法识别的单元格地址 {ref}")
    col = 0
    for ch in m.group(1).upper():
        col = col * 26 + ord(ch) - 64
    return int(m.group(2)) - 1, col - 1


def cell_name(row: int, col: int) -> str:
    name, c = "", col + 1
    while c:
        c, rem = divmod(c - 1, 26)
        name = chr(65 + rem) + name
    return f"{name}{row + 1}"


@dataclass(eq=False)
class TableLoc:
    """Where an Excel table is: its sheet, range, headers and part."""
    name: str
    sheet: str
    ref: str
    headers: list[str]
    header_rows: int = 1
    totals_rows: int = 0
    part: str = ""          # the package part (file adapter only)

    @property
    def bounds(self) -> tuple[int, int, int, int]:
        first, _, last = self.ref.replace("$", "").partition(":")
        (r1, c1), (r2, c2) = parse_ref(first), parse_ref(last or first)
        return r1, c1, r2, c2

    @property
    def body(self) -> tuple[int, int]:
        """(first, last) 0-based rows of the data body."""
        r1, _, r2, _ = self.bounds
        return r1 + self.header_rows, r2 - self.totals_rows


BELOW_ROWS = 200        # rows read under a list table: rows typed there (outside the table) are read too


def is_list_table(name: str) -> bool:
    """An input table read row by row (项目支出, 月度支出 …), not by row label."""
    declared = L.TABLES_BY_NAME.get(name)
    return declared is not None and not declared.is_keyvalue


def last_row_under(bounds: tuple[int, int, int, int], others) -> int:
    """The last 0-based row read under a table of ``bounds``: up to ``BELOW_ROWS`` rows, stopping above
    the next table (of ``others``' bounds) that starts below it in overlapping columns."""
    _, c1, r2, c2 = bounds
    return min([o[0] - 1 for o in others if o[0] > r2 and o[1] <= c2 and o[3] >= c1] + [r2 + BELOW_ROWS])


def typed_below(rows: list[list]) -> int:
    """How many of the rows under a table were typed as its continuation: the run of rows with any
    value, from the one right below the table to the first blank row."""
    for n, row in enumerate(rows):
        if all(v is None or (isinstance(v, str) and not v.strip()) for v in row):
            return n
    return len(rows)


def contiguous_runs(indexes) -> list[list[int]]:
    """[1, 2, 3, 5] → [[1, 2, 3], [5]]: runs of adjacent column indexes (in the order given)."""
    runs: list[list[int]] = []
    for j in indexes:
        if runs and runs[-1][-1] == j - 1:
            runs[-1].append(j)
        else:
            runs.append([j])
    return runs


def cell_of(tables: dict[str, TableLoc], loc: Loc) -> tuple[str, str] | None:
    """Engine location → (sheet name as in the workbook, cell address)."""
    table = tables.get((loc.table or "").lower())
    if table is None:
        return (loc.sheet, "") if loc.sheet else None
    r1, c1, _, _ = table.bounds
    col = c1
    if loc.column:
        index = _column_index(tuple(table.headers), c1)
        col = index.get(normalize_label(loc.column), c1)
        if normalize_label(loc.column) not in index:          # an older header of the same column
            declared = L.TABLES_BY_NAME.get(loc.table or "")
            column = next((c for c in declared.columns if c.header == loc.column), None) if declared else None
            col = next((index[normalize_label(a)] for a in (column.aliases if column else ())
                        if normalize_label(a) in index), c1)
    row = r1 if loc.row is None else table.body[0] + loc.row
    return table.sheet, cell_name(row, col)


@lru_cache(maxsize=64)
def _column_index(headers: tuple, first_col: int) -> dict[str, int]:
    """A table's normalised header → its column (the first of equal headers): built once per table, not on
    each of the thousands of cells the reasons and findings point at."""
    return {normalize_label(h): first_col + i for i, h in reversed(list(enumerate(headers)))}


def headerless_message(table: str, sheet: str) -> str:
    """Both adapters refuse an input table whose header row was switched off (表设计 → 标题行): its
    columns could only be guessed."""
    return (f"工作表“{sheet}”中的表格 {table} 关闭了标题行，perfeval 无法按列名读取：请选中该表格，在“表设计”中"
            f"勾选“标题行”后重试（输入数据未被修改）")

"""A small recording fake of the part of the xlwings object model perfeval.excel uses.

It is a fake, not Excel: it stores values in dictionaries, behaves like Excel where
the adapter depends on it (2-D values with options(ndim=2), writes into merged areas
kept only in the top-left cell, a leading apostrophe keeps text as text) and records
every call the adapter makes, so tests can count Excel round trips.
"""
from __future__ import annotations

import openpyxl

from perfeval.locate import cell_name, parse_ref


class FakeBook:
    def __init__(self):
        self.calls: list[str] = []
        self._sheets: list[FakeSheet] = []
        self.app = FakeApp(self)

    @classmethod
    def from_file(cls, path) -> "FakeBook":
        book = cls()
        wb = openpyxl.load_workbook(path)
        for ws in wb.worksheets:
            sheet = FakeSheet(book, ws.title)
            for row in ws.iter_rows():
                for c in row:
                    if c.value is not None:
                        sheet.cells[(c.row, c.column)] = c.value
            sheet.merged = [tuple(m.bounds) for m in ws.merged_cells.ranges]   # (min_col, min_row, max_col, max_row)
            for name, ref in ws.tables.items():
                sheet._tables.append(FakeTable(sheet, name, ref))
            book._sheets.append(sheet)
        return book

    def record(self, what: str) -> None:
        self.calls.append(what)

    @property
    def sheets(self):
        self.record("book.sheets")
        return _Collection(self._sheets)


class _Collection(list):
    def __getitem__(self, key):
        if isinstance(key, str):
            return next(x for x in self if x.name == key)
        return list.__getitem__(self, key)


class FakeApp:
    def __init__(self, book):
        self.book, self.alerts = book, []

    def alert(self, prompt, title="", **kwargs):
        self.book.record("app.alert")
        self.alerts.append((title, prompt))


class FakeApi:
    def __init__(self, sheet):
        self.sheet = sheet

    def Unprotect(self):
        self.sheet.book.record("sheet.api.Unprotect")
        self.sheet.protected = False

    def Protect(self):
        self.sheet.book.record("sheet.api.Protect")
        self.sheet.protected = True


class FakeSheet:
    def __init__(self, book: FakeBook, name: str):
        self.book, self._name = book, name
        self.cells: dict[tuple[int, int], object] = {}   # (row, col) 1-based
        self._tables: list[FakeTable] = []
        self.merged: list[tuple[int, int, int, int]] = []
        self.protected = False
        self.api = FakeApi(self)

    @property
    def name(self):
        self.book.record("sheet.name")
        return self._name

    @property
    def tables(self):
        self.book.record("sheet.tables")
        return _Collection(self._tables)

    def range(self, first, last=None):
        self.book.record("sheet.range")
        r1, c1 = _pos(first)
        r2, c2 = _pos(last) if last is not None else (r1, c1)
        return FakeRange(self, r1, c1, r2, c2)

    @property
    def used_range(self):
        self.book.record("sheet.used_range")
        rows = [r for r, _ in self.cells] or [1]
        cols = [c for _, c in self.cells] or [1]
        return FakeRange(self, 1, 1, max(rows), max(cols))

    def _get(self, r, c):
        return self.cells.get((r, c))

    def _store(self, r, c, value):
        if self.protected:
            raise RuntimeError(f"sheet {self._name} is protected")
        for (mc1, mr1, mc2, mr2) in self.merged:
            if mr1 <= r <= mr2 and mc1 <= c <= mc2 and (r, c) != (mr1, mc1):
                return                                    # Excel keeps only the top-left value of a merge
        if isinstance(value, str) and value.startswith("'"):
            value = value[1:]
        if value is None or value == "":
            self.cells.pop((r, c), None)
        else:
            self.cells[(r, c)] = value


def _pos(ref):
    if isinstance(ref, tuple):
        return ref
    r, c = parse_ref(ref)
    return r + 1, c + 1


class FakeRange:
    def __init__(self, sheet, r1, c1, r2, c2, ndim=None):
        self.sheet, self.r1, self.c1, self.r2, self.c2, self.ndim = sheet, r1, c1, r2, c2, ndim

    def _rec(self, what):
        self.sheet.book.record(what)

    @property
    def address(self):
        self._rec("range.address")
        a = f"${cell_name(self.r1 - 1, self.c1 - 1)}".replace("$", "")
        b = cell_name(self.r2 - 1, self.c2 - 1)
        return "$" + _dollar(a) + ":$" + _dollar(b)

    def options(self, ndim=None):
        self._rec("range.options")
        return FakeRange(self.sheet, self.r1, self.c1, self.r2, self.c2, ndim)

    @property
    def value(self):
        self._rec("range.value.get")
        rows = [[self.sheet._get(r, c) for c in range(self.c1, self.c2 + 1)] for r in range(self.r1, self.r2 + 1)]
        if self.ndim == 2:
            return rows
        if len(rows) == 1 and len(rows[0]) == 1:
            return rows[0][0]
        if len(rows) == 1:
            return rows[0]
        if all(len(r) == 1 for r in rows):
            return [r[0] for r in rows]
        return rows

    @value.setter
    def value(self, data):
        self._rec("range.value.set")
        if not isinstance(data, list):
            data = [[data]]
        elif data and not isinstance(data[0], list):
            data = [data]
        for i, row in enumerate(data):
            for j, v in enumerate(row):
                self.sheet._store(self.r1 + i, self.c1 + j, v)

    def resize(self, rows, cols):
        self._rec("range.resize")
        return FakeRange(self.sheet, self.r1, self.c1, self.r1 + rows - 1, self.c1 + cols - 1)

    def clear_contents(self):
        self._rec("range.clear_contents")
        for r in range(self.r1, self.r2 + 1):
            for c in range(self.c1, self.c2 + 1):
                self.sheet._store(r, c, None)

    def clear(self):
        self._rec("range.clear")
        for r in range(self.r1, self.r2 + 1):
            for c in range(self.c1, self.c2 + 1):
                self.sheet._store(r, c, None)

    @property
    def last_cell(self):
        self._rec("range.last_cell")
        return FakeRange(self.sheet, self.r2, self.c2, self.r2, self.c2)

    @property
    def row(self):
        self._rec("range.row")
        return self.r1


def _dollar(ref: str) -> str:
    i = next(i for i, ch in enumerate(ref) if ch.isdigit())
    return ref[:i] + "$" + ref[i:]


class FakeTable:
    def __init__(self, sheet, name, ref):
        self.sheet, self._name = sheet, name
        (r1, c1), (r2, c2) = (parse_ref(x) for x in ref.split(":"))
        self.bounds = (r1 + 1, c1 + 1, r2 + 1, c2 + 1)

    @property
    def name(self):
        self.sheet.book.record("table.name")
        return self._name

    @property
    def range(self):
        self.sheet.book.record("table.range")
        return FakeRange(self.sheet, *self.bounds)

    def resize(self, rng):
        self.sheet.book.record("table.resize")
        self.bounds = (rng.r1, rng.c1, rng.r2, rng.c2)

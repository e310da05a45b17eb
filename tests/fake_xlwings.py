"""A small recording fake of the part of the xlwings object model perfeval.excel uses.

It is a fake, not Excel.  It stores, per cell, what Excel's COM ``Range.Value`` hands
xlwings on Windows (numbers as float, dates as datetime, errors as integer codes, empty
as None) and the cell's number format, and reads them back the way xlwings' own
pipeline does (written from xlwings' ``_xlwindows._clean_value_data_element`` and
``conversion.standard.AdjustDimensionsStage``; ``test_fake_xlwings.py`` checks the two
against xlwings' code):

- every number is a float, a date-formatted cell a ``datetime``;
- an error cell is None unless ``options(err_to_str=True)``, then its text (#DIV/0!);
- a single row or column comes back 1-D, a single cell as a scalar, unless ``ndim=2``;
- ``Range.number_format`` is None when the range mixes formats (Excel answers Null);
- a number in a Currency or Accounting format (a currency symbol in its code) comes back, as COM's
  Range.Value gives it, as a Currency: pywin32 makes VT_CY a ``Decimal`` of 4 places (38.5800 for a
  stored 38.579951); ``Range.api.Value2`` gives the stored double (and dates as serial numbers);
- a table's totals row (``show_totals``) is part of ``table.range``; ``data_body_range``
  is None for a table without data rows.

It also behaves like Excel where the adapter writes (merged areas keep only the top-left
value, a leading apostrophe keeps text as text, protected sheets refuse writes) and
records every call, so tests can count Excel round trips.
"""
from __future__ import annotations

from datetime import date, datetime, time
from pathlib import Path

import openpyxl

from perfeval.locate import cell_name, parse_ref

# xlwings/_xlwindows.py: cell_errors (COM error codes → text)
CELL_ERRORS = {
    -2146826281: "#DIV/0!", -2146826246: "#N/A", -2146826259: "#NAME?", -2146826288: "#NULL!",
    -2146826252: "#NUM!", -2146826265: "#REF!", -2146826273: "#VALUE!",
}
ERROR_CODES = {text: code for code, text in CELL_ERRORS.items()}
# Newer Excel errors have codes xlwings does not map (it returns the integer itself): CVErr(n) arrives as
# 0x800A0000 + n (XlCVError: xlErrSpill 2045, xlErrConnect 2046, xlErrBlocked 2047, xlErrUnknown 2048,
# xlErrField 2049, xlErrCalc 2050, xlErrGettingData 2043).
ERROR_CODES.update({"#SPILL!": -2146828288 + 2045, "#CALC!": -2146828288 + 2050, "#GETTING_DATA": -2146828288 + 2043,
                    "#FIELD!": -2146828288 + 2049, "#BLOCKED!": -2146828288 + 2047, "#CONNECT!": -2146828288 + 2046})


def com_value(value, data_type: str | None = None):
    """A Python cell value (as openpyxl reads a file) → what COM's Range.Value returns."""
    if data_type == "e" or (isinstance(value, str) and value in ERROR_CODES and data_type is None):
        return ERROR_CODES.get(str(value), ERROR_CODES["#N/A"])
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, datetime):
        return value
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day)
    if isinstance(value, time):
        return datetime(1899, 12, 30, value.hour, value.minute, value.second)
    return str(value)


CURRENCY_SYMBOLS = ("$", "¥", "￥", "€", "£", "[$")


def is_currency_format(code: str | None) -> bool:
    """Excel hands a cell over as VT_CY when its format is a Currency/Accounting one (has a symbol)."""
    return bool(code) and any(sym in code for sym in CURRENCY_SYMBOLS)


def as_currency(value):
    """COM's VT_CY (an integer count of 1/10000) as pywin32 returns it: a Decimal of 4 places."""
    from decimal import ROUND_HALF_EVEN, Decimal
    return Decimal(repr(value)).quantize(Decimal("0.0001"), rounding=ROUND_HALF_EVEN)


def clean(value, err_to_str: bool = False, empty=None):
    """xlwings' _clean_value_data_element (Windows engine) for the value types COM returns."""
    if value in ("", None):
        return empty
    if isinstance(value, datetime):
        return datetime(value.year, value.month, value.day, value.hour, value.minute, value.second,
                        value.microsecond)
    if isinstance(value, int) and not isinstance(value, bool) and value in CELL_ERRORS:
        return CELL_ERRORS[value] if err_to_str else None
    return value


def adjust(rows: list[list], ndim):
    """xlwings' AdjustDimensionsStage for ndim None and 2."""
    if ndim == 2:
        return rows
    if len(rows) == 1:
        return rows[0][0] if len(rows[0]) == 1 else rows[0]
    if len(rows[0]) == 1:
        return [r[0] for r in rows]
    return rows


class FakeBook:
    def __init__(self):
        self.calls: list[str] = []
        self._sheets: list[FakeSheet] = []
        self.app = FakeApp(self)
        self.path = None
        self.saved = False
        self.prompts: list[str] = []     # sheets whose password Excel asked the user for (Unprotect without one)
        self.stale: dict = {}            # formula results Excel would compute on calculate() (manual calculation)

    @classmethod
    def from_file(cls, path) -> "FakeBook":
        """The workbook as Excel would show it: cached formula results, number formats,
        tables with their header and totals rows.  A file already read (the same bytes) is not read again:
        a new book is made from what its first read gave."""
        import hashlib
        key = hashlib.sha256(Path(path).read_bytes()).hexdigest()
        if key not in _READ:
            if len(_READ) >= 16:
                _READ.pop(next(iter(_READ)))
            _READ[key] = cls._read(path)
        book = cls()
        book.path = path
        for name, cells, formats, merged, protected, tables in _READ[key]:
            sheet = FakeSheet(book, name)
            sheet.cells, sheet.formats, sheet.merged, sheet.protected = dict(cells), dict(formats), list(merged), protected
            sheet._tables = [FakeTable(sheet, *table) for table in tables]
            book._sheets.append(sheet)
        return book

    @classmethod
    def _read(cls, path) -> list[tuple]:
        """Each sheet's name, cells, formats, merged ranges, protection and tables, read by openpyxl."""
        book = cls()
        import openpyxl.worksheet._reader as reader
        convert = reader.from_excel

        def as_excel(value, *args, **kwargs):
            """A serial outside the date range stays its number, as Excel's Range.Value gives it (Excel shows
            #####); openpyxl would make it the error #VALUE!, which Excel never reports for such a cell."""
            try:
                return convert(value, *args, **kwargs)
            except (OverflowError, ValueError):
                return float(value)
        reader.from_excel = as_excel
        try:
            wb = openpyxl.load_workbook(path, data_only=True)
        finally:
            reader.from_excel = convert
        read = []
        for ws in wb.worksheets:
            sheet = FakeSheet(book, ws.title)
            for row in ws.iter_rows():
                for c in row:
                    if c.value is not None:
                        sheet.cells[(c.row, c.column)] = com_value(c.value, c.data_type if c.data_type == "e" else "")
                    if c.has_style and c.number_format != "General":
                        sheet.formats[(c.row, c.column)] = c.number_format
            merged = [tuple(m.bounds) for m in ws.merged_cells.ranges]          # (min_col, min_row, max_col, max_row)
            protected = bool(ws.protection.sheet)                             # as saved (output sheets are)
            tables = [(table.displayName, table.ref, table.headerRowCount if table.headerRowCount is not None else 1,
                       table.totalsRowCount or 0) for table in ws.tables.values()]
            read.append((ws.title, sheet.cells, sheet.formats, merged, protected, tables))
        return read

    def record(self, what: str) -> None:
        self.calls.append(what)

    @property
    def fullname(self):
        self.record("book.fullname")
        return str(self.path)

    def save(self, path=None):
        """Excel writes the open workbook to its file; the fake's file already holds the inputs."""
        self.record("book.save")
        self.saved = True

    @property
    def sheets(self):
        self.record("book.sheets")
        return _Collection(self._sheets)


_READ: dict[str, list[tuple]] = {}       # FakeBook.from_file: what each file (by its bytes' hash) gave


class _Collection(list):
    def __getitem__(self, key):
        if isinstance(key, str):          # one COM call in xlwings, not one per sheet
            found = [x for x in self if x._name == key]
            if not found:                 # xlwings: the COM call fails (pywintypes.com_error) for a missing sheet
                raise KeyError(key)
            return found[0]
        return list.__getitem__(self, key)


class FakeApp:
    def __init__(self, book):
        self.book, self.alerts = book, []
        self._screen_updating, self._calculation = True, "automatic"
        self.history: list[tuple[str, object]] = []

    @property
    def screen_updating(self):
        self.book.record("app.screen_updating.get")
        return self._screen_updating

    @screen_updating.setter
    def screen_updating(self, value):
        self.book.record("app.screen_updating.set")
        self.history.append(("screen_updating", value))
        self._screen_updating = value

    @property
    def calculation(self):
        self.book.record("app.calculation.get")
        return self._calculation

    @calculation.setter
    def calculation(self, value):
        self.book.record("app.calculation.set")
        self.history.append(("calculation", value))
        self._calculation = value

    def calculate(self):
        """xlwings' App.calculate(): in manual calculation, formula results are stale until it runs —
        modelled by ``book.stale`` ({(sheet, row, col): the up-to-date value}), applied here."""
        self.book.record("app.calculate")
        for (name, row, col), value in self.book.stale.items():
            self.book.sheets[name].cells[(row, col)] = value
        self.book.stale.clear()

    def alert(self, prompt, title="", **kwargs):
        self.book.record("app.alert")
        self.alerts.append((title, prompt))


class FakeApi:
    def __init__(self, sheet):
        self.sheet = sheet

    @property
    def ProtectContents(self):          # Excel's Worksheet.ProtectContents
        self.sheet.book.record("sheet.api.ProtectContents")
        return self.sheet.protected

    def Unprotect(self, password=None):
        """Excel's Worksheet.Unprotect: on a sheet with a password, no argument makes Excel *prompt* the user
        (recorded in ``book.prompts``; the clerk cancels here), a wrong one (also "") is a COM error."""
        self.sheet.book.record("sheet.api.Unprotect")
        if self.sheet.password and password is None:
            self.sheet.book.prompts.append(self.sheet._name)
            raise RuntimeError("(-2146827284, 'The password you supplied is not correct.')")   # cancelled
        if self.sheet.password and password != self.sheet.password:
            raise RuntimeError("(-2146827284, 'The password you supplied is not correct.')")   # a COM error
        self.sheet.protected = False

    def Protect(self):
        self.sheet.book.record("sheet.api.Protect")
        self.sheet.protected = True

    def ResetAllPageBreaks(self):      # Excel's Worksheet.ResetAllPageBreaks: no manual page break left
        self.sheet.book.record("sheet.api.ResetAllPageBreaks")
        if self.sheet.protected:
            raise RuntimeError("(-2146827284, 'The sheet is protected.')")
        self.sheet.page_breaks_reset = True


class FakePageSetup:
    def __init__(self, sheet):
        self.sheet = sheet

    @property
    def print_area(self):
        self.sheet.book.record("page_setup.print_area.get")
        return self.sheet.print_area

    @print_area.setter
    def print_area(self, value):
        self.sheet.book.record("page_setup.print_area.set")
        self.sheet.print_area = value


class FakeSheet:
    def __init__(self, book: FakeBook, name: str):
        self.book, self._name = book, name
        self.cells: dict[tuple[int, int], object] = {}   # (row, col) 1-based → COM value
        self.formats: dict[tuple[int, int], str] = {}    # (row, col) → number format (absent: General)
        self._tables: list[FakeTable] = []
        self.merged: list[tuple[int, int, int, int]] = []
        self.protected = False
        self.password: str | None = None
        self.api = FakeApi(self)
        self.print_area: str | None = None
        self.page_breaks_reset = False                   # ResetAllPageBreaks was called
        self.autofit_rows: list[tuple[int, int]] = []    # (first, last) row ranges given EntireRow.AutoFit

    @property
    def page_setup(self):
        """xlwings' ``Sheet.page_setup`` (a PageSetup whose ``print_area`` setter sets Excel's PageSetup.PrintArea)."""
        self.book.record("sheet.page_setup")
        return FakePageSetup(self)

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
    def __init__(self, sheet, r1, c1, r2, c2, options=None):
        self.sheet, self.r1, self.c1, self.r2, self.c2 = sheet, r1, c1, r2, c2
        self._options = options or {}

    def _rec(self, what):
        self.sheet.book.record(what)

    @property
    def address(self):
        self._rec("range.address")
        return "$" + _dollar(cell_name(self.r1 - 1, self.c1 - 1)) + ":$" + _dollar(cell_name(self.r2 - 1, self.c2 - 1))

    def options(self, **options):
        self._rec("range.options")
        unknown = set(options) - {"ndim", "err_to_str", "empty"}
        assert not unknown, f"the fake does not model options {unknown}"
        return FakeRange(self.sheet, self.r1, self.c1, self.r2, self.c2, options)

    def _com(self, r, c):
        """What COM's Range.Value holds for one cell (a Currency for a currency-formatted number)."""
        value = self.sheet._get(r, c)
        if isinstance(value, float) and is_currency_format(self.sheet.formats.get((r, c))):
            return as_currency(value)
        return value

    @property
    def value(self):
        self._rec("range.value.get")
        err, empty = self._options.get("err_to_str", False), self._options.get("empty")
        rows = [[clean(self._com(r, c), err, empty) for c in range(self.c1, self.c2 + 1)]
                for r in range(self.r1, self.r2 + 1)]
        return adjust(rows, self._options.get("ndim"))

    @property
    def api(self):
        """The COM Range: only ``Value2`` is modelled (what the adapter reads for Currency cells)."""
        return FakeRangeApi(self)

    @value.setter
    def value(self, data):
        self._rec("range.value.set")
        if not isinstance(data, list):
            data = [[data]]
        elif data and not isinstance(data[0], list):
            data = [data]
        for i, row in enumerate(data):
            for j, v in enumerate(row):
                self.sheet._store(self.r1 + i, self.c1 + j, com_value(v) if not isinstance(v, str) else v)

    @property
    def number_format(self):
        self._rec("range.number_format")
        codes = {self.sheet.formats.get((r, c), "General")
                 for r in range(self.r1, self.r2 + 1) for c in range(self.c1, self.c2 + 1)}
        return codes.pop() if len(codes) == 1 else None

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
                self.sheet.formats.pop((r, c), None)

    @property
    def last_cell(self):
        self._rec("range.last_cell")
        return FakeRange(self.sheet, self.r2, self.c2, self.r2, self.c2)

    @property
    def row(self):
        self._rec("range.row")
        return self.r1


class FakeRangeApi:
    """COM's Range object: Value2 is the stored double for every number (Currency and dates too),
    errors as their integer codes, as a tuple of row tuples (a scalar for one cell); EntireRow.AutoFit."""

    def __init__(self, rng):
        self._rng = rng

    def Copy(self, Destination):       # Range.Copy(Destination): the source cell (value, format) fills it
        rng, dest = self._rng, Destination._rng
        rng._rec("range.api.Copy")
        value, code = rng.sheet._get(rng.r1, rng.c1), rng.sheet.formats.get((rng.r1, rng.c1))
        for r in range(dest.r1, dest.r2 + 1):
            for c in range(dest.c1, dest.c2 + 1):
                dest.sheet._store(r, c, value)
                if code is None:
                    dest.sheet.formats.pop((r, c), None)
                else:
                    dest.sheet.formats[(r, c)] = code

    @property
    def EntireRow(self):
        rng = self._rng

        class _Rows:
            @staticmethod
            def AutoFit():
                rng._rec("range.api.EntireRow.AutoFit")
                rng.sheet.autofit_rows.append((rng.r1, rng.r2))
        return _Rows()

    @property
    def Value2(self):
        rng = self._rng
        rng._rec("range.api.Value2")

        def raw(value):
            if isinstance(value, datetime):
                delta = value - datetime(1899, 12, 30)
                return delta.days + delta.seconds / 86400
            return value
        rows = tuple(tuple(raw(rng.sheet._get(r, c)) for c in range(rng.c1, rng.c2 + 1)) for r in range(rng.r1, rng.r2 + 1))
        return rows[0][0] if len(rows) == 1 and len(rows[0]) == 1 else rows


def _dollar(ref: str) -> str:
    i = next(i for i, ch in enumerate(ref) if ch.isdigit())
    return ref[:i] + "$" + ref[i:]


class FakeTable:
    def __init__(self, sheet, name, ref, header_rows=1, totals_rows=0):
        self.sheet, self._name = sheet, name
        (r1, c1), (r2, c2) = (parse_ref(x) for x in ref.split(":"))
        self.bounds = (r1 + 1, c1 + 1, r2 + 1, c2 + 1)
        self.header_rows, self.totals_rows = header_rows, totals_rows

    @property
    def name(self):
        self.sheet.book.record("table.name")
        return self._name

    @property
    def range(self):
        self.sheet.book.record("table.range")
        return FakeRange(self.sheet, *self.bounds)

    @property
    def show_totals(self):
        self.sheet.book.record("table.show_totals")
        return bool(self.totals_rows)

    @property
    def header_row_range(self):
        self.sheet.book.record("table.header_row_range")
        r1, c1, _, c2 = self.bounds
        return FakeRange(self.sheet, r1, c1, r1, c2) if self.header_rows else None

    @property
    def data_body_range(self):
        self.sheet.book.record("table.data_body_range")
        r1, c1, r2, c2 = self.bounds
        first, last = r1 + self.header_rows, r2 - self.totals_rows
        return FakeRange(self.sheet, first, c1, last, c2) if last >= first else None

    @property
    def totals_row_range(self):
        self.sheet.book.record("table.totals_row_range")
        _, c1, r2, c2 = self.bounds
        return FakeRange(self.sheet, r2, c1, r2, c2) if self.totals_rows else None

    def resize(self, rng):
        self.sheet.book.record("table.resize")
        self.bounds = (rng.r1, rng.c1, rng.r2, rng.c2)

"""What a cell held, typed the same way by both adapters.

A spreadsheet value alone does not say what the clerk typed: 2023-06-30 is stored as
45107, 96% as 0.96, and an error as a code.  Both adapters (the file reader and the
live-Excel reader) therefore hand the engine these small types, built from the cell's
value *and* its type or number format, and ``inputs`` decides what each means in its
column (an amount, a count, an indicator value, text).

- ``SerialDate``  a number shown as a date or time (date/time number format);
- ``Percent``     a number shown as a percentage (its stored value, e.g. 0.96 for 96%);
- ``CellError``   an Excel error value (#DIV/0!, #N/A, …);
- ``Uncalculated`` a formula whose result was never computed (file saved by a tool that
  does not calculate);
- ``Unreadable``  a cell the file itself gets wrong (e.g. a shared-string index out of range).

Which number formats make a date or a percentage is the adapters' business (``perfeval.cellformat``).

Plain ``float``/``str``/``bool``/``None`` are what they look like.  Standard library only.
"""
from __future__ import annotations

from datetime import date, datetime, time, timedelta

_EPOCH = datetime(1899, 12, 30)
_EPOCH_EARLY = datetime(1899, 12, 31)
_MARCH_1900 = datetime(1900, 3, 1)

EXCEL_ERRORS = ("#REF!", "#VALUE!", "#DIV/0!", "#N/A", "#NAME?", "#NUM!", "#NULL!", "#SPILL!", "#CALC!",
                "#GETTING_DATA", "#FIELD!", "#BLOCKED!", "#CONNECT!", "#UNKNOWN!", "#BUSY!", "#PYTHON!")


class SerialDate(float):
    """A number shown by Excel as a date or time (its cell has a date/time format)."""

    def text(self) -> str:
        if not 0 <= float(self) < 2958466:             # Excel shows ##### (before 1900 or after 9999)
            return f"{float(self):g}（超出日期范围）"
        try:      # to the nearest second, as Excel shows it (45107.041666666664 is 01:00, not 00:59)
            moment = _epoch(float(self)) + timedelta(seconds=round(float(self) * 86400))
        except (OverflowError, ValueError):
            return repr(float(self))
        if 0 <= float(self) < 1:
            return moment.strftime("%H:%M")
        return moment.strftime("%Y-%m-%d") if float(self).is_integer() else moment.strftime("%Y-%m-%d %H:%M")

    @classmethod
    def of(cls, value: date | datetime | time) -> "SerialDate":
        """A Python date/datetime/time (as xlwings returns them) → its Excel serial number."""
        if isinstance(value, time):
            return cls((value.hour * 3600 + value.minute * 60 + value.second) / 86400)
        if not isinstance(value, datetime):
            value = datetime(value.year, value.month, value.day)
        value = value.replace(tzinfo=None)
        early = _EPOCH_EARLY <= value < _MARCH_1900      # 1900-01-01 … 1900-02-28 (and 1899-12-31 = 0)
        delta = value - (_EPOCH_EARLY if early else _EPOCH)
        return cls(delta.days + (delta.seconds + delta.microseconds / 1e6) / 86400)


def _epoch(serial: float) -> datetime:
    """Excel's 1900 date system counts a 29 February 1900 that never was: serials from 61
    on count from 1899-12-30, the ones before from 1899-12-31 (serial 1 is 1900-01-01)."""
    return _EPOCH if serial >= 61 else _EPOCH_EARLY


class DateText(str):
    """The text of a date or time cell where text is acceptable (an indicator's 时效 target):
    shown as Excel shows it, and never read as a number ("00:03" is not 0)."""


class Percent(float):
    """A number shown as a percentage: ``Percent(0.96)`` is what the clerk typed as 96%."""

    def text(self) -> str:
        from decimal import Decimal
        shown = Decimal(repr(float(self))) * 100
        shown = shown.normalize()
        return f"{format(shown, 'f')}%"


class CellError(str):
    """An Excel error value, e.g. ``CellError("#DIV/0!")``."""


class Uncalculated(str):
    """A formula with no cached result; the text is the formula."""


class Unreadable(str):
    """A cell the file stores inconsistently; the text says what is wrong (Chinese)."""


def is_error_value(value: object) -> bool:
    """An error cell, or text that is exactly an Excel error literal (Excel would store it as one)."""
    return isinstance(value, CellError) or (isinstance(value, str) and value.strip().upper() in EXCEL_ERRORS)

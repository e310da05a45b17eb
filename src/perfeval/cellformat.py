"""Number formats, for both adapters: which format codes and built-in ids show a number as a
date/time or a percentage, and the typed cell (``scoring.cells``) a stored number becomes.

Shared adapter support, above the engine: the engine only sees the typed values.
"""
from __future__ import annotations

import re

from .scoring.cells import Percent, SerialDate

DATE = "date"
PERCENT = "percent"

# Built-in number format ids (ECMA-376 §18.8.30 and the East Asian ids Excel uses for zh-CN).
_BUILTIN_DATE_IDS = frozenset(range(14, 23)) | frozenset(range(27, 37)) | frozenset(range(45, 48)) \
    | frozenset(range(50, 59)) | frozenset((71, 72, 73, 74, 75, 76, 77, 78, 79, 80, 81))
_BUILTIN_PERCENT_IDS = frozenset((9, 10))


def _strip_literals(code: str) -> str:
    """Drop quoted text, escapes, fill/space characters and [..] sections (colours,
    conditions, locales like [$-804], [DBNum1]) — what is left are format tokens."""
    return re.sub(r'"[^"]*"|\\.|_.|\*.|\[[^\]]*\]', "", code)


def format_kind(code: str | None) -> str | None:
    """A number-format code → DATE, PERCENT or None (a plain number: general, fixed,
    currency, accounting, scientific, fraction, text).  Only the first section (positive
    numbers) decides, as Excel shows a positive value with it."""
    if not code:
        return None
    elapsed = re.search(r"\[(h+|m+|s+)\]", code.split(";")[0], re.I)
    first = _strip_literals(code.split(";")[0]).lower()
    if "general" in first:
        first = first.replace("general", "")
    if elapsed or re.search(r"[ymdhs]|上午|下午|am/pm|a/p|[年月日时分秒]", first):
        return DATE
    if "%" in first:
        return PERCENT
    return None


def builtin_format_kind(num_fmt_id: int) -> str | None:
    if num_fmt_id in _BUILTIN_DATE_IDS:
        return DATE
    if num_fmt_id in _BUILTIN_PERCENT_IDS:
        return PERCENT
    return None


def typed_number(number: float, kind: str | None) -> float:
    """A stored number with its format kind → SerialDate, Percent or the plain float
    (a negative zero is zero: Excel never keeps one)."""
    number = number + 0.0
    if kind == DATE:
        return SerialDate(number)
    if kind == PERCENT:
        return Percent(number)
    return number

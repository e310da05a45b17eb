"""Exact numbers: parsing what finance staff type, and formatting for Chinese messages.

Amounts and ratios are ``Decimal``; floats coming from a spreadsheet are converted
through their shortest repr (``49.482728`` stays ``49.482728``).  Rounding is half-up
and happens only where the rubric says (see ``round_score``).
"""
from __future__ import annotations

import re
from typing import NamedTuple
from decimal import ROUND_CEILING, ROUND_HALF_UP, Context, Decimal, InvalidOperation

from .cells import is_error_value

ZERO = Decimal(0)
CENT = Decimal("0.01")
MAX_EXPONENT = 12       # amounts beyond 10^12 万元 or below 10^-12 are typing errors, not money
_WIDE = Context(prec=200)   # formatting never fails on long ratios

# Full-width ASCII variants (FF01–FF5E) map to ASCII by a fixed offset; a few more by hand.
_FULLWIDTH = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)}
_FULLWIDTH.update({0x3000: 0x20, ord("。"): ord("."), ord("，"): ord(","), ord("％"): ord("%")})
_EXTRA_SIGNS = {ord("＞"): ord(">"), ord("＜"): ord("<"), ord("＝"): ord("="),
                ord("≧"): ord("≥"), ord("≦"): ord("≤")}


class Parsed(NamedTuple):
    """The outcome of parsing one cell: a value or an error, plus notes for 提示 findings."""
    value: object = None
    error: str | None = None
    notes: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return self.error is None


def to_halfwidth(text: str) -> str:
    return text.translate(_FULLWIDTH).translate(_EXTRA_SIGNS)


def is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and value.strip() == "")


def decimal_from(value: object) -> Decimal:
    """Exact Decimal of an int, float (by shortest repr), Decimal or plain numeric string."""
    if isinstance(value, bool):
        raise TypeError("boolean is not a number")
    if isinstance(value, Decimal):
        return value
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise ValueError("not a finite number")
        return Decimal(repr(value + 0.0))       # + 0.0: -0.0 is 0 (Excel stores no negative zero)
    return Decimal(str(value))


_NUMBER_RE = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")


def parse_number_text(text: str) -> Parsed:
    """A number typed as text: full-width digits, thousands separators, spaces, a trailing %.

    Returns the number (percent kept as typed: "95%" → 95) with notes describing each
    normalisation, or an error.  Units are not accepted here (see indicators.py).
    """
    notes = []
    raw = text.strip()
    s = to_halfwidth(raw)
    if s != raw:
        notes.append("全角字符已按半角识别")
    if "," in s:
        if re.fullmatch(r"[+-]?\d{1,3}(,\d{3})+(\.\d+)?%?", s.replace(" ", "")):
            notes.append("千位分隔符已忽略")
            s = s.replace(",", "")
        else:
            return Parsed(error=f"“{raw}”不是有效数字")
    s = s.replace(" ", "")
    if s.endswith("%"):
        s = s[:-1]
    if not _NUMBER_RE.fullmatch(s):
        return Parsed(error=f"“{raw}”不是有效数字")
    try:
        return Parsed(Decimal(s), notes=tuple(notes))
    except InvalidOperation:  # pragma: no cover - the regex admits only valid literals
        return Parsed(error=f"“{raw}”不是有效数字")


def is_excel_error(value: object) -> bool:
    return is_error_value(value)


def parse_amount(value: object, *, allow_negative: bool = False) -> Parsed:
    """Money in 万元 (or any non-negative quantity). Blank → value None."""
    if is_blank(value):
        return Parsed(None)
    if is_excel_error(value):
        return Parsed(error=f"单元格为错误值 {value}")
    if isinstance(value, bool):
        return Parsed(error=f"“{value}”不是金额")
    if isinstance(value, str):
        parsed = parse_number_text(value)
        if not parsed.ok:
            return parsed
        if value.strip().endswith(("%", "％")):
            return Parsed(error=f"“{value.strip()}”是百分数，不是金额")
        number, notes = parsed.value, parsed.notes + ("文本格式的数字已按数值识别",)
    else:
        try:
            number, notes = decimal_from(value), ()
        except (TypeError, ValueError, InvalidOperation):
            return Parsed(error=f"“{value}”不是有效数字")
    if not number.is_finite() or (number != 0 and abs(number.adjusted()) > MAX_EXPONENT):
        return Parsed(error=f"“{value}”超出合理范围")
    if number < 0 and not allow_negative:
        return Parsed(error=f"金额不能为负数（{fmt_num(number)}）")
    return Parsed(number, notes=notes)


def parse_rate(value: object) -> Parsed:
    """A rate as a fraction: 0.9927, "99.27%" (→ 0.9927); may be negative (a decline)."""
    if isinstance(value, str) and value.strip().endswith(("%", "％")):
        parsed = parse_percent(value)
        return parsed
    return parse_amount(value, allow_negative=True)


def parse_percent(text: str) -> Parsed:
    """"40%" → 0.4, within the magnitudes an amount may have (10^±12)."""
    parsed = parse_number_text(text)
    if not parsed.ok:
        return parsed
    number = parsed.value
    if not number.is_finite() or (number != 0 and abs(number.adjusted()) > MAX_EXPONENT):
        return Parsed(error=f"“{text.strip()}”超出合理范围")
    return Parsed(number / 100, notes=parsed.notes)


def parse_count(value: object) -> Parsed:
    parsed = parse_amount(value)
    if parsed.ok and parsed.value is not None and parsed.value != parsed.value.to_integral_value():
        return Parsed(error=f"“{fmt_num(parsed.value)}”应为整数")
    if parsed.ok and parsed.value is not None:
        return Parsed(int(parsed.value), notes=parsed.notes)
    return parsed


_YES = {"是", "y", "yes", "1", "true", "√", "✓", "✔", "对"}
_NO = {"否", "n", "no", "0", "false", "×", "✗", "✘", "x", "不是"}
# The written forms a clerk types for 是/否 (the sentence of the item answered in its own words)
_WRITTEN_YES = {"是的", "有", "已开展", "已建立", "已公开", "已反馈", "已整改", "已完成", "已审核"}
_WRITTEN_NO = {"无", "没有", "未开展", "未建立", "未公开", "未反馈", "未整改", "未完成", "未审核"}


def parse_yes_no(value: object, *, numbers: bool = True) -> Parsed:
    """是/否 in any accepted spelling → True/False; blank → None.

    With ``numbers=False`` the numeric spellings 1/0 are not taken as 是/否 (used where a
    number means a manual score instead).
    """
    if is_blank(value):
        return Parsed(None)
    if isinstance(value, bool):
        return Parsed(value)
    if isinstance(value, (int, float, Decimal)):
        if numbers and value in (0, 1):
            return Parsed(bool(value))
        return Parsed(error=f"“{value}”不是“是/否”")
    s = to_halfwidth(str(value)).strip().lower()
    if not numbers and s in ("1", "0"):
        return Parsed(error=f"“{value}”不是“是/否”")
    if s in _YES:
        return Parsed(True)
    if s in _NO:
        return Parsed(False)
    if s in _WRITTEN_YES or s in _WRITTEN_NO:        # what a clerk writes for 是/否: taken, with a 提示
        answer = s in _WRITTEN_YES
        return Parsed(answer, notes=(f"按“{'是' if answer else '否'}”计，请改填“{'是' if answer else '否'}”",))
    return Parsed(error=f"“{str(value).strip()}”不是“是/否”（可填：是/否、Y/N、1/0、√/×）")


def round_score(value: Decimal) -> Decimal:
    """The single rounding of a line score: half-up to 2 decimals."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP, context=_WIDE)


def ceil_cent(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_CEILING, context=_WIDE)


def fmt_num(value: Decimal | int) -> str:
    """97 not 97.00; 1.5 not 1.50; 49.482728 as is."""
    d = Decimal(value)
    if not d.is_finite():
        return str(d)
    if d == d.to_integral_value():
        return format(d.to_integral_value(), "f")
    return format(d.normalize(_WIDE), "f")


def fmt_money(value: Decimal) -> str:
    """Amounts in messages: exact, at least 2 decimals (1216.75, 49.482728, 12.30)."""
    d = Decimal(value)
    cents = d.quantize(CENT, context=_WIDE)
    return format(cents if d == cents else d.normalize(_WIDE), "f")


def fmt_cents(value: Decimal) -> str:
    """An amount on the printed form: 万元 with exactly 2 decimals, half-up (328.5225 → 328.52)."""
    return format(round_score(Decimal(value)), "f")


def fmt_pct(ratio: Decimal) -> str:
    """A computed rate: 2 decimals, half-up (52.31%)."""
    return f"{format(round_score(ratio * 100), 'f')}%"


def fmt_pct_plain(ratio: Decimal) -> str:
    """A parameter rate without trailing zeros (67.5%, 40%)."""
    return f"{fmt_num(ratio * 100)}%"

"""Performance indicators: parse targets as finance staff copy them, judge each one.

"≥8个", ">=95%", "≤100万元", "=1次", "１２", "1,200" → (direction, number, unit).
A quantity indicator (二级指标 数量指标, direction ≥ ≤ =) is achieved when the actual
value lies in the band the rubric gives; qualitative rows are listed, not counted.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import NamedTuple

from .cells import DateText
from .model import Indicator
from .numbers import decimal_from, fmt_num, fmt_pct, is_blank, is_excel_error, to_halfwidth

QUANTITY = "数量指标"
GE, LE, EQ, QUAL = "≥", "≤", "=", "定性"
_DIRECTION_WORDS = {">=": GE, "≥": GE, ">": GE, "大于等于": GE, "不低于": GE, "不少于": GE,
                    "<=": LE, "≤": LE, "<": LE, "小于等于": LE, "不高于": LE, "不超过": LE,
                    "=": EQ, "==": EQ, "等于": EQ, "定性": QUAL}
_VALUE_RE = re.compile(
    r"^(?P<dir>>=|<=|==|[≥≤=><]|大于等于|小于等于|不低于|不少于|不高于|不超过|等于)?\s*"
    r"(?P<num>[+-]?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?|[+-]?\.\d+)\s*(?P<unit>\S*)$")


class Quantity(NamedTuple):
    direction: str | None
    number: Decimal
    unit: str
    normalized: bool          # full-width or thousands separators were normalized


def parse_value(raw: object) -> Quantity | None:
    """A target or actual value; None when it is not a number (blank, text, error)."""
    if is_blank(raw) or is_excel_error(raw) or isinstance(raw, (bool, DateText)):
        return None
    if isinstance(raw, (int, float, Decimal)):
        try:
            return Quantity(None, decimal_from(raw), "", False)
        except (ValueError, ArithmeticError):
            return None
    text = str(raw).strip()
    half = to_halfwidth(text)
    m = _VALUE_RE.match(half)
    if not m:
        return None
    num_text = m.group("num")
    direction = _DIRECTION_WORDS.get(m.group("dir")) if m.group("dir") else None
    return Quantity(direction, Decimal(num_text.replace(",", "")), m.group("unit"),
                    normalized=(half != text or "," in num_text))


def normalize_direction(text: str) -> str | None:
    if is_blank(text):
        return None
    return _DIRECTION_WORDS.get(to_halfwidth(str(text)).strip())


@dataclass(eq=False)
class Judgement:
    """One indicator row after judging; ``counted`` rows enter the line's ratio."""
    indicator: Indicator
    counted: bool
    achieved: bool
    verdict: str                 # short Chinese verdict for the details sheet
    reason: str = ""             # the deduction reason when counted and not achieved
    warnings: tuple[str, ...] = ()
    invalid: str | None = None   # a counted row whose value cannot be read
    direction: str | None = None
    target: Quantity | None = None
    actual: Quantity | None = None


def describe(ind: Indicator) -> str:
    return ind.level3 or ind.level2 or "（未命名指标）"


def judge(ind: Indicator, band: Decimal, *, counted: bool | None = None, noun: str = QUANTITY) -> Judgement:
    """``counted``: the row is of the kind the line counts (by default: 二级指标 数量指标)."""
    name = describe(ind)
    if counted is None:
        counted = ind.level2.strip() == QUANTITY
    col_dir = normalize_direction(ind.direction)
    if not is_blank(ind.direction) and col_dir is None:
        return Judgement(ind, False, False, "方向无法识别，未计入",
                         warnings=(f"指标“{name}”的指标方向“{ind.direction}”无法识别（应为 ≥ ≤ = 定性），未计入",))
    if col_dir == QUAL or not counted:
        kind = "定性指标" if col_dir == QUAL else (ind.level2 or f"非{noun}")
        return Judgement(ind, False, False, f"{kind}，列示不计分", direction=col_dir)
    target, actual = parse_value(ind.target), parse_value(ind.actual)
    if target is None:
        return Judgement(ind, True, False, "目标值无法识别", invalid=f"指标“{name}”目标值“{ind.target}”不是数值")
    if actual is None:
        what = "未填写" if is_blank(ind.actual) else f"“{ind.actual}”不是数值"
        return Judgement(ind, True, False, "实际完成值无法识别", invalid=f"指标“{name}”实际完成值{what}")
    warnings = []
    direction = col_dir or target.direction
    if direction is None:
        return Judgement(ind, True, False, "方向未填写", invalid=f"指标“{name}”未填写指标方向，目标值“{ind.target}”也不带符号")
    if col_dir and target.direction and col_dir != target.direction:
        warnings.append(f"指标“{name}”指标方向为“{col_dir}”，目标值写作“{ind.target}”，按指标方向“{col_dir}”判断")
    warnings += _unit_warnings(ind, target, actual, name)
    t, a = target.number, actual.number
    unit = target.unit or actual.unit or ind.unit.strip()
    shown = f"目标{direction}{fmt_num(t)}{unit}，实际{fmt_num(a)}{actual.unit if actual.unit else unit}"
    if t == 0:
        achieved = {GE: a >= 0, LE: a <= 0, EQ: a == 0}[direction]
        verdict = "达到" if achieved else "未达到"
        reason = "" if achieved else f"指标“{name}”{shown}，未达到目标，不计分"
    elif direction in (GE, EQ):
        if a < t:
            achieved, verdict, reason = False, "未达到", f"指标“{name}”{shown}，未达到目标，不计分"
        elif a > t * (1 + band):
            achieved, verdict = False, f"超过目标{fmt_num(band * 100)}%以上"
            reason = f"指标“{name}”{shown}，较目标高{fmt_pct(abs(a - t) / abs(t))}，偏离超过{fmt_num(band * 100)}%，不计分"
        else:
            achieved, verdict, reason = True, "达到", ""
    else:
        if a > t:
            achieved, verdict, reason = False, "未达到", f"指标“{name}”{shown}，超出上限，不计分"
        elif a < t * (1 - band):
            achieved, verdict = False, f"低于目标{fmt_num(band * 100)}%以上"
            reason = f"指标“{name}”{shown}，较目标低{fmt_pct(abs(a - t) / abs(t))}，偏离超过{fmt_num(band * 100)}%，不计分"
        else:
            achieved, verdict, reason = True, "达到", ""
    return Judgement(ind, True, achieved, verdict, reason, tuple(warnings), None, direction, target, actual)


def _unit_warnings(ind: Indicator, target: Quantity, actual: Quantity, name: str) -> list[str]:
    out = []
    col_unit = to_halfwidth(ind.unit or "").strip()
    t_pct = target.unit == "%" or col_unit == "%"
    a_pct = actual.unit == "%"
    if t_pct and not a_pct and actual.number <= 1 and target.number > 1:
        out.append(f"指标“{name}”目标{fmt_num(target.number)}%，实际填{fmt_num(actual.number)}，疑似百分比口径不一致")
    elif a_pct and target.unit and target.unit != "%":
        out.append(f"指标“{name}”目标单位“{target.unit}”，实际值为百分数，疑似百分比口径不一致")
    elif target.unit and actual.unit and target.unit != actual.unit:
        out.append(f"指标“{name}”目标单位“{target.unit}”与实际单位“{actual.unit}”不一致")
    elif col_unit and col_unit != "%" and target.unit and target.unit != col_unit:
        out.append(f"指标“{name}”目标值单位“{target.unit}”与计量单位“{col_unit}”不一致")
    return out

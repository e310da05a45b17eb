"""external: a score given from outside the unit (e.g. 财政抽查得分), 0..points; blank = 待定."""
from __future__ import annotations

from decimal import Decimal

from ... import layout as L
from ..metrics import MISSING
from ..numbers import fmt_num
from ._common import check_item

NAME, LABEL = "external", "外部给分"


def score(line, rule):
    item = line.rubric.item(rule["item"])
    present = L.QUALITATIVE.name not in line.dept.missing_tables
    if present and line.dept.qualitative.get(rule["item"]) is None and item.blank is None:
        line.incomplete(f"“{item.label}”待定（由财政部门给出后填写）", line.item_loc(rule["item"]))
        return None
    value = line.applicable_value(rule["item"])
    if value is MISSING:
        return None
    if isinstance(value, bool):
        value = line.points if value else Decimal(0)
    if not isinstance(value, Decimal) or not (0 <= value <= line.points):
        line.invalid(f"{item.label}{value}分超出范围（应在0到{fmt_num(line.points)}分之间）", line.item_loc(rule["item"]))
        return None
    line.table("评分项", "给定得分", "分值").rows.append((item.label, value, line.points))
    if value < line.points:
        line.reason(f"{item.label}{fmt_num(value)}分（满分{fmt_num(line.points)}分）", line.item_loc(rule["item"]))
    return value


def readback(spec, rule, rubric) -> str:
    item = rubric.item(rule["item"])
    return f"按“{item.label if item else rule['item']}”（外部给定，0至{fmt_num(spec.points)}分）计分；未给定前为待定"


def param(path, rule, spec, rubric):
    return None


def references(rule, rubric):
    return check_item(rubric, rule["item"], "item", ("score", "number"))


def tables(rule, rubric) -> set:
    return {L.QUALITATIVE}

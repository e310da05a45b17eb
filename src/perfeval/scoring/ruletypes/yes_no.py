"""yes_no: 是 → the line's points, 否 → 0 (one 定性评价 item)."""
from __future__ import annotations

from ... import layout as L
from ..numbers import fmt_num
from ._common import check_item

NAME, LABEL = "yes_no", "是否判断"


def score(line, rule):
    return line.answer(rule["item"], line.points, manual=False)


def readback(spec, rule, rubric) -> str:
    item = rubric.item(rule["item"])
    return f"“{item.label if item else rule['item']}”为“是”得{fmt_num(spec.points)}分，为“否”不得分"


def param(path, rule, spec, rubric):
    return None


def references(rule, rubric):
    return check_item(rubric, rule["item"], "item", ("yes_no", "score"))


def tables(rule, rubric) -> set:
    return {L.QUALITATIVE}

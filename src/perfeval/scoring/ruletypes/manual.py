"""manual: the score the clerk types (0..points; 是 = full, 否 = 0); below full needs a 说明."""
from __future__ import annotations

from ... import layout as L
from ..numbers import fmt_num
from ._common import check_item

NAME, LABEL = "manual", "酌情评分"


def score(line, rule):
    return line.answer(rule["item"], line.points, manual=True)


def readback(spec, rule, rubric) -> str:
    item = rubric.item(rule["item"])
    return (f"按“{item.label if item else rule['item']}”填报的分数计分（0至{fmt_num(spec.points)}分；"
            f"填“是”得满分，填“否”不得分），酌情扣分须在说明中写明理由")


def param(path, rule, spec, rubric):
    return None


def references(rule, rubric):
    return check_item(rubric, rule["item"], "item", ("score", "number", "yes_no"))


def tables(rule, rubric) -> set:
    return {L.QUALITATIVE}

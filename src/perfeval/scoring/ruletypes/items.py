"""items: the sum of several 定性评价 items (是/否 or typed scores), with an optional gate."""
from __future__ import annotations

from ... import layout as L
from decimal import Decimal

from ..metrics import MISSING
from ..numbers import fmt_num
from ._common import check_item

NAME, LABEL = "items", "分项加总"


def _gate(rule) -> list[str]:
    gate = rule.get("gate")
    return [] if gate is None else ([gate] if isinstance(gate, str) else list(gate))


def score(line, rule):
    gate = _gate(rule)
    if gate:
        answers = [line.item_value(g) for g in gate]
        if any(a is MISSING for a in answers):
            return None
        if all(a is False for a in answers):
            labels = "、".join(line.rubric.item(g).label for g in gate)
            line.reason(f"{labels}为“否”，本项不得分", line.item_loc(gate[0]))
            return Decimal(0)
    total, applicable = Decimal(0), True
    for part in rule["items"]:
        item = line.rubric.item(part["item"])
        got = line.answer(part["item"], Decimal(part["points"]), manual=item.kind in ("score", "number"),
                          na=part.get("na"))
        if got is None:
            applicable = False
        else:
            total += got
    return total if applicable else None


def readback(spec, rule, rubric) -> str:
    parts = []
    for part in rule["items"]:
        item = rubric.item(part["item"])
        label = item.label if item else part["item"]
        manual = "（可酌情评分）" if item and item.kind in ("score", "number") else ""
        parts.append(f"{label}得{fmt_num(Decimal(part['points']))}分{manual}")
    text = "；".join(parts) + "，合计不超过" + f"{fmt_num(spec.points)}分"
    gate = _gate(rule)
    if gate:
        names = "、".join(rubric.item(g).label if rubric.item(g) else g for g in gate)
        text = f"{names}为“否”时不得分；否则" + text
    return text


def param(path, rule, spec, rubric):
    if len(path) == 3 and path[0] == "items" and path[2] == "points":
        item = rubric.item(rule["items"][int(path[1])]["item"])
        return f"{spec.label}“{item.label if item else path[1]}”分值", "points"
    return None


def references(rule, rubric):
    out = []
    for i, part in enumerate(rule["items"]):
        out += check_item(rubric, part["item"], f"items[{i}].item", ("yes_no", "score", "number"))
    for i, g in enumerate(_gate(rule)):
        out += check_item(rubric, g, "gate" if isinstance(rule.get("gate"), str) else f"gate[{i}]", ("yes_no",))
    return out


def parts_total(rule) -> Decimal:
    return sum((Decimal(p["points"]) for p in rule["items"]), Decimal(0))


def tables(rule, rubric) -> set:
    return {L.QUALITATIVE}

"""per_item: points − count × per_item, not below 0 (扣完为止); the count is a metric or an item."""
from __future__ import annotations

from decimal import Decimal

from ..metrics import MISSING, label_of, operand_tables
from ..numbers import fmt_num
from ._common import check_metric

NAME, LABEL = "per_item", "按个数扣分"


def score(line, rule):
    ref, per = rule["count"], Decimal(rule["per_item"])
    m = line.metric(ref)
    if line.stopped or m.value is MISSING:
        return None
    count = m.value
    if not count.is_finite():
        deduct = line.points if per > 0 and count > 0 else Decimal(0)
        line.reason(f"{label_of(ref, line.rubric)}为无穷大（除以0），扣{fmt_num(deduct)}分")
        line.extra["count"] = count
        return line.points - deduct
    due = per * count
    if m.members or line.detail.headers:          # a count of rows: the metric listed them
        for text, loc in m.members:
            line.reason(f"{text}，扣{fmt_num(per)}分", loc)
        if due > line.points:                     # said once, after the list: what was taken
            line.reason(f"共{fmt_num(count)}个问题，应扣{fmt_num(due)}分，本项扣完为止，扣{fmt_num(line.points)}分")
    else:
        label = label_of(ref, line.rubric)
        loc = line.item_loc(str(ref).split(":", 1)[1]) if str(ref).startswith("item:") else None
        line.table(label, "每次扣分", "最多扣分").rows.append((int(count) if count == int(count) else count, per, line.points))
        if count and due > line.points:
            line.reason(f"{label}{fmt_num(count)}，每次扣{fmt_num(per)}分，应扣{fmt_num(due)}分，本项扣完为止，"
                        f"扣{fmt_num(line.points)}分", loc)
        elif count:
            line.reason(f"{label}{fmt_num(count)}，每次扣{fmt_num(per)}分，共扣{fmt_num(due)}分", loc)
    line.extra["count"] = count
    return max(Decimal(0), line.points - due)


def readback(spec, rule, rubric) -> str:
    return (f"按{label_of(rule['count'], rubric)}计，每个扣{fmt_num(Decimal(rule['per_item']))}分，"
            f"最多扣{fmt_num(spec.points)}分（扣完为止）")


def param(path, rule, spec, rubric):
    if tuple(path) == ("per_item",):
        return f"{spec.label}每个扣分", "points"
    return None


def references(rule, rubric):
    return check_metric(rule["count"], rubric, "count")


def tables(rule, rubric) -> set:
    return operand_tables(rule["count"], rubric)

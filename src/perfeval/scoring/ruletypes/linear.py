"""linear: full at ``full_at``, 0 at ``zero_at``, a straight line in between (either direction)."""
from __future__ import annotations

from decimal import Decimal

from ..metrics import MISSING, label_of, operand_tables, unit_of
from ..numbers import fmt_num, round_score
from ._common import check_metric, operand, param_kind, threshold_text

NAME, LABEL = "linear", "线性计分"


def score(line, rule):
    m = line.metric(rule["metric"])
    if line.stopped or m.value is MISSING:
        return None
    full, zero = operand(line, rule["full_at"]), operand(line, rule["zero_at"])
    if line.stopped or MISSING in (full, zero) or None in (full, zero):
        return None
    if full == zero:
        line.invalid("满分点与零分点相同，无法线性计分", None)
        return None
    if not (full.is_finite() and zero.is_finite()):
        line.not_applicable("满分点或零分点无法计算（无穷大）")
        return None
    share = (m.value - zero) / (full - zero)
    got = line.points * min(Decimal(1), max(Decimal(0), share)) if share.is_finite() else \
        (line.points if share > 0 else Decimal(0))
    if round_score(got) < line.points:
        unit = unit_of(rule["metric"], line.rubric)
        line.reason(f"{line.stated(rule['metric'], m)}，{threshold_text(full, unit, line.rubric)}得满分、"
                    f"{threshold_text(zero, unit, line.rubric)}不得分，按比例得{fmt_num(round_score(got))}分（满分{fmt_num(line.points)}分）")
    return got


def readback(spec, rule, rubric) -> str:
    label, unit = label_of(rule["metric"], rubric), unit_of(rule["metric"], rubric)
    return (f"{label}为{threshold_text(rule['full_at'], unit, rubric)}得{fmt_num(spec.points)}分，"
            f"为{threshold_text(rule['zero_at'], unit, rubric)}不得分，其间按比例计分")


def param(path, rule, spec, rubric):
    kind = param_kind(rule["metric"], rubric)
    return {("full_at",): (f"{spec.label}满分点", kind), ("zero_at",): (f"{spec.label}零分点", kind)}.get(tuple(path))


def references(rule, rubric):
    out = check_metric(rule["metric"], rubric, "metric")
    for key in ("full_at", "zero_at"):
        if isinstance(rule[key], str):
            out += check_metric(rule[key], rubric, key)
    if not isinstance(rule["full_at"], str) and not isinstance(rule["zero_at"], str) and \
            Decimal(rule["full_at"]) == Decimal(rule["zero_at"]):
        out.append(("zero_at", "零分点不能与满分点相同"))
    return out


def tables(rule, rubric) -> set:
    return set().union(*(operand_tables(rule[k], rubric) for k in ("metric", "full_at", "zero_at")))

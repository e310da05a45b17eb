"""ratio: points × m ÷ target (``invert``: target ÷ m), clamped to [0, points]."""
from __future__ import annotations

from decimal import Decimal

from ..metrics import MISSING, label_of, operand_tables, ratio as divide
from ..numbers import fmt_num, round_score
from ._common import check_metric, param_kind, threshold_text
from ..metrics import unit_of

NAME, LABEL = "ratio", "比例计分"


def score(line, rule):
    m = line.metric(rule["metric"])
    if line.stopped or m.value is MISSING:
        return None
    target = Decimal(rule.get("target", 1))
    share = divide(target, m.value) if rule.get("invert") else divide(m.value, target)
    if share is None:
        line.not_applicable(f"{label_of(rule['metric'], line.rubric)}无法计算（分子分母均为0）")
        return None
    got = line.points * share if share.is_finite() else (line.points if share > 0 else Decimal(0))
    if round_score(min(line.points, max(Decimal(0), got))) < line.points:
        line.reason(f"{line.stated(rule['metric'], m)}，"
                    f"得{fmt_num(round_score(max(Decimal(0), min(line.points, got))))}分（满分{fmt_num(line.points)}分）")
    return got


def readback(spec, rule, rubric) -> str:
    label = label_of(rule["metric"], rubric)
    target = Decimal(rule.get("target", 1))
    shown = threshold_text(target, unit_of(rule["metric"], rubric))
    if rule.get("invert"):
        return f"得分={fmt_num(spec.points)}×{shown}÷{label}，最高{fmt_num(spec.points)}分"
    if target < 0:
        return f"{label}越低越好：得分={fmt_num(spec.points)}×{label}÷{shown}，最高{fmt_num(spec.points)}分"
    if target == 1:
        return f"得分={fmt_num(spec.points)}×{label}，最高{fmt_num(spec.points)}分"
    return f"{label}达到{shown}得{fmt_num(spec.points)}分，未达到按比例计分"


def param(path, rule, spec, rubric):
    if path == ("target",):
        return f"{spec.label}目标值", param_kind(rule["metric"], rubric)
    return None


def references(rule, rubric):
    out = check_metric(rule["metric"], rubric, "metric")
    if Decimal(rule.get("target", 1)) == 0:
        out.append(("target", "目标值不能为0"))
    return out


def tables(rule, rubric) -> set:
    return operand_tables(rule["metric"], rubric)

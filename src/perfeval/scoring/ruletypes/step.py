"""step: points − per_step × (excess ÷ step) beyond a threshold; ``whole`` counts complete steps only."""
from __future__ import annotations

from decimal import ROUND_FLOOR, Decimal

from ..metrics import MISSING, label_of, operand_tables, unit_of
from ..numbers import fmt_num, round_score
from ._common import check_metric, operand, param_kind, step_text, threshold_text

NAME, LABEL = "step", "逐档扣分"
WORDS = {"over": "超过", "under": "低于"}


def score(line, rule):
    m = line.metric(rule["metric"])
    if line.stopped or m.value is MISSING:
        return None
    threshold = operand(line, rule["threshold"])
    if line.stopped or threshold is MISSING or threshold is None:
        return None
    unit = unit_of(rule["metric"], line.rubric)
    step, per = Decimal(rule["step"]), Decimal(rule["per_step"])
    if not threshold.is_finite():
        line.not_applicable("标准值无法计算（无穷大）")
        return None
    excess = m.value - threshold if rule["direction"] == "over" else threshold - m.value
    word = WORDS[rule["direction"]]
    limit = threshold_text(threshold, unit, line.rubric)
    line.table("指标", "实际值", "标准", "超出幅度", "扣分").rows.append(
        (label_of(rule["metric"], line.rubric), _after(line.metric_text(rule["metric"], m.value), label_of(rule["metric"], line.rubric)),
         f"{'不超过' if rule['direction'] == 'over' else '不低于'}{limit}", step_text(max(excess, Decimal(0)), unit) if excess.is_finite() else "无穷大", None))
    if excess <= 0:
        return line.points
    steps = excess / step
    if rule.get("counting", "continuous") == "whole" and steps.is_finite():
        steps = steps.to_integral_value(rounding=ROUND_FLOOR)
    deduct = per * steps if steps.is_finite() else (line.points if per > 0 else Decimal(0))
    line.detail.rows[-1] = line.detail.rows[-1][:4] + (min(deduct, line.points),)
    capped = "，扣完为止" if deduct >= line.points else ""
    shown = step_text(excess, unit) if excess.is_finite() else "无穷大"
    line.reason(f"{line.stated(rule['metric'], m)}，{word}{limit}{shown}，每{word}"
                f"{step_text(step, unit)}扣{fmt_num(per)}分，扣{fmt_num(round_score(min(deduct, line.points)))}分{capped}")
    return line.points - deduct


def readback(spec, rule, rubric) -> str:
    label, unit = label_of(rule["metric"], rubric), unit_of(rule["metric"], rubric)
    word = WORDS[rule["direction"]]
    keep = "不超过" if rule["direction"] == "over" else "不低于"
    whole = "（不足一档不扣）" if rule.get("counting", "continuous") == "whole" else ""
    return (f"{label}{keep}{threshold_text(rule['threshold'], unit, rubric)}得{fmt_num(spec.points)}分；"
            f"每{word}{step_text(Decimal(rule['step']), unit)}扣{fmt_num(Decimal(rule['per_step']))}分{whole}，扣完为止")


def param(path, rule, spec, rubric):
    kind = param_kind(rule["metric"], rubric)
    return {("threshold",): (f"{spec.label}标准值", kind), ("step",): (f"{spec.label}每档幅度", kind),
            ("per_step",): (f"{spec.label}每档扣分", "points")}.get(tuple(path))


def references(rule, rubric):
    out = check_metric(rule["metric"], rubric, "metric")
    if isinstance(rule["threshold"], str):
        out += check_metric(rule["threshold"], rubric, "threshold")
    if Decimal(rule["step"]) <= 0:
        out.append(("step", "每档幅度（step）应大于0"))
    return out


def tables(rule, rubric) -> set:
    return operand_tables(rule["metric"], rubric) | operand_tables(rule["threshold"], rubric)


def _after(text: str, prefix: str) -> str:
    """text without a leading prefix (str.removeprefix, which Python 3.7 lacks)."""
    return text[len(prefix):] if text.startswith(prefix) else text

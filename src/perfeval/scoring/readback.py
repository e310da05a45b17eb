"""Every line of a rubric read back in plain Chinese, from its rule — what `rubric show` prints
and the template's 评分标准 sheet shows ("在职人员控制率不超过100%得5分；每超过1个百分点扣0.5分，扣完为止")."""
from __future__ import annotations

from .numbers import fmt_num
from .rubric import LineSpec, Rubric
from .ruletypes import NA_TEXT, RULE_TYPES


def readback(rubric: Rubric, spec: LineSpec, rule: dict | None = None, points=None) -> str:
    """The line's rule in words (``rule``/``points``: resolved values; default: the rubric's)."""
    rule = rule if rule is not None else spec.rule
    if points is not None:
        spec = spec._replace(points=points)
    text = RULE_TYPES[spec.kind].readback(spec, rule, rubric)
    if spec.deduction:
        text = f"扣分项（最多扣{fmt_num(spec.points)}分）：{text}"
    if spec.na != "zero":
        text += f"；不适用时{NA_TEXT[spec.na]}"
    return text


def readback_all(rubric: Rubric, params=None) -> list[tuple[LineSpec, str]]:
    out = []
    for spec in rubric.lines:
        if params is None:
            out.append((spec, readback(rubric, spec)))
        else:
            out.append((spec, readback(rubric, spec, params.rule(spec), params.points(spec))))
    return out

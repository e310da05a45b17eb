"""Shared pieces of the rule types: thresholds as numbers or operands, their display, unit → kind."""
from __future__ import annotations

import re

from decimal import Decimal

from ..metrics import MISSING, fmt_value, label_of, unit_of
from ..numbers import fmt_money, fmt_num, fmt_pct_plain

KIND_OF_UNIT = {"rate": "rate", "amount": "amount", "count": "number", "number": "number"}


def param_kind(metric: object, rubric) -> str:
    return KIND_OF_UNIT.get(unit_of(metric, rubric), "number")


def threshold_text(value: object, unit: str, rubric=None) -> str:
    """A rule's threshold as printed: 10%, 5万元, 3; an operand by its name."""
    if isinstance(value, str) or isinstance(value, dict):
        return label_of(value, rubric) if rubric else str(value)
    value = Decimal(value)
    if not value.is_finite():
        return fmt_value(value, unit)
    if unit == "rate":
        return fmt_pct_plain(value)
    if unit == "amount":
        return f"{fmt_money(value)}万元"
    return fmt_num(value)


def step_text(value: Decimal, unit: str) -> str:
    """A difference of rates reads in 百分点 (0.01 → 1个百分点)."""
    if unit == "rate":
        return f"{fmt_num(Decimal(value) * 100)}个百分点"
    return threshold_text(value, unit)


def operand(line, value):
    """A number or an operand's value (MISSING/None pass through)."""
    if isinstance(value, (int, Decimal)) and not isinstance(value, bool):
        return Decimal(value)
    return line.metric(value).value


def unknown(kind: str, name: str) -> str:
    return f"未知的{kind}“{name}”"


def check_metric(ref: object, rubric, path: str) -> list[tuple[str, str]]:
    """Problems of a metric reference or operand: unknown metric, input or item."""
    from ..metrics import LIBRARY
    if isinstance(ref, dict):
        name, args = next(iter(ref.items()))
        if name not in LIBRARY and name not in rubric.metrics:
            return [(path, unknown("指标", name))]
        categories = args.get("类别") if isinstance(args, dict) else None
        if name != "violations" or set(args) != {"类别"} or not isinstance(categories, list) or not categories \
                or not all(isinstance(c, str) and c.strip() for c in categories):
            return [(path, "带参数的指标只有 violations，写作 {\"violations\": {\"类别\": [\"审计\", …]}}")]
        return []
    if isinstance(ref, (int, Decimal)):
        return []
    kind, _, name = str(ref).partition(":") if ":" in str(ref) else ("metric", "", str(ref))
    if kind == "input" and rubric.input(name) is None:
        return [(path, unknown("其他数据（input）", name))]
    if kind == "item":
        item = rubric.item(name)
        if item is None:
            return [(path, unknown("定性项目（item）", name))]
        if item.kind not in ("count", "number", "score"):
            return [(path, f"定性项目“{name}”是{item.kind}类型，不能作为数值使用")]
    if kind == "metric" and name not in LIBRARY and name not in rubric.metrics:
        return [(path, unknown("指标", name))]
    return []


def check_item(rubric, item_id: str, path: str, kinds: tuple[str, ...]) -> list[tuple[str, str]]:
    item = rubric.item(item_id)
    if item is None:
        return [(path, unknown("定性项目（item）", item_id))]
    if item.kind not in kinds:
        return [(path, f"定性项目“{item_id}”是{item.kind}类型，此计分方法需要{'或'.join(kinds)}类型")]
    return []


__all__ = ["MISSING", "KIND_OF_UNIT", "check_item", "check_metric", "operand", "param_kind", "step_text",
           "threshold_text", "unknown"]


_CLAUSE_SPLIT = re.compile(r"[;；。]|(?:^|(?<=[。；;，,]))\s*\d+[.、．]")
_POINTS_TAIL = re.compile(r"(?:的)?\s*[,，]?\s*(?:即)?得\s*[\d.]+\s*分.*$")
_VERBS = ("建立", "将", "开展", "按", "纳入", "制定", "完成", "公开", "及时", "对", "组织", "落实", "编制", "设立", "实行",
          "在", "向")
_SUBJECTS = ("评价部门", "部门", "单位")


def criterion_clauses(criteria: str) -> list[str]:
    """The scoring clauses of a line's 计分标准, in order, without their points: "…挂钩机制的,得5分" →
    "…挂钩机制".  Only clauses that give points ("得N分") count."""
    out = []
    for part in _CLAUSE_SPLIT.split(criteria or ""):
        part = part.strip(" ,，")
        if re.search(r"得\s*[\d.]+\s*分", part):
            clause = _POINTS_TAIL.sub("", part).strip(" ,，")
            if clause:
                out.append(clause)
    return out


def shortfall(criteria: str, index: int, count: int, label: str, points) -> str:
    """Why a 否 lost points, in the form's own words: its clause of the 计分标准 negated ("未建立……，扣5分"),
    or quoted ("不符合“绩效目标编制科学合理”，扣2分"); the item's label when the criteria do not give one
    clause per item."""
    clauses = criterion_clauses(criteria)
    lost = f"扣{fmt_num(points)}分"
    if len(clauses) != count:
        return f"“{label}”为“否”，{lost}"
    clause = clauses[index]
    subject = next((w for w in _SUBJECTS if clause.startswith(w) and clause[len(w):].startswith(_VERBS)), "")
    if subject or clause.startswith(_VERBS):
        return f"{subject}未{clause[len(subject):]}，{lost}"
    return f"不符合“{clause}”，{lost}"

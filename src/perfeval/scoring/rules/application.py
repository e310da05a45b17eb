"""绩效结果应用 and 扣分项: lines 10–14, and the registry of all 14 rules in form order."""
from __future__ import annotations

from decimal import Decimal

from ... import layout as L
from ..model import Department, Loc
from ..numbers import fmt_num
from . import ZERO, Line
from .control import (balance_rate, execution_progress, expense_control, per_item_score,
                      timely_handling, violations)
from .targets import dept_indicators, project_indicators, target_quality, target_review


def budget_linkage(line: Line, dept: Department) -> Decimal:
    item = line.params["budget_linkage.item_points"]
    return (line.answer(dept, "internal_assessment", item, manual=True)
            + line.answer(dept, "linkage_mechanism", item, manual=True))


def disclosure(line: Line, dept: Department) -> Decimal:
    return line.answer(dept, "disclosed", line.max, manual=False)


def rectification(line: Line, dept: Department) -> Decimal:
    return line.answer(dept, "rectified", line.max, manual=True)


def feedback(line: Line, dept: Department) -> Decimal:
    return line.answer(dept, "feedback", line.max, manual=False)


def cooperation(line: Line, dept: Department) -> Decimal:
    """10 − 0.5 × instances (a 10-point line), or 0 − 0.5 × instances (a pure deduction)."""
    count = dept.qualitative.get("non_cooperation")
    loc = Loc(L.QUALITATIVE.name, dept.qualitative.rows.get("non_cooperation"), L.QUALITATIVE.header("answer"))
    if not line.check(count):
        return ZERO
    count = count or 0
    points, per = line.params["cooperation.points"], line.params["cooperation.per_item"]
    line.table("不配合评价次数", "每次扣分", "最多扣分").rows.append((count, per, points))
    if count:
        line.reason(f"不配合评价{count}次，每次扣{fmt_num(per)}分，共扣{fmt_num(min(points, per * count))}分", loc)
    remaining = per_item_score(count, points, per)
    return remaining if line.min == 0 else remaining - points


RULES = {
    "target_review": target_review,
    "target_quality": target_quality,
    "dept_indicators": dept_indicators,
    "project_indicators": project_indicators,
    "expense_control": expense_control,
    "timely_handling": timely_handling,
    "execution_progress": execution_progress,
    "balance_rate": balance_rate,
    "violations": violations,
    "budget_linkage": budget_linkage,
    "disclosure": disclosure,
    "rectification": rectification,
    "feedback": feedback,
    "cooperation": cooperation,
}

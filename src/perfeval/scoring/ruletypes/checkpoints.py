"""checkpoints: Σ points × min(1, cumulative rate at month ÷ target) over the 月度支出 table;
also the monthly progress (chart) and how much more each coming checkpoint needs (planner)."""
from __future__ import annotations

from decimal import Decimal

from ... import layout as L
from ..metrics import MISSING
from ..model import Loc
from ..numbers import ceil_cent, fmt_cents, fmt_money, fmt_num, fmt_pct, fmt_pct_plain
from ..results import PlannerRow, ProgressPoint
from ._population import first_cell

NAME, LABEL = "checkpoints", "时点进度"
ZERO = Decimal(0)


def checkpoint_points(rate: Decimal, target: Decimal, points: Decimal) -> Decimal:
    if rate >= target:
        return points
    return max(ZERO, rate / target * points)


def monthly_totals(line) -> tuple[Decimal, list[Decimal | None], int]:
    """(Σ 全年预算数, spending per month (None if no row filled that month), last filled month)."""
    budget = ZERO
    months: list[Decimal | None] = [None] * 12
    for row in line.dept.monthly:
        value = row.annual_budget
        budget += value if line.check(value) and value is not None else ZERO
        for m, value in enumerate(row.months):
            if value is None or not line.check(value):
                continue
            months[m] = (months[m] or ZERO) + value
    last = max((m + 1 for m, v in enumerate(months) if v is not None), default=0)
    return budget, months, last


def _base(line, rule, annual: Decimal):
    if rule.get("base", "annual") == "annual":
        return annual, Loc(L.MONTHLY.name, None, L.MONTHLY.header("annual_budget"), L.MONTHLY.sheet), "月度支出的全年预算数合计"
    value = line.metric("initial_budget").value
    loc = Loc(L.FINANCE.name, line.dept.finance.rows.get("initial_budget"), L.FINANCE.header("amount"))
    return value, loc, "收支情况的年初预算数"


def score(line, rule):
    dept = line.dept
    if all(row.annual_budget is None and all(v is None for v in row.months) for row in dept.monthly):
        line.blank_table(L.MONTHLY, "月度支出表未填写", first_cell(L.MONTHLY, "annual_budget"))
        return None
    annual, months, last = monthly_totals(line)
    budget, loc, what = _base(line, rule, annual)
    if budget is MISSING or line.stopped:
        return None
    detail = line.table("检查点", "累计支出（万元）", "累计执行进度", "目标进度", "得分", "分值")
    if budget <= 0:
        line.invalid(f"{what}为0或未填写，无法计算执行进度", loc)
        return None
    cumulative, running = [], ZERO
    for value in months:
        running += value or ZERO                     # a negative month (资金退回, 冲减) nets off
        cumulative.append(running)
    below = next((m for m, value in enumerate(cumulative) if value < 0), None)
    if below is not None:
        line.invalid(f"截至{below + 1}月累计支出为负数（{fmt_money(cumulative[below])}万元），"
                     f"请核对资金退回、支出冲减的填写", Loc(L.MONTHLY.name, 0, L.MONTH_HEADERS[below]))
        return None
    total = ZERO
    for cp in rule["checkpoints"]:
        month, target, points = int(cp["month"]), Decimal(cp["target"]), Decimal(cp["points"])
        spent = cumulative[month - 1]
        rate = spent / budget
        got = checkpoint_points(rate, target, points)
        total += got
        detail.rows.append((f"{month}月", spent, rate, target, got, points))
        if got < points:
            pending = "（尚未填报到该月，按已填数计）" if month > last else ""
            line.reason(f"{month}月累计支出{fmt_cents(spent)}万元，执行进度{fmt_pct(rate)}，低于{fmt_pct_plain(target)}，"
                        f"得{fmt_num(got.quantize(Decimal('0.01')))}分（满分{fmt_num(points)}分）{pending}")
    detail.notes.append(f"全年预算数{fmt_money(budget)}万元；月度支出已填至{last}月" if last else "月度支出尚未填报")
    line.extra["progress"] = _progress(rule, budget, months, last)
    return total


def _progress(rule, budget, months, last):
    """Monthly cumulative execution for the chart, and how much more each coming checkpoint needs."""
    targets = {int(cp["month"]): Decimal(cp["target"]) for cp in rule["checkpoints"]}
    progress, running = [], ZERO
    for i, value in enumerate(months):
        month = i + 1
        running += value or ZERO
        filled = month <= last
        rate = running / budget if filled and budget > 0 else None
        progress.append(ProgressPoint(month, value if filled else None, running if filled else None, rate, targets.get(month)))
    planner = []
    spent = sum((v or ZERO for v in months), ZERO)
    for cp in (rule["checkpoints"] if budget > 0 else ()):
        month, target = int(cp["month"]), Decimal(cp["target"])
        if month > last:
            goal = target * budget
            planner.append(PlannerRow(month, target, goal, spent, ceil_cent(max(ZERO, goal - spent))))
    return progress, planner, last


def progress(line, rule):
    """(progress, planner, last month) for the chart and planner; never stops the line."""
    annual, months, last = monthly_totals(line)
    budget = annual
    if rule.get("base", "annual") != "annual":
        value = line.dept.finance.get("initial_budget")
        budget = value if isinstance(value, Decimal) else ZERO
    return _progress(rule, budget, months, last)


def readback(spec, rule, rubric) -> str:
    base = "全年预算数" if rule.get("base", "annual") == "annual" else "年初预算数"
    parts = [f"{int(cp['month'])}月累计支出进度达到{fmt_pct_plain(Decimal(cp['target']))}得{fmt_num(Decimal(cp['points']))}分"
             for cp in rule["checkpoints"]]
    return "；".join(parts) + f"（进度=累计支出÷{base}）；未达到的按实际进度占目标进度的比重计分"


def param(path, rule, spec, rubric):
    if len(path) == 3 and path[0] == "checkpoints":
        n = int(path[1]) + 1
        return {"month": (f"{spec.label}检查点{n}月份", "month"), "target": (f"{spec.label}检查点{n}目标进度", "ratio"),
                "points": (f"{spec.label}检查点{n}分值", "points")}.get(path[2])
    return None


def references(rule, rubric):
    cps = rule["checkpoints"]
    months = [int(cp["month"]) for cp in cps]
    targets = [Decimal(cp["target"]) for cp in cps]
    out = []
    if months != sorted(set(months)) or targets != sorted(targets):
        out.append(("checkpoints", "检查点的月份和目标进度应逐个递增"))
    return out


def parts_total(rule) -> Decimal:
    return sum((Decimal(cp["points"]) for cp in rule["checkpoints"]), ZERO)


def tables(rule, rubric) -> set:
    return {L.MONTHLY} | ({L.FINANCE} if rule.get("base", "annual") != "annual" else set())

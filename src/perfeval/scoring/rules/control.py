"""动态调整 and 完成结果: lines 5–9 (expense control, timely handling, execution
progress, balance rate, violations) and the checkpoint planner."""
from __future__ import annotations

from decimal import Decimal

from ... import layout as L
from ..inputs import normalize_label
from ..model import WARNING, Department, Loc
from ..numbers import ceil_cent, fmt_cents, fmt_money, fmt_num, fmt_pct, fmt_pct_plain
from ..results import PlannerRow, ProgressPoint
from . import ZERO, Line


def _amount(line: Line, value) -> Decimal:
    """A converted amount as a number: blank → 0; Invalid → 0 and the line is an error."""
    return value if line.check(value) and value is not None else ZERO


# ------------------------------------------------------------------ 5 支出控制

def expense_band_points(deviation: Decimal | None, params) -> Decimal:
    """None means 'budget 0 but spending > 0' (no deviation can be computed)."""
    if deviation is None:
        return ZERO
    if deviation <= params["expense_control.band1"]:
        return params["expense_control.points"]
    if deviation <= params["expense_control.band2"]:
        return params["expense_control.band2_points"]
    return ZERO


def _first_cell(table: L.Table, column: str) -> Loc:
    return Loc(table.name, 0, table.header(column))


def projects_missing(line: Line, dept: Department) -> bool:
    """No project has a budget or spending typed in, while 收支情况 does not show 项目支出 = 0:
    the 项目支出 table was left blank (a typed 0 means the department really has none)."""
    if any(p.budget is not None or p.spent is not None for p in dept.projects):
        return False
    declared = dept.finance.get("project_expense")
    if isinstance(declared, Decimal) and declared == 0:
        return False
    shown = f"（收支情况中项目支出为{fmt_money(declared)}万元）" if isinstance(declared, Decimal) else ""
    return line.blank_table(dept, L.PROJECTS, f"项目支出表未填写{shown}", _first_cell(L.PROJECTS, "budget"))


def expense_control(line: Line, dept: Department) -> Decimal:
    if all(item.budget is None and item.actual is None for item in dept.public_expenses):
        line.blank_table(dept, L.PUBLIC_EXPENSE, "公用经费表未填写（年初预算数、决算数均为空；确无支出请填0）",
                         _first_cell(L.PUBLIC_EXPENSE, "budget"))
        return ZERO
    detail = line.table("科目", "年初预算数（万元）", "决算数（万元）")
    budget = actual = ZERO
    for item in dept.public_expenses:
        b, a = _amount(line, item.budget), _amount(line, item.actual)
        budget, actual = budget + b, actual + a
        detail.rows.append((item.subject, b, a))
    detail.rows.append(("合计", budget, actual))
    p = line.params
    if budget == 0 and actual == 0:
        detail.notes.append("无相关支出，得满分")
        return p["expense_control.points"]
    if budget == 0:
        line.reason(f"公用经费年初预算为0，决算{fmt_money(actual)}万元，无法控制在预算内，不得分")
        detail.notes.append("年初预算为0而有支出")
        return ZERO
    deviation = abs(actual - budget) / budget
    points = expense_band_points(deviation, p)
    detail.notes.append(f"偏差度=|{fmt_money(actual)}−{fmt_money(budget)}|÷{fmt_money(budget)}={fmt_pct(deviation)}")
    if points < line.max:
        limit = p["expense_control.band1"] if points == p["expense_control.band2_points"] else p["expense_control.band2"]
        line.reason(f"公用经费预决算偏差{fmt_pct(deviation)}（年初预算{fmt_money(budget)}万元，决算{fmt_money(actual)}万元），"
                    f"超过{fmt_pct_plain(limit)}，得{fmt_num(points)}分（满分{fmt_num(line.max)}分）")
    return points


# ------------------------------------------------------------------ 6 及时处置

def handling_score(found: int, unresolved: int, points: Decimal) -> Decimal:
    if found <= 0:
        return points
    return max(ZERO, points - Decimal(unresolved) / Decimal(found) * points)


def timely_handling(line: Line, dept: Department) -> Decimal:
    detail = line.table("项目名称", "问题数", "未整改处置数")
    known = {normalize_label(p.name) for p in dept.projects if p.name}
    per_project: dict[str, list[int]] = {}
    names: dict[str, str] = {}
    for issue in dept.monitoring:
        key = normalize_label(issue.project) or f"#{issue.row}"
        names.setdefault(key, issue.project or f"（第{(issue.row or 0) + 1}行未填项目名称）")
        counts = per_project.setdefault(key, [0, 0])
        counts[0] += 1
        loc = Loc(L.MONITORING.name, issue.row, L.MONITORING.header("handled"))
        if not line.check(issue.handled):
            continue
        if issue.handled is None:
            line.finding(WARNING, f"问题清单第{(issue.row or 0) + 1}行未填写是否已整改处置，按未整改计", loc)
        if not issue.handled:
            counts[1] += 1
        if issue.project and normalize_label(issue.project) not in known:
            line.finding(WARNING, f"问题清单中的项目“{issue.project}”不在项目支出表中",
                         Loc(L.MONITORING.name, issue.row, L.MONITORING.header("project")))
    found = len(per_project)
    unresolved = sum(1 for c in per_project.values() if c[1] > 0)
    for key, (n, u) in per_project.items():
        detail.rows.append((names[key], n, u))
    points = line.max
    if found == 0:
        detail.notes.append("绩效运行监控未发现问题")
        return points
    detail.notes.append(f"发现问题的项目{found}个，存在未整改处置问题的项目{unresolved}个")
    if unresolved:
        line.reason(f"监控发现问题的项目{found}个，其中{unresolved}个未及时整改处置，"
                    f"扣{fmt_num(Decimal(unresolved) / found * points)}分（{unresolved}/{found}×{fmt_num(points)}）")
    return handling_score(found, unresolved, points)


# ------------------------------------------------------------------ 7 执行进度

def checkpoint_points(rate: Decimal, target: Decimal, points: Decimal) -> Decimal:
    if rate >= target:
        return points
    return max(ZERO, rate / target * points)


def monthly_totals(line: Line, dept: Department) -> tuple[Decimal, list[Decimal | None], int]:
    """(annual budget, spending per month (None if no row filled that month), last filled month)."""
    budget = ZERO
    months: list[Decimal | None] = [None] * 12
    for row in dept.monthly:
        budget += _amount(line, row.annual_budget)
        for m, value in enumerate(row.months):
            if value is None or not line.check(value):
                continue
            months[m] = (months[m] or ZERO) + value
    last = max((m + 1 for m, v in enumerate(months) if v is not None), default=0)
    return budget, months, last


def execution_progress(line: Line, dept: Department) -> Decimal:
    if all(row.annual_budget is None and all(v is None for v in row.months) for row in dept.monthly):
        line.blank_table(dept, L.MONTHLY, "月度支出表未填写", _first_cell(L.MONTHLY, "annual_budget"))
        return ZERO
    budget, months, last = monthly_totals(line, dept)
    detail = line.table("检查点", "累计支出（万元）", "累计执行进度", "目标进度", "得分", "分值")
    if budget <= 0:
        line.invalid("月度支出的全年预算数合计为0或未填写，无法计算执行进度",
                     Loc(L.MONTHLY.name, None, L.MONTHLY.header("annual_budget"), L.MONTHLY.sheet))
        return ZERO
    cumulative, running = [], ZERO
    for value in months:
        running += value or ZERO
        cumulative.append(running)
    total = ZERO
    for month, target, points in line.params.checkpoints():
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
    return total


def progress_and_planner(line: Line, dept: Department) -> tuple[list[ProgressPoint], list[PlannerRow], int]:
    """Monthly cumulative execution for the chart, and how much more each coming checkpoint needs."""
    budget, months, last = monthly_totals(line, dept)
    targets = {m: t for m, t, _ in line.params.checkpoints()}
    progress, running = [], ZERO
    for i, value in enumerate(months):
        month = i + 1
        running += value or ZERO
        filled = month <= last
        rate = running / budget if filled and budget > 0 else None
        progress.append(ProgressPoint(month, value if filled else None, running if filled else None, rate, targets.get(month)))
    planner = []
    spent = sum((v or ZERO for v in months), ZERO)
    if budget > 0:
        for month, target, _ in line.params.checkpoints():
            if month > last:
                goal = target * budget
                planner.append(PlannerRow(month, target, goal, spent, ceil_cent(max(ZERO, goal - spent))))
    return progress, planner, last


# ------------------------------------------------------------------ 8 资金结余率

def balance_rate(line: Line, dept: Department) -> Decimal:
    if projects_missing(line, dept):
        return ZERO
    detail = line.table("项目名称", "预算数（万元）", "实际支出（万元）", "结余（万元）", "结余率", "结论", "备注")
    threshold = line.params["balance_rate.threshold"]
    counted = passed = 0
    for project in dept.projects:
        b_ok, s_ok = line.check(project.budget), line.check(project.spent)
        if not (b_ok and s_ok):
            continue
        budget, spent = project.budget or ZERO, project.spent
        if budget == 0:
            line.finding(WARNING, f"项目“{project.name}”预算数为0，不参与资金结余率计算",
                         Loc(L.PROJECTS.name, project.row, L.PROJECTS.header("budget")))
            detail.rows.append((project.name, budget, spent, None, None, "预算为0，不计入", project.note))
            continue
        if spent is None:
            line.finding(WARNING, f"项目“{project.name}”未填写实际支出，按0计算",
                         Loc(L.PROJECTS.name, project.row, L.PROJECTS.header("spent")))
            spent = ZERO
        rate = (budget - spent) / budget
        ok = rate < threshold
        counted += 1
        passed += ok
        detail.rows.append((project.name, budget, spent, budget - spent, rate, "合格" if ok else "结余率偏高", project.note))
        if not ok:
            note = f"（备注：{project.note}）" if project.note else ""
            line.reason(f"项目“{project.name}”结余率{fmt_pct(rate)}（预算{fmt_money(budget)}万元，"
                        f"实际支出{fmt_money(spent)}万元），不低于{fmt_pct_plain(threshold)}{note}",
                        Loc(L.PROJECTS.name, project.row, L.PROJECTS.header("spent")))
    if counted == 0:
        detail.notes.append("无部门预算项目，得满分")
        return line.max
    detail.notes.append(f"结余率低于{fmt_pct_plain(threshold)}的项目{passed}个，项目总数{counted}个，得分={passed}/{counted}×{fmt_num(line.max)}")
    if passed < counted:
        line.reason(f"{counted}个项目中{passed}个结余率低于{fmt_pct_plain(threshold)}，得分={passed}/{counted}×{fmt_num(line.max)}")
    return Decimal(passed) / Decimal(counted) * line.max


# ------------------------------------------------------------------ 9 违规记录

def per_item_score(count: int, points: Decimal, per_item: Decimal) -> Decimal:
    return max(ZERO, points - per_item * count)


def violations(line: Line, dept: Department) -> Decimal:
    detail = line.table("来源", "问题描述", "整改情况")
    per = line.params["violations.per_item"]
    for v in dept.violations:
        if v.source not in L.VIOLATION_SOURCES:
            line.finding(WARNING, f"违规记录第{(v.row or 0) + 1}行来源“{v.source}”不是审计监督、财会监督或部门自查，仍按问题计数",
                         Loc(L.VIOLATIONS.name, v.row, L.VIOLATIONS.header("source")))
        detail.rows.append((v.source, v.description, v.status))
        line.reason(f"{v.source or '来源未填'}发现问题：{v.description or '（未填描述）'}，扣{fmt_num(per)}分",
                    Loc(L.VIOLATIONS.name, v.row, L.VIOLATIONS.header("description")))
    return per_item_score(len(dept.violations), line.max, per)

"""Cross-table checks that are not a single line's business: totals that must add up, like compared
with like (budget with budget, actual with actual), amounts of an implausible scale (typed in 元),
missing basic information.  Each check is documented in docs/rules.md; every check of a table runs
even when another cell of it is an error (that cell is left out)."""
from __future__ import annotations

from decimal import Decimal

from .. import layout as L
from .model import INFO, WARNING, Department, Finding, Invalid, Loc
from .numbers import fmt_money, fmt_pct

ZERO = Decimal(0)


def _num(value) -> Decimal | None:
    return value if isinstance(value, Decimal) else None


def _finance_loc(dept: Department, key: str) -> Loc:
    return Loc(L.FINANCE.name, dept.finance.rows.get(key), L.FINANCE.header("amount"))


def _sum_check(dept: Department, total_key: str, part_keys: tuple[str, ...], tolerance: Decimal) -> list[Finding]:
    values = dept.finance.values
    total = _num(values.get(total_key))
    if total is None or any(isinstance(values.get(k), Invalid) for k in part_keys):
        return []
    parts = [k for k in part_keys if _num(values.get(k)) is not None]
    if not parts:
        return []
    added = sum((_num(values[k]) for k in parts), ZERO)
    diff = total - added
    if abs(diff) <= tolerance:          # flagged only when it exceeds (超过) the tolerance
        return []
    names = "、".join(L.FINANCE.label(k) for k in parts)
    return [Finding(WARNING, f"{L.FINANCE.label(total_key)}{fmt_money(total)}万元与{names}之和{fmt_money(added)}万元"
                             f"相差{fmt_money(abs(diff))}万元，请核对", _finance_loc(dept, total_key))]


def validate(dept: Department, tolerance: Decimal) -> list[Finding]:
    findings: list[Finding] = []
    findings += _sum_check(dept, "income_total", ("carryover", "general_budget", "fund_budget", "soe_budget"), tolerance)
    findings += _sum_check(dept, "expense_total", ("basic_expense", "project_expense"), tolerance)
    income, expense, balance = (_num(dept.finance.get(k)) for k in ("income_total", "expense_total", "balance"))
    if income is not None and expense is not None and abs(income - expense - (balance or ZERO)) > tolerance:
        findings.append(Finding(WARNING, f"财政拨款收入合计{fmt_money(income)}万元不等于支出合计{fmt_money(expense)}万元"
                                         f"加结转结余{fmt_money(balance or ZERO)}万元，请核对", _finance_loc(dept, "income_total")))
    annual = [r.annual_budget for r in dept.monthly]
    declared_budget = _num(dept.finance.get("annual_budget"))      # budget with budget
    if dept.monthly and declared_budget is not None and all(isinstance(a, Decimal) or a is None for a in annual) \
            and any(a is not None for a in annual):
        monthly_total = sum((a or ZERO for a in annual), ZERO)
        if abs(monthly_total - declared_budget) > tolerance:
            findings.append(Finding(WARNING, f"月度支出的全年预算数合计{fmt_money(monthly_total)}万元与收支情况中"
                                             f"全年预算数（调整后）{fmt_money(declared_budget)}万元不一致，请核对",
                                    Loc(L.MONTHLY.name, None, L.MONTHLY.header("annual_budget"), L.MONTHLY.sheet)))
    findings += _project_checks(dept, tolerance)
    findings += _monthly_checks(dept, tolerance)
    findings += scale_checks(dept)
    for key in ("organization", "functions", "tasks", "goal"):
        if not dept.info.get(key):
            findings.append(Finding(INFO, f"自评报告需要的“{L.INFO.label(key)}”未填写，生成报告时将标为【待填写】",
                                    Loc(L.INFO.name, dept.info.rows.get(key), L.INFO.header("value"), L.INFO.sheet)))
    for key in ("unit_name", "year"):
        if not dept.info.get(key) and not isinstance(dept.info.get(key), Invalid):
            findings.append(Finding(WARNING, f"基本信息未填写“{L.INFO.label(key)}”",
                                    Loc(L.INFO.name, dept.info.rows.get(key), L.INFO.header("value"), L.INFO.sheet)))
    for p in dept.projects:
        if isinstance(p.budget, Decimal) and isinstance(p.spent, Decimal) and p.spent > p.budget:
            findings.append(Finding(INFO, f"项目“{p.name}”实际支出{fmt_money(p.spent)}万元超过预算{fmt_money(p.budget)}万元",
                                    Loc(L.PROJECTS.name, p.row, L.PROJECTS.header("spent"))))
    return findings


def _project_checks(dept: Department, tolerance: Decimal) -> list[Finding]:
    """项目支出 in 收支情况 against the project list, and the fund incomes that can only be
    spent on projects (in both seeds 政府性基金 money is project money)."""
    out = []
    declared = _num(dept.finance.get("project_expense"))               # actual with actual
    spent = [p.spent for p in dept.projects]
    if declared is not None and any(isinstance(x, Decimal) for x in spent) \
            and all(isinstance(x, Decimal) or x is None for x in spent):
        listed = sum((x or ZERO for x in spent), ZERO)
        if abs(listed - declared) > tolerance:
            out.append(Finding(WARNING, f"项目支出表中各项目实际支出合计{fmt_money(listed)}万元，与收支情况中项目支出"
                                        f"{fmt_money(declared)}万元相差{fmt_money(abs(listed - declared))}万元，请核对",
                               _finance_loc(dept, "project_expense")))
    fund, soe = _num(dept.finance.get("fund_budget")), _num(dept.finance.get("soe_budget"))
    earmarked = (fund or ZERO) + (soe or ZERO)
    balance = _num(dept.finance.get("balance")) or ZERO                 # unspent fund money is carried over
    if declared is not None and (fund is not None or soe is not None) and earmarked - declared - balance > tolerance:
        names = "与".join(n for n, v in (("政府性基金预算拨款收入", fund), ("国有资本经营预算拨款收入", soe)) if v)
        out.append(Finding(WARNING, f"{names}{fmt_money(earmarked)}万元超过项目支出{fmt_money(declared)}万元与结转结余"
                                    f"{fmt_money(balance)}万元之和（这两类资金只能安排项目支出，未用完的结转），请核对",
                           _finance_loc(dept, "fund_budget" if fund else "soe_budget")))
    return out


def _monthly_checks(dept: Department, tolerance: Decimal) -> list[Finding]:
    """Cumulative monthly spending never above the year's budget; December's cumulative
    equal to 财政拨款支出合计 once the year is filled in."""
    rows = dept.monthly
    if not rows:
        return []
    budget = sum((r.annual_budget for r in rows if isinstance(r.annual_budget, Decimal)), ZERO)
    out, running, filled, over = [], ZERO, 0, False
    for m in range(12):
        values = [v if isinstance(v, Decimal) else None for v in (r.months[m] for r in rows)]  # an error left out
        if any(v is not None for v in values):
            filled = m + 1
        running += sum((v or ZERO for v in values), ZERO)
        if budget > 0 and running - budget > tolerance and not over:
            over = True                                  # the first month above the budget, once
            out.append(Finding(WARNING, f"截至{m + 1}月累计支出{fmt_money(running)}万元，超过全年预算数{fmt_money(budget)}万元"
                                        f"（{fmt_pct(running / budget)}），请核对是否多填或单位有误（应为万元）",
                               Loc(L.MONTHLY.name, 0, L.MONTH_HEADERS[m])))
    expense = _num(dept.finance.get("expense_total"))
    if filled == 12 and expense is not None and abs(running - expense) > tolerance:
        out.append(Finding(WARNING, f"月度支出12月累计{fmt_money(running)}万元，与收支情况中财政拨款支出合计"
                                    f"{fmt_money(expense)}万元相差{fmt_money(abs(running - expense))}万元，请核对",
                           Loc(L.MONTHLY.name, 0, L.MONTH_HEADERS[11])))
    return out


# ------------------------------------------------------------------ scale (万元 typed as 元)

YUAN = Decimal(10000)
SCALE_FACTOR = 10            # an amount above 10× the unit's whole budget is implausible
FINANCE_FACTOR = 1000        # a row 1000× its table's others (元 is 10000× 万元)


def _amount_cells(dept: Department):
    """(value, loc, what) of every amount outside 收支情况 (the unit's scale comes from there)."""
    for e in dept.public_expenses:
        for key in ("budget", "actual"):
            yield getattr(e, key), Loc(L.PUBLIC_EXPENSE.name, e.row, L.PUBLIC_EXPENSE.header(key)), \
                f"公用经费“{e.subject}”的{L.PUBLIC_EXPENSE.header(key)}"
    for t in dept.three_expenses:
        for key in ("prior_budget", "prior_actual", "budget", "actual"):
            yield getattr(t, key), Loc(L.THREE_EXPENSES.name, t.row, L.THREE_EXPENSES.header(key)), \
                f"三公经费“{t.item}”的{L.THREE_EXPENSES.header(key)}"
    for p in dept.projects:
        for key in ("budget", "spent", "initial_budget"):
            yield getattr(p, key), Loc(L.PROJECTS.name, p.row, L.PROJECTS.header(key)), \
                f"项目“{p.name}”的{L.PROJECTS.header(key)}"
    for r in dept.monthly:
        yield r.annual_budget, Loc(L.MONTHLY.name, r.row, L.MONTHLY.header("annual_budget")), \
            f"月度支出“{r.item}”的全年预算数"
        for m, value in enumerate(r.months):
            yield value, Loc(L.MONTHLY.name, r.row, L.MONTH_HEADERS[m]), f"月度支出“{r.item}”{m + 1}月"


def _yuan(what: str, value: Decimal, against: str) -> str:
    return (f"{what}{fmt_money(value)}万元{against}，像是按元填写的；按万元应为{fmt_money(value / YUAN)}，"
            f"请核对单位（本表金额均为万元）")


TOTALS = ("income_total", "expense_total", "annual_budget", "initial_budget")


def scale_checks(dept: Department) -> list[Finding]:
    """An amount orders of magnitude above the unit's own scale is a warning at its cell suggesting the
    万元 reading.  The scale is 收支情况's largest total (收入/支出合计, 全年/年初预算数) — a total 1000×
    another is itself flagged first; every other amount above 10× the scale is flagged.  Without any
    total, each table's amounts are checked against that table's median."""
    out: list[Finding] = []
    finance = {k: v for k, v in dept.finance.values.items() if isinstance(v, Decimal) and v > 0 and k in dept.finance.rows}
    totals = {k: v for k, v in finance.items() if k in TOTALS}
    flagged = set()
    for key, value in totals.items():
        others = {k: v for k, v in totals.items() if k != key}
        smallest = min(others, key=others.get, default=None)
        if smallest is not None and value >= FINANCE_FACTOR * others[smallest]:
            flagged.add(key)
            out.append(Finding(WARNING, _yuan(f"收支情况“{L.FINANCE.label(key)}”", value,
                                              f"是本表{L.FINANCE.label(smallest)}的{fmt_num_int(value / others[smallest])}倍"),
                               _finance_loc(dept, key)))
    kept = [(v, L.FINANCE.label(k)) for k, v in totals.items() if k not in flagged]
    cells = [(v, loc, what) for v, loc, what in _amount_cells(dept) if isinstance(v, Decimal) and v > 0]
    if kept:
        scale, name = max(kept)
        rows = [(v, _finance_loc(dept, k), f"收支情况“{L.FINANCE.label(k)}”") for k, v in finance.items() if k not in TOTALS]
        for value, loc, what in rows + cells:
            if value > SCALE_FACTOR * scale:
                out.append(Finding(WARNING, _yuan(what, value, f"超过本单位{name}{fmt_money(scale)}万元的{SCALE_FACTOR}倍"), loc))
        return out
    by_table: dict[str, list] = {}
    for cell in cells + [(v, _finance_loc(dept, k), f"收支情况“{L.FINANCE.label(k)}”") for k, v in finance.items()]:
        by_table.setdefault(cell[1].table, []).append(cell)
    for table_cells in by_table.values():
        values = sorted(v for v, _, _ in table_cells)
        if len(values) < 3:
            continue
        median = values[len(values) // 2]
        for value, loc, what in table_cells:
            if value >= FINANCE_FACTOR * median:
                out.append(Finding(WARNING, _yuan(what, value, f"是本表其他金额的{fmt_num_int(value / median)}倍"), loc))
    return out


def fmt_num_int(ratio: Decimal) -> str:
    return f"{int(ratio):,}"

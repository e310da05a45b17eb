"""The metric library and the rubric's own metric trees.

A library metric is a named number computed from the standard tables (公用经费预决算偏差度,
在职人员控制率, 三公经费控制率 …), with a Chinese name used in reasons, the inputs it reads, and
the facts a reason quotes ("年初预算12万元，决算11.5万元").  A rubric adds its own metrics as small
trees (``ratio``/``sub``/``sum``/``abs`` over ``input:``, ``item:``, ``metric:`` and numbers);
no formula text is parsed.  0 ÷ 0 is undefined (``None``: the line scores its ``na`` policy);
x ÷ 0 is ±∞ (Decimal infinities compare beyond every number).  Blank or unreadable inputs are
reported through the evaluating line (未填写 / 错误) and give ``MISSING``.
"""
from __future__ import annotations

from decimal import Decimal
from typing import Callable, NamedTuple

from .. import layout as L
from .inputs import normalize_label
from .model import NOT_APPLICABLE, WARNING, Department, Loc
from .numbers import MAX_EXPONENT, fmt_money, fmt_num, fmt_pct

ZERO, ONE = Decimal(0), Decimal(1)
INF = Decimal("Infinity")


class Missing:
    """An input was blank or unreadable; the line already says which."""
    __slots__ = ()

    def __repr__(self) -> str:
        return "MISSING"


MISSING = Missing()


class Value(NamedTuple):
    value: object               # Decimal (may be ±Infinity), None (0 ÷ 0) or MISSING
    facts: str = ""             # the inputs as a reason quotes them
    undefined: str = ""         # what 0 ÷ 0 means here ("无相关支出")
    members: tuple = ()         # counted rows (text, Loc) for per_item
    loc: object = None          # the denominator's cell (where a 0 ÷ 0 is reported)


class Metric(NamedTuple):
    name: str
    label: str                  # Chinese name used in reasons
    unit: str                   # rate | amount | count | number
    reads: str                  # what it reads (docs, read-back)
    compute: Callable[..., Value]
    tables: tuple = ()          # the input tables it reads (layout.Table)


def ratio(a: Decimal, b: Decimal) -> Decimal | None:
    """a ÷ b; 0 ÷ 0 is undefined (None), x ÷ 0 is ±∞."""
    if b == 0:
        return None if a == 0 else (INF if a > 0 else -INF)
    return a / b


def fmt_value(value, unit: str) -> str:
    if value is None:
        return "无法计算（0÷0）"
    if isinstance(value, Decimal) and not value.is_finite():
        return "无穷大" if value > 0 else "负无穷大"
    if unit == "rate":
        return fmt_pct(value)
    if unit == "amount":
        return f"{fmt_money(value)}万元"
    return fmt_num(value)


# ------------------------------------------------------------------ reading helpers

def _amount(line, value) -> Decimal:
    return value if line.check(value) and value is not None else ZERO


def _kv_loc(dept: Department, table: L.Table, key: str) -> Loc:
    kv = dept.info if table is L.INFO else dept.finance
    return Loc(table.name, kv.rows.get(key), table.columns[1].header)


def _kv(line, dept: Department, table: L.Table, key: str):
    """A key-value cell as a number: blank → 未填写 (MISSING), unreadable → error (MISSING)."""
    value = (dept.info if table is L.INFO else dept.finance).get(key)
    if line.missing_table(table):
        return MISSING
    if not line.check(value):
        return MISSING
    if value is None:
        line.incomplete(f"{table.sheet}“{table.label(key)}”未填写", _kv_loc(dept, table, key))
        return MISSING
    return Decimal(value)


def _finance(key: str, label: str) -> Callable[..., Value]:
    def compute(line, dept, args) -> Value:
        v = _kv(line, dept, L.FINANCE, key)
        return Value(v, "" if v is MISSING else f"{label}{fmt_money(v)}万元", loc=_kv_loc(dept, L.FINANCE, key))
    return compute


def _quotient(num: tuple, den: tuple, *, absolute: bool = False, change: bool = False, undefined: str = "") -> Callable:
    """A ratio of key-value cells: (table, key, label) each; ``change``: (num − den) ÷ den."""
    def compute(line, dept, args) -> Value:
        a, b = _kv(line, dept, num[0], num[1]), _kv(line, dept, den[0], den[1])
        if a is MISSING or b is MISSING:
            return Value(MISSING)
        top = a - b if change or absolute else a
        value = ratio(abs(top) if absolute else top, b)
        unit = "万元" if num[0] is L.FINANCE else "人"
        facts = f"{num[2]}{fmt_money(a) if unit == '万元' else fmt_num(a)}{unit}，{den[2]}{fmt_money(b) if unit == '万元' else fmt_num(b)}{unit}"
        return Value(value, facts, undefined, loc=_kv_loc(dept, den[0], den[1]))
    return compute


def _rows_missing(line, dept, table: L.Table, rows, columns: tuple[str, ...], text: str) -> bool:
    if line.missing_table(table):
        return True
    if all(all(getattr(r, c) is None for c in columns) for r in rows):
        line.incomplete(text, Loc(table.name, 0, table.header(columns[0])))
        return True
    return False


# ------------------------------------------------------------------ table metrics

def public_expense_deviation(line, dept, args) -> Value:
    if _rows_missing(line, dept, L.PUBLIC_EXPENSE, dept.public_expenses, ("budget", "actual"),
                     "公用经费表未填写（年初预算数、决算数均为空；确无支出请填0）"):
        return Value(MISSING)
    detail = line.table("科目", "年初预算数（万元）", "决算数（万元）")
    budget = actual = ZERO
    for item in dept.public_expenses:
        b, a = _amount(line, item.budget), _amount(line, item.actual)
        budget, actual = budget + b, actual + a
        detail.rows.append((item.subject, b, a))
    detail.rows.append(("合计", budget, actual))
    value = ratio(abs(actual - budget), budget)
    if value is not None and value.is_finite():
        detail.notes.append(f"偏差度=|{fmt_money(actual)}−{fmt_money(budget)}|÷{fmt_money(budget)}={fmt_pct(value)}")
    elif value is not None:
        detail.notes.append("年初预算为0而有支出")
    facts = f"年初预算{fmt_money(budget)}万元，决算{fmt_money(actual)}万元"
    if value is not None and not value.is_finite():
        facts = f"公用经费年初预算为0，决算{fmt_money(actual)}万元，无法控制在预算内"
    return Value(value, facts, "无相关支出", loc=Loc(L.PUBLIC_EXPENSE.name, 0, L.PUBLIC_EXPENSE.header("budget")))


_SANGONG = {"prior_budget": "上年预算", "prior_actual": "上年决算", "budget": "本年预算", "actual": "本年决算"}


def _sangong(num: str, den: str, change: bool) -> Callable:
    def compute(line, dept, args) -> Value:
        if _rows_missing(line, dept, L.THREE_EXPENSES, dept.three_expenses, tuple(_SANGONG),
                         "三公经费表未填写（没有的项目请填0）"):
            return Value(MISSING)
        detail = line.table("项目", "上年预算数", "上年决算数", "本年预算数", "本年决算数")
        sums = dict.fromkeys(_SANGONG, ZERO)
        for r in dept.three_expenses:
            row = [r.item]
            for key in _SANGONG:
                v = getattr(r, key)
                if v is None and line.check(v):
                    line.incomplete(f"三公经费“{r.item}”的{L.THREE_EXPENSES.header(key)}未填写（没有请填0）",
                                    Loc(L.THREE_EXPENSES.name, r.row, L.THREE_EXPENSES.header(key)))
                v = _amount(line, v)
                sums[key] += v
                row.append(v)
            detail.rows.append(tuple(row))
        detail.rows.append(("合计",) + tuple(sums.values()))
        a, b = sums[num], sums[den]
        value = ratio(a - b if change else a, b)
        return Value(value, f"三公经费{_SANGONG[num]}{fmt_money(a)}万元，{_SANGONG[den]}{fmt_money(b)}万元", "三公经费均为0",
                     loc=Loc(L.THREE_EXPENSES.name, 0, L.THREE_EXPENSES.header(den)))
    return compute


def key_spending_rate(line, dept, args) -> Value:
    if not dept.projects:
        line.incomplete("项目支出表未填写", Loc(L.PROJECTS.name, 0, L.PROJECTS.header("budget")))
        return Value(MISSING)
    total = key = ZERO
    for p in dept.projects:
        b = _amount(line, p.budget)
        total += b
        if line.check(p.key) and p.key:
            key += b
    return Value(ratio(key, total), f"重点项目预算{fmt_money(key)}万元，项目预算合计{fmt_money(total)}万元", "项目预算均为0",
                 loc=Loc(L.PROJECTS.name, 0, L.PROJECTS.header("budget")))


def monitoring_handled_share(line, dept, args) -> Value:
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
    if found == 0:
        detail.notes.append("绩效运行监控未发现问题")
        return Value(ONE, "绩效运行监控未发现问题")
    detail.notes.append(f"发现问题的项目{found}个，存在未整改处置问题的项目{unresolved}个")
    return Value(Decimal(found - unresolved) / found, f"监控发现问题的项目{found}个，其中{unresolved}个未及时整改处置")


def violations(line, dept, args) -> Value:
    """违规问题数: every row of 违规记录, or those whose 类别 is listed (``{"类别": [...]}``)."""
    wanted = args.get("类别") if isinstance(args, dict) else None
    wanted = {normalize_label(c) for c in wanted} if wanted else None
    detail = line.table("来源", "问题描述", "整改情况")
    members = []
    for v in dept.violations:
        if wanted is not None and normalize_label(v.category) not in wanted:
            continue
        if v.source not in L.VIOLATION_SOURCES:
            line.finding(WARNING, f"违规记录第{(v.row or 0) + 1}行来源“{v.source}”不是审计监督、财会监督或部门自查，仍按问题计数",
                         Loc(L.VIOLATIONS.name, v.row, L.VIOLATIONS.header("source")))
        detail.rows.append((v.source, v.description, v.status))
        members.append((f"{v.source or '来源未填'}发现问题：{v.description or '（未填描述）'}",
                        Loc(L.VIOLATIONS.name, v.row, L.VIOLATIONS.header("description"))))
    return Value(Decimal(len(members)), f"违规问题{len(members)}个", members=tuple(members))


# ------------------------------------------------------------------ the project a project-scope rubric scores

def _project_amount(line, dept, key: str) -> object:
    """An amount of the project being scored (项目支出 row): blank budget → an error at the project (a
    project with indicators needs one), blank spending → 未填写."""
    p = dept.project
    if p is None:
        line.invalid("此指标只用于项目支出绩效自评表（项目评分标准）", None)
        return MISSING
    value, loc = getattr(p, key), Loc(L.PROJECTS.name, p.row, L.PROJECTS.header(key))
    if not line.check(value):
        return MISSING
    if value is None and key == "spent":
        line.incomplete(f"项目“{p.name}”未填写{L.PROJECTS.header(key)}", loc)
        return MISSING
    if value is None:
        line.invalid(f"项目“{p.name}”有绩效指标，但未填写{L.PROJECTS.header(key)}", loc)
        return MISSING
    if key != "spent" and value == 0:
        line.invalid(f"项目“{p.name}”的{L.PROJECTS.header(key)}为0，无法计算预算执行率", loc)
        return MISSING
    return Decimal(value)


def _project_value(key: str, label: str) -> Callable[..., Value]:
    def compute(line, dept, args) -> Value:
        v = _project_amount(line, dept, key)
        loc = Loc(L.PROJECTS.name, dept.project.row, L.PROJECTS.header(key)) if dept.project else None
        return Value(v, "" if v is MISSING else f"{label}{fmt_money(v)}万元", loc=loc)
    return compute


def _project_rate(base: str, label: str) -> Callable[..., Value]:
    def compute(line, dept, args) -> Value:
        spent, budget = _project_amount(line, dept, "spent"), _project_amount(line, dept, base)
        if spent is MISSING or budget is MISSING:
            return Value(MISSING)
        loc = Loc(L.PROJECTS.name, dept.project.row, L.PROJECTS.header(base))
        return Value(ratio(spent, budget), f"全年执行数{fmt_money(spent)}万元，{label}{fmt_money(budget)}万元",
                     "预算数与执行数均为0", loc=loc)
    return compute


LIBRARY: dict[str, Metric] = {m.name: m for m in (
    Metric("initial_budget", "年初预算数", "amount", "收支情况 年初预算数", _finance("initial_budget", "年初预算数"), (L.FINANCE,)),
    Metric("annual_budget", "全年预算数", "amount", "收支情况 全年预算数（调整后）", _finance("annual_budget", "全年预算数"), (L.FINANCE,)),
    Metric("spending", "财政拨款支出", "amount", "收支情况 财政拨款支出合计", _finance("expense_total", "财政拨款支出"), (L.FINANCE,)),
    Metric("carryover", "结转结余", "amount", "收支情况 结转结余", _finance("balance", "结转结余"), (L.FINANCE,)),
    Metric("prior_carryover", "上年结转", "amount", "收支情况 上年结转", _finance("carryover", "上年结转"), (L.FINANCE,)),
    Metric("staff_control_rate", "在职人员控制率", "rate", "基本信息 在职人数 ÷ 编制总数",
           _quotient((L.INFO, "staff_active", "在职人数"), (L.INFO, "staff_total", "编制总数"), undefined="编制与在职人数均为0"), (L.INFO,)),
    Metric("execution_rate", "预算执行率", "rate", "收支情况 财政拨款支出合计 ÷ 全年预算数（调整后）",
           _quotient((L.FINANCE, "expense_total", "支出"), (L.FINANCE, "annual_budget", "全年预算数")), (L.FINANCE,)),
    Metric("execution_rate_initial", "预算执行率（按年初预算）", "rate", "收支情况 财政拨款支出合计 ÷ 年初预算数",
           _quotient((L.FINANCE, "expense_total", "支出"), (L.FINANCE, "initial_budget", "年初预算数")), (L.FINANCE,)),
    Metric("budget_adjust_rate", "预算调整率", "rate", "|全年预算数（调整后） − 年初预算数| ÷ 年初预算数",
           _quotient((L.FINANCE, "annual_budget", "全年预算数"), (L.FINANCE, "initial_budget", "年初预算数"), absolute=True), (L.FINANCE,)),
    Metric("carryover_rate", "结转结余率", "rate", "结转结余 ÷ 财政拨款支出合计",
           _quotient((L.FINANCE, "balance", "结转结余"), (L.FINANCE, "expense_total", "支出")), (L.FINANCE,)),
    Metric("carryover_change_rate", "结转结余变动率", "rate", "(结转结余 − 上年结转) ÷ 上年结转",
           _quotient((L.FINANCE, "balance", "结转结余"), (L.FINANCE, "carryover", "上年结转"), change=True), (L.FINANCE,)),
    Metric("public_expense_deviation", "公用经费预决算偏差", "rate", "公用经费 |Σ决算数 − Σ年初预算数| ÷ Σ年初预算数",
           public_expense_deviation, (L.PUBLIC_EXPENSE,)),
    Metric("sangong_change_rate", "三公经费变动率", "rate", "三公经费 (本年预算 − 上年预算) ÷ 上年预算",
           _sangong("budget", "prior_budget", True), (L.THREE_EXPENSES,)),
    Metric("sangong_actual_change_rate", "三公经费决算变动率", "rate", "三公经费 (本年决算 − 上年决算) ÷ 上年决算",
           _sangong("actual", "prior_actual", True), (L.THREE_EXPENSES,)),
    Metric("sangong_control_rate", "三公经费控制率", "rate", "三公经费 本年决算 ÷ 本年预算", _sangong("actual", "budget", False), (L.THREE_EXPENSES,)),
    Metric("key_spending_rate", "重点支出安排率", "rate", "项目支出 Σ重点项目预算数 ÷ Σ预算数", key_spending_rate, (L.PROJECTS,)),
    Metric("monitoring_handled_share", "监控问题整改率", "rate", "问题清单 已整改的有问题项目 ÷ 有问题项目（无问题为100%）",
           monitoring_handled_share, (L.MONITORING,)),
    Metric("violations", "违规问题数", "count", "问题清单 违规记录的行数（可按类别）", violations, (L.VIOLATIONS,)),
    Metric("project_budget", "全年预算数", "amount", "项目支出 该项目的预算数（项目评分标准）",
           _project_value("budget", "全年预算数"), (L.PROJECTS,)),
    Metric("project_initial_budget", "年初预算数", "amount", "项目支出 该项目的年初预算数（项目评分标准）",
           _project_value("initial_budget", "年初预算数"), (L.PROJECTS,)),
    Metric("project_spent", "全年执行数", "amount", "项目支出 该项目的实际支出（项目评分标准）",
           _project_value("spent", "全年执行数"), (L.PROJECTS,)),
    Metric("project_execution_rate", "预算执行率", "rate", "项目支出 该项目的实际支出 ÷ 预算数（项目评分标准）",
           _project_rate("budget", "全年预算数"), (L.PROJECTS,)),
    Metric("project_execution_rate_initial", "预算执行率（按年初预算）", "rate",
           "项目支出 该项目的实际支出 ÷ 年初预算数（项目评分标准）", _project_rate("initial_budget", "年初预算数"), (L.PROJECTS,)),
)}


# ------------------------------------------------------------------ per project (count_ratio over projects)

class ProjectMetric(NamedTuple):
    name: str
    label: str
    columns: tuple[str, ...]
    compute: Callable[[Decimal, Decimal], tuple]          # (budget, spent) → (column values..., value)


PROJECT_METRICS = {
    "balance_rate": ProjectMetric("balance_rate", "结余率", ("结余（万元）", "结余率"),
                                  lambda b, s: (b - s, (b - s) / b)),
    "execution_rate": ProjectMetric("execution_rate", "执行率", ("执行率",), lambda b, s: (s / b,)),
}


# ------------------------------------------------------------------ operands and trees

def operand_tables(ref: object, rubric, _stack: tuple = ()) -> set:
    """The input tables a metric reference or operand reads (``item:`` 定性评价, ``input:`` 其他数据, a
    library metric its declared tables, a rubric metric its operands'); unknown names read nothing."""
    if isinstance(ref, dict):
        return operand_tables(next(iter(ref)), rubric, _stack)
    if not isinstance(ref, str):
        return set()
    kind, _, name = ref.partition(":") if ":" in ref else ("metric", "", ref)
    if kind == "input":
        return {L.EXTRA_INPUTS}
    if kind == "item":
        return {L.QUALITATIVE}
    if name in LIBRARY:
        return set(LIBRARY[name].tables)
    if name in rubric.metrics and name not in _stack:
        return _tree_tables(rubric.metrics[name], rubric, _stack + (name,))
    return set()


def _tree_tables(tree: object, rubric, stack: tuple) -> set:
    if isinstance(tree, dict) and next(iter(tree)) in ("ratio", "sub", "sum", "abs"):
        op, args = next(iter(tree.items()))
        return set().union(*(_tree_tables(a, rubric, stack) for a in (args if isinstance(args, list) else [args])))
    return operand_tables(tree, rubric, stack)


def label_of(ref: object, rubric, _stack: tuple = ()) -> str:
    """The Chinese name of a metric reference or operand (for reasons and read-backs); a metric
    that refers to itself (a cycle, which the lint reports) is named, not expanded."""
    if isinstance(ref, dict):
        name, args = next(iter(ref.items()))
        base = label_of(name, rubric, _stack)
        cats = args.get("类别") if isinstance(args, dict) else None
        return f"{base}（{'、'.join(cats)}）" if cats else base
    if isinstance(ref, (int, Decimal)):
        return fmt_num(Decimal(ref))
    kind, _, name = str(ref).partition(":") if ":" in str(ref) else ("metric", "", str(ref))
    if kind == "input":
        found = rubric.input(name)
        return found.label if found else name
    if kind == "item":
        found = rubric.item(name)
        return found.label if found else name
    if name in LIBRARY:
        return LIBRARY[name].label
    if name in rubric.metrics and name not in _stack:
        return tree_text(rubric.metrics[name], rubric, _stack + (name,))
    return name


def tree_text(tree: object, rubric, _stack: tuple = ()) -> str:
    if isinstance(tree, dict):
        op, args = next(iter(tree.items()))
        if op == "abs":
            return f"|{tree_text(args, rubric, _stack)}|"
        parts = [tree_text(a, rubric, _stack) for a in args]
        if op == "ratio":
            return "÷".join(f"({p})" if any(c in p for c in "+−") else p for p in parts)
        return ("−" if op == "sub" else "+").join(parts)
    return label_of(tree, rubric, _stack)


def unit_of(ref: object, rubric, _stack: tuple = ()) -> str:
    if isinstance(ref, dict):
        return unit_of(next(iter(ref)), rubric, _stack)
    if isinstance(ref, (int, Decimal)):
        return "number"
    kind, _, name = str(ref).partition(":") if ":" in str(ref) else ("metric", "", str(ref))
    if kind == "input":
        found = rubric.input(name)
        return {"amount": "amount", "rate": "rate", "count": "count"}.get(found.kind, "number") if found else "number"
    if kind == "item":
        found = rubric.item(name)
        return "count" if found and found.kind == "count" else "number"
    if name in LIBRARY:
        return LIBRARY[name].unit
    tree = rubric.metrics.get(name) if name not in _stack else None
    inner = _stack + (name,)
    if isinstance(tree, dict):
        op, args = next(iter(tree.items()))
        if op == "ratio":
            return "rate"
        units = {unit_of(a, rubric, inner) for a in (args if isinstance(args, list) else [args])} - {"number"}
        return units.pop() if len(units) == 1 else "number"
    return unit_of(tree, rubric, inner) if tree is not None else "number"


def evaluate(ref: object, line, dept: Department, given: dict | None = None, _stack: tuple = ()) -> Value:
    """A metric reference or operand's value through ``line`` (which records blanks and errors).
    ``given`` holds metric values taken as given (a worked example's ``metrics``)."""
    rubric = dept.rubric
    given = given or {}
    if isinstance(ref, (int, Decimal)) and not isinstance(ref, bool):
        return Value(Decimal(ref))
    args = {}
    if isinstance(ref, dict):
        ref, args = next(iter(ref.items()))
    kind, _, name = str(ref).partition(":") if ":" in str(ref) else ("metric", "", str(ref))
    if kind == "input":
        return _input(line, dept, name)
    if kind == "item":
        return _item_number(line, dept, name)
    if name in given:
        value = given[name]
        value = None if value is None else Decimal(str(value))
        if value is not None and (not value.is_finite() or (value != 0 and abs(value.adjusted()) > MAX_EXPONENT)):
            line.invalid(f"给定的指标“{name}”的值{value}超出合理范围", None)
            return Value(MISSING)
        return Value(value, f"{label_of(name, rubric)}{fmt_value(value, unit_of(name, rubric))}（给定）")
    if name in rubric.metrics:
        if name in _stack:                       # a cycle: reported by the rubric lint
            line.invalid(f"自定义指标“{name}”循环引用自身", None)
            return Value(MISSING)
        return _tree(rubric.metrics[name], line, dept, given, _stack + (name,))
    metric = LIBRARY.get(name)
    if metric is None:
        line.invalid(f"未知的指标“{name}”", None)
        return Value(MISSING)
    return metric.compute(line, dept, args)


def _tree(tree: object, line, dept, given, stack) -> Value:
    if not isinstance(tree, dict):
        return evaluate(tree, line, dept, given, stack)
    op, args = next(iter(tree.items()))
    parts = [_tree(a, line, dept, given, stack) for a in (args if isinstance(args, list) else [args])]
    if any(p.value is MISSING for p in parts):
        return Value(MISSING)
    facts = "，".join(dict.fromkeys(p.facts for p in parts if p.facts))
    if any(p.value is None for p in parts):
        return Value(None, facts, next((p.undefined for p in parts if p.undefined), ""))
    values = [p.value for p in parts]
    if op == "ratio":
        if not values[0].is_finite() and not values[1].is_finite():
            return Value(None, facts, "无穷大相除", loc=parts[1].loc)
        return Value(ratio(values[0], values[1]), facts, "分子分母均为0", loc=parts[1].loc)
    if op == "abs":
        return Value(abs(values[0]), facts)
    if op == "sub":
        if not values[0].is_finite() and not values[1].is_finite() and values[0] == values[1]:
            return Value(None, facts, "无穷大相减")     # ∞ − ∞ is undefined
        return Value(values[0] - values[1], facts)
    total = ZERO
    for v in values:
        if not total.is_finite() and not v.is_finite() and total != v:
            return Value(None, facts, "正负无穷大相加")
        total += v
    return Value(total, facts)


def _input(line, dept: Department, input_id: str) -> Value:
    found = dept.rubric.input(input_id)
    if found is None:
        line.invalid(f"未知的其他数据“{input_id}”", None)
        return Value(MISSING)
    table = L.EXTRA_INPUTS
    loc = Loc(table.name, dept.extra.rows.get(input_id), table.header("value"))
    if line.missing_table(table):
        return Value(MISSING)
    value = dept.extra.get(input_id)
    if value is NOT_APPLICABLE:
        line.not_applicable(f"“{found.label}”不适用", loc)
        return Value(MISSING)
    if not line.check(value):
        return Value(MISSING)
    if value is None:
        line.incomplete(f"其他数据“{found.label}”未填写", loc)
        return Value(MISSING)
    unit = {"amount": "amount", "rate": "rate"}.get(found.kind, "number")
    return Value(Decimal(value), f"{found.label}{fmt_value(Decimal(value), unit)}", loc=loc)


def _item_number(line, dept: Department, item_id: str) -> Value:
    found = dept.rubric.item(item_id)
    if found is None:
        line.invalid(f"未知的定性项目“{item_id}”", None)
        return Value(MISSING)
    value = line.applicable_value(item_id)
    if value is MISSING:
        return Value(MISSING)
    if not isinstance(value, (bool, int, Decimal)):
        line.invalid(f"“{found.label}”应为数字（填写为“{value}”）", line.item_loc(item_id))
        return Value(MISSING)
    if isinstance(value, bool):
        value = ONE if value else ZERO
    return Value(Decimal(value), f"{found.label}{fmt_num(Decimal(value))}", loc=line.item_loc(item_id))

"""The drafted prose of the 自评报告: what a finance clerk writes when 报告文字 is blank — what was
done, with its figures, what fell short and why — from the inputs and every line's result.

Nothing here names a line id: what a line is about comes from its rule (the population it counts,
the 定性评价 items it reads) and from the phrases beside the rubric (``scoring/rubrics/phrases/``):

- ``lines.<id>``: ``problem`` / ``measure`` for a line that lost points, ``keywords`` that show the
  clerk's own 存在问题 already speaks of it, ``quote`` (``violations`` or ``monitoring``) naming the
  问题清单 table whose rows the problem quotes.
- ``items.<id>``: ``done`` / ``problem`` / ``measure`` per 定性评价 item, so a line with several
  items is drafted from the items that actually fell short (never suggesting what was done).
"""
from __future__ import annotations

from decimal import Decimal

from ..scoring.inputs import normalize_label
from ..scoring.model import Invalid
from ..scoring.numbers import fmt_cents, fmt_num, fmt_pct, fmt_pct_plain

DEPARTMENT = "部门整体"
QUOTED_AT_MOST = 10          # the listed problems a drafted paragraph quotes (then "等N个问题")


def _is_department(ind) -> bool:
    return normalize_label(ind.target_object) == DEPARTMENT


def _quoted(text: object) -> str:
    return str(text).strip().rstrip("。；;，,")


# ------------------------------------------------------------------ indicators

def figure(value: object, unit: str) -> str:
    """A target or actual with its unit once — only after a number ("2条", "90%"; "已完成" as it is)."""
    from ..scoring.indicators import parse_value
    text = fmt_num(value) if isinstance(value, Decimal) else ("" if value is None else str(value).strip())
    if not unit or text.endswith(unit) or parse_value(text) is None:
        return text
    return text + unit


def indicators_paragraph(dept, verdicts: dict, department: bool, managed=None) -> str:
    """The indicators of the department (or of the projects) in words: how many were set, by 二级指标,
    how many reached their target, the figures of those that did, and each that did not with its
    target, its actual value and the clerk's 偏差原因 (or that none was given)."""
    if department:
        chosen, what = [i for i in dept.indicators if _is_department(i)], "部门整体绩效指标"
    else:
        names = managed if managed is not None else {normalize_label(p.name) for p in dept.projects}
        chosen, what = [i for i in dept.indicators if not _is_department(i)
                        and normalize_label(i.target_object) in names], "项目绩效指标"
    if not chosen:
        return f"本年度未设置{what}。" if dept.indicators else f"{what}尚未填写。"
    levels: dict[str, int] = {}
    for ind in chosen:
        levels[ind.level2 or "其他指标"] = levels.get(ind.level2 or "其他指标", 0) + 1
    met = [i for i in chosen if verdicts.get(id(i), (None,))[0] is True]
    short = [i for i in chosen if verdicts.get(id(i), (None,))[0] is False]
    text = f"全年设置{what}{len(chosen)}个（" + "、".join(f"{k}{v}个" for k, v in levels.items()) + "），"
    if len(met) == len(chosen):
        text += "全部达到预期值"
    else:
        text += f"达到预期值{len(met)}个" + (f"，未达到{len(short)}个" if short else "")
    done = [f"{_name(i, department)}{figure(i.actual, i.unit)}（目标{target_text(i)}）" for i in met
            if i.actual not in (None, "")]
    if done:
        text += "：" + "，".join(done[:8]) + ("等" if len(done) > 8 else "")
    text += "。"
    for ind in short:
        actual = figure(ind.actual, ind.unit) if ind.actual not in (None, "") else "未填报"
        reason = _quoted(ind.reason) if ind.reason and str(ind.reason).strip() else ""
        verdict = verdicts.get(id(ind), (None, ""))[1]
        how = "未达到预期" if verdict in ("", "未达到") else verdict       # 超过目标30%以上, 目标值无法识别 …
        text += (f"{_name(ind, department)}目标{target_text(ind)}，实际完成{actual}，{how}"
                 + (f"，原因是{reason}。" if reason else "，偏差原因未说明。"))
    return text


def _name(ind, department: bool) -> str:
    name = ind.level3 or ind.level2 or ind.level1 or "指标"
    return f"“{name}”" if department else f"{ind.target_object}“{name}”"


def signed(text: str) -> str:
    """A target as printed: ">=30" → "≥30", "<=5" → "≤5"."""
    return text.replace(">=", "≥").replace("<=", "≤").replace("＞＝", "≥").replace("＜＝", "≤")


def target_text(ind, equals: bool = False, blank: str = "未填写") -> str:
    """An indicator's target as the report prints it: its direction (``=`` only with ``equals``, as the
    绩效指标完成情况表 shows it; never 定性) before the figure, unless the target carries its own sign."""
    from ..scoring.indicators import normalize_direction
    direction = normalize_direction(ind.direction or "") or ind.direction or ""
    direction = "" if direction == "定性" or (direction == "=" and not equals) else direction
    target = signed(figure(ind.target, ind.unit))
    if not target:
        return blank
    return target if target[:1] in "≥≤<>=" else direction + target


def unexplained(dept, verdicts: dict) -> list[str]:
    """The indicators that fell short without a 偏差原因 (the report says so; the clerk is told)."""
    return [f"绩效指标“{i.level3 or i.level2}”（{i.target_object}）的偏差原因" for i in dept.indicators
            if verdicts.get(id(i), (None,))[0] is False and not (i.reason and str(i.reason).strip())]


# ------------------------------------------------------------------ money

def execution_paragraph(dept, result, year) -> str:
    """The year's 预算执行率 and 在职人员控制率, then each checkpoint against its target in words."""
    fin, info = dept.finance, dept.info
    parts = []
    spent, annual, where = fin.get("expense_total"), fin.get("annual_budget"), ""
    monthly = [m.annual_budget for m in dept.monthly]
    if not isinstance(annual, Decimal) and monthly and all(isinstance(b, Decimal) for b in monthly):
        annual, where = sum(monthly, Decimal(0)), "（分月支出表各行合计）"   # the base the 执行进度 line uses
    if isinstance(spent, Decimal) and isinstance(annual, Decimal) and annual > 0:
        parts.append(f"{year}年度全年预算数{fmt_cents(annual)}万元{where}，财政拨款支出{fmt_cents(spent)}万元，"
                     f"预算执行率{fmt_pct(spent / annual)}")
    active, total = info.get("staff_active"), info.get("staff_total")
    if isinstance(active, int) and isinstance(total, int) and total > 0:
        parts.append(f"在职人员{active}名，编制{total}名，在职人员控制率{fmt_pct(Decimal(active) / Decimal(total))}")
    text = "；".join(parts) + "。" if parts else ""
    points = [p for p in result.progress if p.target is not None and p.rate is not None]
    if points:
        said = []
        for p in points:
            verdict = "达到" if p.rate >= p.target else "未达到"
            said.append(f"{p.month}月末累计支出{fmt_cents(p.cumulative)}万元，执行进度{fmt_pct(p.rate)}，"
                        f"{verdict}序时进度目标{fmt_pct_plain(p.target)}")
        slow = [p for p in points if p.rate < p.target]
        text += "从序时进度看，" + "；".join(said) + "。"
        if slow:
            text += "预算执行进度" + "、".join(f"{p.month}月" for p in slow) + "未达到序时要求。"
    return text


def public_expense_sentence(dept) -> str:
    """公用经费 (办公费、印刷费 …) budget against actual, where the table gives both."""
    rows = [e for e in dept.public_expenses if isinstance(e.budget, Decimal) and isinstance(e.actual, Decimal)]
    partial = [e for e in dept.public_expenses if isinstance(e.budget, Decimal) != isinstance(e.actual, Decimal)]
    if not rows or partial:                  # a row half filled: the 支出控制 line says what it makes of it
        return ""
    budget = sum((e.budget for e in rows), Decimal(0))
    actual = sum((e.actual for e in rows), Decimal(0))
    text = (f"公用经费中{'、'.join(e.subject for e in rows)}年初预算合计{fmt_cents(budget)}万元，"
            f"决算合计{fmt_cents(actual)}万元")
    change = actual - budget
    if change and budget:
        text += f"，决算比预算{'增加' if change > 0 else '减少'}{fmt_cents(abs(change))}万元（{fmt_pct(abs(change) / budget)}）"
    elif not change:
        text += "，与预算一致"
    return text + "。"


def sangong_sentence(dept) -> str:
    """三公经费 against this year's budget and last year's spending, where the table gives them."""
    parts = []
    for e in dept.three_expenses:
        if not isinstance(e.actual, Decimal):
            continue
        text = f"{e.item}支出{fmt_cents(e.actual)}万元"
        if isinstance(e.budget, Decimal):
            text += f"（预算{fmt_cents(e.budget)}万元）"
        if isinstance(e.prior_actual, Decimal):
            change = e.actual - e.prior_actual
            text += f"，比上年{'增加' if change > 0 else '减少'}{fmt_cents(abs(change))}万元" if change else "，与上年持平"
        parts.append(text)
    return "“三公”经费：" + "；".join(parts) + "。" if parts else ""


def projects_paragraph(managed: list) -> str:
    """The projects under 绩效目标管理: count, budget, spending, execution and the unspent balances."""
    if not managed:
        return "本年度没有纳入绩效目标管理的项目。"
    filled = [p for p in managed if isinstance(p.budget, Decimal) and isinstance(p.spent, Decimal)]
    budget = sum((p.budget for p in filled), Decimal(0))
    spent = sum((p.spent for p in filled), Decimal(0))
    text = f"纳入绩效目标管理的项目{len(managed)}个，"
    if len(filled) < len(managed):           # the sums cover the same projects, and say so
        text += f"其中{len(managed) - len(filled)}个未填写预算数或实际支出；其余{len(filled)}个"
    text += f"预算合计{fmt_cents(budget)}万元，实际支出{fmt_cents(spent)}万元"
    if budget > 0:
        text += f"，预算执行率{fmt_pct(spent / budget)}"
    left = sorted((p for p in filled if p.budget > 0 and p.spent < p.budget), key=lambda p: (p.spent - p.budget) / p.budget)
    over = [p for p in filled if p.spent > p.budget]
    if left:
        text += "；有结余的项目" + "、".join(
            f"{p.name}（结余{fmt_cents(p.budget - p.spent)}万元，结余率{fmt_pct((p.budget - p.spent) / p.budget)}）"
            for p in left[:5]) + ("等" if len(left) > 5 else "")
    if over:
        text += "；实际支出超过预算的项目" + "、".join(
            f"{p.name}（超支{fmt_cents(p.spent - p.budget)}万元）" for p in over[:5]) + ("等" if len(over) > 5 else "")
    if filled and not left and not over and len(filled) == len(managed):
        text += "，各项目资金均按预算支出完毕"
    return text + "。"


# ------------------------------------------------------------------ qualitative items and problems

def line_items(rule: dict) -> list[str]:
    """The 定性评价 items a rule reads, each once, in its order (``scoring.ruletypes.rule_items``)."""
    from ..scoring.ruletypes import rule_items
    return list(dict.fromkeys(item_id for item_id, _, _ in rule_items(rule)))


def short_items(result, line) -> list[str]:
    """The items of a line that cost it points: 否, a score below its part, a count above 0."""
    rubric, dept = result.rubric, result.department
    if dept is None:
        return []
    params = result.params
    rule = params.rule(line.spec) if params is not None else line.spec.rule
    whole = params.points(line.spec) if params is not None else line.spec.points     # the county's value
    parts = {p["item"]: Decimal(str(p["points"])) for p in rule.get("items", ()) if isinstance(p, dict)}
    out = []
    for item_id in line_items(rule):
        item = rubric.item(item_id)
        value = dept.qualitative.get(item_id)
        if item is None or isinstance(value, Invalid):
            continue
        if value is False:
            out.append(item_id)
        elif isinstance(value, (int, Decimal)) and not isinstance(value, bool):
            if item.kind == "count" and value > 0:
                out.append(item_id)
            elif item.kind in ("score", "number") and value < parts.get(item_id, whole):
                out.append(item_id)
    return out


def done_items(result, line, short: list[str]) -> list[str]:
    """The items of a line answered 是 or given their full score (``short``: its ``short_items``)."""
    dept = result.department
    if dept is None:
        return []
    out = []
    for item_id in line_items(line.spec.rule):
        value = dept.qualitative.get(item_id)
        if item_id in short or value is None or isinstance(value, Invalid):
            continue
        if value is True or (isinstance(value, (int, Decimal)) and not isinstance(value, bool)):
            out.append(item_id)
    return out


def lost_lines(result) -> list:
    """The lines that lost points: deducted, or 不适用 scored below their maximum (not those left out of
    the total, nor those not yet scored)."""
    return [line for line in result.lines if not line.excluded and line.status not in ("incomplete", "error")
            and line.deduction > 0]


def quotes(dept, kind: str) -> list[str]:
    """The clerk's own listed problems of a 问题清单 table, as the drafted problem quotes them."""
    if kind == "violations":
        rows = [v for v in dept.violations if str(v.description or "").strip()]
        return [f"{v.source or '检查'}发现“{_quoted(v.description)}”" + (f"，整改情况为{_quoted(v.status)}" if v.status else "")
                for v in rows]
    if kind == "monitoring":
        rows = [m for m in dept.monitoring if m.handled is not True and str(m.description or "").strip()]
        return [f"{m.project + '：' if m.project else ''}“{_quoted(m.description)}”尚未整改处置" for m in rows]
    return []


def _quote_text(listed: list[str], counted: object = None) -> str:
    """The quoted problems; "共N个" when the line counted more than those with a description."""
    shown = listed[:QUOTED_AT_MOST]
    counted = int(counted) if isinstance(counted, (int, Decimal)) and not isinstance(counted, bool) else 0
    total = max(counted, len(listed))
    more = f"等{total}个问题" if total > len(shown) else ""
    return "具体是：" + "；".join(shown) + more + "。"


def _line_phrase(data: dict, line, key: str) -> str:
    """A line's ``problem`` or ``measure`` from the phrases beside its rubric, else one from its name."""
    found = data.get("lines", {}).get(line.id, {}).get(key)
    if found:
        return found
    return f"“{line.name}”未得满分。" if key == "problem" else f"对照“{line.name}”的计分标准逐项整改，争取下一年度得满分。"


def _own_reasons(line) -> list[str]:
    """The line's own reasons, for a shortfall its phrase does not describe: 不适用 scored 0, or nothing
    to count ("未设置部门整体数量指标")."""
    if line.reasons and (line.status == "na" or line.extra.get("counted") == 0):
        return [r.text.rstrip("。") + "。" for r in line.reasons]
    return []


def problem_text(result, line, data: dict, seen: set | None = None) -> str:
    """A deducted line's problem: its short items' phrases (with the clerk's 说明), else the line's,
    then the problems the clerk listed that the line counts (each quoted once in a report: ``seen``)."""
    items = data.get("items", {})
    dept = result.department
    short = short_items(result, line)
    said = [items[i]["problem"] for i in short if items.get(i, {}).get("problem")]
    if not said and short:
        said = [f"“{result.rubric.item(i).label}”未达到要求。" for i in short]
    if not said:
        said = _own_reasons(line) or [_line_phrase(data, line, "problem")]
    text = "".join(said)
    if dept is not None:
        remarks = [dept.qualitative.remarks.get(i, "").strip() for i in short]
        remarks = [r for r in remarks if r]
        if remarks:
            text = text.rstrip("。") + f"（说明：{'；'.join(_quoted(r) for r in remarks)}）。"
        kind = data.get("lines", {}).get(line.id, {}).get("quote")
        listed = quotes(dept, kind) if kind else []
        if seen is not None:
            listed, fresh = [q for q in listed if q not in seen], listed
            seen.update(fresh)
        if listed:
            text += _quote_text(listed, line.extra.get("count"))
    return text


def measure_text(result, line, data: dict) -> str:
    """A deducted line's improvement: only for what fell short (its short items' measures first)."""
    items = data.get("items", {})
    short = short_items(result, line)
    said = [items[i]["measure"] for i in short if items.get(i, {}).get("measure")]
    if not said:
        said = [_line_phrase(data, line, "measure")]
    return "".join(said)


def results_use_paragraph(result, lines, data: dict) -> str:
    """三(三) in words: per item of the quoted lines, what was done and what was not."""
    items = data.get("items", {})
    done, short = [], []
    for line in lines:
        if line.excluded or line.status in ("incomplete", "error"):     # an input error: the draft note names it
            continue
        short_ids = short_items(result, line)
        line_done = [items[i]["done"] for i in done_items(result, line, short_ids) if items.get(i, {}).get("done")]
        line_short = [items[i]["problem"].rstrip("。") for i in short_ids if items.get(i, {}).get("problem")]
        if line.deduction > 0 and line_done and not line_short:
            line_done = []                               # points lost for another reason: not said as done
        if not line_done and not line_short:             # no item phrases: the line's outcome
            if line.deduction > 0:
                own = _own_reasons(line)
                line_short = [t.rstrip("。") for t in own or [_line_phrase(data, line, "problem")]]
            else:
                line_done = [f"“{line.name}”达到要求"]
        done += line_done
        short += line_short
    text = ""
    if done:
        text += "；".join(done) + "。"
    if short:
        text += "但" + "；".join(short) + "。"
    return text


def mentioned(result, line, text: str, data: dict) -> bool:
    """Whether the clerk's own text already speaks of a line: its name, label, keywords, short items."""
    words = [line.name, getattr(line.spec, "label", "")] + list(data.get("lines", {}).get(line.id, {}).get("keywords", ()))
    words += [result.rubric.item(i).label for i in short_items(result, line)]
    flat = normalize_label(text)
    return any(w and normalize_label(w) in flat for w in words)

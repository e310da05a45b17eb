"""Rule types: one module each, registered by its ``NAME`` (a new type = one module + one test file).

Every module defines ``NAME``, ``LABEL`` (Chinese), ``score(line, rule)`` → the raw score (or
None once the line has stopped: an error, a blank input, 不适用), ``readback(spec, rule, rubric)``
→ the plain-Chinese rule, ``param(path, rule, spec, rubric)`` → (label, kind) of a number inside the
rule, ``references(rule, rubric)`` → [(relative path, problem)] for the rubric lint, and
``tables(rule, rubric)`` → the input tables it reads (operands through ``metrics.operand_tables``).

``Line`` is what a rule works through: it collects reasons, details, findings, and turns the raw
score into a ``LineResult`` — clamped to [0, points], rounded once (half-up, 2 decimals), status
``error`` as soon as an input was invalid, ``incomplete`` when one was blank, ``na`` by the line's
policy; a 扣分项 contributes (score − points).
"""
from __future__ import annotations

import importlib
import os
from collections.abc import Mapping
from decimal import Decimal

from ... import layout as L
from ..metrics import MISSING, evaluate, fmt_value, label_of, unit_of
from ..model import ERROR, INFO, NOT_APPLICABLE, WARNING, Department, Finding, Invalid, Loc
from ..numbers import fmt_num, parse_amount, parse_yes_no, round_score
from ._common import shortfall
from ..results import DEDUCTED, ERROR_STATUS, FULL, INCOMPLETE, NA, Detail, LineResult, Reason
from ..rubric import LineSpec

ZERO = Decimal(0)
OPS = {"<": lambda a, b: a < b, "<=": lambda a, b: a <= b, "==": lambda a, b: a == b,
       ">=": lambda a, b: a >= b, ">": lambda a, b: a > b}
OP_WORDS = {"<": "低于", "<=": "不超过", "==": "等于", ">=": "不低于", ">": "超过"}
NEGATED = {"<": "不低于", "<=": "超过", "==": "不等于", ">=": "低于", ">": "不超过"}
NA_TEXT = {"zero": "按0分计", "full": "得满分", "exclude": "不计入，总分按比例折算"}


class Line:
    def __init__(self, spec: LineSpec, rule: dict, points: Decimal, dept: Department, findings: list[Finding],
                 given: dict | None = None):
        self.spec, self.rule, self.points, self.dept = spec, rule, points, dept
        self.rubric = dept.rubric
        self.given = given or {}
        self.reasons: list[Reason] = []
        self.errors: list[Reason] = []
        self.missing: list[Reason] = []
        self.na: Reason | None = None
        self.detail = Detail(())
        self.extra: dict = {}              # what consumers need: counted/passing, indicators, progress …
        self._findings = findings

    # -- reporting
    def reason(self, text: str, loc: Loc | None = None) -> None:
        self.reasons.append(Reason(text, loc))

    def finding(self, severity: str, text: str, loc: Loc | None) -> None:
        self._findings.append(Finding(severity, text, loc))

    def invalid(self, text: str, loc: Loc | None, *, report: bool = True) -> None:
        """An input of this line is unusable: the line becomes ``error``.
        ``report=False`` when the cell's conversion already produced a finding."""
        self.errors.append(Reason(text, loc))
        if report:
            self.finding(ERROR, f"{self.spec.label}：{text}", loc)

    def incomplete(self, text: str, loc: Loc | None) -> None:
        """A required input is blank: the line is 未填写 (not a deduction).  One warning at the cell."""
        self.missing.append(Reason(text, loc))
        self.finding(WARNING, f"{self.spec.label}：{text}", loc)

    def not_applicable(self, text: str, loc: Loc | None = None) -> None:
        if self.na is None:
            self.na = Reason(text, loc)

    def missing_table(self, table: L.Table) -> bool:
        """True, and the line an error, when ``table`` is not in the workbook (its finding was made
        when reading)."""
        if table.name not in self.dept.missing_tables:
            return False
        self.invalid(f"找不到表格 {table.name}（{table.sheet}）", Loc(table.name, None, None, table.sheet), report=False)
        return True

    def blank_table(self, table: L.Table, text: str, loc: Loc) -> bool:
        """True (the line cannot score) because ``table`` is missing (error) or left blank (未填写)."""
        if not self.missing_table(table):
            self.incomplete(text, loc)
        return True

    def check(self, value: object) -> bool:
        """True when a converted value is usable; an Invalid marks the line as error."""
        if isinstance(value, Invalid):
            self.invalid(f"{where_text(value.loc)}{value.message}", value.loc, report=False)
            return False
        return True

    def table(self, *headers: str) -> Detail:
        self.detail = Detail(tuple(headers))
        return self.detail

    @property
    def stopped(self) -> bool:
        return bool(self.errors or self.missing or self.na)

    # -- metrics
    def metric(self, ref: object):
        """The value of a metric reference or operand (MISSING once the line has stopped)."""
        value = evaluate(ref, self, self.dept, self.given)
        if value.value is None and not self.stopped:
            text = f"{label_of(ref, self.rubric)}无法计算（{value.undefined or '分子分母均为0'}）"
            self.not_applicable(text, value.loc)
            self.finding(INFO, f"{self.spec.label}：{text}，{NA_TEXT[self.spec.na]}", value.loc)
        return value

    def metric_text(self, ref: object, value) -> str:
        return f"{label_of(ref, self.rubric)}{fmt_value(value, unit_of(ref, self.rubric))}"

    def stated(self, ref: object, m) -> str:
        """The metric and its value, with the facts it came from when they say more:
        "公用经费预决算偏差15.00%（年初预算12万元，决算13.8万元）"."""
        text = self.metric_text(ref, m.value)
        return f"{text}（{m.facts}）" if m.facts and m.facts != text else text

    # -- 定性评价 answers
    def item_loc(self, item_id: str, column: str = "answer") -> Loc:
        return Loc(L.QUALITATIVE.name, self.dept.qualitative.rows.get(item_id), L.QUALITATIVE.header(column))

    def item_value(self, item_id: str):
        """An item's converted answer: bool, Decimal, text, NOT_APPLICABLE, or MISSING (blank/invalid,
        already reported).  A blank answer takes the item's ``blank`` value when it has one."""
        item = self.rubric.item(item_id)
        value = self.dept.qualitative.get(item_id)
        if isinstance(value, str) and not value.strip():
            value = None                          # a blank text cell (choice items are read as text)
        if not self.check(value):
            return MISSING
        if value is None and self.missing_table(L.QUALITATIVE):
            return MISSING
        if value is None and item.blank is not None:
            parsed = parse_yes_no(item.blank) if item.kind == "yes_no" else parse_amount(item.blank)
            value = parsed.value if parsed.ok else item.blank
            value = int(value) if item.kind == "count" and isinstance(value, Decimal) else value
        if value is None:
            self.incomplete(f"“{item.label}”未填写", self.item_loc(item_id))
            return MISSING
        return value

    def applicable_value(self, item_id: str):
        """``item_value`` for a rule that cannot go on without the answer: MISSING when it is blank,
        unreadable or 不适用 (then the line's ``na`` applies)."""
        value = self.item_value(item_id)
        if value is NOT_APPLICABLE:
            self.not_applicable(f"“{self.rubric.item(item_id).label}”不适用", self.item_loc(item_id))
            return MISSING
        return value

    def answer(self, item_id: str, sub_max: Decimal, *, manual: bool, na: str | None = None) -> Decimal | None:
        """Points of one 定性评价 item: 是 → sub_max, 否 → 0, a number → a manual score (when
        ``manual``).  不适用 → the item's ``na`` (zero/full) or, without one, the line's policy (None)."""
        item = self.rubric.item(item_id)
        loc = self.item_loc(item_id)
        value = self.item_value(item_id)
        if value is MISSING:
            self._answer_row(item.label, "未填写" if self.missing else "错误", ZERO, sub_max)
            return ZERO
        if value is NOT_APPLICABLE:
            if na is None:
                self.not_applicable(f"“{item.label}”不适用", loc)
                self._answer_row(item.label, "不适用", None, sub_max)
                return None
            points = sub_max if na == "full" else ZERO
            self._answer_row(item.label, "不适用", points, sub_max)
            return points
        if isinstance(value, bool):
            points, shown = (sub_max if value else ZERO), ("是" if value else "否")
            if not value:
                ids = [part["item"] for part in self.rule.get("items", ())] or [self.rule.get("item")]
                index = ids.index(item_id) if item_id in ids else 0
                self.reason(shortfall(self.spec.criteria, index, len(ids), item.label, sub_max), loc)
        elif isinstance(value, Decimal):
            if not manual or not (ZERO <= value <= sub_max):
                self.invalid(f"{item.label}酌情评分{fmt_num(value)}分超出范围（应在0到{fmt_num(sub_max)}分之间）", loc)
                return ZERO
            points, shown = value, f"酌情{fmt_num(value)}分"
            if value < sub_max:
                remark = self.dept.qualitative.remarks.get(item_id, "")
                why = f"，理由：{remark}" if remark else ""
                self.reason(f"{item.label}酌情评{fmt_num(value)}分（满分{fmt_num(sub_max)}分），扣{fmt_num(sub_max - value)}分{why}", loc)
                if not remark:
                    self.finding(WARNING, f"{self.spec.label}：“{item.label}”酌情扣分，请在“说明”中写明扣分理由",
                                 self.item_loc(item_id, "remark"))
        else:
            self.invalid(f"“{item.label}”填写为“{value}”，应填“是/否”或分数", loc)
            return ZERO
        self._answer_row(item.label, shown, points, sub_max)
        return points

    def _answer_row(self, label: str, shown: str, points, sub_max: Decimal) -> None:
        if not self.detail.headers:
            self.table("评分项", "填报", "得分", "分值")
        self.detail.rows.append((label, shown, points, sub_max))

    # -- result
    def finish(self, raw: Decimal | None) -> LineResult:
        spec, points = self.spec, self.points
        lo, hi = (-points, ZERO) if spec.deduction else (ZERO, points)

        def result(score: Decimal, status: str, reasons: list[Reason], excluded: bool = False) -> LineResult:
            return LineResult(spec.id, spec.label, hi, lo, score, status, reasons, self.detail, spec=spec,
                              extra=self.extra, excluded=excluded)

        if self.errors:
            return result(ZERO, ERROR_STATUS, self.errors)
        if self.missing:
            return result(ZERO, INCOMPLETE, self.missing)
        if self.na is not None or raw is None:
            na = self.na or Reason("不适用")
            text = Reason(f"{na.text}，{NA_TEXT[spec.na]}", na.loc)
            self.detail.notes.append(text.text)
            if spec.na == "exclude":
                return result(ZERO, NA, [text], excluded=True)
            if spec.na == "full":            # e.g. 无相关支出: full marks, said in the details
                return result(hi, FULL, [])
            rule_score = points if spec.na == "full" else ZERO
            return result(rule_score - points if spec.deduction else rule_score, NA, [text])
        score = round_score(min(points, max(ZERO, raw)))
        if spec.deduction:
            score -= points
        status = FULL if score == hi else DEDUCTED
        return result(score, status, self.reasons if status == DEDUCTED else [])


def where_text(loc: Loc) -> str:
    table = L.TABLES_BY_NAME.get(loc.table or "")
    if table is None:
        return ""
    row = f"第{loc.row + 1}行" if loc.row is not None else ""
    col = f"“{loc.column}”" if loc.column else ""
    return f"{table.sheet}{row}{col}："


def points_text(value: Decimal) -> str:
    return f"{fmt_num(value)}分"


class _Registry(Mapping):
    """Every rule type module of this package by its NAME (= its module name), listed from the
    folder and imported on first use, so a rubric costs only the types it uses."""

    def __init__(self):
        self._names = tuple(sorted({n.split(".")[0] for n in os.listdir(__path__[0])
                                    if n.endswith((".py", ".pyc")) and not n.startswith("_")}))
        self._modules: dict = {}

    def __getitem__(self, name: str):
        if name not in self._modules:
            if name not in self._names:
                raise KeyError(name)
            module = importlib.import_module(f"{__name__}.{name}")
            assert module.NAME == name, f"rule type module {name} declares NAME {module.NAME}"
            self._modules[name] = module
        return self._modules[name]

    def __iter__(self):
        return iter(self._names)

    def __len__(self) -> int:
        return len(self._names)


RULE_TYPES = _Registry()


def tables_read(rubric) -> set:
    """The input tables some line of ``rubric`` reads (each rule type's ``tables(rule, rubric)``);
    a table outside this set is never 未填写 and its sheet says the form does not score it."""
    return set().union(*(RULE_TYPES[spec.kind].tables(spec.rule, rubric) for spec in rubric.lines))


def rule_items(rule: dict) -> list[tuple[str, str, object]]:
    """The 定性评价 items a rule reads, in its order, each as (item id, how, part points): how is "item"
    (the rule's ``item``), "part" (an ``items`` part; its points, if written), "gate" or "operand" (an
    ``item:ID`` count or metric); a ``choose_one`` rule's options are walked in turn."""
    out: list[tuple[str, str, object]] = []
    if isinstance(rule.get("item"), str):
        out.append((rule["item"], "item", None))
    for part in rule.get("items", ()):
        if isinstance(part, dict) and isinstance(part.get("item"), str):
            out.append((part["item"], "part", part.get("points")))
    gate = rule.get("gate")
    out += [(g, "gate", None) for g in ([gate] if isinstance(gate, str) else gate or ()) if isinstance(g, str)]
    for key in ("count", "metric"):
        value = rule.get(key)
        if isinstance(value, str) and value.startswith("item:"):
            out.append((value[5:], "operand", None))
    for option in rule.get("options", ()):
        if isinstance(option, dict):
            out += rule_items(option)
    return out


def item_maxima(rubric) -> dict:
    """The most points each 定性评价 item can give (a score item's range is 0 to this): the line's
    points for the item a rule reads, a part's points for an ``items`` part (options too)."""
    out: dict = {}
    for spec in rubric.lines:
        for item_id, how, points in rule_items(spec.rule):
            if how in ("item", "part"):
                value = Decimal(str(points)) if points is not None else spec.points
                out[item_id] = max(out.get(item_id, value), value)
    return out

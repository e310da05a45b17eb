"""One rule per line of the 打分表.  Each rule is a function (Line, Department) → raw score.

``Line`` collects reasons, details and findings and turns the raw score into a
``LineResult``: clamped to the line's bounds, rounded once (half-up, 2 decimals), status
``error`` (score 0) as soon as any input of the line was invalid.
"""
from __future__ import annotations

from decimal import Decimal

from ... import layout as L
from ..model import ERROR, WARNING, Department, Finding, Invalid, Loc
from ..numbers import fmt_num, round_score
from ..results import DEDUCTED, ERROR_STATUS, FULL, INCOMPLETE, Detail, LineResult, Reason
from ..rubric import LineSpec, Params, line_bounds

ZERO = Decimal(0)


class Line:
    def __init__(self, spec: LineSpec, params: Params, findings: list[Finding]):
        self.spec, self.params = spec, params
        self.min, self.max = line_bounds(spec, params)
        self.reasons: list[Reason] = []
        self.errors: list[Reason] = []
        self.missing: list[Reason] = []
        self.detail = Detail(())
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
            self.finding(ERROR, f"{self.spec.name}：{text}", loc)

    def incomplete(self, text: str, loc: Loc | None) -> None:
        """A required input of this line is blank: the line is 未填写 (not a deduction) and
        the workbook's total is incomplete.  One warning at the (first) blank cell."""
        self.missing.append(Reason(text, loc))
        self.finding(WARNING, f"{self.spec.name}：{text}", loc)

    def blank_table(self, dept: Department, table: L.Table, text: str, loc: Loc) -> bool:
        """True when the line cannot score because ``table`` is missing (error — the finding
        was made when reading) or left blank (未填写).  The caller decides what blank means."""
        if table.name in dept.missing_tables:
            self.invalid(f"找不到表格 {table.name}（{table.sheet}）", Loc(table.name, None, None, table.sheet), report=False)
        else:
            self.incomplete(text, loc)
        return True

    def check(self, value: object) -> bool:
        """True when a converted value is usable; an Invalid marks the line as error."""
        if isinstance(value, Invalid):
            self.invalid(f"{_where(value.loc)}{value.message}", value.loc, report=False)
            return False
        return True

    def table(self, *headers: str) -> Detail:
        self.detail = Detail(tuple(headers))
        return self.detail

    # -- qualitative answers
    def answer(self, dept: Department, key: str, sub_max: Decimal, *, manual: bool) -> Decimal:
        """Points of one 定性评价 item: 是 → sub_max, 否/blank → 0, a number → manual score."""
        value = dept.qualitative.get(key)
        row = L.QUALITATIVE.row(key)
        loc = Loc(L.QUALITATIVE.name, dept.qualitative.rows.get(key), L.QUALITATIVE.header("answer"))
        if not self.check(value):
            return ZERO
        if value is None and L.QUALITATIVE.name in dept.missing_tables:
            self.invalid(f"找不到表格 {L.QUALITATIVE.name}（{L.QUALITATIVE.sheet}）",
                         Loc(L.QUALITATIVE.name, None, None, L.QUALITATIVE.sheet), report=False)
            return ZERO
        if value is None:
            self.incomplete(f"“{row.label}”未填写", loc)
            points, shown = ZERO, "未填写"
        elif isinstance(value, bool):
            points, shown = (sub_max if value else ZERO), ("是" if value else "否")
            if not value:
                self.reason(f"{row.label}：否，扣{fmt_num(sub_max)}分", loc)
        else:  # a manual score (only ANSWER rows convert to numbers)
            if not manual or not (ZERO <= value <= sub_max):
                self.invalid(f"{row.label}酌情评分{fmt_num(value)}分超出范围（应在0到{fmt_num(sub_max)}分之间）", loc)
                return ZERO
            points, shown = value, f"酌情{fmt_num(value)}分"
            if value < sub_max:
                remark = dept.qualitative.remarks.get(key, "")
                why = f"，理由：{remark}" if remark else ""
                self.reason(f"{row.label}酌情评{fmt_num(value)}分（满分{fmt_num(sub_max)}分），扣{fmt_num(sub_max - value)}分{why}", loc)
                if not remark:
                    self.finding(WARNING, f"{self.spec.name}：“{row.label}”酌情扣分，请在“说明”中写明扣分理由",
                                 Loc(L.QUALITATIVE.name, dept.qualitative.rows.get(key), L.QUALITATIVE.header("remark")))
        if not self.detail.headers:
            self.table("评分项", "填报", "得分", "分值")
        self.detail.rows.append((row.label, shown, points, sub_max))
        return points

    # -- result
    def finish(self, raw: Decimal) -> LineResult:
        if self.errors:
            return LineResult(self.spec.id, self.spec.name, self.max, self.min, ZERO, ERROR_STATUS,
                              self.errors, self.detail)
        if self.missing:
            return LineResult(self.spec.id, self.spec.name, self.max, self.min, ZERO, INCOMPLETE,
                              self.missing, self.detail)
        score = round_score(min(self.max, max(self.min, raw)))
        status = FULL if score == self.max else DEDUCTED
        return LineResult(self.spec.id, self.spec.name, self.max, self.min, score, status,
                          self.reasons if status == DEDUCTED else [], self.detail)


def _where(loc: Loc) -> str:
    table = L.TABLES_BY_NAME.get(loc.table or "")
    if table is None:
        return ""
    row = f"第{loc.row + 1}行" if loc.row is not None else ""
    col = f"“{loc.column}”" if loc.column else ""
    return f"{table.sheet}{row}{col}："

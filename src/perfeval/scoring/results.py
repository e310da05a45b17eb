"""What scoring produces: line results with reasons and details, findings, the total.

``Result.to_json`` gives the ``score --json`` shape of the workbook contract; a
``cell_of`` callback (from an adapter) turns locations into sheet and cell.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Callable, NamedTuple

from .model import SEVERITY_ORDER, Finding, Loc
from .numbers import fmt_num

FULL, DEDUCTED, ERROR_STATUS, INCOMPLETE, NA = "full", "deducted", "error", "incomplete", "na"
STATUS_LABELS = {FULL: "满分", DEDUCTED: "扣分", ERROR_STATUS: "错误", INCOMPLETE: "未填写", NA: "不适用"}

CellOf = Callable[[Loc], "tuple[str, str] | None"]   # Loc → (sheet, cell)


class Reason(NamedTuple):
    text: str
    loc: Loc | None = None


@dataclass(eq=False)
class Detail:
    """A small table of everything that fed a line (the 计算明细 block)."""
    headers: tuple[str, ...]
    rows: list[tuple] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


@dataclass(eq=False)
class LineResult:
    id: str
    name: str
    max: Decimal
    min: Decimal
    score: Decimal
    status: str
    reasons: list[Reason]
    detail: Detail
    spec: object = None                 # the rubric's LineSpec (texts, group, rule)
    extra: dict = field(default_factory=dict)   # counted/passing, indicator verdicts, checkpoints …
    excluded: bool = False              # 不适用 with na "exclude": out of score and maximum

    @property
    def deduction(self) -> Decimal:
        return self.max - self.score


@dataclass(eq=False)
class PlannerRow:
    month: int
    target: Decimal
    target_amount: Decimal
    spent_so_far: Decimal
    needed: Decimal


@dataclass(eq=False)
class ProgressPoint:
    month: int
    spent: Decimal | None           # that month's spending (None: not yet filled)
    cumulative: Decimal | None
    rate: Decimal | None
    target: Decimal | None          # the checkpoint target in checkpoint months


@dataclass(eq=False)
class Result:
    unit: str
    year: int | None
    rubric_id: str
    total: Decimal
    max_total: Decimal
    grade: str
    lines: list[LineResult]
    findings: list[Finding]
    planner: list[PlannerRow] = field(default_factory=list)
    progress: list[ProgressPoint] = field(default_factory=list)
    last_month: int = 0
    rubric: object = None               # the Rubric scored under
    params: object = None               # the resolved parameters (scoring.params.Params)
    rescaled: bool = False              # some line was excluded: total = Σ × Σ all maxima ÷ Σ applicable
    department: object = None           # the converted inputs (scoring.model.Department) it was scored from

    def line(self, line_id: str) -> LineResult:
        return next(line for line in self.lines if line.id == line_id)

    def counts(self) -> dict[str, int]:
        out = {"error": 0, "warning": 0, "info": 0}
        for f in self.findings:
            out[f.severity] += 1
        return out

    @property
    def incomplete(self) -> int:
        """Lines not scored because their input was left blank (status 未填写)."""
        return sum(1 for line in self.lines if line.status == INCOMPLETE)

    @property
    def complete(self) -> bool:
        return self.incomplete == 0

    def sorted_findings(self) -> list[Finding]:
        return sorted(self.findings, key=lambda f: SEVERITY_ORDER[f.severity])

    def to_json(self, cell_of: CellOf | None = None) -> dict:
        return {
            "unit": self.unit,
            "year": self.year,
            "rubric": {"id": self.rubric_id, "title": self.rubric.title if self.rubric else "",
                       "checksum": self.rubric.checksum if self.rubric else ""},
            "total": json_number(self.total),
            "max_total": json_number(self.max_total),
            "grade": self.grade,
            "complete": self.complete,
            "incomplete": self.incomplete,
            "lines": [{
                "id": line.id, "name": line.name, "max": json_number(line.max),
                "score": None if line.excluded else json_number(line.score),
                "deduction": None if line.excluded else json_number(line.deduction),
                "status": line.status, "reasons": [reason_text(r, cell_of) for r in line.reasons],
            } for line in self.lines],
            "findings": [{
                "severity": f.severity, "sheet": where(f.loc, cell_of)[0], "cell": where(f.loc, cell_of)[1],
                "message": f.message,
            } for f in self.sorted_findings()],
        }


def where(loc: Loc | None, cell_of: CellOf | None) -> tuple[str, str]:
    """A location as (sheet, cell) for the user; cell is "" when only the sheet is known."""
    if loc is None:
        return "", ""
    found = cell_of(loc) if cell_of else None
    return found if found else (loc.sheet or loc.table or "", "")


def reason_text(reason: Reason, cell_of: CellOf | None) -> str:
    """A reason, ending with its cell when it points at one: "…（项目支出!C4）"."""
    sheet, cell = where(reason.loc, cell_of)
    return f"{reason.text}（{sheet}!{cell}）" if cell else reason.text


def json_number(value: Decimal) -> int | float:
    """97 → 97, 1.55 → 1.55 (scores are already rounded to cents, so float is exact enough)."""
    text = fmt_num(value)
    return int(text) if "." not in text else float(text)

"""What scoring produces: line results with reasons and details, findings, the total.

``Result.to_json`` gives the ``score --json`` shape of the workbook contract; a
``cell_of`` callback (from an adapter) turns locations into sheet and cell.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Callable, NamedTuple

from .model import SEVERITY_ORDER, Finding, Loc
from .numbers import fmt_num, round_score as round_score_

FULL, DEDUCTED, ERROR_STATUS, INCOMPLETE, NA = "full", "deducted", "error", "incomplete", "na"
STATUS_LABELS = {FULL: "满分", DEDUCTED: "扣分", ERROR_STATUS: "错误", INCOMPLETE: "未填写", NA: "不适用"}
WITHHELD = "未完成"          # the grade shown while a line is 错误 or 未填写

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
    """One rubric line scored: its points, status, reasons and detail."""
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
    """One month of the execution planner."""
    month: int
    target: Decimal
    target_amount: Decimal
    spent_so_far: Decimal
    needed: Decimal


@dataclass(eq=False)
class ProgressPoint:
    """One checkpoint of the execution progress."""
    month: int
    spent: Decimal | None           # that month's spending (None: not yet filled)
    cumulative: Decimal | None
    rate: Decimal | None
    target: Decimal | None          # the checkpoint target in checkpoint months


@dataclass(eq=False)
class ProjectResult:
    """One project's 项目支出绩效自评表: its lines under the project-scope rubric, total and grade."""
    project: object                     # the scored Project (项目支出 row)
    goal: object                        # its 项目目标 row (ProjectGoal), or None
    total: Decimal
    max_total: Decimal
    grade: str
    lines: list[LineResult]
    findings: list[Finding]
    rubric: object = None
    indicators: list = field(default_factory=list)     # the project's Indicator rows, in order

    @property
    def name(self) -> str:
        return self.project.name

    def indicator_score(self, ind):
        """(分值, 得分, 完成比例) of one of the project's indicators, or None where it was not scored."""
        for line in self.lines:
            found = line.extra.get("indicator_scores", {}).get(id(ind))
            if found:
                return found
        return None

    @property
    def complete(self) -> bool:
        return all(line.status not in (INCOMPLETE, ERROR_STATUS) for line in self.lines)

    @property
    def shown_grade(self) -> str:
        return self.grade if self.complete else WITHHELD

    def indicator_json(self) -> list[dict]:
        """Each scored indicator of the 绩效指标 line(s): 名称, 分值, 得分 (unrounded share of its 分值)."""
        return [{"line": line.id, "name": name, "weight": json_number(weight), "score": json_number(round_score_(got))}
                for line in self.lines for name, weight, got in line.extra.get("indicators", ())]

    def to_json(self, cell_of: "CellOf | None" = None) -> dict:
        return {"name": self.name, "total": json_number(self.total), "max_total": json_number(self.max_total),
                "grade": self.shown_grade, "complete": self.complete,
                "lines": [{"id": line.id, "name": line.name, "max": json_number(line.max), "score": json_number(line.score),
                           "status": line.status, "reasons": [reason_text(r, cell_of) for r in line.reasons]}
                          for line in self.lines],
                "indicators": self.indicator_json(),
                "findings": [{"severity": f.severity, "sheet": where(f.loc, cell_of)[0], "cell": where(f.loc, cell_of)[1],
                              "message": f.message} for f in self.findings]}


@dataclass(eq=False)
class Result:
    """A department-year scored: lines, total, grade, findings and what they were scored from."""
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
    projects: list = field(default_factory=list)   # ProjectResult per project with indicators (项目支出绩效自评表)
    project_params: object = None                  # the project rubric's Params (None: no 项目自评表)

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
    def error_lines(self) -> int:
        """Lines that could not be scored because an input was invalid (status 错误, scored 0)."""
        return sum(1 for line in self.lines if line.status == ERROR_STATUS)

    @property
    def input_errors(self) -> int:
        """What is to be corrected: the 错误 findings (an error line has at least one), or the error lines."""
        return max(self.error_lines, sum(1 for f in self.findings if f.severity == "error"))

    @property
    def complete(self) -> bool:
        """Every line scored from valid, filled inputs and no input error anywhere (a row left out for a
        blank 项目名称 is one).  Otherwise the total is only the scored part and the grade is withheld
        (``shown_grade`` 未完成): a 错误 withholds them exactly as 未填写 does."""
        return self.incomplete == 0 and self.input_errors == 0

    @property
    def completion(self) -> str:
        return completion(self.input_errors, self.incomplete)

    @property
    def reading(self) -> str:
        """How the total is read when the lines' maxima do not add up to the form's nominal total ("" when
        they do): said on the 打分表 and in the report, beside every total."""
        nominal = getattr(self.rubric, "total", None)
        if nominal is None or nominal == self.max_total:
            return ""
        return (f"本评分标准各项满分合计{fmt_num(self.max_total)}分，与表头总分{fmt_num(nominal)}分不同；"
                f"总分按各项得分合计，满分{fmt_num(self.max_total)}分")

    def problems(self, cell_of: "CellOf | None" = None) -> list[str]:
        """Every input problem that keeps the evaluation from being complete, one line each: each 错误
        finding at its cell, then each line left 未填写 with its reason."""
        out = [f"输入错误（{_at(f.loc, cell_of)}）：{f.message}" for f in self.sorted_findings() if f.severity == "error"]
        for line in self.lines:
            if line.status == INCOMPLETE:
                why = "；".join(reason_text(r, cell_of) for r in line.reasons) or "输入未填写"
                out.append(f"未填写（{line.name}）：{why}")
            elif line.status == ERROR_STATUS and not any(f.severity == "error" for f in self.findings):
                out.append(f"输入错误（{line.name}）：{'；'.join(reason_text(r, cell_of) for r in line.reasons)}")
        return out

    @property
    def shown_grade(self) -> str:
        """The grade as every document states it: withheld (未完成) until the evaluation is complete."""
        return self.grade if self.complete else WITHHELD

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
            "grade": self.shown_grade,
            "complete": self.complete,
            "incomplete": self.incomplete,
            "error_lines": self.error_lines,
            "input_errors": self.input_errors,
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
            "projects": [p.to_json(cell_of) for p in self.projects],
        }


def open_items(errors: int, incomplete: int) -> str:
    """What keeps an evaluation from being complete: "2处输入错误、1项未填写" ("" when nothing)."""
    return "、".join([f"{errors}处输入错误"] * bool(errors) + [f"{incomplete}项未填写"] * bool(incomplete))


def completion(errors: int, incomplete: int) -> str:
    """"已完成", or "未完成（…）" naming what is open."""
    return f"未完成（{open_items(errors, incomplete)}）" if errors or incomplete else "已完成"


def where(loc: Loc | None, cell_of: CellOf | None) -> tuple[str, str]:
    """A location as (sheet, cell) for the user; cell is "" when only the sheet is known."""
    if loc is None:
        return "", ""
    found = cell_of(loc) if cell_of else None
    return found if found else (loc.sheet or loc.table or "", "")


def _at(loc: Loc | None, cell_of: CellOf | None) -> str:
    sheet, cell = where(loc, cell_of)
    return f"{sheet}!{cell}" if cell else sheet or "工作簿"


def reason_text(reason: Reason, cell_of: CellOf | None) -> str:
    """A reason, ending with its cell when it points at one: "…（项目支出!C4）"."""
    sheet, cell = where(reason.loc, cell_of)
    return f"{reason.text}（{sheet}!{cell}）" if cell else reason.text


def json_number(value: Decimal) -> int | float:
    """97 → 97, 1.55 → 1.55 (scores are already rounded to cents, so float is exact enough)."""
    text = fmt_num(value)
    return int(text) if "." not in text else float(text)

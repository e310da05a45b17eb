"""Plain data of one department-year, findings and their locations.

The engine scores a ``Department``; adapters and tests build one through
``inputs.department_from_tables``.  A value that could not be read is kept as an
``Invalid`` (never silently dropped), so the rule it feeds can report status ``error``.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import NamedTuple, Union

ERROR, WARNING, INFO = "error", "warning", "info"
SEVERITY_ORDER = {ERROR: 0, WARNING: 1, INFO: 2}


class Loc(NamedTuple):
    """Where an input lives: Excel table name, 0-based data-row index, column header.

    ``row``/``column`` may be None for a whole table or a whole row; ``sheet`` is used for
    problems that are not inside a table (a missing table, a rubric lint finding).
    """
    table: str | None = None
    row: int | None = None
    column: str | None = None
    sheet: str | None = None


class Finding(NamedTuple):
    severity: str
    message: str
    loc: Loc | None = None


class Invalid(NamedTuple):
    """A cell that could not be converted; the finding was already reported."""
    loc: Loc
    raw: object
    message: str

    def __bool__(self) -> bool:  # an Invalid never counts as a truthy answer
        return False

    def __str__(self) -> str:    # in a message: the cell as the clerk sees it (#SPILL!, 约50), never the repr
        return str(self.raw)


Amount = Union[Decimal, None, Invalid]          # None = blank


class NotApplicable:
    """The answer 不适用: the line's (or the item's) ``na`` policy applies."""
    __slots__ = ()

    def __repr__(self) -> str:
        return "NOT_APPLICABLE"

    def __bool__(self) -> bool:
        return False


NOT_APPLICABLE = NotApplicable()


@dataclass(eq=False)
class ExpenseItem:
    """One 公用经费 row: subject, budget and actual (万元)."""
    subject: str
    budget: Amount
    actual: Amount
    row: int | None = None


@dataclass(eq=False)
class Project:
    """One 项目支出 row."""
    name: str
    source: str = ""
    budget: Amount = None
    spent: Amount = None
    managed: Union[bool, None, Invalid] = None
    note: str = ""
    row: int | None = None
    initial_budget: Amount = None
    key: Union[bool, None, Invalid] = None


@dataclass(eq=False)
class ProjectGoal:
    """One 项目绩效目标 row: a project's goal and what was achieved."""
    name: str
    authority: str = ""
    implementer: str = ""
    goal: str = ""
    achieved: str = ""
    execution_reason: str = ""
    row: int | None = None


@dataclass(eq=False)
class MonthlyLine:
    """One 月度支出 row: an item's annual budget and its twelve months."""
    item: str
    annual_budget: Amount
    months: tuple[Amount, ...]   # 12 entries, month 1 first
    row: int | None = None


@dataclass(eq=False)
class Indicator:
    """One 绩效指标 row."""
    target_object: str
    level1: str = ""
    level2: str = ""
    level3: str = ""
    direction: str = ""
    target: object = None
    unit: str = ""
    actual: object = None
    reason: str = ""
    row: int | None = None
    weight: Amount = None
    grade: str = ""


@dataclass(eq=False)
class MonitoringIssue:
    """One 绩效监控 problem and whether it was handled."""
    project: str
    description: str = ""
    handled: Union[bool, None, Invalid] = None
    row: int | None = None


@dataclass(eq=False)
class Violation:
    """One 问题清单 row (an audit or self-check finding)."""
    source: str
    description: str = ""
    status: str = ""
    row: int | None = None
    category: str = ""


@dataclass(eq=False)
class ThreeExpense:
    """One 三公经费 row: prior-year and this year's budget and actual."""
    item: str
    prior_budget: Amount = None
    prior_actual: Amount = None
    budget: Amount = None
    actual: Amount = None
    row: int | None = None


@dataclass(eq=False)
class KeyValues:
    """A key-value table after conversion: values by row key, and the row index of each key."""
    values: dict[str, object] = field(default_factory=dict)
    rows: dict[str, int] = field(default_factory=dict)
    legacy: bool = False        # read from an older header (评分参数 “值” before 本县取值 existed)
    remarks: dict[str, str] = field(default_factory=dict)    # 说明 beside a value (定性评价), by key

    def get(self, key: str, default: object = None) -> object:
        return self.values.get(key, default)


@dataclass(eq=False)
class Department:
    """Everything one department-year's workbook says, converted; the engine's input."""
    missing_tables: set = field(default_factory=set)     # input tables not found in the workbook
    info: KeyValues = field(default_factory=KeyValues)
    finance: KeyValues = field(default_factory=KeyValues)
    report_text: KeyValues = field(default_factory=KeyValues)     # 报告文字: narrative for the 自评报告
    public_expenses: list[ExpenseItem] = field(default_factory=list)
    three_expenses: list[ThreeExpense] = field(default_factory=list)
    extra: KeyValues = field(default_factory=KeyValues)         # 其他数据: the rubric's inputs by id
    projects: list[Project] = field(default_factory=list)
    project_goals: list[ProjectGoal] = field(default_factory=list)
    project: object = None                                     # the Project a project-scope rubric scores
    monthly: list[MonthlyLine] = field(default_factory=list)
    indicators: list[Indicator] = field(default_factory=list)
    qualitative: KeyValues = field(default_factory=KeyValues)
    monitoring: list[MonitoringIssue] = field(default_factory=list)
    violations: list[Violation] = field(default_factory=list)
    parameters: KeyValues = field(default_factory=KeyValues)   # raw values by parameter label
    findings: list[Finding] = field(default_factory=list)      # from reading and conversion
    rubric: object = None                                      # the rubric the inputs were read for
    rubric_problem: str = ""                                   # an embedded rubric that cannot be used
    rubric_embedded: bool = False                              # scored under the rubric embedded in the workbook
    project_rubric: object = None                              # the project-scope rubric embedded in the workbook
    project_rubric_problem: str = ""                           # an embedded project rubric that cannot be used

    @property
    def unit_name(self) -> str:
        value = self.info.get("unit_name")
        return value.strip() if isinstance(value, str) else ""

    @property
    def year(self) -> int | None:
        value = self.info.get("year")
        return value if isinstance(value, int) else None

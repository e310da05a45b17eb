"""The populations rules count over: indicators of the department or of projects, projects."""
from __future__ import annotations

from decimal import Decimal

from ... import layout as L
from ..inputs import normalize_label
from ..model import WARNING, Invalid, Loc
from ..numbers import fmt_money

DEPARTMENT_OBJECT = "部门整体"
OBJECT_NOUNS = {"department": "部门整体", "project": "项目", "managed_project": "项目", None: ""}
POPULATION_NOUNS = {"indicators": "指标", "projects": "部门预算项目"}


def population_tables(population: str, filt: dict) -> set:
    """The tables a population reads: indicators of the department read 绩效指标 only; of projects
    also 项目支出 and 收支情况 (whose 项目支出 = 0 declares the project tables really empty)."""
    if population == "indicators" and filt.get("object") in (None, "department"):
        return {L.INDICATORS}
    return ({L.INDICATORS} if population == "indicators" else set()) | {L.PROJECTS, L.FINANCE}


def first_cell(table: L.Table, column: str) -> Loc:
    return Loc(table.name, 0, table.header(column))


def projects_missing(line) -> bool:
    """No project has a budget or spending typed in, while 收支情况 does not show 项目支出 = 0:
    the 项目支出 table was left blank (a typed 0 means the department really has none)."""
    dept = line.dept
    if any(p.budget is not None or p.spent is not None for p in dept.projects):
        return False
    declared = dept.finance.get("project_expense")
    if isinstance(declared, Decimal) and declared == 0:
        return False
    shown = f"（收支情况中项目支出为{fmt_money(declared)}万元）" if isinstance(declared, Decimal) else ""
    return line.blank_table(L.PROJECTS, f"项目支出表未填写{shown}", first_cell(L.PROJECTS, "budget"))


def indicators_missing(line) -> bool:
    if line.dept.indicators:
        return False
    return line.blank_table(L.INDICATORS, "绩效指标表未填写", first_cell(L.INDICATORS, "target_object"))


def ind_loc(row, column: str) -> Loc:
    return Loc(L.INDICATORS.name, row, L.INDICATORS.header(column))


def indicator_rows(line, filt: dict) -> list | None:
    """The indicator rows of the filter's object (None when the line cannot score: a blank table)."""
    obj = filt.get("object")
    dept = line.dept
    if obj in (None, "department"):
        if indicators_missing(line):
            return None
        if obj is None:
            return list(dept.indicators)
        return [i for i in dept.indicators if normalize_label(i.target_object) == DEPARTMENT_OBJECT]
    if projects_missing(line):
        return None
    if dept.projects and indicators_missing(line):
        return None
    projects = {normalize_label(p.name): p for p in dept.projects if p.name}
    chosen, warned = [], set()
    for ind in dept.indicators:
        key = normalize_label(ind.target_object)
        if key == DEPARTMENT_OBJECT:
            continue
        loc = ind_loc(ind.row, "target_object")
        if not key:
            line.finding(WARNING, f"绩效指标第{(ind.row or 0) + 1}行未填写指标对象，未计入", loc)
            continue
        project = projects.get(key)
        if project is None:
            line.finding(WARNING, f"绩效指标中的项目“{ind.target_object}”不在项目支出表中，未计入", loc)
            continue
        if obj == "managed_project" or "managed" in filt:
            managed = project.managed
            if isinstance(managed, Invalid):
                line.check(managed)
                continue
            if managed is None:
                if key not in warned:
                    warned.add(key)
                    line.finding(WARNING, f"项目“{project.name}”未填写是否纳入绩效目标管理，按“否”处理，其指标未计入",
                                 Loc(L.PROJECTS.name, project.row, L.PROJECTS.header("managed")))
                continue
            if bool(managed) != filt.get("managed", True):
                continue
        chosen.append(ind)
    return chosen


def level_match(ind, filt: dict) -> bool:
    for key in ("level1", "level2", "level3"):
        if key in filt:
            value, wanted = getattr(ind, key), filt[key]
            if value != wanted and normalize_label(value) != normalize_label(wanted):
                return False
    return True


def project_rows(line, filt: dict) -> list | None:
    if projects_missing(line):
        return None
    rows = list(line.dept.projects)
    if "managed" in filt or filt.get("object") == "managed_project":
        rows = [p for p in rows if p.managed is filt.get("managed", True)]
    return rows


def filter_text(population: str, filt: dict) -> str:
    """"部门整体数量指标", "项目数量指标", "部门预算项目" — the members a line counts."""
    if population == "projects":
        managed = filt.get("managed") or filt.get("object") == "managed_project"
        return f"{'纳入绩效目标管理的' if managed else ''}部门预算项目"
    level = filt.get("level3") or filt.get("level2") or filt.get("level1") or "指标"
    return f"{OBJECT_NOUNS.get(filt.get('object'), '')}{level}"

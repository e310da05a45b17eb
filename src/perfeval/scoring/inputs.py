"""Raw input tables (as any adapter reads them) → a ``Department`` plus findings.

Adapters hand over one ``RawTable`` per Excel table: the header texts found in the
workbook and the data-body rows as plain Python values.  Conversion is driven by the
column kinds declared in ``layout``; every cell that cannot be read becomes a finding
(all of them, not only the first) and an ``Invalid`` value in the model.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from decimal import Decimal

from .. import layout as L
from .model import (ERROR, INFO, NOT_APPLICABLE, WARNING, Department, ExpenseItem, Finding, Indicator, ProjectGoal,
                    Invalid, KeyValues, Loc, MonitoringIssue, MonthlyLine, Project, ThreeExpense,
                    Violation)
from .rubric import Rubric, from_embedded, select, split_embedded
from .cells import DateText, Percent, SerialDate, Uncalculated, Unreadable
from .numbers import (Parsed, fmt_num, is_blank, is_excel_error, parse_amount, parse_count,
                      parse_number_text, parse_rate, parse_yes_no, to_halfwidth)


_UNDECIDED = object()
ITEM_KINDS = {"yes_no": L.YESNO, "score": L.ANSWER, "count": L.COUNT, "number": L.NUMBER, "choice": L.CHOICE}
INPUT_KINDS = {"amount": L.AMOUNT, "count": L.COUNT, "number": L.NUMBER, "rate": L.RATE, "days": L.NUMBER}
NOT_APPLICABLE_WORDS = {"不适用", "不涉及", "na", "n/a"}


def _item_help(item) -> str:
    """The template's input help of a 定性评价 row, from its kind."""
    return {"yes_no": "填“是”或“否”；不涉及填“不适用”", "score": "填“是/否”，或酌情评定的分数；不涉及填“不适用”",
            "count": "填次数（整数），没有填0", "number": "填数值", "choice": f"从{'、'.join(item.choices)}中选择"}[item.kind]


def rubric_table(table: L.Table, rubric: Rubric) -> L.Table:
    """定性评价 and 其他数据 with the rubric's items and inputs as their rows, in order."""
    if table.name == L.QUALITATIVE.name:
        return table._replace(rows=tuple(L.Row(i.id, i.label, ITEM_KINDS[i.kind], i.help or _item_help(i), choices=i.choices)
                                         for i in rubric.items))
    if table.name == L.EXTRA_INPUTS.name:
        return table._replace(rows=tuple(L.Row(i.id, i.label, INPUT_KINDS[i.kind], i.help) for i in rubric.inputs))
    return table


@dataclass(eq=False)
class RawTable:
    """One input table as an adapter read it: its headers and data rows."""
    name: str
    headers: list[str]
    rows: list[list[object]] = field(default_factory=list)
    below: int = 0                      # the last rows were typed under the table, outside it (read, with a 提示)


_SPACES = re.compile(r"\s+")


def normalize_label(text: object) -> str:
    """Header/row-label matching ignores spaces, full-width forms and bracket style."""
    if text is None:
        return ""
    return _normalized(text) if type(text) is str else _normalized(str(text))


@lru_cache(maxsize=8192)
def _normalized(text: str) -> str:
    """Labels repeat (every indicator row names its 二级指标 and 指标对象): each is worked out once."""
    s = to_halfwidth(text).replace("（", "(").replace("）", ")")
    return _SPACES.sub("", s)


def find_table(tables: dict[str, RawTable], name: str) -> RawTable | None:
    """Excel table names are case-insensitive."""
    if name in tables:
        return tables[name]
    for key, table in tables.items():
        if key.lower() == name.lower():
            return table
    return None


def raw_table(table: L.Table, records: list[dict] | dict) -> RawTable:
    """Build a RawTable from records keyed by contract header (or, for key-value tables,
    a mapping label → value).  Used by samples, tests and scripts that fill workbooks."""
    headers = [c.header for c in table.columns]
    if table.is_keyvalue:
        assert isinstance(records, dict)
        rows = []
        for row in table.rows:
            value = records.get(row.label)
            extra = [None] * (len(headers) - 2)
            rows.append([row.label, value] + extra)
        return RawTable(table.name, headers, rows)
    return RawTable(table.name, headers, [[rec.get(h) for h in headers] for rec in records])


class _Converter:
    def __init__(self, tables: dict[str, RawTable]):
        self.tables = tables
        self.findings: list[Finding] = []
        self.missing: set[str] = set()

    def add(self, severity: str, message: str, loc: Loc | None) -> None:
        self.findings.append(Finding(severity, message, loc))

    # ---- cells
    def convert(self, kind: L.Kind, value: object, loc: Loc, what: str) -> object:
        if value is None:                       # a blank cell: what every reader makes of it, at once
            return "" if kind.parse == "text" else None
        typed = self.typed(kind, value, loc, what)
        if typed is not _UNDECIDED:
            return typed
        parse = _READERS.get(kind.parse)
        if parse is None:
            return value if kind.parse == "raw" else self.text(value, loc, what)
        parsed = parse(value)
        if not parsed.ok:
            self.add(ERROR, f"{what}：{parsed.error}", loc)
            return Invalid(loc, value, parsed.error)
        if parsed.notes:
            shown = ("是" if parsed.value else "否") if isinstance(parsed.value, bool) \
                else fmt_num(parsed.value) if isinstance(parsed.value, (int, Decimal)) else parsed.value
            self.add(INFO, f"{what}：{'，'.join(parsed.notes)}（“{value}” → {shown}）", loc)
        return parsed.value

    def typed(self, kind: str, value: object, loc: Loc, what: str) -> object:
        """Cells whose type decides before their value (see ``cells``): formulas without a
        result, unreadable cells, error values, and dates or percentages in columns that do
        not take them.  Returns ``_UNDECIDED`` for everything else."""
        def invalid(message: str) -> Invalid:
            self.add(ERROR, f"{what}：{message}", loc)
            return Invalid(loc, value, message)

        if isinstance(value, Uncalculated):
            return invalid(f"公式“={value}”没有计算结果（文件由不计算公式的程序保存）。"
                           "请在 Excel 中打开此文件并保存，再重新计算")
        if isinstance(value, Unreadable):
            return invalid(f"{value}。请在 Excel 中打开此文件、检查该单元格并保存")
        if kind.parse == "text":
            return _UNDECIDED
        if is_excel_error(value):
            return invalid(f"单元格为错误值 {str(value).strip()}（公式出错）。请修正公式或直接填写数值")
        noun = kind.noun
        if isinstance(value, SerialDate) and kind == L.VALUE:
            return DateText(value.text())       # an indicator value may be a date (时效): text, not a number
        if isinstance(value, SerialDate) and noun:
            return invalid(f"单元格是日期/时间格式（显示为 {value.text()}），不是{noun}。"
                           "请把单元格格式设为“常规”或“数值”后重新填写")
        if isinstance(value, Percent):
            if kind in (L.VALUE, L.PARAM):
                return value.text()             # 0.96 shown as 96% is 96%
            if kind == L.RATE:
                return parse_amount(float(value), allow_negative=True).value
            if kind.unit:
                return invalid(f"{kind.noun}单元格设置成了百分比格式（显示为 {value.text()}）。"
                               f"请把单元格格式设为“常规”或“数值”后按{kind.unit}填写")
            return invalid(f"单元格设置成了百分比格式（显示为 {value.text()}），应填{noun}")
        return _UNDECIDED

    def text(self, value: object, loc: Loc, what: str) -> str:
        if is_blank(value):
            return ""
        if is_excel_error(value):
            self.add(WARNING, f"{what}：单元格为错误值 {value}", loc)
            return ""
        if isinstance(value, (SerialDate, Percent)):
            return value.text()
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        if isinstance(value, Decimal):
            return fmt_num(value)
        return str(value).strip()

    # ---- tables
    def column_map(self, table: L.Table, raw: RawTable) -> dict[str, int | None]:
        index = {normalize_label(h): i for i, h in reversed(list(enumerate(raw.headers)))}
        found: dict[str, int | None] = {}
        self.aliased: set[str] = set()
        for col in table.columns:
            found[col.key] = index.get(normalize_label(col.header))
            if found[col.key] is None:
                alias = next((a for a in col.aliases if normalize_label(a) in index), None)
                if alias is not None:
                    found[col.key] = index[normalize_label(alias)]
                    self.aliased.add(col.key)
            if found[col.key] is None and (col.is_output or col.optional):
                continue                       # written by recalculation, or added in a later release
            if found[col.key] is None:
                self.add(ERROR, f"表格{table.name}（{table.sheet}）缺少列“{col.header}”，该列按空白处理",
                         Loc(table.name, None, None, table.sheet))
        return found

    def get_table(self, table: L.Table) -> RawTable | None:
        raw = find_table(self.tables, table.name)
        if raw is None and table.optional:
            self.missing.add(table.name)        # no finding: a line that reads it says so
            return None
        if raw is None:
            self.missing.add(table.name)
            self.add(ERROR, f"找不到表格 {table.name}（应在工作表“{table.sheet}”），相关项目按空白处理",
                     Loc(table.name, None, None, table.sheet))
        return raw

    def list_rows(self, table: L.Table):
        """Yield (row index, {column key: converted value}) for every non-blank row."""
        raw = self.get_table(table)
        if raw is None:
            return
        cols = self.column_map(table, raw)
        inputs = {c.key for c in table.columns if not c.is_output}
        if raw.below:
            first = len(raw.rows) - raw.below
            self.add(INFO, f"{table.sheet}第{first + 1}行起有{raw.below}行填在表格下方（表格之外），已一并读取；"
                           f"请把表格扩展到这些行（Excel：拖动表格右下角；WPS、LibreOffice：在表格最后一行之上插入行后填写）",
                     Loc(table.name, first, table.columns[0].header))
        spec = [(c.key, cols[c.key], c) for c in table.columns if c.key in inputs]
        for i, cells in enumerate(raw.rows):
            n = len(cells)
            picked = {k: (cells[j] if j is not None and j < n else None) for k, j, _ in spec}
            if all(is_blank(v) for v in picked.values()):
                continue
            if table.row_key and is_blank(picked.get(table.row_key)):
                header = table.header(table.row_key)
                filled = "、".join(f"“{c.header}”" for c in table.columns if c.key in picked and not is_blank(picked[c.key]))
                self.add(ERROR, f"{table.sheet}第{i + 1}行填了{filled}，但“{header}”为空：请填写{header}，"
                                f"或删除该行（该行未参与计算）", Loc(table.name, i, header))
                continue
            out = {}
            for key, _, col in spec:
                value = picked[key]
                parse = col.kind.parse
                if value is None:                # what convert makes of the commonest cells, without its Loc and wording
                    out[key] = "" if parse == "text" else None
                elif type(value) is str and (parse == "text" or parse == "raw") and value.strip()[:1] != "#":
                    out[key] = value.strip() if parse == "text" else value     # not an error literal: taken as typed
                else:
                    out[key] = self.convert(col.kind, value, Loc(table.name, i, col.header),
                                            f"{table.sheet}第{i + 1}行“{col.header}”")
            yield i, out

    def key_values(self, table: L.Table, value_key: str, *, by_label: bool = False, na: bool = False) -> KeyValues:
        """Read a key-value table by row label.  ``by_label`` keeps every row keyed by its
        label text (the parameter sheet), otherwise rows are the declared ones.  ``na`` takes
        the answer 不适用 (定性评价)."""
        kv = KeyValues()
        raw = self.get_table(table)
        if raw is None:
            return kv
        cols = self.column_map(table, raw)
        kv.legacy = value_key in self.aliased
        label_i, value_i = cols[table.columns[0].key], cols[value_key]
        if label_i is None:
            return kv
        wanted = {normalize_label(r.label): r for r in table.rows}
        value_header = table.header(value_key)
        for i, cells in enumerate(raw.rows):
            label_raw = cells[label_i] if label_i < len(cells) else None
            value = cells[value_i] if value_i is not None and value_i < len(cells) else None
            label = normalize_label(label_raw)
            if not label:
                if not is_blank(value):
                    self.add(WARNING, f"{table.sheet}第{i + 1}行没有“{table.columns[0].header}”，已忽略",
                             Loc(table.name, i, table.columns[0].header))
                continue
            loc = Loc(table.name, i, value_header)
            if by_label:
                key, kind, what = str(label_raw).strip(), L.PARAM, f"{table.sheet}“{str(label_raw).strip()}”"
            elif label in wanted:
                row = wanted[label]
                key, kind, what = row.key, row.kind, f"{table.sheet}“{row.label}”"
            else:
                self.add(INFO, f"{table.sheet}中的“{str(label_raw).strip()}”不是规定的行，未参与计算",
                         Loc(table.name, i, table.columns[0].header))
                continue
            if key in kv.rows:
                self.add(WARNING, f"{table.sheet}中“{str(label_raw).strip()}”重复出现，使用第一次出现的值",
                         Loc(table.name, i, table.columns[0].header))
                continue
            kv.rows[key] = i
            if na and isinstance(value, str) and to_halfwidth(value).strip().lower() in NOT_APPLICABLE_WORDS:
                kv.values[key] = NOT_APPLICABLE
            else:
                kv.values[key] = self.convert(kind, value, loc, what)
            remark_i = cols.get("remark")
            if remark_i is not None and remark_i < len(cells) and not is_blank(cells[remark_i]):
                kv.remarks[key] = self.text(cells[remark_i], Loc(table.name, i, table.header("remark")), what)
        if not by_label:
            for row in table.rows:
                if row.key not in kv.rows and not row.optional:
                    self.add(WARNING, f"{table.sheet}缺少“{row.label}”一行，按空白处理",
                             Loc(table.name, None, None, table.sheet))
        return kv


def _parse_answer(value: object):
    """定性评价 填报: a 是/否 word, or a number meaning a manual score (1/0 are scores here)."""
    if is_blank(value):
        return Parsed(None)
    if isinstance(value, bool):
        return Parsed(value)
    yn = parse_yes_no(value, numbers=False)
    if yn.ok:
        return yn
    if isinstance(value, str):
        parsed = parse_number_text(value)
        if parsed.ok:
            return parsed
        return Parsed(error=f"“{value.strip()}”应填“是/否”或分数")
    return parse_amount(value, allow_negative=True)


def _parse_net_amount(value: object):
    """A month's spending: negative is a refund or a correction (资金退回, 支出冲减), netted off, with a 提示."""
    parsed = parse_amount(value, allow_negative=True)
    if parsed.ok and parsed.value is not None and parsed.value < 0:
        return Parsed(parsed.value, notes=parsed.notes + ("负数按资金退回或支出冲减从累计支出中扣减",))
    return parsed


_READERS = {"amount": parse_amount, "net_amount": _parse_net_amount, "count": parse_count, "rate": parse_rate, "yes_no": parse_yes_no,
            "answer": _parse_answer}     # the one place a Kind's ``parse`` name meets its function


def _embedded(c: _Converter, dept: Department) -> Rubric | None:
    """The rubric embedded in the workbook (RubricData), or None for workbooks without one.  One that
    cannot be used is an 错误 finding and ``dept.rubric_problem`` (the adapters refuse to score it)."""
    raw = find_table(c.tables, L.RUBRIC_DATA.name)
    if raw is None or not raw.rows:
        return None
    cols = c.column_map(L.RUBRIC_DATA, raw)
    part, text = cols["part"], cols["text"]
    rows = [(r[part] if part is not None and part < len(r) else None,
             r[text] if text is not None and text < len(r) else None) for r in raw.rows]
    rows, project_rows = split_embedded(rows)
    if project_rows:
        _embedded_project(c, dept, project_rows)
    rubric, problem = from_embedded(rows)
    if problem:
        dept.rubric_problem = f"工作簿中嵌入的评分标准{problem}。请用 perfeval upgrade 重新生成本工作簿"
        c.add(ERROR, dept.rubric_problem, Loc(L.RUBRIC_DATA.name, None, None, L.RUBRIC_DATA.sheet))
        return None
    named = dept.parameters.get(L.RUBRIC_PARAMETER_LABEL)
    if not is_blank(named) and isinstance(named, str) and named.strip() != rubric.id:
        c.add(WARNING, f"评分参数中的评分标准“{named.strip()}”与本工作簿嵌入的评分标准 {rubric.id} 不同，"
                       f"按嵌入的 {rubric.id} 计算（要换用其他评分标准，请运行 perfeval upgrade --rubric）",
              Loc(L.PARAMETERS.name, dept.parameters.rows.get(L.RUBRIC_PARAMETER_LABEL), L.PARAMETERS.header("value")))
    return rubric


def _embedded_project(c: _Converter, dept: Department, rows) -> None:
    """The project-scope rubric embedded beside the department's (RubricData parts 项目…).  One that
    cannot be used is an 错误 finding: no 项目支出绩效自评表 is scored (the department still is)."""
    rubric, problem = from_embedded(rows)
    if rubric is not None and rubric.scope != "project":
        rubric, problem = None, f"不是项目评分标准（scope 为 {rubric.scope}）"
    if rubric is None:
        dept.project_rubric_problem = (f"工作簿中嵌入的项目评分标准{problem}，未生成项目支出绩效自评表。"
                                       f"请用 perfeval upgrade --project-rubric 重新生成本工作簿")
        c.add(WARNING, dept.project_rubric_problem, Loc(L.RUBRIC_DATA.name, None, None, L.RUBRIC_DATA.sheet))
    dept.project_rubric = rubric            # a 警告: the 自评表 are the projects', they never hold up the 打分表


def _distinct_projects(c: _Converter, projects: list[Project]) -> list[Project]:
    """A project listed twice: identical rows (pasted twice) count once, with a warning at the second;
    rows that differ are both errors (which is the project?) and both stay listed."""
    out, first = [], {}
    header = L.PROJECTS.header("name")
    for p in projects:
        name = normalize_label(p.name)
        seen = first.get(name)
        if seen is None:
            first[name] = p
            out.append(p)
            continue
        fields = ("source", "budget", "spent", "managed", "note", "initial_budget", "key")
        if all(str(getattr(p, f)) == str(getattr(seen, f)) for f in fields):
            c.add(WARNING, f"项目“{p.name}”在项目支出第{seen.row + 1}行和第{p.row + 1}行重复填写（内容相同），只计一次；"
                           f"请删除重复的一行", Loc(L.PROJECTS.name, p.row, header))
            continue
        for q in (seen, p):
            c.add(ERROR, f"项目“{p.name}”在项目支出第{seen.row + 1}行和第{p.row + 1}行各填了一次，内容不同：请合并为一行，"
                         f"或把其中一个改为不同的名称", Loc(L.PROJECTS.name, q.row, header))
        out.append(p)
    return out


def department_from_tables(tables: dict[str, RawTable], rubric: Rubric | None = None) -> Department:
    """Convert raw tables into a Department; conversion findings are kept on it.  The 定性评价
    and 其他数据 rows are the rubric's (``rubric``, else the one 评分参数 names)."""
    c = _Converter(tables)
    dept = Department()
    dept.parameters = c.key_values(L.PARAMETERS, "value", by_label=True)
    if rubric is None:
        rubric = _embedded(c, dept)
        dept.rubric_embedded = rubric is not None
    if rubric is None:
        label = L.RUBRIC_PARAMETER_LABEL
        loc = Loc(L.PARAMETERS.name, dept.parameters.rows.get(label), L.PARAMETERS.header("value"))
        rubric, chosen = select(dept.parameters.get(label), loc)
        c.findings += chosen
    dept.rubric = rubric
    dept.info = c.key_values(L.INFO, "value")
    dept.finance = c.key_values(L.FINANCE, "amount")
    dept.qualitative = c.key_values(rubric_table(L.QUALITATIVE, rubric), "answer", na=True)
    if rubric.inputs:
        dept.extra = c.key_values(rubric_table(L.EXTRA_INPUTS, rubric), "value", na=True)
    dept.report_text = c.key_values(L.REPORT_TEXT, "text")
    for i, r in c.list_rows(L.PUBLIC_EXPENSE):
        dept.public_expenses.append(ExpenseItem(r["subject"], r["budget"], r["actual"], i))
    for i, r in c.list_rows(L.THREE_EXPENSES):
        dept.three_expenses.append(ThreeExpense(r["item"], r["prior_budget"], r["prior_actual"], r["budget"],
                                                r["actual"], i))
    for i, r in c.list_rows(L.PROJECTS):
        dept.projects.append(Project(r["name"], r["source"], r["budget"], r["spent"], r["managed"], r["note"], i,
                                     r["initial_budget"], r["key"]))
    dept.projects = _distinct_projects(c, dept.projects)
    for i, r in c.list_rows(L.PROJECT_GOALS):
        dept.project_goals.append(ProjectGoal(r["name"], r["authority"], r["implementer"], r["goal"], r["achieved"],
                                              r["execution_reason"], i))
    for i, r in c.list_rows(L.MONTHLY):
        months = tuple(r[f"m{m}"] for m in L.MONTHS)
        dept.monthly.append(MonthlyLine(r["item"], r["annual_budget"], months, i))
    for i, r in c.list_rows(L.INDICATORS):
        dept.indicators.append(Indicator(row=i, **{k: r[k] for k in (
            "target_object", "level1", "level2", "level3", "direction", "target", "unit", "actual", "reason",
            "weight", "grade")}))
    for i, r in c.list_rows(L.MONITORING):
        dept.monitoring.append(MonitoringIssue(r["project"], r["description"], r["handled"], i))
    for i, r in c.list_rows(L.VIOLATIONS):
        dept.violations.append(Violation(r["source"], r["description"], r["status"], i, r["category"]))
    dept.findings = c.findings
    dept.missing_tables = c.missing
    return dept

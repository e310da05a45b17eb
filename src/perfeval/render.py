"""A ``Result`` → rectangular blocks of output cells, for any writer.

The file writer (xlsx_parts) and the live-Excel adapter both write exactly these
blocks, so the headless and the button path give the same workbook values.  Values
are str, int/Decimal, None (empty) or ``Formula``; ``Styled`` carries a style role
that the file writer maps to a cell format of the template (the live adapter writes
values only and relies on the template's formats).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import NamedTuple

from . import layout as L

from . import sheets as S
from .locate import cell_name, contiguous_runs, parse_ref
from .scoring.inputs import find_table, normalize_label
from .scoring.model import INFO, SEVERITY_ORDER, Finding, Loc
from .scoring.numbers import fmt_money, fmt_num, fmt_pct, fmt_pct_plain, round_score
from .scoring.results import ERROR_STATUS, STATUS_LABELS, CellOf, Result, reason_text, where
from .scoring.params import Params, default_params, line_bounds, sheet_label
from .scoring.rubric import DEFAULT_PROJECT_RUBRIC, form, load_rubric


class Formula(NamedTuple):
    text: str          # without the leading "="
    cached: object     # the value a reader sees before Excel recalculates


class Styled(NamedTuple):
    value: object
    role: str          # one of PALETTE_ROLES


PALETTE_ROLES = ("title", "header", "text", "number", "note", "good", "bad")
PALETTE_COLUMN = 25     # hidden column Z of the 计算明细 sheet holds one styled cell per role


@dataclass(eq=False)
class Block:
    sheet: str
    top: int
    left: int
    rows: list[list[object]]
    clear_to_end: bool = False   # empty every cell below ``top`` in this block's columns first
    width: int | None = None     # columns to clear (defaults to the widest row)
    print_area: str | None = None  # the sheet's print area after writing (项目自评: the forms written)

    @property
    def columns(self) -> int:
        return self.width or max((len(r) for r in self.rows), default=0)


def quote_sheet(sheet: str) -> str:
    """A sheet name in a reference: always quoted, ' doubled inside."""
    return "'" + sheet.replace("'", "''") + "'"


def string_literal(text: str) -> str:
    """A text as a formula string literal: " doubled inside."""
    return '"' + text.replace('"', '""') + '"'


def hyperlink_formula(sheet: str, cell: str) -> str:
    """HYPERLINK to a cell of any legal sheet name — quoted so no name can inject formula text."""
    return f"HYPERLINK({string_literal('#' + quote_sheet(sheet) + '!' + cell)},{string_literal(cell)})"


# ------------------------------------------------------------------ 打分表

def text_lines(text: object, width: float, points: float) -> int:
    """Lines a wrapped text takes in a column of ``width`` (Excel's units, about 7 px each) at a font
    of ``points`` (a CJK character is about 1.33 px per point wide, other characters half that)."""
    if not isinstance(text, str) or not text:
        return 0
    per_line = max(1.0, width * 7 / (points * 1.33))
    return sum(max(1, -int(-sum(1 if ord(ch) > 0x2e7f else 0.5 for ch in part) // per_line))
               for part in text.split("\n"))


def score_sheet(rubric) -> S.ScoreSheet:
    """The 打分表 geometry for a rubric: as many indicator columns as its form needs."""
    return S.ScoreSheet(levels=form.level_count(rubric))


def score_layout_rows(rubric) -> tuple[int, int]:
    """The 打分表 rows ``score_layout_problem`` looks at: the header's first row to the total row."""
    s = score_sheet(rubric)
    return s.header_rows[0], s.first_line_row + len(rubric.lines)


def score_layout_problem(rubric, value_at) -> str | None:
    """Why this workbook's 打分表 cannot take this rubric's results (``value_at(row, col)``: the
    sheet's values), or None.  Its indicator headers and the row of its total label must be where
    the rubric puts them; otherwise results would land on the wrong rows (an old workbook switched
    to a rubric of another shape, or rows deleted by hand)."""
    s = score_sheet(rubric)
    h1, total = score_layout_rows(rubric)
    headers = [value_at(h1, c) for c in range(s.levels + 1)]
    if headers == list(s.columns[:s.levels + 1]) and value_at(total, 0) == s.total_label:
        return None
    return (f"打分表的格式与评分标准“{rubric.id}”不符（应有{s.levels}列指标、{len(rubric.lines)}行评分项，"
            f"第{total + 1}行为“{s.total_label}”），结果无法写入（原文件未修改）。"
            f"请运行 perfeval upgrade 本工作簿，在新生成的工作簿中计算")


def score_rows(params: Params) -> list[list[object]]:
    """The static columns of the rubric's lines (indicator cells, 分值, texts, marks) under the
    given parameters."""
    rows = []
    for spec, cells in zip(params.rubric.lines, form.form_rows(params.rubric)):
        lo, hi = line_bounds(spec, params)
        shown_max = lo if spec.deduction else hi
        marks = ["√" if m in spec.methods else "" for m in ("整体评价", "样本评价")]
        marks += ["√" if a in spec.attributes else "" for a in ("定性评价", "定量评价")]
        rows.append(list(cells) + [shown_max, spec.explanation, spec.criteria] + marks)
    return rows


def summary(result: Result) -> str:
    counts = result.counts()
    deducted = sum(1 for line in result.lines if line.status == "deducted")
    parts = [f"计算完成：总分{fmt_num(result.total)}分（{result.grade}），扣分{deducted}项"]
    if not result.complete:
        parts[0] = (f"计算完成：{result.completion}，已计分部分得{fmt_num(result.total)}分，不评定等级，"
                    f"扣分{deducted}项")
    if result.error_lines:
        parts.append(f"{result.error_lines}项因输入错误记0分，更正后重新计算")
    found = [f"{counts['error']}个错误"] * bool(counts["error"]) + [f"{counts['warning']}个警告"] * bool(counts["warning"])
    parts.append("校验发现" + "、".join(found) if found else "校验未发现错误或警告")
    return "，".join(parts)


def score_blocks(result: Result, params: Params, cell_of: CellOf | None) -> list[Block]:
    s = score_sheet(result.rubric)
    rows = []
    for static, line in zip(score_rows(params), result.lines):
        reasons = "\n".join(r.text for r in line.reasons)     # the form shows the facts, no cell address
        deduction = "—" if line.status == ERROR_STATUS else line.deduction     # not a deduction: unscored
        rows.append(static + [line.score, deduction, STATUS_LABELS[line.status], reasons])
    pad = [None] * (s.levels - 1)
    total_row = [s.total_label] + pad + [result.max_total] + [None] * 6 + [
        result.total, result.max_total - result.total, None if result.complete else result.completion, summary(result)]
    grade_row = [s.grade_label] + pad + [None] + [None] * 6 + [result.shown_grade, None, None, None]
    head = f"单位：{result.unit or '（未填写）'}　　年度：{result.year or '（未填写）'}　　" \
           f"评分标准：{result.rubric_id}（满分{fmt_num(result.max_total)}分，校验码 {result.rubric.checksum}）" \
           + (f"　　{result.reading}" if result.reading else "")
    width = len(s.columns)
    return [Block(S.SCORE_SHEET, s.title_row + 1, 0, [[head] + [None] * (width - 1)], width=width),
            Block(S.SCORE_SHEET, s.first_line_row, 0, rows + [total_row, grade_row], width=width)]


# ------------------------------------------------------------------ 计算明细

def _display(value: object, header: str) -> object:
    if isinstance(value, Decimal) and ("率" in header or "进度" in header):
        return fmt_pct(value)
    return value


def details_blocks(result: Result, params: Params, cell_of: CellOf | None = None) -> list[Block]:
    d = S.DETAILS
    chart = []
    for p in result.progress:
        chart.append([f"{p.month}月", p.spent, p.cumulative, p.rate, p.target])
    rows: list[list[object]] = []
    for i, line in enumerate(result.lines, 1):
        title = f"{i}. {line.name}：得分{fmt_num(line.score)}（满分{fmt_num(line.max)}）{STATUS_LABELS[line.status]}"
        rows.append([Styled(title, "title")])
        detail = line.detail
        if detail.headers:
            rows.append([Styled(h, "header") for h in detail.headers])
            for r in detail.rows:
                rows.append([_display(v, h) for v, h in zip(r, detail.headers)])
        for note in detail.notes:
            rows.append([Styled(note, "note")])
        for reason in line.reasons:          # with the cell each reason points at
            rows.append([Styled(f"{STATUS_LABELS[line.status]}依据：{reason_text(reason, cell_of)}", "note")])
        rows.append([])
    rows.append([Styled("执行进度测算（按已填报月份）", "title")])
    if result.planner:
        rows.append([Styled(h, "header") for h in ("检查点", "目标进度", "目标支出（万元）", "已支出（万元）", "还需支出（万元）", "提示")])
        for p in result.planner:
            rows.append([f"{p.month}月", fmt_pct_plain(p.target), p.target_amount, p.spent_so_far, p.needed,
                         f"距{p.month}月目标{fmt_pct_plain(p.target)}还需支出{fmt_money(p.needed)}万元"])
    else:
        rows.append([Styled("全年各检查点均已过去，无需测算" if result.last_month else "月度支出尚未填报", "note")])
    return [
        Block(S.DETAILS_SHEET, d.chart_first_row, 0, chart, width=len(d.chart_columns)),
        Block(S.DETAILS_SHEET, d.blocks_first_row, 0, rows, clear_to_end=True, width=d.width),
    ]


# ------------------------------------------------------------------ 校验结果

def findings_rows(result: Result, cell_of: CellOf | None) -> list[list[object]]:
    rows = []
    own = [f for p in result.projects for f in p.findings]      # each project's 自评表, after the department's
    for f in result.sorted_findings() + sorted(own, key=lambda f: SEVERITY_ORDER[f.severity]):
        sheet, cell = where(f.loc, cell_of)
        link: object = cell
        if sheet and cell:
            link = Formula(hyperlink_formula(sheet, cell), cell)
        rows.append([S.SEVERITY_LABELS[f.severity], sheet, link, f.message])
    if not rows:
        rows.append(["提示", "", "", "未发现问题"])
    return rows


def findings_block(result: Result, cell_of: CellOf | None) -> Block:
    top = S.FINDINGS.origin[0] + 1
    return Block(S.FINDINGS_SHEET, top, S.FINDINGS.origin[1], findings_rows(result, cell_of),
                 clear_to_end=True, width=len(S.FINDINGS.columns))


# ------------------------------------------------------------------ 使用说明 status

def _output_headers(table: L.Table) -> set[str]:
    return {normalize_label(c.header) for c in table.columns if c.is_output}


def _structured_column(header: str) -> str:
    """A column name inside a structured reference: ' escapes [ ] # and '."""
    return "".join("'" + ch if ch in "[]#'" else ch for ch in header)


def fingerprint_formula(tables=None) -> str:
    """Excel's view of the inputs: numbers summed, text lengths added (see fingerprint()).
    Output columns inside input tables (评分参数 默认值) are left out, by the headers the
    workbook really has (``tables``; the layout's when building a template)."""
    parts = []
    for t in L.INPUT_TABLES:
        raw = find_table(tables, t.name) if tables is not None else None
        if tables is not None and raw is None:
            continue                   # an older workbook without this table: a reference would be #REF!
        headers = list(raw.headers) if raw is not None else [c.header for c in t.columns]
        outputs = _output_headers(t)
        refs = [f"{t.name}[[#Data]]"]
        if any(normalize_label(h) in outputs for h in headers):
            runs = contiguous_runs(i for i, h in enumerate(headers) if normalize_label(h) not in outputs)
            refs = [f"{t.name}[[#Data],[{_structured_column(headers[r[0]])}]"
                    + (f":[{_structured_column(headers[r[-1]])}]" if len(r) > 1 else "") + "]" for r in runs]
        for ref in refs:
            parts.append(f"SUM({ref})+SUMPRODUCT(ISTEXT({ref})*LEN({ref}))")
    return "+".join(parts)


def stale_formula() -> str:
    cur = cell_name(*S.COVER_STATUS_BY_KEY["current"].cell)
    last = cell_name(*S.COVER_STATUS_BY_KEY["fingerprint"].cell)
    return (f'IF({last}="","尚未计算",IF(ABS({cur}-{last})<=0.000001*MAX(1,ABS({last})),"",'
            f'"{S.STALE_MESSAGE}"))')


def fingerprint(tables) -> float:
    """The same number Excel's fingerprint formula gives over the raw input tables."""
    total = 0.0
    for t in L.INPUT_TABLES:
        raw = find_table(tables, t.name)
        if raw is None:
            continue
        outputs = _output_headers(t)
        keep = [i for i, h in enumerate(raw.headers) if normalize_label(h) not in outputs]
        for row in raw.rows:
            for v in (row[i] for i in keep if i < len(row)):
                if isinstance(v, bool) or v is None:
                    continue
                if isinstance(v, (int, float, Decimal)):
                    total += float(v)
                elif isinstance(v, str):
                    total += len(v)
    return round(total, 6)     # float-sum noise stays out of the file; the flag's tolerance is 1e-6


def status_values(result: Result, tables, now: datetime) -> dict[str, object]:
    fp = fingerprint(tables)
    return {
        "time": now.strftime("%Y-%m-%d %H:%M:%S"),
        "state": summary(result),
        "total": result.total,
        "grade": result.shown_grade,
        "stale": Formula(stale_formula(), ""),
        "current": Formula(fingerprint_formula(tables), fp),
        "fingerprint": fp,
    }


def cover_blocks(values: dict[str, object]) -> list[Block]:
    """The status cells are one column of consecutive rows (layout): one block."""
    cells = sorted(S.COVER_STATUS, key=lambda s: s.cell)
    top, col = cells[0].cell
    assert [s.cell for s in cells] == [(top + i, col) for i in range(len(cells))]
    return [Block(S.COVER_SHEET, top, col, [[values[s.key]] for s in cells])]


# ------------------------------------------------------------------ 评分参数 默认值

def parameter_default_blocks(params: Params, tables, cell_of: CellOf | None, project: Params | None = None) -> list[Block]:
    """The 默认值 column of 评分参数 — the selected rubric's value for each row's 参数, the project
    rubric's for its 项目自评表· rows (``project``; None: the embedded or default one's) — as one block
    over the table's body.  Nothing when the workbook has no such column (an older workbook) or it
    cannot be located; the 本县取值 input column is never touched."""
    table = L.PARAMETERS
    raw = find_table(tables, table.name)
    header = table.header("default")
    if raw is None or not raw.rows or cell_of is None:
        return []
    headers = [normalize_label(h) for h in raw.headers]
    if normalize_label(header) not in headers or normalize_label(table.header("label")) not in headers:
        return []
    found = cell_of(Loc(table.name, 0, header))
    if not found or not found[1]:
        return []
    top, left = parse_ref(found[1])
    label_i = headers.index(normalize_label(table.header("label")))
    defaults = {p.label: p.value for p in params.parameters}
    defaults[L.RUBRIC_PARAMETER_LABEL] = params.rubric.id
    if project is None:
        project = default_params(load_rubric(DEFAULT_PROJECT_RUBRIC))
    defaults.update({sheet_label(project.rubric, p.label): p.value for p in project.parameters})
    defaults[L.PROJECT_RUBRIC_PARAMETER_LABEL] = project.rubric.id
    rows = []
    for row in raw.rows:
        label = row[label_i] if label_i < len(row) else None
        rows.append([defaults.get(str(label).strip()) if isinstance(label, str) else None])
    return [Block(found[0], top, left, rows, width=1)]


def all_blocks(result: Result, params: Params, tables, cell_of: CellOf | None, now: datetime,
               sheets: frozenset = frozenset(S.OPTIONAL_OUTPUT_SHEETS)) -> list[Block]:
    """Every output block; ``sheets`` are the optional output sheets the workbook has (项目自评)."""
    projects, notes = project_blocks(result, cell_of, S.PROJECT_SHEET in sheets)
    result.findings += [n for n in notes if n not in result.findings]
    return (score_blocks(result, params, cell_of) + details_blocks(result, params, cell_of)
            + [findings_block(result, cell_of)] + cover_blocks(status_values(result, tables, now))
            + parameter_default_blocks(params, tables, cell_of, _project_params(result)) + projects)


def _project_params(result: Result) -> Params | None:
    """The project rubric's parameters: those scored with, else (自评表 off) the embedded rubric's defaults."""
    embedded = getattr(result.department, "project_rubric", None)
    return result.project_params or (default_params(embedded) if embedded is not None else None)


# ------------------------------------------------------------------ 项目自评 (the per-project 项目支出绩效自评表)

def _amount(value) -> object:
    return value if isinstance(value, Decimal) else ""


def project_rows(result: Result, cell_of: CellOf | None) -> list[list[object]]:
    """Every scored project's 自评表, each starting a printed page."""
    rows: list[list[object]] = []
    page = S.PROJECTS.page_rows
    for p in result.projects:            # each form padded to whole pages: the template breaks every ``page`` rows
        start = len(rows)
        for row in project_form(result, p, cell_of):
            if len(rows) > start and (len(rows) - start) % page == 0:
                rows += [[] for _ in range(S.PROJECTS.head_rows)]    # a long form goes on below the next page's head
            rows.append(row)
        rows += [[] for _ in range(-(len(rows) - start) % page)]
    return rows


def project_form(result: Result, p, cell_of: CellOf | None) -> list[list[object]]:
    """One project's 项目支出绩效自评表 as rows (the 项目自评 sheet's block, the report's appendix table)."""
    rows: list[list[object]] = []
    year = f"（{result.year}年度）" if result.year else "（年度未填写）"
    project, goal = p.project, p.goal
    execution = next((line for line in p.lines if line.spec is not None and line.spec.kind != "weighted_indicators"), None)
    rate = (project.spent / project.budget if isinstance(project.spent, Decimal) and isinstance(project.budget, Decimal)
            and project.budget else None)
    rows += [
        [Styled("项目支出绩效自评表", "title")],
        [Styled(year, "note")],
        [Styled("项目名称", "header"), project.name],
        [Styled("主管部门", "header"), getattr(goal, "authority", "") or result.unit, "", "",
         Styled("实施单位", "header"), getattr(goal, "implementer", "") or result.unit],
        [Styled(h, "header") for h in ("项目资金（万元）", "", "年初预算数", "全年预算数", "全年执行数", "分值",
                                       "执行率", "得分")],
        ["", "年度资金总额", _amount(project.initial_budget), _amount(project.budget), _amount(project.spent),
         execution.max if execution else "", fmt_pct(rate) if rate is not None else "—",
         execution.score if execution and execution.status != "error" else "—"],
        [Styled("年度总体目标", "header"), Styled("预期目标", "header"), "", "", "", Styled("实际完成情况", "header")],
        ["", getattr(goal, "goal", "") or "（未填写：见“项目目标”）", "", "", "",
         getattr(goal, "achieved", "") or "（未填写：见“项目目标”）"],
        [Styled(h, "header") for h in ("绩效指标", "一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值",
                                       "分值", "得分", "偏差原因分析及改进措施")],
    ]
    for ind in p.indicators:
        scored = p.indicator_score(ind)
        weight, got = (scored[0], round_score(scored[1])) if scored else (ind.weight if isinstance(ind.weight, Decimal) else "", "—")
        rows.append(["", ind.level1, ind.level2, ind.level3, str(ind.target or ""), str(ind.actual or ""), weight, got,
                     ind.reason])
    rows.append([Styled("总分", "header"), "", "", "", "", "", p.max_total, p.total, f"等级：{p.shown_grade}"])
    reasons = [reason_text(r, cell_of) for line in p.lines for r in line.reasons]
    if reasons:
        rows.append([Styled("扣分原因", "header"), Styled("；".join(reasons), "note")])
    return rows


def project_blocks(result: Result, cell_of: CellOf | None, present: bool) -> tuple[list[Block], list[Finding]]:
    """The 项目自评 block, or — in a workbook made before the sheet existed — a 提示 instead of it."""
    if not present:
        if not result.projects:
            return [], []
        return [], [Finding(INFO, f"本工作簿没有“{S.PROJECT_SHEET}”工作表，{len(result.projects)}个项目的项目支出绩效自评表未写入"
                                  f"（运行 perfeval upgrade 本工作簿 后可见；perfeval score --json 已给出）",
                            Loc(None, None, None, S.PROJECT_SHEET))]
    rows = project_rows(result, cell_of) or [[Styled(S.PROJECTS.empty_text, "note")]]
    last = cell_name(len(rows) - 1, S.PROJECTS.width - 1)
    area = "$A$1:" + re.sub(r"^([A-Z]+)(\d+)$", r"$\1$\2", last)
    return [Block(S.PROJECT_SHEET, 0, 0, rows, clear_to_end=True, width=S.PROJECTS.width, print_area=area)], []


def row_height(points: float | None) -> float | None:
    """A row height in points on Excel's pixel grid (0.75 pt per pixel at 96 dpi), so the height
    written is the same whichever XlsxWriter writes it (3.3 rounds to pixels, older ones did not)."""
    return None if points is None else 0.75 * int(points * 4.0 / 3.0 + 0.5)

"""A ``Result`` → rectangular blocks of output cells, for any writer.

The file writer (xlsx_parts) and the live-Excel adapter both write exactly these
blocks, so the headless and the button path give the same workbook values.  Values
are str, int/Decimal, None (empty) or ``Formula``; ``Styled`` carries a style role
that the file writer maps to a cell format of the template (the palette of 计算明细;
the live adapter copies the palette's cells onto 计算明细 and otherwise relies on the
template's formats).  A block may also carry its rows' heights, the sheet's print
area and its manual page breaks: the print layout, planned here for A4 with ``printing`` (``fit_scales``,
``page_breaks``), the same text-width estimate as the template's row heights.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import NamedTuple

from . import layout as L

from . import sheets as S
from .locate import cell_name, contiguous_runs, parse_ref
from .printing import (CELL_PADDING, Group, cell_lines, fitted_height, label_break, page_breaks, page_capacity,
                       print_scale, row_height, wrap_text)
from .scoring.inputs import find_table, normalize_label
from .scoring.model import INFO, SEVERITY_ORDER, Finding, Loc
from .scoring.numbers import fmt_money, fmt_num, fmt_pct, fmt_pct_plain, round_score
from .scoring.results import ERROR_STATUS, STATUS_LABELS, CellOf, Result, reason_text, where
from .scoring.params import Params, default_params, line_bounds, sheet_label
from .scoring.rubric import DEFAULT_PROJECT_RUBRIC, form, load_rubric
from .scoring.ruletypes import rule_items


class Formula(NamedTuple):
    text: str          # without the leading "="
    cached: object     # the value a reader sees before Excel recalculates


class Styled(NamedTuple):
    value: object
    role: str          # one of PALETTE_ROLES


PALETTE_ROLES = ("title", "header", "text", "number", "note", "good", "bad", "pct", "count")
ROLE_FORMATS = {"number": "#,##0.00", "pct": "0.00%", "count": "0"}   # the number format of a role's cells
PALETTE_COLUMN = 25     # hidden column Z of the 计算明细 sheet holds one styled cell per role


@dataclass(eq=False)
class Block:
    """Values to write at a sheet position, with their styling and print settings."""
    sheet: str
    top: int
    left: int
    rows: list[list[object]]
    clear_to_end: bool = False   # empty every cell below ``top`` in this block's columns first
    width: int | None = None     # columns to clear (defaults to the widest row)
    print_area: str | None = None  # the sheet's print area after writing (项目自评: the forms written)
    heights: dict[int, float] | None = None   # row heights (points) by row of the block; when set, the
                                              # block's other rows (and, clear_to_end, every row below it)
                                              # get the default height back
    breaks: tuple[int, ...] | None = None     # the sheet's manual page breaks after writing (rows, 0-based,
                                              # each the first of a page); None leaves them as they are

    @property
    def columns(self) -> int:
        return self.width or max((len(r) for r in self.rows), default=0)


def cell_role(block: Block, value: object) -> str | None:
    """The palette role a written cell takes: a ``Styled`` value's own; in the free blocks of 计算明细
    and 项目自评, "number" or "text" for a plain value; None (the cell keeps its template style) else."""
    if isinstance(value, Styled):
        return value.role
    if block.sheet in (S.DETAILS_SHEET, S.PROJECT_SHEET) and block.clear_to_end and value is not None:
        return "number" if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool) else "text"
    return None


def role_areas(block: Block) -> dict[str, list[tuple[int, int, int, int]]]:
    """The block's cells by palette role as rectangles (first row, first col, last row, last col; 0-based
    in the sheet): runs along each row, and equal runs of consecutive rows joined — so a table of any
    length is one rectangle per column run (a live writer formats it in a constant number of calls)."""
    runs: dict[tuple[str, int, int], list[int]] = {}      # (role, first col, last col) → rows
    for i, row in enumerate(block.rows):
        j = 0
        while j < len(row):
            role = cell_role(block, row[j])
            k = j
            while k + 1 < len(row) and cell_role(block, row[k + 1]) == role:
                k += 1
            if role is not None:
                runs.setdefault((role, j, k), []).append(i)
            j = k + 1
    out: dict[str, list[tuple[int, int, int, int]]] = {}
    for (role, c1, c2), rows in runs.items():
        for run in contiguous_runs(rows):
            out.setdefault(role, []).append((block.top + run[0], block.left + c1, block.top + run[-1], block.left + c2))
    return out


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


def indicator_cells(rubric) -> list[tuple[str, ...]]:
    """The form's indicator cells (``form.form_rows``) as the 打分表 prints them: a group label too long
    for its column (or for the columns it spans, the row's last cell) broken before its "（N分）"."""
    s = score_sheet(rubric)
    out = []
    for row in form.form_rows(rubric):
        end = max((c for c, text in enumerate(row) if text), default=-1)
        out.append(tuple(label_break(text, sum(s.widths[c:s.levels]) if c == end else s.widths[c])
                         for c, text in enumerate(row)))
    return out


def score_rows(params: Params) -> list[list[object]]:
    """The static columns of the rubric's lines (indicator cells, 分值, texts, marks) under the
    given parameters."""
    rows = []
    for spec, cells in zip(params.rubric.lines, indicator_cells(params.rubric)):
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


SCORE_ROW_MIN = 50.0    # points: a line's least row height (a four-line 扣分原因 fits)
SCORE_ROW_MAX = 300.0   # … and its greatest (well within a page)
TITLE_HEIGHT = 21.75    # points: the row of a sheet's 16-point title


def score_row_height(row: list, s: S.ScoreSheet) -> float:
    """A line's row height (points) on the 打分表 from its wrapped 9-point texts: 指标解释, 计分标准 and,
    once calculated, 扣分原因 (the indicator cells are merged over the lines and wrap anyway)."""
    texts = [(row[s.col(h)] if s.col(h) < len(row) else None, s.widths[s.col(h)]) for h in ("指标解释", "计分标准", "扣分原因")]
    lines = max(cell_lines(text, width, 9) for text, width in texts)
    return row_height(max(SCORE_ROW_MIN, min(SCORE_ROW_MAX, 12.5 * lines + 6)))


def score_heights(rubric, rows: list[list]) -> list[float]:
    """The row heights (points) of the 打分表's lines (``rows``: their cells, indicator cells first): each
    line's ``score_row_height``, raised so that every indicator cell's wrapped 10-point text fits — a cell
    on one line in that line's row, a cell merged down several lines in those rows together (what they lack
    added to the last of them)."""
    s = score_sheet(rubric)
    heights = [score_row_height(row, s) for row in rows]
    cells = [tuple(str(v or "") for v in row[:s.levels]) for row in rows]
    merged = {(m.first_row, m.first_col): m for m in form.merges(cells)}
    inside = form.covered(list(merged.values()))
    spans = []
    for i, row in enumerate(cells):
        for c, text in enumerate(row):
            if text and (i, c) not in inside:
                m = merged.get((i, c), form.Merge(i, c, i, c, text))
                spans.append((m.last_row - m.first_row, m))
    for _, m in sorted(spans):                         # single lines first: a merge over them sees their heights
        needed = fitted_height([(m.text, sum(s.widths[m.first_col:m.last_col + 1]))])
        short = (needed or 0) - sum(heights[m.first_row:m.last_row + 1])
        if short > 0:
            heights[m.last_row] = 0.75 * math.ceil((heights[m.last_row] + short) / 0.75 - 1e-9)   # whole pixels
    return heights


def score_total_height(summary_text: str | None, s: S.ScoreSheet = S.SCORE) -> float:
    """The 打分表's total row: room for the summary in 扣分原因 (bold 10 points), two lines at least."""
    return fitted_height([(summary_text, s.widths[-1])], minimum=30.0)


def score_header_height(s: S.ScoreSheet) -> float:
    """The second header row (评价方式 and 评价属性's narrow columns) as tall as their headers wrap."""
    grouped = [c for _, a, b in s.group_headers for c in range(a, b + 1)]
    return fitted_height([(header_break(s.columns[c], s.widths[c]), s.widths[c]) for c in grouped]) or 15.0


def header_break(text: str, width: float, points: float = 10) -> str:
    """A header that does not fit on one line of its column broken in the middle (整体评价 → 整体 / 评价)
    when each half fits a line: LibreOffice's wider columns would otherwise hold three characters on the
    first line and leave one alone on the second."""
    half = (len(text) + 1) // 2
    if "\n" in text or cell_lines(text, width, points) <= 1 or \
            max(cell_lines(text[:half], width, points), cell_lines(text[half:], width, points)) > 1:
        return text
    return text[:half] + "\n" + text[half:]


def score_groups(rubric) -> list[Group]:
    """The 打分表's lines as page groups: each outermost group's lines (one per first-column text), made of
    its second-level groups' and so on down to the lines (indexes into the rubric's lines)."""
    cells = indicator_cells(rubric)
    levels = score_sheet(rubric).levels

    def runs(first: int, last: int, col: int) -> list[Group]:
        out, start = [], first
        for i in range(first + 1, last + 2):
            if i > last or cells[i][:col + 1] != cells[start][:col + 1]:
                out.append(Group(start, i - 1, tuple(runs(start, i - 1, col + 1)) if col + 1 < levels - 1 else ()))
                start = i
        return out
    return runs(0, len(cells) - 1, 0) if cells else []


def item_groups(rubric) -> list[Group]:
    """定性评价's rows (the rubric's items, in order) as page groups: consecutive items whose lines (the first
    line that reads each) share an outermost group, made of those sharing the second-level group too."""
    line_of: dict[str, object] = {}
    for spec in rubric.lines:
        for item_id, how, _ in rule_items(spec.rule):
            if how in ("item", "part"):
                line_of.setdefault(item_id, spec)
    keys = [tuple(g.id for g in rubric.chain(line_of[i.id])) if i.id in line_of else (i.id,) for i in rubric.items]

    def runs(first: int, last: int, depth: int) -> list[Group]:
        out, start = [], first
        for i in range(first + 1, last + 2):
            if i > last or keys[i][:depth + 1] != keys[start][:depth + 1]:
                deeper = any(len(keys[k]) > depth + 1 for k in range(start, i))
                out.append(Group(start, i - 1, tuple(runs(start, i - 1, depth + 1)) if deeper else ()))
                start = i
        return out
    return runs(0, len(keys) - 1, 0) if keys else []


def score_breaks(rubric, heights: list[float]) -> list[int]:
    """The 打分表's manual page breaks (indexes of its lines; the total rows come last in ``heights``): no
    group split that fits on a page at Excel's fitted scale (the larger one, so LibreOffice's pages hold as
    much), the title and the two header rows (repeated) above."""
    s = score_sheet(rubric)
    n = len(rubric.lines)
    repeat = 15.0 + score_header_height(s)
    return page_breaks(heights, score_groups(rubric) + [Group(n, n + 1)], page_capacity(s.widths, landscape=True),
                       above=TITLE_HEIGHT + 15.0 + repeat, repeat=repeat)


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
    heights = score_heights(result.rubric, rows) + [score_total_height(total_row[-1], s), 15.0]
    return [Block(S.SCORE_SHEET, s.title_row + 1, 0, [[head] + [None] * (width - 1)], width=width),
            Block(S.SCORE_SHEET, s.first_line_row, 0, rows + [total_row, grade_row], width=width,
                  heights={i: h for i, h in enumerate(heights) if h != 15.0},
                  breaks=tuple(s.first_line_row + b for b in score_breaks(result.rubric, heights)))]


# ------------------------------------------------------------------ 计算明细

RATE_WORDS = ("率", "进度", "比例")       # a detail column of fractions shown as percentages


def _display(value: object, header: str) -> object:
    """A detail table's cell: numbers styled for print — a fraction in a rate column as a percentage,
    any other Decimal or float (amounts, scores) with 2 decimals, a count (int) as it is; texts as they are."""
    if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
        return value
    if isinstance(value, int):
        return Styled(value, "count")
    return Styled(value, "pct" if any(w in header for w in RATE_WORDS) else "number")


def unstyled(value: Styled) -> object:
    """What a workbook whose 计算明细 lacks the role's style (made by an older template) is given:
    a percentage as its text, anything else as it is."""
    return fmt_pct(value.value) if value.role == "pct" and isinstance(value.value, (int, float, Decimal)) else value.value


def _text_rows(text: str, role: str) -> list[list[object]]:
    """A title or note over the whole width of 计算明细: it runs on over the empty cells to its right,
    so a text longer than the printed width is split into rows that each fit."""
    points = 11 if role == "title" else 10
    width = sum(S.DETAILS.widths) - CELL_PADDING
    return [[Styled(line, role)] for line in wrap_text(text, width, points)]


def details_blocks(result: Result, params: Params, cell_of: CellOf | None = None) -> list[Block]:
    d = S.DETAILS
    chart = []
    for p in result.progress:
        chart.append([f"{p.month}月", p.spent, p.cumulative, p.rate, p.target])
    rows: list[list[object]] = []
    groups: list[Group] = []
    for i, line in enumerate(result.lines, 1):
        first = len(rows)
        title = f"{i}. {line.name}：得分{fmt_num(line.score)}（满分{fmt_num(line.max)}）{STATUS_LABELS[line.status]}"
        rows += _text_rows(title, "title")
        detail = line.detail
        if detail.headers:
            rows.append([Styled(h, "header") for h in detail.headers])
            for r in detail.rows:
                rows.append([_display(v, h) for v, h in zip(r, detail.headers)])
        for note in detail.notes:
            rows += _text_rows(note, "note")
        for reason in line.reasons:          # with the cell each reason points at
            rows += _text_rows(f"{STATUS_LABELS[line.status]}依据：{reason_text(reason, cell_of)}", "note")
        groups.append(Group(first, len(rows)))          # with the empty row after it
        rows.append([])
    first = len(rows)
    rows += _text_rows("执行进度测算（按已填报月份）", "title")
    if result.planner:
        headers = ("检查点", "目标进度", "目标支出（万元）", "已支出（万元）", "还需支出（万元）", "提示")
        rows.append([Styled(h, "header") for h in headers])
        for p in result.planner:
            values = [f"{p.month}月", p.target, p.target_amount, p.spent_so_far, p.needed,
                      f"距{p.month}月目标{fmt_pct_plain(p.target)}还需支出{fmt_money(p.needed)}万元"]
            rows.append([_display(v, h) for v, h in zip(values, headers)])
    else:
        rows += _text_rows("全年各检查点均已过去，无需测算" if result.last_month else "月度支出尚未填报", "note")
    groups.append(Group(first, len(rows) - 1))
    heights = {}
    for i, row in enumerate(rows):
        if row and not (len(row) == 1 and isinstance(row[0], Styled) and row[0].role in ("title", "note")):
            h = fitted_height([(_plain(v), w) for v, w in zip(row, d.widths)])
            if h:
                heights[i] = h
    last = d.blocks_first_row + len(rows)
    above = 15.0 * (d.blocks_first_row - 1) + details_header_height()      # the chart and its data
    plan = [heights.get(i, 15.0) for i in range(len(rows))]
    breaks = page_breaks(plan, groups, page_capacity(d.widths, d.landscape, print_scale(d.widths, d.landscape)), above)
    return [
        Block(S.DETAILS_SHEET, d.chart_first_row, 0, chart, width=len(d.chart_columns)),
        Block(S.DETAILS_SHEET, d.blocks_first_row, 0, rows, clear_to_end=True, width=d.width,
              print_area=f"$A$1:${cell_name(0, d.width - 1)[:-1]}${last}", heights=heights,
              breaks=tuple(d.blocks_first_row + b for b in breaks)),
    ]


def details_header_height(d: S.DetailsSheet = S.DETAILS) -> float:
    """The chart data's header row on 计算明细, as tall as its headers wrap."""
    return fitted_height(zip(d.chart_columns, d.widths)) or 15.0


def _plain(value: object) -> object:
    """A cell's text as printed, for its row height (numbers never wrap)."""
    value = value.value if isinstance(value, Styled) else value
    return value if isinstance(value, str) else None


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
    """The 校验结果 table's body: bordered, wrapped cells, each row as tall as its 说明 needs."""
    top = S.FINDINGS.origin[0] + 1
    rows = findings_rows(result, cell_of)
    widths = [c.width for c in S.FINDINGS.columns]
    fitted = [fitted_height([(_plain(v), w) for v, w in zip(row, widths)]) for row in rows]
    heights = {i: h for i, h in enumerate(fitted) if h}
    return Block(S.FINDINGS_SHEET, top, S.FINDINGS.origin[1], [[Styled(v, "text") for v in row] for row in rows],
                 clear_to_end=True, width=len(S.FINDINGS.columns), heights=heights)


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


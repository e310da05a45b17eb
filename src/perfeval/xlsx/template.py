"""Generate the workbook template (XlsxWriter), optionally pre-filled with input tables.

Everything positional comes from ``layout``; texts of the 打分表 come from the rubric
through ``render`` — the same functions the recalculation uses.  Output is
deterministic (fixed document dates) so that bundled samples can be checked in CI.
"""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from pathlib import Path

import xlsxwriter

from .. import layout as L

from .. import sheets as S
from .. import printing as P
from .. import render as R
from ..scoring.cells import Percent, SerialDate
from ..scoring.inputs import RawTable, normalize_label, rubric_table
from ..scoring.params import default_params
from ..scoring.projects import NONE_WORDS
from ..scoring.rubric import DEFAULT_PROJECT_RUBRIC, DEFAULT_RUBRIC, form, load_rubric, shipped_ids
from .rubricsheets import rubric_data_sheet, rubric_sheet
from ..scoring.ruletypes import item_maxima, tables_read
from .validation import answer_validation, kind_validation

FIXED_DATE = datetime(2024, 1, 1)
LIST_VALIDATION_ROWS = 2000     # validation reaches this far below a list table's header
LONG_INFO_ROWS = ("organization", "functions", "tasks", "goal")     # paragraphs: taller rows
TITLE_HEIGHT = R.TITLE_HEIGHT   # points: the row of a sheet's 16-point title
INPUT_FILL = "#FFF2CC"
MONEY_FORMAT = "#,##0.00####"

COVER_TEXT = (
    "使用步骤（完整步骤见 perfeval《使用指南》）：",
    "1. 填写：在各输入工作表的黄色单元格中填写，金额单位一律为万元；表格可在末尾直接添加行；不涉及的定性评价项填“不适用”。",
    "2. 计算：Excel 中点击“重新计算”按钮，结果写入“打分表”“计算明细”“校验结果”。WPS 表格、LibreOffice（含统信UOS、银河麒麟）和宏被阻止的 Excel 不能运行按钮：保存并关闭本文件，拖到桌面上的“perfeval 重新计算”图标上（或右键 → 发送到 / 打开方式 → perfeval 重新计算），再打开查看；也可运行 perfeval recalc 本文件。",
    "3. 检查：扣分项在打分表中以橙色突出显示，输入错误以红色显示；“校验结果”列出每个问题及其所在单元格（可点击跳转）。“错误”须全部更正并重新计算后才能报送。",
    "4. 报告：点击“生成自评报告”（或命令行 perfeval report 本文件），在 Word 中补写【待填写】处。",
    "5. 报送：命令行运行 perfeval submit 本文件，把生成的文件夹压缩（右键 → 发送到 → 压缩(zipped)文件夹）后发送。",
    "6. 下一年度：perfeval new 下一年度文件名.xlsm --from 本文件，基本信息、项目和指标目标值自动带入。",
    "评分参数默认取自本县评分标准，本县规定不同时在“本县取值”中填写；输出工作表由程序写入，请勿手工修改。",
)


COVER_LAST_NOTE = "收到本工作簿只为查看结果的人无需安装任何软件：结果均为普通数值。"
COVER_WIDTHS = (22, 60, 14, 14)         # 使用说明 A:D; the texts are merged over all four
COVER_WIDTHS_LAST = len(COVER_WIDTHS) - 1
COVER_STATE_HEIGHT = 30.0               # points: the 计算状态 summary may take two lines


class _Formats:
    def __init__(self, wb: xlsxwriter.Workbook):
        base = {"font_name": "宋体", "font_size": 10, "valign": "vcenter"}
        border = dict(base, border=1, border_color="#A6A6A6")
        self.title = wb.add_format(dict(base, bold=True, font_size=16))
        self.subtitle = wb.add_format(dict(base, bold=True, font_size=12))
        self.plain_wrap = wb.add_format(dict(base, text_wrap=True, valign="top"))
        self.help = wb.add_format(dict(base, italic=True, font_color="#595959", text_wrap=True, valign="top"))
        self.label = wb.add_format(dict(border, bg_color="#F2F2F2"))
        self.input = wb.add_format(dict(border, bg_color=INPUT_FILL, text_wrap=True))
        self.input_money = wb.add_format(dict(border, bg_color=INPUT_FILL, num_format=MONEY_FORMAT))
        self.input_pct = wb.add_format(dict(border, bg_color=INPUT_FILL, num_format="0.0##%"))
        self.input_num = wb.add_format(dict(border, bg_color=INPUT_FILL))
        self.input_date = wb.add_format(dict(border, bg_color=INPUT_FILL, num_format="yyyy-mm-dd"))
        self.output = wb.add_format(dict(border, bg_color="#EDEDED", font_color="#404040", text_wrap=True))
        self.output_pct = wb.add_format(dict(border, bg_color="#EDEDED", font_color="#404040", num_format="0.0##%"))
        self.text = wb.add_format(dict(border, text_wrap=True, valign="top"))
        self.plain = wb.add_format(base)
        self.small = wb.add_format(dict(base, font_color="#808080", font_size=8))
        self.status_value = wb.add_format(dict(border, bold=True, bg_color="#E2EFDA"))
        self.status_text = wb.add_format(dict(border, bold=True, bg_color="#E2EFDA", text_wrap=True))
        self.stale = wb.add_format(dict(base, bold=True, font_color="#C00000"))
        self.head = wb.add_format(dict(border, bold=True, align="center", text_wrap=True, bg_color="#D9E1F2"))
        self.center = wb.add_format(dict(border, align="center", text_wrap=True))
        self.score = wb.add_format(dict(border, align="center", bold=True))
        self.wrap_top = wb.add_format(dict(border, text_wrap=True, valign="top", font_size=9))
        self.total = wb.add_format(dict(border, bold=True, align="center", bg_color="#D9E1F2"))
        self.total_text = wb.add_format(dict(border, bold=True, bg_color="#D9E1F2", text_wrap=True))
        self.deducted = wb.add_format({"bg_color": "#F8CBAD", "font_color": "#833C0B"})
        self.incomplete = wb.add_format({"bg_color": "#FFE699", "font_color": "#7F6000", "italic": True})
        self.error = wb.add_format({"bg_color": "#FF9999", "font_color": "#9C0006", "bold": True})
        self.money = wb.add_format(dict(border, num_format=MONEY_FORMAT))
        self.pct = wb.add_format(dict(border, num_format="0.00%"))
        numbers = {role: dict(border, num_format=code, align="right", valign="top") for role, code in R.ROLE_FORMATS.items()}
        self.palette = {
            "title": wb.add_format(dict(base, bold=True, font_size=11, font_color="#1F3864")),
            "header": self.head, "text": self.text, "number": wb.add_format(numbers["number"]),
            "note": wb.add_format(dict(base, italic=True, font_color="#595959")),
            "good": wb.add_format(dict(border, font_color="#375623")),
            "bad": wb.add_format(dict(border, font_color="#C00000", bold=True)),
            "pct": wb.add_format(numbers["pct"]), "count": wb.add_format(numbers["count"]),
        }


def _num(value: object) -> object:
    return float(value) if isinstance(value, Decimal) else value


def _write(ws, row: int, col: int, value: object, fmt, fm: "_Formats | None" = None) -> None:
    """Typed writes only: a text such as "=" or "=1次" must never become a formula.  Percentages and
    dates read from a workbook (``scoring.cells``; an upgrade copies them) keep their number format."""
    if fm is not None and isinstance(value, (Percent, SerialDate)):
        ws.write_number(row, col, float(value), fm.input_pct if isinstance(value, Percent) else fm.input_date)
        return
    value = _num(value)
    if value is None:
        ws.write_blank(row, col, None, fmt)
    elif isinstance(value, bool):
        ws.write_boolean(row, col, value, fmt)
    elif isinstance(value, (int, float)):
        ws.write_number(row, col, value, fmt)
    else:
        ws.write_string(row, col, str(value), fmt)


def _cell_format(fm: _Formats, kind: L.Kind):
    return {"money": fm.input_money, "number": fm.input_num}.get(kind.number_format, fm.input)


def _list_table(ws, fm: _Formats, table: L.Table, raw: RawTable | None) -> None:
    r0, c0 = table.origin
    records = _records(table, raw)
    if not records:
        records = [list(p) + [None] * (len(table.columns) - len(p)) for p in table.prefill]
        records += [[None] * len(table.columns)] * (table.blank_rows if not table.prefill else 0)
    if not records:
        records = [[None] * len(table.columns)]
    for i, rec in enumerate(records):
        for j, col in enumerate(table.columns):
            _write(ws, r0 + 1 + i, c0 + j, rec[j], _cell_format(fm, col.kind), fm)
        _fit_row(ws, r0 + 1 + i, zip(rec, table.columns))
    _fit_header(ws, table)
    ws.add_table(r0, c0, r0 + len(records), c0 + len(table.columns) - 1, {
        "name": table.name, "style": "Table Style Light 1",
        "columns": [{"header": c.header, "header_format": fm.head} for c in table.columns]})
    for j, col in enumerate(table.columns):
        ws.set_column(c0 + j, c0 + j, col.width)
        kind_validation(ws, col.kind, col.choices, r0 + 1, c0 + j, r0 + LIST_VALIDATION_ROWS, col.help)


def _fit_row(ws, row: int, cells, minimum: float | None = None) -> None:
    """The row as tall as the longest of its wrapped texts (``cells``: (value, Column) pairs) needs;
    a row of one-line texts keeps the default height, so Excel still fits it to what a clerk types."""
    height = P.fitted_height([(v, c.width) for v, c in cells if isinstance(v, str)], minimum=minimum)
    if height:
        ws.set_row(row, height)


def _fit_header(ws, table: L.Table) -> None:
    """The header row as tall as its longest wrapped header needs."""
    _fit_row(ws, table.origin[0], ((c.header, c) for c in table.columns))


def _records(table: L.Table, raw: RawTable | None) -> list[list[object]]:
    if raw is None:
        return []
    index = {normalize_label(h): i for i, h in enumerate(raw.headers)}
    cols = [index.get(normalize_label(c.header)) for c in table.columns]
    return [[row[i] if i is not None and i < len(row) else None for i in cols] for row in raw.rows]


def _kv_table(ws, fm: _Formats, table: L.Table, rows: list[tuple[str, object, object, object]],
              minimum: dict[int, float] | None = None) -> None:
    """rows: (label, value, value format, remark) — value and remark columns are inputs; ``minimum``:
    the least height of some rows (by index), for paragraphs still to be written."""
    r0, c0 = table.origin
    for i, (label, value, value_format, remark) in enumerate(rows):
        _write(ws, r0 + 1 + i, c0, label, fm.label)
        _write(ws, r0 + 1 + i, c0 + 1, value, value_format, fm)
        if len(table.columns) > 2:
            _write(ws, r0 + 1 + i, c0 + 2, remark, fm.input)
        _fit_row(ws, r0 + 1 + i, zip((label, value, remark), table.columns), (minimum or {}).get(i))
    _fit_header(ws, table)
    ws.add_table(r0, c0, r0 + len(rows), c0 + len(table.columns) - 1, {
        "name": table.name, "style": "Table Style Light 1",
        "columns": [{"header": c.header, "header_format": fm.head} for c in table.columns]})
    for j, col in enumerate(table.columns):
        ws.set_column(c0 + j, c0 + j, col.width)


def _kv_values(table: L.Table, raw: RawTable | None) -> dict[str, list]:
    """Given rows of a key-value table by normalised label, in contract column order."""
    return {normalize_label(rec[0]): rec for rec in _records(table, raw) if rec[0] is not None}


def _value_format(fm: _Formats, kind: L.Kind, value: object):
    """The value cell of a key-value row: money for amounts, plain number or text otherwise."""
    if kind.number_format == "money":
        return fm.input_money
    return fm.input_num if isinstance(_num(value), (int, float)) else fm.input


# Tables a line may score; one that no line of the rubric reads says so on its sheet.
SCORED_TABLES = (L.FINANCE, L.PUBLIC_EXPENSE, L.THREE_EXPENSES, L.PROJECTS, L.MONTHLY, L.INDICATORS,
                 L.MONITORING, L.VIOLATIONS, L.PRIOR_ISSUES)


def unscored_note(table: L.Table, rubric, read: set) -> str:
    """"（本县评分标准不据此表计分 …）" for a scorable table no line of ``rubric`` reads, else ""."""
    if table not in SCORED_TABLES or table in read:
        return ""
    return f"（本县评分标准“{rubric.id}”不据此表计分，留空不影响得分；所填内容用于自评报告和校验）"


def _sheet_header(ws, fm: _Formats, table: L.Table, note: str = "") -> None:
    ws.write_string(0, table.origin[1], table.title, fm.title)
    ws.set_row(0, TITLE_HEIGHT)
    if table.help or note:
        _help_row(ws, fm, 1, table, "　".join(t for t in (table.help, note) if t))
    ws.freeze_panes(table.origin[0] + 1, 0)


def _help_row(ws, fm: _Formats, row: int, table: L.Table, text: str) -> None:
    """A help text above a table: merged over the table's columns and wrapped there, its row as tall as
    the text needs (never spilling over the header row below it)."""
    c0 = table.origin[1]
    if len(table.columns) > 1:
        ws.merge_range(row, c0, row, c0 + len(table.columns) - 1, text, fm.help)
    else:
        ws.write_string(row, c0, text, fm.help)
    ws.set_row(row, P.fitted_height([(text, _width(table))]))


def _width(table: L.Table) -> float:
    return sum(c.width for c in table.columns)


def _print_setup(ws, header_row: int | None, *, landscape: bool = True, scale: int | None = None) -> None:
    """A4, one page wide (fitted, or at the fixed ``scale`` that fits), the table's header row (if any)
    repeated on every page, centred."""
    if landscape:
        ws.set_landscape()
    else:
        ws.set_portrait()
    ws.set_paper(9)
    if scale:
        ws.set_print_scale(scale)
    else:
        ws.fit_to_pages(1, 0)
    if header_row is not None:
        ws.repeat_rows(header_row)
    ws.center_horizontally()
    ws.set_margins(left=0.4, right=0.4, top=0.5, bottom=0.5)
    ws.set_footer("&C第 &P 页，共 &N 页")


def _named(tables: dict[str, RawTable] | None, label: str) -> object:
    """The 本县取值 a template's 评分参数 gives the row ``label`` (stripped), else None."""
    raw = (tables or {}).get(L.PARAMETERS.name)
    chosen = _kv_values(L.PARAMETERS, raw).get(normalize_label(label)) if raw else None
    value = chosen[[c.key for c in L.PARAMETERS.columns].index("value")] if chosen else None
    return value.strip() if isinstance(value, str) else value


def template_rubric(tables: dict[str, RawTable] | None, rubric=None):
    """The rubric a template is made for: ``rubric``, else the one its 评分参数 names, else the default."""
    if rubric is not None:
        return rubric
    value = _named(tables, L.RUBRIC_PARAMETER_LABEL)
    return load_rubric(value if value in shipped_ids() else DEFAULT_RUBRIC)


def template_project_rubric(tables: dict[str, RawTable] | None, project=None):
    """The project rubric a template embeds: ``project``, else the shipped project-scope rubric its
    评分参数 项目评分标准 names, else national-project-2020 (also when it says 无: the clerk may turn the
    自评表 back on)."""
    if project is not None:
        return project
    value = _named(tables, L.PROJECT_RUBRIC_PARAMETER_LABEL)
    if value in shipped_ids() and load_rubric(value).scope == "project":
        return load_rubric(value)
    return load_rubric(DEFAULT_PROJECT_RUBRIC)


def _input_sheets(wb, fm: _Formats, tables: dict[str, RawTable] | None, rubric, project) -> None:
    tables = tables or {}
    sheets: dict[str, object] = {}
    read = tables_read(rubric)
    for table in (rubric_table(t, rubric) for t in L.INPUT_TABLES):
        if table is L.RUBRIC_DATA:
            rubric_data_sheet(wb, fm, rubric, project)
            continue
        ws = sheets.get(table.sheet)
        if ws is None:
            ws = sheets[table.sheet] = wb.add_worksheet(table.sheet)
            ws.set_tab_color("#FFC000")
            _print_setup(ws, None if table is L.INFO else table.origin[0], landscape=_width(table) > 90)
            if table is L.INFO:              # basic information on one page, the report texts on the next
                ws.set_h_pagebreaks([L.REPORT_TEXT.origin[0] - 2])
        raw = tables.get(table.name)
        if table is L.REPORT_TEXT:
            ws.write_string(table.origin[0] - 2, 0, table.title, fm.subtitle)
            _help_row(ws, fm, table.origin[0] - 1, table, table.help)
        elif table.sheet == L.MONITORING.sheet and table is L.VIOLATIONS:
            ws.write_string(1, table.origin[1], table.title + _short_note(table, read), fm.subtitle)
        elif table.sheet == L.MONITORING.sheet:
            ws.write_string(0, 0, "问题清单", fm.title)
            ws.set_row(0, TITLE_HEIGHT)
            ws.write_string(1, 0, table.title + _short_note(table, read), fm.subtitle)
        else:
            _sheet_header(ws, fm, table, unscored_note(table, rubric, read))
        if table is L.PARAMETERS:
            _parameters_table(ws, fm, raw, rubric, project)
        elif table.is_keyvalue:
            given = _kv_values(table, raw)
            rows = []
            for row in table.rows:
                vals = given.get(normalize_label(row.label), [row.label, None, None])
                value = vals[1]
                rows.append((row.label, value, _value_format(fm, row.kind, value), vals[2] if len(vals) > 2 else None))
            if not rows:               # this county's form reads no such rows: the table says so (sheet hidden)
                rows = [("（本评分标准不需要填写此表）", None, fm.input, None)]
                ws.hide()
            _kv_table(ws, fm, table, rows, _least_heights(table))
            if table.name == L.QUALITATIVE.name and table.rows:
                _keep_item_groups(ws, table, rubric)
            maxima = item_maxima(rubric) if table.name == L.QUALITATIVE.name else {}
            for i, row in enumerate(table.rows):
                line = table.origin[0] + 1 + i
                if table.name == L.QUALITATIVE.name:
                    answer_validation(ws, rubric.item(row.key), maxima.get(row.key), line, table.origin[1] + 1, row.help)
                    continue
                kind_validation(ws, row.kind, row.choices, line, table.origin[1] + 1, line, row.help)
        else:
            _list_table(ws, fm, table, raw)


def _keep_item_groups(ws, table: L.Table, rubric) -> None:
    """定性评价: manual page breaks so that the items of one group of the form (整改反馈 …) print on one page."""
    heights = [P.fitted_height([(row.label, table.columns[0].width)]) or 15.0 for row in table.rows]
    widths = [c.width for c in table.columns]
    header = P.fitted_height((c.header, c.width) for c in table.columns) or 15.0
    above = TITLE_HEIGHT + (P.fitted_height([(table.help, _width(table))]) or 15.0) + header
    breaks = P.page_breaks(heights, R.item_groups(rubric), P.page_capacity(widths, _width(table) > 90),
                           above=above, repeat=header)
    if breaks:
        ws.set_h_pagebreaks([table.origin[0] + 1 + b for b in breaks])


def _least_heights(table: L.Table) -> dict[int, float]:
    """Rows of a key-value table kept taller than their text needs: room for the paragraphs a clerk
    writes into 基本信息 and the 自评报告文字 (a fixed height, which Excel does not change as one types)."""
    if table is L.REPORT_TEXT:
        return {i: P.row_height(66) for i in range(len(table.rows))}
    if table is L.INFO:
        return {i: P.row_height(33) for i, row in enumerate(table.rows) if row.key in LONG_INFO_ROWS}
    return {}


def _short_note(table: L.Table, read: set) -> str:
    """The two lists of 问题清单 share a sheet: a short note after the list's title."""
    return "（本县评分标准不据此计分）" if table in SCORED_TABLES and table not in read else ""


def _parameters_table(ws, fm: _Formats, raw: RawTable | None, rubric, project) -> None:
    """参数 | 默认值 (output: the selected rubric's, rewritten by each recalculation) |
    本县取值 (input, blank = default) | 说明 — the rubric's rows, then the project rubric's."""
    from ..scoring.params import parameter_records, sheet_label
    table = L.PARAMETERS
    given = _kv_values(table, raw)
    keys = [c.key for c in table.columns]
    kinds = {p.label: p.kind for p in default_params(rubric).parameters}
    kinds.update({sheet_label(project, p.label): p.kind for p in default_params(project).parameters})
    records = parameter_records(rubric, project)
    r0, c0 = table.origin
    project_row = r0 + 1 + [rec["参数"] for rec in records].index(L.PROJECT_RUBRIC_PARAMETER_LABEL)
    for i, rec in enumerate(records):
        label = rec["参数"]
        vals = given.get(normalize_label(label))
        override = vals[keys.index("value")] if vals else None
        if label == L.RUBRIC_PARAMETER_LABEL:
            override = rubric.id            # named too, so a copy that lost its embedded rubric still says which
        if label == L.PROJECT_RUBRIC_PARAMETER_LABEL and override not in NONE_WORDS:
            override = project.id           # 无 (no 自评表) is the clerk's to keep
        ratio = kinds.get(label) in ("ratio", "rate")
        row = r0 + 1 + i
        _write(ws, row, c0, label, fm.label)
        _write(ws, row, c0 + 1, rec["默认值"], fm.output_pct if ratio else fm.output)
        _write(ws, row, c0 + 2, override, fm.input_pct if ratio else (fm.input_num if label in kinds else fm.input))
        _write(ws, row, c0 + 3, rec["说明"], fm.text)
        _fit_row(ws, row, zip((label, rec["默认值"], override, rec["说明"]), table.columns))
    _fit_header(ws, table)
    ws.add_table(r0, c0, r0 + len(records), c0 + len(table.columns) - 1, {
        "name": table.name, "style": "Table Style Light 1",
        "columns": [{"header": c.header, "header_format": fm.head} for c in table.columns]})
    for j, col in enumerate(table.columns):
        ws.set_column(c0 + j, c0 + j, col.width)
    value_col = c0 + keys.index("value")
    kind_validation(ws, L.CHOICE, (rubric.id,), r0 + 1, value_col, r0 + 1,
                f"本工作簿按嵌入的评分标准 {rubric.id}（校验码 {rubric.checksum}）计算；换用其他评分标准请运行 perfeval upgrade --rubric")
    kind_validation(ws, L.PARAM, (), r0 + 2, value_col, project_row - 1, table.col("value").help)
    kind_validation(ws, L.CHOICE, (project.id, NONE_WORDS[0]), project_row, value_col, project_row,
                f"各项目的项目支出绩效自评表按嵌入的 {project.id}（校验码 {project.checksum}）计算；填“无”不生成；"
                f"换用其他项目评分标准请运行 perfeval upgrade --project-rubric")
    kind_validation(ws, L.PARAM, (), project_row + 1, value_col, r0 + len(records), table.col("value").help)


def _cover(wb, fm: _Formats):
    ws = wb.add_worksheet(S.COVER_SHEET)
    ws.set_tab_color("#70AD47")
    for c, width in enumerate(COVER_WIDTHS):
        ws.set_column(c, c, width)
    ws.write_string(0, 0, "部门整体支出绩效自评工作簿", fm.title)
    ws.set_row(0, TITLE_HEIGHT)
    ws.write_string(1, 0, "perfeval 生成；请在黄色单元格中填写，点击“重新计算”得到打分表。", fm.plain)
    ws.write_string(2, 0, "计算状态", fm.subtitle)
    ws.set_landscape()
    ws.set_paper(9)
    ws.fit_to_pages(1, 0)
    for s in S.COVER_STATUS:
        r, c = s.cell
        small = s.key in ("current", "fingerprint")
        ws.write_string(r, c - 1, s.label, fm.small if small else fm.label)
        if s.key == "stale":
            ws.write_formula(r, c, "=" + R.stale_formula(), fm.stale, "尚未计算")
        elif s.key == "current":
            ws.write_formula(r, c, "=" + R.fingerprint_formula(), fm.small, 0)
        elif s.key == "state":                # the summary: over B:D, wrapped, room for two lines
            ws.merge_range(r, c, r, COVER_WIDTHS_LAST, "尚未计算", fm.status_text)
            ws.set_row(r, P.row_height(COVER_STATE_HEIGHT))
        else:
            ws.write_blank(r, c, None, fm.small if small else fm.status_value)
    first = max(s.cell[0] for s in S.COVER_STATUS) + 2
    for i, text in enumerate(COVER_TEXT):
        if i == 0:
            ws.write_string(first, 0, text, fm.subtitle)
            continue
        ws.merge_range(first + i, 0, first + i, 3, text, fm.plain_wrap)    # A:D, wrapped: the page shows all of it
        ws.set_row(first + i, P.fitted_height([(text, sum(COVER_WIDTHS))]))
    last = first + len(COVER_TEXT) + 1
    ws.merge_range(last, 0, last, 3, COVER_LAST_NOTE, fm.help)
    ws.set_row(last, P.fitted_height([(COVER_LAST_NOTE, sum(COVER_WIDTHS))]))
    return ws


def _score_sheet(wb, fm: _Formats, rubric):
    s = R.score_sheet(rubric)
    ws = wb.add_worksheet(S.SCORE_SHEET)
    ws.set_tab_color("#4472C4")
    last_col = len(s.columns) - 1
    ws.merge_range(s.title_row, 0, s.title_row, last_col, "县级部门整体绩效自评打分表", fm.title)
    ws.set_row(s.title_row, TITLE_HEIGHT)
    ws.merge_range(s.title_row + 1, 0, s.title_row + 1, last_col, "（尚未计算）", fm.plain)
    h1, h2 = s.header_rows
    grouped = {c for _, a, b in s.group_headers for c in range(a, b + 1)}
    for name, a, b in s.group_headers:
        ws.merge_range(h1, a, h1, b, name, fm.head)
        for c in range(a, b + 1):
            ws.write_string(h2, c, R.header_break(s.columns[c], s.widths[c]), fm.head)
    for c, name in enumerate(s.columns):
        if c not in grouped:
            ws.merge_range(h1, c, h2, c, name, fm.head)
    for c, width in enumerate(s.widths):
        ws.set_column(c, c, width)
    if R.score_header_height(s) > 15:
        ws.set_row(h2, R.score_header_height(s))
    params = default_params(rubric)
    static = R.score_rows(params)
    first = s.first_line_row
    col_fmt = [fm.center] * s.levels + [fm.score, fm.wrap_top, fm.wrap_top] + [fm.center] * 4 + \
        [fm.score, fm.score, fm.center, fm.wrap_top]
    merged = form.merges([tuple(row[:s.levels]) for row in static])
    inside = form.covered(merged)
    heights = R.score_heights(rubric, static) + [R.score_total_height(None, s), 15.0]
    for i, row in enumerate(static):
        ws.set_row(first + i, heights[i])
        for c, value in enumerate(row + [None] * (len(s.columns) - len(row))):
            if (i, c) not in inside:
                _write(ws, first + i, c, value, col_fmt[c])
    for m in merged:
        ws.merge_range(first + m.first_row, m.first_col, first + m.last_row, m.last_col, m.text, col_fmt[m.first_col])
    total, grade = first + len(static), first + len(static) + 1
    for r, label in ((total, s.total_label), (grade, s.grade_label)):
        if s.levels > 1:
            ws.merge_range(r, 0, r, s.levels - 1, label, fm.total)
        else:
            ws.write_string(r, 0, label, fm.total)
    for r in (total, grade):
        for c in range(s.levels, len(s.columns)):
            ws.write_blank(r, c, None, fm.total_text if c == last_col else fm.total)
    ws.set_row(total, heights[len(static)])
    last_line = first + len(static) - 1
    status = R.cell_name(first, s.col("状态")).rstrip("0123456789")
    whole = f"{R.cell_name(first, 0)}:{R.cell_name(last_line, last_col)}"
    scores = f"{R.cell_name(first, s.col('自评得分'))}:{R.cell_name(last_line, last_col)}"
    ws.conditional_format(whole, {"type": "formula", "criteria": f'=${status}{first + 1}="错误"', "format": fm.error})
    ws.conditional_format(scores, {"type": "formula", "criteria": f'=${status}{first + 1}="扣分"', "format": fm.deducted})
    ws.conditional_format(scores, {"type": "formula", "criteria": f'=${status}{first + 1}="未填写"', "format": fm.incomplete})
    total_status = R.cell_name(total, s.col("状态"))
    ws.conditional_format(total_status, {"type": "formula", "criteria": f'=LEFT({total_status},3)="未完成"',
                                         "format": fm.incomplete})
    ws.set_landscape()
    ws.set_paper(9)
    ws.fit_to_pages(1, 0)
    ws.repeat_rows(h1, h2)
    ws.center_horizontally()
    ws.set_margins(left=0.4, right=0.4, top=0.5, bottom=0.5)
    ws.print_area(0, 0, grade, last_col)
    breaks = R.score_breaks(rubric, heights)
    if breaks:                                     # each recalculation plans them again for its row heights
        ws.set_h_pagebreaks([first + b for b in breaks])
    ws.protect()
    return ws


def _target_series_name(rubric) -> str:
    """"序时目标（40%/67.5%/82.5%）" from the rubric's first checkpoints line (none: "序时目标")."""
    from ..scoring.numbers import fmt_pct_plain
    spec = next((s for s in rubric.lines if s.kind == "checkpoints"), None)
    if spec is None:
        return "序时目标"
    targets = "/".join(fmt_pct_plain(Decimal(str(cp["target"]))) for cp in default_params(rubric).rule(spec)["checkpoints"])
    return f"序时目标（{targets}）"


def _project_sheet(wb, fm: _Formats):
    """项目自评: written by recalculation, one 项目支出绩效自评表 per project with 分值 on its indicators."""
    ws = wb.add_worksheet(S.PROJECT_SHEET)
    ws.set_tab_color("#4472C4")
    for c, width in enumerate(S.PROJECTS.widths):
        ws.set_column(c, c, width)
    sheet = S.PROJECTS
    for page in range(sheet.merged_pages):           # the first pages have the national form's merged head
        top = page * sheet.page_rows
        for r1, c1, r2, c2 in sheet.merges:
            ws.merge_range(top + r1, c1, top + r2, c2, "（尚未计算）" if page == 0 and (r1, c1) == (0, 0) else "",
                           fm.text)
        ws.set_row(top + sheet.text_row, P.row_height(48))
    _print_setup(ws, None, landscape=False)
    ws.print_area(0, 0, 0, sheet.width - 1)         # each recalculation sets it to the forms it wrote
    ws.set_h_pagebreaks([sheet.page_rows * k for k in range(1, sheet.pages)])   # one project a page
    ws.protect()
    return ws


def _details_sheet(wb, fm: _Formats, rubric):
    d = S.DETAILS
    ws = wb.add_worksheet(S.DETAILS_SHEET)
    ws.set_tab_color("#4472C4")
    for c, width in enumerate(d.widths):
        ws.set_column(c, c, width)
    ws.write_string(d.chart_title_row, 0, "执行进度（累计，按月）", fm.palette["title"])
    for c, h in enumerate(d.chart_columns):
        ws.write_string(d.chart_header_row, c, h, fm.head)
    ws.set_row(d.chart_header_row, R.details_header_height())
    col_fmt = [fm.center, fm.money, fm.money, fm.pct, fm.pct]
    for i in range(12):
        for c, f in enumerate(col_fmt):
            _write(ws, d.chart_first_row + i, c, f"{i + 1}月" if c == 0 else None, f)
    ws.write_string(d.blocks_first_row, 0, "（尚未计算）", fm.palette["note"])
    for i, role in enumerate(R.PALETTE_ROLES):
        ws.write_string(i, R.PALETTE_COLUMN, role, fm.palette[role])
    ws.set_column(R.PALETTE_COLUMN, R.PALETTE_COLUMN, None, None, {"hidden": True})
    chart = wb.add_chart({"type": "line"})
    first, last = d.chart_first_row, d.chart_first_row + 11
    sheet = R.quote_sheet(S.DETAILS_SHEET)
    chart.add_series({"name": "累计执行进度", "categories": f"={sheet}!$A${first + 1}:$A${last + 1}",
                      "values": f"={sheet}!$D${first + 1}:$D${last + 1}", "marker": {"type": "circle"},
                      "line": {"color": "#4472C4", "width": 2.25}})
    chart.add_series({"name": _target_series_name(rubric), "categories": f"={sheet}!$A${first + 1}:$A${last + 1}",
                      "values": f"={sheet}!$E${first + 1}:$E${last + 1}",
                      "line": {"none": True}, "marker": {"type": "diamond", "size": 9, "fill": {"color": "#C00000"},
                                                          "border": {"color": "#C00000"}}})
    chart.set_title({"name": "累计执行进度与序时目标", "name_font": {"size": 11}})
    chart.set_y_axis({"num_format": "0%", "min": 0, "max": 1, "major_gridlines": {"visible": True}})
    chart.set_legend({"position": "bottom"})
    chart.show_blanks_as("gap")
    beside = len(d.chart_columns)                 # the chart fills the columns right of its data, A4 wide
    room = sum(P.column_pixels(w) for w in d.widths[beside:]) - 10
    ws.insert_chart(0, beside, chart, {"x_offset": 5, "y_offset": 4, "x_scale": room / 480,
                                       "y_scale": (20 * (d.chart_first_row + 12) - 8) / 288})
    _print_setup(ws, None, landscape=d.landscape, scale=P.print_scale(d.widths, d.landscape))   # the same pages everywhere
    ws.print_area(0, 0, d.blocks_first_row, d.width - 1)    # each recalculation sets it to the rows written
    ws.protect()
    return ws


def _findings_sheet(wb, fm: _Formats):
    t = S.FINDINGS
    ws = wb.add_worksheet(t.sheet)
    ws.set_tab_color("#C00000")
    ws.write_string(0, 0, t.title, fm.title)
    ws.set_row(0, TITLE_HEIGHT)
    _help_row(ws, fm, 1, t, "每次重新计算时更新；点击“单元格”可跳转到问题所在位置。")
    r0, c0 = t.origin
    for j, value in enumerate(["提示", "", "", "尚未计算"]):
        ws.write_string(r0 + 1, c0 + j, value, fm.text)
    ws.add_table(r0, c0, r0 + 1, c0 + len(t.columns) - 1, {
        "name": t.name, "style": "Table Style Light 1",
        "columns": [{"header": c.header, "header_format": fm.head} for c in t.columns]})
    for j, col in enumerate(t.columns):
        ws.set_column(c0 + j, c0 + j, col.width)
    rng = f"A{r0 + 2}:D{r0 + 1 + LIST_VALIDATION_ROWS}"
    ws.conditional_format(rng, {"type": "formula", "criteria": f'=$A{r0 + 2}="错误"', "format": fm.error})
    ws.conditional_format(rng, {"type": "formula", "criteria": f'=$A{r0 + 2}="警告"', "format": fm.deducted})
    ws.freeze_panes(r0 + 1, 0)
    _print_setup(ws, r0)
    ws.protect()
    return ws


def _conf_sheet(wb) -> None:
    """The hidden xlwings.conf sheet (see layout.CONF_SETTINGS)."""
    ws = wb.add_worksheet(S.CONF_SHEET)
    for i, (key, value) in enumerate(S.CONF_SETTINGS):
        ws.write_string(i, 0, key)
        ws.write_string(i, 1, value)
    ws.hide()


def build(path: str | Path, tables: dict[str, RawTable] | None = None, *, vba_project: bytes | None = None,
          button_macro: str | None = None, report_macro: str | None = None, rubric=None, project_rubric=None) -> Path:
    """Write a template (blank, or pre-filled with ``tables``) for ``rubric`` (default: the one the
    tables' 评分参数 names, else ebian-2023) and ``project_rubric`` (the per-project 自评表's; default
    likewise, else national-project-2020) to ``path``; both are embedded in the workbook."""
    rubric = template_rubric(tables, rubric)
    project = template_project_rubric(tables, project_rubric)
    path = Path(path)
    wb = xlsxwriter.Workbook(str(path), {"in_memory": True, "strings_to_numbers": False, "strings_to_formulas": False,
                                         "strings_to_urls": False})
    wb.set_properties({"title": "部门整体支出绩效自评", "author": "perfeval", "company": "",
                       "created": FIXED_DATE, "comments": "perfeval template"})
    wb.set_size(1600, 1000)
    fm = _Formats(wb)
    cover = _cover(wb, fm)
    _input_sheets(wb, fm, tables, rubric, project)
    score = _score_sheet(wb, fm, rubric)
    _details_sheet(wb, fm, rubric)
    _findings_sheet(wb, fm)
    _project_sheet(wb, fm)
    rubric_sheet(wb, fm, rubric, project)
    _conf_sheet(wb)
    if vba_project is not None:
        from io import BytesIO
        wb.add_vba_project(BytesIO(vba_project), is_stream=True)
        wb.set_vba_name("ThisWorkbook")
        for i, ws in enumerate(wb.worksheets(), 1):
            ws.set_vba_name(f"Sheet{i}")
    if button_macro:
        button = {"macro": button_macro, "caption": "重新计算", "width": 140, "height": 40}
        cover.insert_button(2, 3, button)
        reasons = R.score_sheet(rubric).widths[-1]           # 扣分原因: the button at its right end, inside it
        score.insert_button(0, R.score_sheet(rubric).col("扣分原因"),
                            dict(button, x_offset=max(0, P.column_pixels(reasons) - button["width"] - 10), height=30))
    if report_macro:
        cover.insert_button(2, 3, {"macro": report_macro, "caption": "生成自评报告", "width": 140, "height": 40,
                                   "x_offset": 150})
    cover.activate()
    wb.close()
    return path

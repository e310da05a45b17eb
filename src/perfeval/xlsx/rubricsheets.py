"""The template's two rubric sheets: 评分标准数据 (the embedded rubrics — the department's, then the
project rubric's — as 校验码 and canonical JSON in cells of a very hidden, protected sheet) and 评分标准
(every line's rule read back in Chinese, with the 校验码, for the county to see)."""
from __future__ import annotations

from .. import layout as L
from .. import printing as P
from .. import render as R
from .. import sheets as S
from ..scoring.rubric import PROJECT_PART, embed_rows


def rubric_data_sheet(wb, fm, rubric, project) -> None:
    """The embedded rubrics — the department's, then the project rubric's (parts 项目校验码, 项目1 …) —
    each its 校验码 and canonical JSON, in cells of a very hidden, protected sheet."""
    table = L.RUBRIC_DATA
    ws = wb.add_worksheet(table.sheet)
    rows = embed_rows(rubric) + embed_rows(project, PROJECT_PART)
    ws.write_string(0, 0, table.title, fm.title)
    r0, c0 = table.origin
    for i, (part, text) in enumerate(rows):
        ws.write_string(r0 + 1 + i, c0, part, fm.text)
        ws.write_string(r0 + 1 + i, c0 + 1, text, fm.text)
    ws.add_table(r0, c0, r0 + len(rows), c0 + 1, {"name": table.name, "style": "Table Style Light 1",
                                                   "columns": [{"header": c.header} for c in table.columns]})
    ws.very_hidden()
    ws.protect()


def rubric_sheet(wb, fm, rubric, project) -> None:
    """评分标准: every line's rule read back in Chinese, with the rubric's 校验码 (what the county sees);
    below, the project rubric's the same way."""
    ws = wb.add_worksheet(S.RUBRIC_SHEET)
    ws.set_tab_color("#4472C4")
    ws.set_column(0, 0, 24)
    ws.set_column(1, 1, 8)
    ws.set_column(2, 2, 100)
    ws.write_string(0, 0, rubric.title, fm.title)
    ws.set_row(0, R.TITLE_HEIGHT)
    ws.write_string(1, 0, f"评分标准：{rubric.id}（{rubric.year}年，满分{R.fmt_num(rubric.total)}分）　　校验码：{rubric.checksum}",
                    fm.plain)
    row = _readback(ws, fm, rubric, 3)
    ws.write_string(row + 1, 0, f"项目支出绩效自评表：{project.title}", fm.subtitle)
    ws.write_string(row + 2, 0, f"项目评分标准：{project.id}（满分{R.fmt_num(project.total)}分）　　校验码：{project.checksum}",
                    fm.plain)
    _readback(ws, fm, project, row + 4)
    from .template import _print_setup
    _print_setup(ws, 3)
    ws.protect()


def _readback(ws, fm, rubric, head: int) -> int:
    """指标 | 分值 | 计分规则 of every line from row ``head``; the first row after them."""
    from ..scoring.readback import readback_all
    from .template import _write
    for c, text in enumerate(("指标", "分值", "计分规则")):
        ws.write_string(head, c, text, fm.head)
    rows = readback_all(rubric)
    for i, (spec, text) in enumerate(rows):
        ws.write_string(head + 1 + i, 0, spec.label, fm.text)
        _write(ws, head + 1 + i, 1, -spec.points if spec.deduction else spec.points, fm.center)
        ws.write_string(head + 1 + i, 2, text, fm.text)
        lines = max(P.text_lines(text, 100, 10), P.text_lines(spec.label, 24, 10))
        if lines > 1:
            ws.set_row(head + 1 + i, P.row_height(14 * lines + 2))
    return head + 1 + len(rows)

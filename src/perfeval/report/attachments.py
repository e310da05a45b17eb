"""The report's attachments, in landscape: 附件1 the 打分表 in the official layout (merged groups with
their points, 三级 as printed, 指标解释, 计分标准, 评价方式/评价属性 √, 分值, 自评得分, 扣分原因) and
附件2 each scored project's 项目支出绩效自评表.  Plain rows, merges and widths for ``docx.py``.
"""
from __future__ import annotations

from decimal import Decimal

from ..scoring.numbers import fmt_num
from ..scoring.rubric import form

LANDSCAPE_WIDTH_CM = 25.7   # A4 landscape less 2 cm margins
FORM_TITLE = "县级部门整体绩效自评打分表"      # as the workbook's 打分表 is titled
FORM_FONT_PT = 9             # the form's cells: a landscape page holds its long 计分标准 in few rows
METHODS = ("整体评价", "样本评价")
ATTRIBUTES = ("定性评价", "定量评价")
MARK_CM = 1.05               # one √ column: its header 整体评价 two characters a line, as printed
SCORE_CM = 1.2               # 分值, 自评得分
EXPLANATION_CM = 3.2
LEVEL_CM = {1: 2.6, 2: 1.9, 3: 1.75, 4: 1.6}    # per indicator column (一级指标 on one line at 9 pt)


def cell_text(value: object) -> str:
    value = getattr(value, "value", value)                      # a Styled cell: its text
    if isinstance(value, Decimal):
        return fmt_num(value)
    return "" if value is None else str(value)


def attachments(d, result) -> None:
    """附件1 (the 打分表) opens a landscape section; the project forms follow it, a page each."""
    d.add("landscape", "")
    numbered = bool(result.projects)
    d.add("h1", f"附件{'1' if numbered else ''}：{FORM_TITLE}")
    table, merges, widths = score_table(result)
    d.add("table", table, merges, widths, head_rows=2, font_pt=FORM_FONT_PT)
    project_appendix(d, result)


def form_widths(levels: int, texts: list[tuple[str, ...]] = ()) -> list[float]:
    """Column widths (cm) of the landscape 打分表: the fixed columns, the rest shared by 指标解释,
    计分标准 and 扣分原因 so that their rows (``texts``: each line's three) take the fewest printed lines."""
    level = LEVEL_CM.get(levels, 1.6)
    rest = LANDSCAPE_WIDTH_CM - level * levels - SCORE_CM * 2 - MARK_CM * 4

    def lines(text: str, width: float) -> int:
        per_line = max(1, int((width - 0.4) / (FORM_FONT_PT * 0.0353)))     # a CJK character is 1 em wide
        return sum(-(-max(1, len(part)) // per_line) for part in text.split("\n"))

    def height(widths: tuple[float, float, float]) -> int:
        return sum(max(lines(t, w) for t, w in zip(row, widths)) for row in texts)
    candidates = [(e, round((rest - e) * s / 100, 2)) for e in (2.4, 2.8, 3.2, 3.6, 4.0) for s in range(40, 80, 5)]
    explanation, criteria = min(candidates, key=lambda c: (height((c[0], c[1], rest - c[0] - c[1])),
                                                           abs(c[0] - EXPLANATION_CM), abs(c[1] - (rest - c[0]) * 0.6)))
    return [level] * levels + [SCORE_CM, explanation, criteria] + [MARK_CM] * 4 + \
        [SCORE_CM, round(rest - explanation - criteria, 2)]


def score_table(result) -> tuple[list[tuple], list[form.Merge], list[float]]:
    """The attached 打分表 as the county prints it: two header rows (评价方式 and 评价属性 over their
    √ columns), one row per line with the rubric's groups merged over their lines, a total row.
    Merges are relative to the first header row."""
    rows = form.form_rows(result.rubric)
    n = len(rows[0]) if rows else 1
    head = form.LEVEL_HEADERS[:n] + ("分值", "指标解释", "计分标准", "评价方式", "", "评价属性", "", "自评得分", "扣分原因")
    sub = ("",) * (n + 3) + METHODS + ATTRIBUTES + ("", "")
    merges = [form.Merge(0, c, 1, c, head[c]) for c in range(n + 3)]
    merges += [form.Merge(0, n + 3, 0, n + 4, "评价方式"), form.Merge(0, n + 5, 0, n + 6, "评价属性"),
               form.Merge(0, n + 7, 1, n + 7, "自评得分"), form.Merge(0, n + 8, 1, n + 8, "扣分原因")]
    found = form.merges(rows)
    merges += [m._replace(first_row=m.first_row + 2, last_row=m.last_row + 2) for m in found]
    inside = {(r + 2, c) for r, c in form.covered(found)}
    table = [head, sub]
    for i, (cells, line) in enumerate(zip(rows, result.lines), 2):
        spec = line.spec
        shown = [("" if (i, c) in inside else text) for c, text in enumerate(cells)]
        points = fmt_num(line.max) if line.min == 0 else f"最高扣{fmt_num(-line.min)}分"   # a 扣分项, as printed
        marks = ["√" if m in spec.methods else "" for m in METHODS] + ["√" if a in spec.attributes else "" for a in ATTRIBUTES]
        score = "不适用" if line.excluded else ("未填写" if line.status == "incomplete" else fmt_num(line.score))
        table.append(tuple(shown) + (points, spec.explanation, spec.criteria, *marks, score,
                                     "；".join(r.text for r in line.reasons)))
    total_row = len(table)
    grade = getattr(result, "shown_grade", None) or result.grade
    table.append(("部门整体自评得分",) + ("",) * (n - 1) + (fmt_num(result.max_total),) + ("",) * 6
                 + (fmt_num(result.total), f"等级：{grade}" if grade else ""))
    if n > 1:
        merges.append(form.Merge(total_row, 0, total_row, n - 1, "部门整体自评得分"))
    merges.append(form.Merge(total_row, n + 1, total_row, n + 6, ""))
    return table, merges, form_widths(n, [(row[n + 1], row[n + 2], row[n + 8]) for row in table[2:-1]])


def project_appendix(d, result) -> None:
    """附件2: each scored project's 项目支出绩效自评表, one per landscape page (the 项目自评 sheet's rows)."""
    from .. import render as R
    from .. import sheets as S
    width = S.PROJECTS.width
    total = sum(S.PROJECTS.widths)
    widths = [LANDSCAPE_WIDTH_CM * w / total for w in S.PROJECTS.widths]
    for i, p in enumerate(result.projects):
        d.add("pagebreak", "")
        d.add("h2", f"附件2-{i + 1}：项目支出绩效自评表（{p.name}）")
        rows = R.project_form(result, p, None)[2:]             # its title is the heading
        cells = [[cell_text(v) for v in row] + [""] * (width - len(row)) for row in rows]
        d.add("table", cells, _project_merges(len(p.indicators), len(cells), width), widths)


def _project_merges(indicators: int, rows: int, width: int) -> list[form.Merge]:
    """The national form's merged cells over project_form's rows: the name across the row, 主管部门 and
    实施单位 halves, the goal texts, each group label down its rows, 总分's label, the reasons."""
    from .. import sheets as S
    last = width - 1
    spans = [(r1 - 2, c1, r2 - 2, c2) for r1, c1, r2, c2 in S.PROJECTS.merges if r1 >= 2]   # the sheet's, less its title
    spans += [(6, 0, 6 + indicators, 0), (7 + indicators, 0, 7 + indicators, 5)]      # 绩效指标 down, 总分 across
    if rows > 8 + indicators:                                   # the 扣分原因 row
        spans.append((8 + indicators, 1, 8 + indicators, last))
    return [form.Merge(r1, c1, r2, c2, "") for r1, c1, r2, c2 in spans if r2 < rows]

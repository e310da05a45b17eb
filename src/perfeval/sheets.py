"""The output side of the workbook: sheets perfeval writes (使用说明 status cells, 打分表,
计算明细, 校验结果), their geometry, and the hidden xlwings.conf sheet.

Above scoring in the layers (the engine knows none of it); the input contract is ``layout``.
Pure data: standard library only.
"""
from __future__ import annotations

from typing import NamedTuple

from . import layout as L


COVER_SHEET = "使用说明"
SCORE_SHEET = "打分表"
DETAILS_SHEET = "计算明细"
FINDINGS_SHEET = "校验结果"
PROJECT_SHEET = "项目自评"        # the per-project 项目支出绩效自评表 (optional: older workbooks lack it)
REQUIRED_OUTPUT_SHEETS = (SCORE_SHEET, DETAILS_SHEET, FINDINGS_SHEET)
OPTIONAL_OUTPUT_SHEETS = (PROJECT_SHEET,)
OUTPUT_SHEETS = REQUIRED_OUTPUT_SHEETS + OPTIONAL_OUTPUT_SHEETS      # every sheet recalculation writes
# A hidden sheet xlwings reads before any config file: safe settings for this workbook on every PC
# (no UDF server, whose DLL is named after the exact xlwings version; the workbook's folder not put
# on sys.path, where a stray email.py would shadow the standard library).  The interpreter is left
# to the user's config, which `perfeval setup-excel` writes, so the e-mailed file works anywhere.
CONF_SHEET = "xlwings.conf"
CONF_SETTINGS = (("USE UDF SERVER", "False"), ("ADD_WORKBOOK_TO_PYTHONPATH", "False"))
RUBRIC_SHEET = "评分标准"         # every line's rule read back, and the 校验码 (written with the template)
ALL_SHEETS = (COVER_SHEET,) + tuple(dict.fromkeys(t.sheet for t in L.INPUT_TABLES)) + OUTPUT_SHEETS + \
    (RUBRIC_SHEET, CONF_SHEET)


class ProjectSheet(NamedTuple):
    """项目自评: one block per project laid out like the national 项目支出绩效自评表, 9 columns."""
    width: int = 9
    widths: tuple[float, ...] = (14, 12, 12, 22, 12, 12, 8, 8, 30)
    page_rows: int = 36              # each project starts a page: its rows padded to a multiple of this …
    pages: int = 200                 # … and the template's manual page breaks every page_rows rows, this many
    merged_pages: int = 8            # pages given the merged head (a later form prints unmerged: see docs)
    # the national form's merged cells at the top of every page (first row, first col, last row, last col),
    # made once by the template on each page so that neither writer merges (the print area, set by each
    # recalculation, keeps the unused pages from printing): 标题, 年度, 项目名称, 主管部门 and 实施单位,
    # 项目资金 and 年度总体目标 down their two rows, 预期目标 and 实际完成情况 with their texts
    merges: tuple[tuple[int, int, int, int], ...] = (
        (0, 0, 0, 8), (1, 0, 1, 8), (2, 1, 2, 8), (3, 1, 3, 3), (3, 5, 3, 8), (4, 0, 5, 0), (6, 0, 7, 0),
        (6, 1, 6, 4), (6, 5, 6, 8), (7, 1, 7, 4), (7, 5, 7, 8))
    text_row: int = 7                # the goal texts: a taller row
    head_rows: int = 9               # rows above the first indicator (title … the 绩效指标 header)
    empty_text: str = "（没有填写了分值的项目绩效指标；在“绩效指标”的“分值”列填写后，重新计算生成项目支出绩效自评表）"


PROJECTS = ProjectSheet()


def missing_sheets_message(missing: list[str], book_name: str) -> str:
    """What recalc and the button say when output sheets are missing (an older or edited workbook)."""
    return (f"工作簿缺少输出工作表“{'”“'.join(missing)}”，无法写入结果（原文件未修改）。"
            f"请运行 perfeval upgrade {book_name}，在新生成的工作簿中计算")


class StatusCell(NamedTuple):
    key: str
    label: str
    cell: tuple[int, int]   # (row, col) of the value; the label sits one column left


COVER_STATUS = (
    StatusCell("time", "最后计算时间", (3, 1)),
    StatusCell("state", "计算状态", (4, 1)),
    StatusCell("total", "总分", (5, 1)),
    StatusCell("grade", "等级", (6, 1)),
    StatusCell("stale", "输入检查", (7, 1)),
    StatusCell("current", "当前输入指纹", (8, 1)),
    StatusCell("fingerprint", "上次计算时的输入指纹", (9, 1)),
)
COVER_STATUS_BY_KEY = {s.key: s for s in COVER_STATUS}
STALE_MESSAGE = "输入已修改，请重新计算"


LEVEL_HEADERS = ("一级指标", "二级指标", "三级指标", "四级指标")
LEVEL_WIDTHS = (10, 11, 12, 12)
# 指标解释, 计分标准, 扣分原因: the wide texts, narrower on a form with four indicator columns, so that every
# form, fitted one A4 landscape page wide, prints at 80% or more in Excel (``printing.fit_scales``: 81%; the
# rows grow instead, ``render.score_heights``)
TEXT_WIDTHS = {3: (20, 36, 36), 4: (18, 30, 31)}
MARK_WIDTH = 5          # 整体评价 … 定量评价: a "√" under a header wrapped to two lines of two characters


class ScoreSheet(NamedTuple):
    """打分表: a two-row header like the official form, one row per line, a total row.

    ``levels`` indicator columns (一级指标 …, as many as the rubric's deepest line needs: one to
    four) come first; every other column follows them.  ``ScoreSheet()`` is the 峨边 form's
    three; ``render.score_sheet(rubric)`` gives any rubric's."""
    levels: int = 3
    title_row: int = 0
    header_rows: tuple[int, int] = (2, 3)
    first_line_row: int = 4
    total_label: str = "部门整体自评得分"
    grade_label: str = "等级"
    max_label: str = "满分合计"

    @property
    def columns(self) -> tuple[str, ...]:
        return LEVEL_HEADERS[:self.levels] + (
            "分值", "指标解释", "计分标准", "整体评价", "样本评价", "定性评价", "定量评价",
            "自评得分", "扣分", "状态", "扣分原因")

    @property
    def group_headers(self) -> tuple[tuple[str, int, int], ...]:
        m = self.col("整体评价")
        return (("评价方式", m, m + 1), ("评价属性", m + 2, m + 3))

    @property
    def widths(self) -> tuple[float, ...]:
        explanation, criteria, reasons = TEXT_WIDTHS[max(3, self.levels)]
        return LEVEL_WIDTHS[:self.levels] + (6, explanation, criteria) + (MARK_WIDTH,) * 4 + (8, 7, 8, reasons)

    def col(self, header: str) -> int:
        return self.columns.index(header)


SCORE = ScoreSheet()


class DetailsSheet(NamedTuple):
    """计算明细: a fixed chart-data block (month × cumulative rate) and the chart beside it, then free
    blocks (one per line, each kept on one printed page).  Printed landscape, columns A to ``width``:
    their widths add up to what fits an A4 page at 100% in Excel and at 86% in LibreOffice
    (see ``printing.fit_scales``)."""
    chart_title_row: int = 0
    chart_header_row: int = 1
    chart_first_row: int = 2         # 12 month rows follow
    chart_columns: tuple[str, ...] = ("月份", "当月支出（万元）", "累计支出（万元）", "累计执行进度", "序时目标")
    blocks_first_row: int = 16
    width: int = 8
    widths: tuple[float, ...] = (24, 13, 13, 13, 12, 13, 14, 22)
    landscape: bool = True


DETAILS = DetailsSheet()


FINDINGS = L.Table(
    key="findings", name="Findings", sheet=FINDINGS_SHEET, title="校验结果",
    columns=(
        L.Column("severity", "级别", width=8),
        L.Column("sheet", "工作表", width=12),
        L.Column("cell", "单元格", width=12),
        L.Column("message", "说明", width=90),
    ),
)
SEVERITY_LABELS = {"error": "错误", "warning": "警告", "info": "提示"}

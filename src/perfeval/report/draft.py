"""The 自评报告 as plain data: a ``Draft`` of titled paragraphs and tables, every figure taken from the
workbook's inputs or the computed result, the 打分表 as its attachment (the seeds' four-part structure).

Narrative the workbook cannot compute comes from 基本信息 (机构组成, 机构职能, 年度主要工作任务,
部门整体支出绩效目标); what is blank there is marked 【待填写】 and reported.  存在问题 and 改进建议
are drafted from the lines that lost points (phrases in ``scoring/rubrics/phrases/``, data beside
the rubric; a rubric without phrases gets sentences from its lines' names and results).
The 报告文字 sheet holds the clerk's own narrative for the analysis paragraphs (put before the
figures) and for 存在问题/改进建议 (instead of the drafted ones).  No Word here: ``docx.py`` writes it.
"""
from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

from . import narrative as N
from .attachments import attachments
from ..scoring.indicators import normalize_direction
from ..scoring.inputs import department_from_tables, normalize_label
from ..scoring.numbers import fmt_cents, fmt_num, fmt_pct
from ..scoring.readback import readback
from ..scoring.results import CellOf, Result, open_items
from ..scoring.rubric import form

PLACEHOLDER = "【待填写】"
BODY_FONTS = ("仿宋_GB2312", "仿宋")
HEADING_FONT = "黑体"
TEXT_WIDTH_CM = 15.4        # A4 less the 2.8 cm margins
PHRASES_DIR = Path(__file__).resolve().parent.parent / "scoring" / "rubrics" / "phrases"


def phrases(rubric_id: str) -> dict:
    """The report data beside a rubric: phrases per line and the lines 结果应用情况 quotes."""
    for path in sorted(PHRASES_DIR.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        if rubric_id in data.get("rubrics", ()):
            return data
    return {}


_NOT_XML = str.maketrans({c: None for c in list(range(0, 9)) + [11, 12] + list(range(14, 32)) + [0xFFFE, 0xFFFF]})


def _clean(value: object) -> str:
    """Text from the workbook as Word can hold it: control characters (pasted from elsewhere) dropped."""
    return str(value).translate(_NOT_XML)


def _wan(value) -> str:
    return f"{fmt_cents(value)}万元" if isinstance(value, Decimal) else PLACEHOLDER


class Draft:
    """The report as plain paragraphs and tables (testable without Word)."""

    def __init__(self):
        self.blocks: list[tuple[str, object]] = []     # ("draft"|"title"|"h1"|"h2"|"lead"|"p"|"sign"|"table"|…, content)
        self.missing: list[str] = []
        self.merges: dict[int, list[form.Merge]] = {}  # block index → merged cells of that table
        self.widths: dict[int, list[float]] = {}       # block index → column widths (cm) of that table
        self.head_rows: dict[int, int] = {}             # block index → header rows (repeated, bold) if not 1
        self.font_pt: dict[int, float] = {}             # block index → the table's font size if not the default
        self.problems: list[str] = []                   # the input problems that make this a draft
        self.notes: list[str] = []                      # 提示 for the clerk: what was drafted beside their text

    @property
    def is_draft(self) -> bool:
        return any(kind == "draft" for kind, _ in self.blocks)

    def add(self, kind: str, content, merges: list[form.Merge] | None = None, widths: list[float] | None = None,
            head_rows: int = 1, font_pt: float | None = None) -> None:
        """A block; a table's ``merges`` are relative to its first row (the header)."""
        if kind == "table":
            content = [tuple(_clean(c) for c in row) for row in content]
            if head_rows != 1:
                self.head_rows[len(self.blocks)] = head_rows
            if font_pt:
                self.font_pt[len(self.blocks)] = font_pt
            if merges:
                self.merges[len(self.blocks)] = list(merges)
            if widths:
                self.widths[len(self.blocks)] = list(widths)
        else:
            content = _clean(content)
        self.blocks.append((kind, content))

    def text(self, value: object, what: str) -> str:
        if value is None or (isinstance(value, str) and not value.strip()):
            if what not in self.missing:                # 单位名称 is asked for by the title and the 落款
                self.missing.append(what)
            return PLACEHOLDER
        return str(value).strip()

    def plain(self) -> str:
        out = []
        for kind, content in self.blocks:
            if kind == "table":
                out += ["\t".join(str(c) for c in row) for row in content]
            else:
                out.append(str(content))
        return "\n".join(out)


def draft(result: Result, tables: dict | None = None, cell_of: CellOf | None = None) -> Draft:
    """The report of a scored workbook: every figure from ``result`` and the inputs it was scored
    from (``tables`` only for a result made without them).  A result that is not complete (a line
    错误 or 未填写) gives a draft: marked 草稿 in its first line (and the page header), ``problems``
    naming each input problem at its cell (``cell_of``), no total presented as final."""
    dept = result.department if result.department is not None else department_from_tables(tables)
    info, fin = dept.info, dept.finance
    d = Draft()
    unit = d.text(result.unit, "单位名称")
    year = result.year or PLACEHOLDER
    if not result.complete:
        d.problems = result.problems(cell_of)
        d.add("draft", f"草稿：自评尚未完成（{open_items(result.input_errors, result.incomplete)}），本稿不能报送。请按“校验结果”更正输入、"
                       f"补齐未填写的内容，重新计算后再生成报告。")
    d.add("title", f"{unit}\n{year}年度部门整体支出绩效自评报告")     # two lines, broken between words
    d.add("h1", "一、部门基本情况")
    d.add("h2", "（一）机构组成。")
    d.add("p", d.text(info.get("organization"), "机构组成"))
    d.add("h2", "（二）机构职能和人员概况。")
    d.add("p", d.text(info.get("functions"), "机构职能"))
    counts = [info.get(k) for k in ("staff_total", "staff_admin", "staff_public", "staff_worker", "staff_active")]
    if all(isinstance(c, int) for c in counts):
        d.add("p", f"{unit}总编制{counts[0]}名，其中：行政编制{counts[1]}名，事业编制{counts[2]}名，工勤编制{counts[3]}名；"
                   f"在职人员{counts[4]}名。")
    else:
        d.add("p", d.text(None, "人员概况（基本信息中的编制和在职人数）"))
    d.add("h2", "（三）年度主要工作任务。")
    d.add("p", d.text(info.get("tasks"), "年度主要工作任务"))
    d.add("h2", "（四）部门整体支出绩效目标。")
    d.add("p", d.text(info.get("goal"), "部门整体支出绩效目标"))

    d.add("h1", "二、部门财政资金收支情况")
    d.add("h2", "（一）部门财政资金收入情况。")
    d.add("p", f"{year}年度财政拨款收入{_wan(fin.get('income_total'))}，其中：上年结转{_wan(fin.get('carryover'))}，"
               f"一般公共预算拨款收入{_wan(fin.get('general_budget'))}，政府性基金预算拨款收入{_wan(fin.get('fund_budget'))}，"
               f"国有资本经营预算拨款收入{_wan(fin.get('soe_budget'))}。")
    d.add("h2", "（二）部门财政资金支出情况。")
    d.add("p", f"{year}年度财政资金支出{_wan(fin.get('expense_total'))}，其中：基本支出{_wan(fin.get('basic_expense'))}；"
               f"项目支出{_wan(fin.get('project_expense'))}。")
    rows = [("项目名称", "资金来源", "预算数（万元）", "实际支出（万元）")]
    rows += [(p.name, p.source, fmt_cents(p.budget) if isinstance(p.budget, Decimal) else "",
              fmt_cents(p.spent) if isinstance(p.spent, Decimal) else "") for p in dept.projects]
    if len(rows) > 1:
        d.add("table", rows)
    d.add("h2", "（三）部门财政资金结转结余情况。")
    d.add("p", f"{year}年财政资金结转结余{_wan(fin.get('balance'))}。")

    d.add("h1", "三、部门整体绩效管理情况")
    words = dept.report_text
    data = phrases(result.rubric_id)
    verdicts = indicator_verdicts(result, dept)          # once: the table here and the 100万元 projects below
    d.missing += N.unexplained(dept, verdicts)
    d.add("h2", "（一）部门整体履职绩效分析。")
    _given(d, words.get("duties"))
    for paragraph in (N.indicators_paragraph(dept, verdicts, department=True), N.execution_paragraph(dept, result, year),
                      N.public_expense_sentence(dept), N.sangong_sentence(dept)):
        if paragraph:
            d.add("p", paragraph)
    table = indicator_table(dept, verdicts)
    if len(table) > 1:
        d.add("lead", "绩效指标完成情况见下表。")
        d.add("table", table, None, [4.6, 2.4, 2.4, 2.2, TEXT_WIDTH_CM - 11.6])
    d.add("h2", "（二）特定目标类项目绩效分析。")
    _given(d, words.get("projects"))
    managed = [p for p in dept.projects if p.managed is True]
    d.add("lead", "1.整体情况。")
    d.add("p", N.projects_paragraph(managed))
    if managed:
        d.add("p", N.indicators_paragraph(dept, verdicts, department=False,
                                          managed={normalize_label(p.name) for p in managed}))
    d.add("lead", f"2.{fmt_num(LARGE_PROJECT)}万元以上项目。")
    large = [p for p in dept.projects if isinstance(p.budget, Decimal) and p.budget >= LARGE_PROJECT]
    for i, p in enumerate(large, 1):
        d.add("p", f"（{i}）{_large_project_sentence(p, dept, verdicts)}")
    if not large:
        d.add("p", f"本年度没有预算{fmt_num(LARGE_PROJECT)}万元以上的项目。")
    d.add("h2", "（三）结果应用情况。")
    _given(d, words.get("results_use"))
    quoted = [line for line in result.lines if line.id in data.get("results_use", ())]
    paragraph = N.results_use_paragraph(result, quoted, data) if quoted else ""
    if paragraph:
        d.add("p", paragraph)
    elif not words.get("results_use"):
        d.add("p", d.text(None, "结果应用情况"))

    d.add("h1", "四、评价结论及建议")
    d.add("h2", "（一）评价结论。")
    maximum = f"（满分{fmt_num(result.max_total)}分）" if result.max_total != 100 else ""
    basis = _basis(d, info.get("basis"))
    if result.complete:
        d.add("p", f"{basis}{unit}认真组织开展了部门整体支出绩效自评工作，绩效评价得分：{fmt_num(result.total)}分{maximum}，"
                   f"等级：{result.grade}。")
    else:
        d.add("p", f"{basis}{unit}部门整体支出绩效自评尚未完成（{open_items(result.input_errors, result.incomplete)}），已计分部分得{fmt_num(result.total)}分"
                   f"{maximum}，暂不评定等级。")
    if result.reading:
        d.add("p", result.reading + "。")
    d.add("p", "各评分项自评情况如下（计分标准按评分标准和本县取值复述）：")
    for i, line in enumerate(result.lines, 1):
        d.add("p", f"{i}. {line_paragraph(result, line)}")
    lost = N.lost_lines(result)
    d.add("h2", "（二）存在问题。")              # the department's problems only: the tool's own are in the draft note
    seen: set = set()                             # a listed problem is quoted once
    _covered(d, result, lost, words.get("problems"), data,
             lambda line: f"{N.problem_text(result, line, data, seen).rstrip('。')}（{line.name}扣{fmt_num(line.deduction)}分）。",
             "本年度自评各项均得满分，未发现需要扣分的问题。" if result.complete else
             "自评尚未完成，存在问题待全部评分项计分后起草。", "对照自评打分表，还存在以下扣分问题：", "存在问题")
    d.add("h2", "（三）改进建议。")
    _covered(d, result, lost, words.get("suggestions"), data, lambda line: N.measure_text(result, line, data),
             "继续保持预算绩效管理的良好做法，巩固绩效目标管理和结果应用。", "针对自评扣分问题，还应做好以下工作：", "改进建议")
    signature(d, result, info)
    attachments(d, result)
    return d


LARGE_PROJECT = Decimal(100)       # 万元: the 范本's "100万以上项目" each get their own paragraph


def indicator_verdicts(result: Result, dept) -> dict:
    """Each indicator row's verdict (id → (achieved, verdict)): as the line that counted it judged it;
    a row no line counted (a 质量/满意度 indicator) against its target without the deviation band,
    a 定性 one reached when its actual equals its target.  ``achieved`` is None when it cannot be said."""
    from ..scoring.indicators import judge
    found: dict = {}
    for line in result.lines:
        for item in line.extra.get("indicators", ()):
            if len(item) == 4 and item[1]:                   # count_ratio: (indicator, counted, achieved, verdict)
                found.setdefault(id(item[0]), (item[2], item[3]))
    for ind in dept.indicators:
        if id(ind) in found:
            continue
        if (normalize_direction(ind.direction or "") or "") == "定性" or not _numeric(ind.target):
            same = str(ind.actual or "").strip() and normalize_label(ind.actual) == normalize_label(ind.target)
            found[id(ind)] = (True, "达到") if same else (None, "定性指标")
            continue
        j = judge(ind, UNBOUNDED, counted=True)
        found[id(ind)] = (j.achieved, j.verdict) if j.verdict in ("达到", "未达到") else (None, j.verdict)
    return found


UNBOUNDED = Decimal(10) ** 9       # no deviation band: an indicator no line counts is judged by its target alone


def _numeric(value: object) -> bool:
    from ..scoring.indicators import parse_value
    return parse_value(value) is not None


def indicator_table(dept, verdicts: dict) -> list[tuple]:
    """绩效指标完成情况表: 指标, 目标值, 实际完成值, 完成情况, 偏差原因 (the clerk's words)."""
    rows = [("指标", "目标值", "实际完成值", "完成情况", "偏差原因")]
    for ind in dept.indicators:
        achieved, verdict = verdicts.get(id(ind), (None, ""))
        name = ind.level3 or ind.level2 or ind.level1
        if ind.target_object and ind.target_object != "部门整体":
            name = f"{ind.target_object}：{name}"
        target = N.target_text(ind, equals=True, blank="")
        actual = N.figure(ind.actual, ind.unit)
        reason = _clean(ind.reason).strip() if ind.reason else ("—" if achieved is not False else "")
        rows.append((name, target, actual, verdict or ("达到" if achieved else ""), reason))
    return rows


def _large_project_sentence(p, dept, verdicts: dict) -> str:
    text = f"{p.name}：资金来源{p.source or PLACEHOLDER}，预算{fmt_cents(p.budget)}万元"
    if isinstance(p.spent, Decimal):
        text += f"，实际支出{fmt_cents(p.spent)}万元，预算执行率{fmt_pct(p.spent / p.budget)}" if p.budget else \
            f"，实际支出{fmt_cents(p.spent)}万元"
    own = [ind for ind in dept.indicators if normalize_label(ind.target_object) == normalize_label(p.name)]
    if own:
        met = sum(1 for ind in own if verdicts.get(id(ind), (None,))[0] is True)
        text += f"；设置绩效指标{len(own)}个，达到预期值{met}个"
        short = [ind.level3 for ind in own if verdicts.get(id(ind), (None,))[0] is False]
        if short:
            text += f"，未达到的是{'、'.join(f'“{n}”' for n in short)}"
    else:
        text += "；未设置项目绩效指标"
    return text + "。"


def _basis(d: Draft, value: object) -> str:
    """四(一)'s opening, as the seeds' reports have it: 根据《通知》文件精神，(the 基本信息 row 评价依据文件)."""
    name = d.text(value, "评价依据文件").strip("《》 ")
    return f"根据《{name}》文件精神，"


def signature(d: Draft, result: Result, info: dict) -> None:
    """The 落款: 单位（盖章）, 填报人 and 联系电话 (blank ones marked), and the date (填报日期)."""
    d.add("sign", f"单位（盖章）：{d.text(result.unit, '单位名称')}")
    d.add("sign", f"填报人：{d.text(info.get('filler'), '填报人')}    联系电话：{d.text(info.get('phone'), '联系电话')}")
    d.add("sign", _chinese_date(info.get("fill_date")) or d.text(None, "填报日期"))


def _chinese_date(value: object) -> str:
    """2024-03-15 (as the workbook gives a date) → 2024年3月15日; anything else as it is."""
    import re
    text = str(value or "").strip()
    m = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})(?: .*)?", text)
    return f"{int(m.group(1))}年{int(m.group(2))}月{int(m.group(3))}日" if m else text


def line_paragraph(result: Result, line) -> str:
    """One line of the form in words: what it scores (its read-back under the parameters used) and
    what this workbook got, with the reasons of any deduction."""
    params = result.params
    rule = params.rule(line.spec) if params is not None else None
    points = params.points(line.spec) if params is not None else None
    said = readback(result.rubric, line.spec, rule, points)
    shown = line.max if line.min == 0 else -line.min
    head = f"{line.name}（{fmt_num(shown)}分）：{said}。"
    reasons = "；".join(r.text for r in line.reasons).rstrip("。")
    if line.excluded:
        return head + "本项不适用，不计入总分" + (f"（{reasons}）。" if reasons else "。")
    if line.status == "incomplete":
        return head + "尚未填写，未计分。"
    if line.min < 0:
        got = f"扣{fmt_num(-line.score)}分" if line.score < 0 else "未扣分"
    else:
        got = f"自评得{fmt_num(line.score)}分"
    if line.status == "error":
        return head + f"输入有误，{got}" + (f"：{reasons}。" if reasons else "。")
    if line.status == "deducted" or line.score < 0:
        return head + got + (f"，扣分原因：{reasons}。" if reasons else "。")
    return head + got + "。"


def _numbered(d: Draft, items: list[str], none: str) -> None:
    """Drafted paragraphs "1. …", "2. …", or ``none`` when there are none."""
    for i, item in enumerate(items, 1):
        d.add("p", f"{i}. {item}")
    if not items and none:
        d.add("p", none)


def _given(d: Draft, text: object) -> bool:
    """The clerk's own paragraphs from 报告文字 (one per line); False when blank (then drafted)."""
    if not isinstance(text, str) or not text.strip():
        return False
    for paragraph in text.splitlines():
        if paragraph.strip():
            d.add("p", paragraph.strip())
    return True


def _covered(d: Draft, result: Result, lost: list, given: object, data: dict, drafted, none: str, lead: str,
             what: str) -> None:
    """存在问题/改进建议: the clerk's own paragraphs, then (numbered after ``lead``) each deducted line
    their text does not speak of, with a 提示 naming them; blank text: every deducted line drafted."""
    if not _given(d, given):
        _numbered(d, [drafted(line) for line in lost], none)
        return
    left = [line for line in lost if not N.mentioned(result, line, str(given), data)]
    if left:
        d.add("p", lead)
        _numbered(d, [drafted(line) for line in left], "")
        d.notes.append(f"报告文字的“{what}”未提及扣分的评分项{'、'.join(f'“{line.name}”' for line in left)}，已按打分表补充起草，请核对")

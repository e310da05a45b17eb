"""The report drafted with blank 报告文字 (#22): paragraphs a finance clerk would write, from the data
and every line's result; phrases per 定性评价 item (never suggesting what was done); the clerk's own
listed problems quoted; every deducted line covered; the attached 打分表 in the official layout."""
from __future__ import annotations

from decimal import Decimal

import pytest

from perfeval.report.draft import draft
from perfeval.samples import hongqi, wudu
from perfeval.scoring.engine import score_tables
from perfeval.scoring.inputs import RawTable


def blank_text(tables):
    for row in tables["ReportText"].rows:
        row[1] = None
    return tables


def report(tables):
    return draft(score_tables(tables), tables)


def section(d, start: str, end: str) -> list[str]:
    texts = [c for _, c in d.blocks]
    i = texts.index(start)
    return [c for k, c in d.blocks[i + 1:texts.index(end, i)] if k != "table"]


def answer(tables, label: str, value, remark=None):
    row = next(r for r in tables["Qualitative"].rows if r[0] == label)
    row[1], row[2] = value, remark


def test_the_analysis_reads_as_prose_with_figures_not_score_arithmetic():
    d = report(blank_text(hongqi()))
    duties = "".join(section(d, "（一）部门整体履职绩效分析。", "（二）特定目标类项目绩效分析。"))
    assert "全年设置部门整体绩效指标4个（数量指标3个、服务对象满意度指标1个），全部达到预期值" in duties
    assert "“开展应急演练次数”55次（目标≥50次）" in duties
    assert "9月末累计支出328.52万元，执行进度27.00%，未达到序时进度目标67.5%" in duties
    assert "年初预算合计19.50万元，决算合计19.05万元，决算比预算减少0.45万元（2.31%）" in duties
    assert "满分" not in duties and "得10分" not in duties                     # no score arithmetic here
    projects = "".join(section(d, "（二）特定目标类项目绩效分析。", "（三）结果应用情况。"))
    assert "纳入绩效目标管理的项目5个，预算合计143.45万元，实际支出143.45万元，预算执行率100.00%" in projects
    assert "满分" not in projects


def test_an_indicator_that_fell_short_is_told_with_its_figures_and_reason_or_marked():
    t = blank_text(hongqi())
    row = next(r for r in t["Indicators"].rows if r[3] == "开展应急演练次数")
    row[7], row[8] = "30", "汛期提前，部分演练合并开展"
    d = report(t)
    text = "".join(section(d, "（一）部门整体履职绩效分析。", "（二）特定目标类项目绩效分析。"))
    assert "达到预期值3个，未达到1个" in text
    assert "“开展应急演练次数”目标≥50次，实际完成30次，未达到预期，原因是汛期提前，部分演练合并开展。" in text
    row[8] = None
    d = report(t)
    assert "偏差原因未说明" in "".join(section(d, "（一）部门整体履职绩效分析。", "（二）特定目标类项目绩效分析。"))
    assert "绩效指标“开展应急演练次数”（部门整体）的偏差原因" in d.missing


def test_a_line_of_several_items_is_drafted_from_the_items_that_fell_short_only():
    d = report(blank_text(hongqi()))                 # 预算挂钩: 纳入内部考核体系 是, 建立预算绩效挂钩机制 否
    problems = "".join(section(d, "（二）存在问题。", "（三）改进建议。"))
    measures = "".join(section(d, "（三）改进建议。", "单位（盖章）：红旗镇人民政府"))
    assert "尚未建立对内设机构和下属单位预算与绩效挂钩的机制（预算挂钩扣5分）" in problems
    assert "挂钩" in measures and "纳入内部考核体系" not in measures and "纳入内部考核体系" not in problems
    use = "".join(section(d, "（三）结果应用情况。", "四、评价结论及建议"))
    assert "将内设机构和下属单位绩效自评情况纳入内部考核体系" in use and "但尚未建立对内设机构和下属单位预算与绩效挂钩的机制" in use
    t = blank_text(hongqi())
    answer(t, "纳入内部考核体系", "否")
    answer(t, "建立预算绩效挂钩机制", "是")
    measures = "".join(section(report(t), "（三）改进建议。", "单位（盖章）：红旗镇人民政府"))
    assert "纳入部门内部考核体系" in measures and "挂钩的机制" not in measures


def test_violations_and_rectification_quote_the_clerks_own_listed_problems():
    t = blank_text(hongqi())
    t["Violations"] = RawTable("Violations", ["来源", "问题描述", "整改情况", "类别"],
                               [["审计监督", "公务接待无公函报销", "已退回", None],
                                ["部门自查", "固定资产未及时入账", None, None]])
    t["MonitoringIssues"] = RawTable("MonitoringIssues", ["项目名称", "问题描述", "已整改处置"],
                                     [["垃圾车运营维护费", "运维合同未按季度结算", "否"]])
    answer(t, "问题整改", Decimal("3"), "2个监控问题仍在整改中")
    d = report(t)
    problems = "".join(section(d, "（二）存在问题。", "（三）改进建议。"))
    assert "审计监督发现“公务接待无公函报销”，整改情况为已退回" in problems
    assert "部门自查发现“固定资产未及时入账”" in problems and "（违规记录扣1分）" in problems
    assert "绩效管理中发现的问题整改不到位（说明：2个监控问题仍在整改中）" in problems
    assert "垃圾车运营维护费：“运维合同未按季度结算”尚未整改处置" in problems


def test_the_clerks_own_problems_are_kept_and_only_unmentioned_deductions_added():
    t = hongqi()
    row = next(r for r in t["ReportText"].rows if r[0] == "存在问题")
    row[1] = "预算执行进度偏慢，6月、9月、11月均未达到序时进度。"
    d = report(t)
    problems = section(d, "（二）存在问题。", "（三）改进建议。")
    assert problems[0] == "预算执行进度偏慢，6月、9月、11月均未达到序时进度。"
    assert problems[1] == "对照自评打分表，还存在以下扣分问题："
    assert len(problems) == 3 and "预算挂钩扣5分" in problems[2]              # 执行进度 already spoken of
    assert any("“预算挂钩”" in n and "执行进度" not in n for n in d.notes if "存在问题" in n)
    full = report(wudu())                                                    # nothing deducted: nothing added
    assert not full.notes


def test_the_attached_form_is_landscape_in_the_official_layout(tmp_path):
    import docx
    from docx.enum.section import WD_ORIENT
    from docx.oxml.ns import qn
    from perfeval.report.attachments import LANDSCAPE_WIDTH_CM
    from perfeval.report.docx import to_docx
    d = report(wudu())
    index = next(i for i, (k, c) in enumerate(d.blocks) if k == "table" and c[0][0] == "一级指标")
    table = d.blocks[index][1]
    assert d.blocks[index - 2][0] == "landscape" and d.head_rows[index] == 2
    assert abs(sum(d.widths[index]) - LANDSCAPE_WIDTH_CM) < 0.05
    header, sub = table[0], table[1]
    assert header[:6] == ("一级指标", "二级指标", "三级指标", "分值", "指标解释", "计分标准")
    assert sub[6:10] == ("整体评价", "样本评价", "定性评价", "定量评价") and header[-2:] == ("自评得分", "扣分原因")
    rows = table[2:-1]
    assert rows[0][0] == "部门预算项目绩效管理（70分）" and rows[0][2] == "目标制定" and rows[1][2] == ""  # merged, as printed
    assert not any("（内部审核）" in c or "（目标质量）" in c for r in rows for c in r[:3])   # the labels are not printed
    assert rows[0][6:10] == ("√", "√", "", "√")                                 # 内部审核: 整体 样本 · 定量
    cooperation = next(r for r in rows if r[0].startswith("扣分项"))
    assert cooperation[3] == "最高扣10分" and cooperation[1] == cooperation[2] == ""
    assert table[-1][0] == "部门整体自评得分" and table[-1][-2:] == ("100", "等级：优")
    out = tmp_path / "r.docx"
    to_docx(d, out)
    doc = docx.Document(str(out))
    assert doc.sections[-1].orientation == WD_ORIENT.LANDSCAPE and doc.sections[0].orientation != WD_ORIENT.LANDSCAPE
    form = next(t for t in doc.tables if t.rows[0].cells[0].text == "一级指标")
    heads = [row for row in form.rows if row._tr.trPr.find(qn("w:tblHeader")) is not None]
    assert len(heads) == 2                                                   # both header rows repeat on every page
    sizes = {p.style.font.size.pt for row in form.rows for c in row.cells for p in c.paragraphs}
    assert sizes == {9.0}                                                   # every cell's style, empty ones too
    assert all(r.font.size is None for row in form.rows for c in row.cells for p in c.paragraphs for r in p.runs)


def _python_docx_table(doc, rows, widths, spans, heads, size):
    """The reference: the table as python-docx's object model builds it (cell.text, paragraph style,
    alignment, bold, cell widths, _Cell.merge, row properties) — what report/docx.py did before."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Cm
    from perfeval.report.docx import _cell_style
    ncols = len(rows[0])
    t = doc.add_table(rows=len(rows), cols=ncols)
    t.style = "Table Grid"
    style = _cell_style(doc, size).style_id
    grid = t._cells
    for i, row in enumerate(rows):
        for j, value in enumerate(row):
            cell = grid[i * ncols + j]
            if value == "":
                cell._tc.p_lst[0].style = style
                continue
            cell.text = str(value)
            for p in cell.paragraphs:
                p._p.style = style
                if i < heads:
                    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
                    for r in p.runs:
                        r.bold = True
    if widths:
        t.autofit = False
        for column, width in zip(t.columns, widths):
            column.width = Cm(width)
        for k, cell in enumerate(grid):
            cell.width = Cm(widths[k % ncols])
    for m in spans:
        grid[m.first_row * ncols + m.first_col].merge(grid[m.last_row * ncols + m.last_col])
    for i, row in enumerate(t.rows):
        props = row._tr.get_or_add_trPr()
        props.append(OxmlElement("w:cantSplit"))
        if i < heads:
            repeat = OxmlElement("w:tblHeader")
            repeat.set(qn("w:val"), "true")
            props.append(repeat)
    return t


def _tree(e):
    return (e.tag, tuple(sorted(e.attrib.items())), (e.text or ""), tuple(_tree(c) for c in e))


def test_the_reports_tables_are_what_python_docxs_object_model_builds():
    """report/docx.table_rows writes each table's rows once as XML: the same elements and attributes as
    python-docx's object model gives — merges (across, down, both, with text in covered cells), header
    rows, widths, line breaks, tabs, outer spaces and markup in the text."""
    import docx
    from perfeval.report.attachments import _project_merges, score_table
    from perfeval.report.docx import add_table
    from perfeval.scoring.rubric import form
    table, merges, widths = score_table(score_tables(hongqi()))
    text = [[f"{r}-{c}" if (r + c) % 3 else "" for c in range(9)] for r in range(12)]
    text[3][4] = " a <b> & \n c\td "
    cases = [(table, merges, widths, 2, 9), (text, _project_merges(2, 12, 9), None, 1, 10.5),
             ([["a", "b", "c"], ["d", "", "f"]], [form.Merge(0, 0, 1, 2, "")], [1, 2, 3], 1, 10.5),
             ([["x", "y"], ["", "z"]], [form.Merge(0, 1, 1, 1, "")], None, 0, 10.5)]
    written = ""
    for rows, spans, cm, heads, size in cases:
        old, new = docx.Document(), docx.Document()
        ref = _python_docx_table(old, rows, cm, spans, heads, size)
        made = add_table(new, rows, cm, spans, heads, size)
        assert _tree(made._tbl) == _tree(ref._tbl)
        written += made._tbl.xml
    assert all(part in written for part in ("gridSpan", 'w:vMerge w:val="restart"', "<w:vMerge/>", "<w:br/>", "<w:tab/>",
                                             "&lt;b&gt; &amp;", "tblHeader"))


def test_what_a_review_found_stays_fixed():
    """A second read's reproductions: 不适用 scored 0 is a problem, never 达到要求; the county's value of a
    line is what an answer is compared with; an indicator far over its target says so; a generic word in the
    clerk's text does not hide a deduction; nothing to count is said as such; half-filled projects are not
    summed as spent; a listed problem is quoted once and counted in full."""
    from perfeval.scoring.inputs import RawTable as Raw
    t = blank_text(hongqi())
    answer(t, "自评情况随决算公开", "不适用")
    d = report(t)
    use = "".join(section(d, "（三）结果应用情况。", "四、评价结论及建议"))
    problems = "".join(section(d, "（二）存在问题。", "（三）改进建议。"))
    assert "“自评公开”达到要求" not in use and "不适用" in use and "（自评公开扣5分）" in problems
    t = blank_text(hongqi())
    t["Parameters"] = Raw("Parameters", ["参数", "本县取值"], [["问题整改分值", Decimal("3")]])
    answer(t, "问题整改", Decimal("3"))
    assert "整改不到位" not in "".join(section(report(t), "（三）结果应用情况。", "四、评价结论及建议"))
    t = blank_text(hongqi())
    next(r for r in t["Indicators"].rows if r[3] == "开展应急演练次数")[7] = "100"
    assert "实际完成100次，超过目标30%以上" in "".join(section(report(t), "（一）部门整体履职绩效分析。", "（二）特定目标类项目绩效分析。"))
    next(r for r in t["Indicators"].rows if r[3] == "开展应急演练次数")[7] = "已完成"
    d = report(t)                                          # a unit only after a number, in the prose and the table
    table = next(c for k, c in d.blocks if k == "table" and c[0][0] == "指标")
    assert next(r for r in table if r[0] == "开展应急演练次数")[1:3] == ("≥50次", "已完成")
    assert "实际完成已完成，" in "".join(section(d, "（一）部门整体履职绩效分析。", "（二）特定目标类项目绩效分析。"))
    t = hongqi()
    next(r for r in t["ReportText"].rows if r[0] == "存在问题")[1] = "部门整体支出绩效管理水平还有待提高。"
    next(r for r in t["Indicators"].rows if r[3] == "开展应急演练次数")[7] = "10"
    assert "目标实现（部门整体）扣" in "".join(section(report(t), "（二）存在问题。", "（三）改进建议。"))
    t = blank_text(hongqi())
    t["Indicators"].rows = [r for r in t["Indicators"].rows if not (r[0] == "部门整体" and r[2] == "数量指标")]
    problems = "".join(section(report(t), "（二）存在问题。", "（三）改进建议。"))
    assert "未设置部门整体数量指标" in problems and "部分部门整体数量指标未达到" not in problems
    t = blank_text(hongqi())
    t["Projects"].rows[0][3] = None
    text = "".join(section(report(t), "1.整体情况。", "2.100万元以上项目。"))
    assert "其中1个未填写预算数或实际支出；其余4个预算合计" in text and "支出完毕" not in text
    t = blank_text(hongqi())
    t["MonitoringIssues"] = Raw("MonitoringIssues", ["项目名称", "问题描述", "已整改处置"], [["垃圾车运营维护费", "合同未结算", "否"]])
    t["Violations"] = Raw("Violations", ["来源", "问题描述", "整改情况", "类别"],
                          [["审计监督", "无公函", None, None], ["部门自查", None, None, None], ["部门自查", " ", None, None]])
    answer(t, "问题整改", Decimal("3"), "仍在整改")
    problems = "".join(section(report(t), "（二）存在问题。", "（三）改进建议。"))
    assert problems.count("合同未结算") == 1 and "审计监督发现“无公函”等3个问题" in problems


def test_text_word_cannot_hold_and_carriage_returns_are_handled(tmp_path):
    import docx
    from perfeval.report.docx import to_docx
    t = hongqi()
    next(r for r in t["Info"].rows if r[0] == "单位名称")[1] = "红旗镇\uffff人民政府"
    next(r for r in t["Indicators"].rows if r[3] == "开展应急演练次数")[8] = "上半年\r\n汛期"
    d = report(t)
    out = tmp_path / "r.docx"
    to_docx(d, out)                                                 # U+FFFF dropped, not a crash
    cells = [c.text for tb in docx.Document(str(out)).tables for row in tb.rows for c in row.cells]
    assert "上半年\n\n汛期" in cells and not any("\uffff" in c for c in cells)   # "\r\n": two breaks, as python-docx


def _python_docx_paragraph(doc, kind, content, break_before):
    """A body paragraph by python-docx's object model (how report/docx wrote it before paragraph_xml)."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt, RGBColor
    from perfeval.report.docx import BODY_FONTS, HEADING_FONT, _set_font
    p = doc.add_paragraph()
    if break_before:
        p.paragraph_format.page_break_before = True
    lines = str(content).split("\n")
    run = p.add_run(lines[0])
    for more in lines[1:]:
        run.add_break()
        run.add_text(more)
    if kind == "draft":
        _set_font(run, HEADING_FONT, 14, bold=True)
        run.font.color.rgb = RGBColor(0xC0, 0x00, 0x00)
    elif kind == "title":
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _set_font(run, HEADING_FONT, 22, bold=True)
    elif kind == "h1":
        _set_font(run, HEADING_FONT, 16)
        p.paragraph_format.keep_with_next = True
    elif kind == "h2":
        _set_font(run, ("楷体_GB2312", "楷体"), 16)
        p.paragraph_format.keep_with_next = True
    elif kind == "sign":
        p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        _set_font(run, BODY_FONTS, 16)
    else:
        p.paragraph_format.first_line_indent = Pt(32)
        p.paragraph_format.keep_with_next = kind == "lead"
        _set_font(run, BODY_FONTS, 16)
    p.paragraph_format.line_spacing = Pt(28)
    return p._p


@pytest.mark.parametrize("kind", ["draft", "title", "h1", "h2", "sign", "lead", "p", "other"])
def test_the_reports_paragraphs_are_what_python_docxs_object_model_builds(kind):
    """report/docx.paragraph_xml: the same elements and attributes as python-docx's setters give, for every
    kind, with a page break before, line breaks, tabs, carriage returns, outer spaces, markup and empty lines."""
    import docx
    from perfeval.report.docx import add_paragraph
    texts = ["部门整体支出绩效自评报告", "", " a <b> & c ", "第一行\n第二行", "a\tb\nc\td\n\n e \n", "x\ry\nz\rw", "\n"]
    for text in texts:
        for before in (False, True):
            old, new = docx.Document(), docx.Document()
            ref = _python_docx_paragraph(old, kind, text, before)
            add_paragraph(new, kind, text, before)
            made = new.element.body.findall(ref.tag)[-1]
            assert _tree(made) == _tree(ref), (kind, text, before)
            assert made.getnext() is not None and made.getnext().tag.endswith("sectPr")

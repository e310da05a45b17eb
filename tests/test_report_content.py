"""The report's computed items (#22): the year's 预算执行率 and 在职人员控制率, 三公经费, 三(二) as the
范本 has it (1.整体情况 / 2.100万元以上项目 from 项目支出), the 绩效指标完成情况表, and the 落款."""
from __future__ import annotations

from decimal import Decimal

from helpers import set_value
from perfeval.report.docx import to_docx
from perfeval.report.draft import draft
from perfeval.samples import hongqi, wudu
from perfeval.scoring.engine import score_tables
from perfeval.scoring.inputs import RawTable


def report(tables):
    return draft(score_tables(tables), tables)


def paragraphs(d, kind="p"):
    return [c for k, c in d.blocks if k == kind]


def section(d, start: str, end: str) -> list:
    titles = [c for _, c in d.blocks]
    i = titles.index(start)
    j = titles.index(end, i)
    return d.blocks[i + 1:j]


def test_the_years_execution_rate_and_staff_control_rate_are_stated():
    d = report(hongqi())
    # 红旗镇's 收支情况 has no 全年预算数: the base is the 分月支出 table's, as the 执行进度 line's
    assert any(p.startswith("2023年度全年预算数1216.75万元（分月支出表各行合计），财政拨款支出1216.75万元，预算执行率100.00%；"
                            "在职人员40名，编制41名，在职人员控制率97.56%。") for p in paragraphs(d))
    t = hongqi()
    set_value(t, "Finance", "全年预算数（调整后）", Decimal("1300"))
    rates = next(p for p in paragraphs(report(t)) if "预算执行率" in p)
    assert rates.startswith("2023年度全年预算数1300.00万元，财政拨款支出1216.75万元，预算执行率93.60%；")


def test_sangong_is_stated_against_budget_and_last_year_where_given():
    t = hongqi()
    assert not any("“三公”经费：" in p for p in paragraphs(report(t)))        # none given: nothing said
    t["ThreeExpenses"] = RawTable("ThreeExpenses", ["项目", "上年预算数", "上年决算数", "本年预算数", "本年决算数"],
                                  [["公务接待费", Decimal("3"), Decimal("2.5"), Decimal("3"), Decimal("2.1")],
                                   ["公务用车运行维护费", Decimal("4"), Decimal("4"), Decimal("4"), Decimal("4")]])
    assert ("“三公”经费：公务接待费支出2.10万元（预算3.00万元），比上年减少0.40万元；"
            "公务用车运行维护费支出4.00万元（预算4.00万元），与上年持平。") in paragraphs(report(t))


def test_projects_section_has_the_overall_part_and_every_project_of_100_wan_or_more():
    body = [c for _, c in section(report(hongqi()), "（二）特定目标类项目绩效分析。", "（三）结果应用情况。")]
    assert body.index("1.整体情况。") < body.index("2.100万元以上项目。")
    assert body[-1] == "本年度没有预算100万元以上的项目。"                       # 红旗镇's largest is 81万元
    wudu_body = [c for _, c in section(report(wudu()), "（二）特定目标类项目绩效分析。", "（三）结果应用情况。")]
    assert wudu_body[-1] == ("（1）政府性基金其他支出（示例推算数）：资金来源政府性基金，预算224.19万元，实际支出224.19万元，"
                             "预算执行率100.00%；设置绩效指标1个，达到预期值1个。")


def test_a_large_project_that_fell_short_says_so_with_its_figures():
    t = hongqi()
    projects = t["Projects"]
    projects.rows[2][2:4] = [Decimal("150"), Decimal("120")]                 # 基层组织和农村公共服务运行
    indicators = t["Indicators"]
    row = next(r for r in indicators.rows if r[0] == "基层组织和农村公共服务运行")
    row[7] = "2"                                                            # 保障行政村数量 =5: only 2
    row[8] = "两个村合并，年中调整"
    d = report(t)
    assert ("（1）基层组织和农村公共服务运行：资金来源一般公共预算，预算150.00万元，实际支出120.00万元，预算执行率80.00%；"
            "设置绩效指标1个，达到预期值0个，未达到的是“保障行政村数量”。") in paragraphs(d)
    table = next(c for k, c in d.blocks if k == "table" and c[0][0] == "指标")
    short = next(r for r in table if r[0] == "基层组织和农村公共服务运行：保障行政村数量")
    assert short[1:3] == ("=5个", "2个") and short[3] != "达到" and short[4] == "两个村合并，年中调整"


def test_the_indicator_table_lists_every_indicator_once_with_its_unit_once():
    tables = hongqi()
    d = report(tables)
    table = next(c for k, c in d.blocks if k == "table" and c[0][0] == "指标")
    assert table[0] == ("指标", "目标值", "实际完成值", "完成情况", "偏差原因")
    assert len(table) == 1 + len(tables["Indicators"].rows)
    assert ("乡镇农村人居环境整治考核奖补资金：整治沟渠条数", "≥2条", "2条", "达到", "—") in table
    assert not any("条条" in cell or "%%" in cell for row in table for cell in row)


def test_the_signature_closes_the_text_before_the_attachment(tmp_path):
    d = report(hongqi())
    kinds = [k for k, _ in d.blocks]
    signs = [c for k, c in d.blocks if k == "sign"]
    assert signs == ["单位（盖章）：红旗镇人民政府", "填报人：张会计    联系电话：【待填写】", "2024年3月15日"]
    assert kinds.index("sign") > kinds.index("h1") and "联系电话" in d.missing
    attachment = [c for k, c in d.blocks if k == "h1"].index("附件1：县级部门整体绩效自评打分表")   # 附件2: project forms
    last_sign = max(i for i, k in enumerate(kinds) if k == "sign")
    assert last_sign < [i for i, k in enumerate(kinds) if k == "h1"][attachment]
    assert kinds[last_sign + 1] == "landscape"                     # the attachment on its own page, in landscape
    import docx
    out = tmp_path / "r.docx"
    to_docx(d, out)
    para = next(p for p in docx.Document(str(out)).paragraphs if p.text == "2024年3月15日")
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    assert para.alignment == WD_ALIGN_PARAGRAPH.RIGHT


def test_the_conclusion_opens_with_the_evaluation_basis_and_a_blank_one_is_marked():
    d = report(wudu())
    assert ("根据《峨边彝族自治县财政局关于开展2023年财政绩效评价工作的通知》文件精神，五渡镇人民政府认真组织开展了"
            "部门整体支出绩效自评工作，绩效评价得分：100分，等级：优。") in paragraphs(d)
    t = hongqi()
    set_value(t, "Info", "评价依据文件", "《县财政局关于开展绩效自评的通知》")      # the clerk's own 《》 kept once
    assert any(p.startswith("根据《县财政局关于开展绩效自评的通知》文件精神，红旗镇") for p in paragraphs(report(t)))
    set_value(t, "Info", "评价依据文件", None)
    blank = report(t)
    assert any(p.startswith("根据《【待填写】》文件精神，") for p in paragraphs(blank)) and "评价依据文件" in blank.missing


def test_an_older_workbook_without_the_basis_row_still_scores_without_a_finding():
    t = hongqi()
    info = t["Info"]
    info.rows = [r for r in info.rows if r[0] != "评价依据文件"]
    result = score_tables(t)
    assert result.total == 97 and not [f for f in result.findings if "评价依据" in f.message]


def test_headings_keep_with_the_next_paragraph_rows_never_split_and_the_title_breaks_between_words(tmp_path):
    import docx
    d = report(hongqi())
    out = tmp_path / "r.docx"
    to_docx(d, out)
    doc = docx.Document(str(out))
    assert doc.paragraphs[0].text == "红旗镇人民政府\n2023年度部门整体支出绩效自评报告"      # not broken mid-word
    headings = [p for p in doc.paragraphs if p.text in ("一、部门基本情况", "（二）存在问题。", "附件1：县级部门整体绩效自评打分表",
                                                        "1.整体情况。", "绩效指标完成情况见下表。")]
    assert len(headings) == 5 and all(p.paragraph_format.keep_with_next for p in headings)
    body = [p for p in doc.paragraphs if p.text.startswith("2023年度全年预算数")]
    assert body and not body[0].paragraph_format.keep_with_next
    for table in doc.tables:
        assert all(row._tr.trPr is not None and row._tr.trPr.find(
            "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}cantSplit") is not None for row in table.rows)


def test_a_deduction_lines_points_read_as_printed_never_minus():
    """Under the 100-point reading (五渡镇) 扣分项 only takes points away: its 分值 is "最高扣10分", not "-10"."""
    from perfeval.report.attachments import score_table
    table, _, _ = score_table(score_tables(wudu()))
    row = next(r for r in table if r[0].startswith("扣分项"))
    assert row[3] == "最高扣10分" and not any(cell.startswith("-") for r in table for cell in r)
    table, _, _ = score_table(score_tables(hongqi()))              # 105-point reading: a line worth 10
    assert next(r for r in table if r[0].startswith("扣分项"))[3] == "10"

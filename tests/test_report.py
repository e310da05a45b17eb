"""perfeval report: the 自评报告 in the seeds' structure, every figure traceable to the workbook."""
from __future__ import annotations

import re
import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner
from docx import Document

from perfeval.cli import main
from perfeval.report import PLACEHOLDER, write_report
from perfeval.scoring.numbers import fmt_cents, fmt_num
from perfeval.xlsx.workbook import score_workbook
from wbtools import SOFFICE, libreoffice_job, needs_libreoffice

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ["红旗镇2023自评.xlsm", "五渡镇2023自评.xlsm"]
HEADINGS = ["一、部门基本情况", "（一）机构组成。", "（二）机构职能和人员概况。", "（三）年度主要工作任务。",
            "（四）部门整体支出绩效目标。", "二、部门财政资金收支情况", "（一）部门财政资金收入情况。",
            "（二）部门财政资金支出情况。", "（三）部门财政资金结转结余情况。", "三、部门整体绩效管理情况",
            "（一）部门整体履职绩效分析。", "（二）特定目标类项目绩效分析。", "（三）结果应用情况。",
            "四、评价结论及建议", "（一）评价结论。", "（二）存在问题。", "（三）改进建议。"]
ATTACHMENT = re.compile(r"附件1?：县级部门整体绩效自评打分表")    # 附件1 when project forms (附件2-N) follow


def docx_text(path: Path) -> tuple[list[str], list[str]]:
    doc = Document(str(path))
    paragraphs = [p.text for p in doc.paragraphs]
    cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    return paragraphs, cells


@pytest.fixture(params=SAMPLES)
def report(request, tmp_path):
    book = tmp_path / request.param
    shutil.copy(ROOT / "workbook_templates" / request.param, book)
    path, d = write_report(book)
    return book, path, d


def test_structure_follows_the_seeds(report):
    _, path, d = report
    paragraphs, _ = docx_text(path)
    found = [p for p in paragraphs if p in HEADINGS or ATTACHMENT.fullmatch(p)]
    assert found[:-1] == HEADINGS and ATTACHMENT.fullmatch(found[-1])
    assert d.missing == ["联系电话"]                              # the seeds give no phone: the 落款 marks it
    assert paragraphs[0].endswith("年度部门整体支出绩效自评报告")
    assert path.name.endswith("_自评报告.docx")


def _sources(book: Path) -> set[str]:
    """Every number the workbook holds or perfeval computed from it, as the report may print it."""
    result, data = score_workbook(book)
    numbers: set[str] = set()

    def add(value):
        if isinstance(value, bool) or value is None:
            return
        if isinstance(value, (int, float, Decimal)):
            d = Decimal(str(value))
            numbers.update({fmt_num(d), fmt_cents(d), fmt_num(d * 100), fmt_cents(d * 100)})
        elif isinstance(value, str):
            numbers.update(re.findall(r"\d+(?:\.\d+)?", value))

    for table in data.tables.values():
        for row in table.rows:
            for v in row:
                add(v)
    for line in result.lines:
        for v in (line.score, line.max, line.min, line.deduction):
            add(v)
        for r in line.reasons:
            add(r.text)
        for row in line.detail.rows:
            for v in row:
                add(v)
        for note in line.detail.notes:
            add(note)
        counted = [r for r in line.detail.rows if str(r[-1]) in ("达到", "未达到")]
        add(len(counted))
        add(sum(1 for r in counted if r[-1] == "达到"))
    for p in result.progress:
        for v in (p.month, p.cumulative, p.rate, p.target):
            add(v)
    for v in (result.total, result.max_total, result.year, len(result.lines)):
        add(v)
    expenses = [r for r in data.tables["PublicExpense"].rows if r[1] is not None and r[2] is not None]
    if expenses:                                              # 公用经费's totals, difference and its share
        budget = sum(Decimal(str(r[1])) for r in expenses)
        actual = sum(Decimal(str(r[2])) for r in expenses)
        add(budget), add(actual), add(abs(actual - budget))
        if budget:
            add(abs(actual - budget) / budget)
    managed = [r for r in data.tables["Projects"].rows if r[4] == "是"]
    add(len(managed))
    add(sum((Decimal(str(r[2])) for r in managed if r[2] is not None), Decimal(0)))
    add(sum((Decimal(str(r[3])) for r in managed if r[3] is not None), Decimal(0)))
    numbers.update(str(i) for i in range(1, 15))             # list numbering of 存在问题/改进建议
    info = {r[0]: r[1] for r in data.tables["Info"].rows}
    if info.get("在职人数") and info.get("编制总数"):           # 在职人员控制率, computed here independently
        add(Decimal(str(info["在职人数"])) / Decimal(str(info["编制总数"])))
    numbers.add("2.100")                                      # the 范本's heading "2.100万元以上项目"
    for d in re.findall(r"\d{4}-\d{1,2}-\d{1,2}", str(info.get("填报日期") or "")):
        numbers.update(str(int(x)) for x in d.split("-"))     # the 落款's date, 2024年3月15日
    return numbers


def test_every_number_in_the_report_comes_from_the_workbook(report):
    book, path, _ = report
    paragraphs, cells = docx_text(path)
    sources = _sources(book)
    strays = [(n, text) for text in paragraphs + cells for n in re.findall(r"\d+(?:\.\d+)?", text) if n not in sources]
    assert not strays, strays[:5]


def test_drafted_problems_follow_the_deductions(tmp_path):
    from perfeval.samples import hongqi
    from perfeval.xlsx.workbook import fill_workbook
    book = tmp_path / "红旗镇.xlsm"
    shutil.copy(ROOT / "workbook_templates" / SAMPLES[0], book)
    d = write_report(book)[1]                            # the seed's own 存在问题 from 报告文字 …
    text = d.plain()
    assert "财务管理制度不够健全" in text and "绩效评价得分：97分" in text
    own = text.index("财务管理制度不够健全")                 # … then the deducted lines it does not mention, and a 提示
    assert text.index("对照自评打分表，还存在以下扣分问题：", own) < text.index("预算执行进度偏慢", own)
    assert any("“执行进度”、“预算挂钩”" in note and "存在问题" in note for note in d.notes)
    t = hongqi()
    for row in t["ReportText"].rows:
        row[1] = None
    fill_workbook(book, {"ReportText": t["ReportText"]})
    text = write_report(book)[1].plain()                 # blank: drafted from the deductions
    assert "预算执行进度偏慢" in text and "挂钩机制" in text and "（执行进度扣3分）" in text
    wudu = tmp_path / "五渡镇.xlsm"
    shutil.copy(ROOT / "workbook_templates" / SAMPLES[1], wudu)
    assert "预决算项目支出编制需进一步明确" in write_report(wudu)[1].plain()       # 五渡镇's seed text


def test_blank_basic_information_is_marked_not_invented(tmp_path):
    book = tmp_path / "空白.xlsm"
    shutil.copy(ROOT / "workbook_templates" / "部门整体绩效自评模板.xlsm", book)
    r = CliRunner().invoke(main, ["report", str(book)])
    assert r.exit_code == 0 and "【待填写】" in r.output and r.output.count("单位名称") == 1     # named once
    paragraphs, _ = docx_text(book.with_name("空白_自评报告.docx"))
    assert sum(PLACEHOLDER in p for p in paragraphs) >= 5
    assert paragraphs[0].startswith("草稿：自评尚未完成") and any("自评尚未完成" in p and "暂不评定等级" in p for p in paragraphs)
    assert "部门整体绩效指标尚未填写。" in paragraphs                  # a blank table, not "未设置…指标"


def test_unreadable_workbook_is_exit_2_and_no_half_written_docx(tmp_path):
    bad = tmp_path / "坏.xlsm"
    bad.write_bytes(b"not a workbook")
    r = CliRunner().invoke(main, ["report", str(bad)])
    assert r.exit_code == 2 and r.output.startswith("错误：")
    assert not list(tmp_path.glob("*.docx")) and not list(tmp_path.glob(".~perfeval*"))


@libreoffice_job("pdf")
def both_reports(folder):
    paths = []
    for name in SAMPLES:
        book = folder / name
        shutil.copy(ROOT / "workbook_templates" / name, book)
        paths.append(write_report(book)[0])
    return paths


@needs_libreoffice
def test_report_renders_in_libreoffice(libreoffice, tmp_path):
    pdfs = libreoffice(both_reports, tmp_path / "pdf", check=False).outputs
    if not any(pdf.exists() for pdf in pdfs):
        pytest.skip("LibreOffice Writer is not installed (only Calc); .ci/run installs it")
    assert all(pdf.exists() and pdf.stat().st_size > 10_000 for pdf in pdfs)


def test_submit_builds_the_package_and_leaves_the_source_alone(tmp_path):
    import zipfile
    book = tmp_path / "红旗镇2023自评.xlsm"
    shutil.copy(ROOT / "workbook_templates" / SAMPLES[0], book)
    before = book.read_bytes()
    r = CliRunner().invoke(main, ["submit", str(book), "-o", str(tmp_path / "out")])
    assert r.exit_code == 0, r.output
    assert book.read_bytes() == before
    folder = tmp_path / "out" / "红旗镇人民政府_2023_部门整体支出绩效自评"
    xlsx = folder / "红旗镇人民政府_2023_部门整体支出绩效自评.xlsx"
    docx = folder / "红旗镇人民政府_2023_部门整体支出绩效自评_自评报告.docx"
    assert xlsx.exists() and docx.exists()
    assert "xl/vbaProject.bin" not in zipfile.ZipFile(xlsx).namelist()
    assert score_workbook(xlsx)[0].total == 97
    pdfs = sorted(p.name for p in folder.glob("*.pdf"))
    if SOFFICE is None:
        assert pdfs == [] and "未安装 LibreOffice" in r.output
    else:
        assert len(pdfs) >= 1


def test_report_button_recalculates_saves_and_drafts(tmp_path, monkeypatch):
    from fake_xlwings import FakeBook
    from perfeval.report import button
    book = tmp_path / "红旗镇2023自评.xlsm"
    shutil.copy(ROOT / "workbook_templates" / SAMPLES[0], book)
    fake = FakeBook.from_file(book)
    path = button.make_report(fake)
    assert path == tmp_path / "红旗镇2023自评_自评报告.docx" and path.exists() and fake.saved
    assert fake.app.alerts[-1][1].startswith("已生成自评报告：")
    assert "range.value.set" in fake.calls                        # recalculated first (output blocks written)
    xlwings = pytest.importorskip("xlwings", reason="xlwings installs on Python 3.11+ only")
    monkeypatch.setattr(xlwings.Book, "caller", classmethod(lambda cls: fake))
    button.main()
    assert fake.app.alerts[-1][1].startswith("已生成自评报告：")


def test_report_button_failure_is_a_chinese_message(tmp_path):
    from fake_xlwings import FakeBook
    from perfeval.report import button
    book = tmp_path / "红旗镇2023自评.xlsm"
    shutil.copy(ROOT / "workbook_templates" / SAMPLES[0], book)
    fake = FakeBook.from_file(book)
    fake.save = lambda path=None: (_ for _ in ()).throw(RuntimeError("Protected View"))
    assert button.make_report(fake) is None
    assert fake.app.alerts[-1][1].startswith("生成自评报告失败")


def test_the_workbook_has_the_report_button_and_macro():
    VBA_Parser = pytest.importorskip("oletools.olevba", reason="oletools is a full-suite test dependency").VBA_Parser
    book = ROOT / "workbook_templates" / SAMPLES[0]
    code = {name: c for _, _, name, c in VBA_Parser(str(book)).extract_macros()}
    source = code["perfeval.bas"]
    body = source[source.index("Public Sub RunReport()"):]
    assert body.index("InterpreterReady") < body.index('RunPython "import perfeval.report.button; perfeval.report.button.main()"')
    import zipfile
    vml = b"".join(zipfile.ZipFile(book).read(n) for n in zipfile.ZipFile(book).namelist() if n.endswith(".vml"))
    assert b"[0]!RunReport" in vml and b"[0]!RunRecalc" in vml


def test_control_characters_and_markup_in_clerks_text_are_safe(tmp_path):
    from perfeval.samples import hongqi
    from perfeval.xlsx.workbook import fill_workbook
    book = tmp_path / "红旗镇.xlsm"
    shutil.copy(ROOT / "workbook_templates" / SAMPLES[0], book)
    t = hongqi()
    t["ReportText"].rows[0][1] = "粘贴自其他文档\x0b的文字 <w:p>&amp; \x01"
    fill_workbook(book, {"ReportText": t["ReportText"]})
    path, _ = write_report(book)
    paragraphs, _ = docx_text(path)
    assert "粘贴自其他文档的文字 <w:p>&amp;" in paragraphs


def test_blank_report_fields_are_findings_in_the_workbook(tmp_path):
    book = tmp_path / "空白.xlsm"
    shutil.copy(ROOT / "workbook_templates" / "部门整体绩效自评模板.xlsm", book)
    messages = [f.message for f in score_workbook(book)[0].findings]
    assert sum("生成报告时将标为【待填写】" in m for m in messages) == 4


def test_draft_drops_control_characters_word_cannot_hold():
    from perfeval.report import Draft
    d = Draft()
    d.add("p", "甲\x0b乙\x01")
    d.add("table", [("丙\x0c", 1)])
    assert d.blocks == [("p", "甲乙"), ("table", [("丙", "1")])]


def test_official_fonts_with_fallbacks(report):
    import zipfile
    _, path, _ = report
    fonts = zipfile.ZipFile(path).read("word/fontTable.xml").decode("utf-8")
    assert '<w:font w:name="仿宋_GB2312"><w:altName w:val="仿宋"/>' in fonts
    styles = zipfile.ZipFile(path).read("word/styles.xml").decode("utf-8")
    assert 'w:eastAsia="仿宋_GB2312"' in styles
    document = zipfile.ZipFile(path).read("word/document.xml").decode("utf-8")
    assert 'w:eastAsia="黑体"' in document and "<w:tblHeader" in document
    footers = [n for n in zipfile.ZipFile(path).namelist() if n.startswith("word/footer")]
    assert any("PAGE" in zipfile.ZipFile(path).read(n).decode("utf-8") for n in footers)      # page numbers


def _county_d_book(tmp_path: Path) -> Path:
    import sys
    sys.path.insert(0, str(ROOT / "docs"))
    from render_score_sheet import three_level_book        # the workbook docs/score-sheet-3levels-*.png shows
    return three_level_book(tmp_path)


def test_any_rubric_report_says_every_line_from_its_read_back_and_result(tmp_path):
    from perfeval.scoring.readback import readback
    book = _county_d_book(tmp_path)
    path, d = write_report(book)
    result, _ = score_workbook(book)
    paragraphs, _ = docx_text(path)
    for i, line in enumerate(result.lines, 1):
        said = readback(result.rubric, line.spec, result.params.rule(line.spec), result.params.points(line.spec))
        found = [p for p in paragraphs if p.startswith(f"{i}. {line.name}（")]
        assert len(found) == 1 and said in found[0], line.id
        if line.status == "deducted":
            assert f"自评得{fmt_num(line.score)}分，扣分原因：" in found[0] and line.reasons[0].text.rstrip("。") in found[0]
    assert "服务对象满意度（5分）" in "".join(paragraphs) and "自评得4.2分" in "".join(paragraphs)


def test_the_attached_form_has_the_rubrics_columns_and_merged_groups(tmp_path):
    from docx.oxml.ns import qn
    book = _county_d_book(tmp_path)
    path, _ = write_report(book)
    table = next(t for t in Document(str(path)).tables if t.rows[0].cells[0].text == "一级指标")   # the 打分表, before 附件2
    assert [c.text for c in table.rows[0].cells] == ["一级指标", "二级指标", "三级指标", "四级指标", "分值", "指标解释", "计分标准",
                                                     "评价方式", "评价方式", "评价属性", "评价属性", "自评得分", "扣分原因"]
    assert [c.text for c in table.rows[1].cells][7:11] == ["整体评价", "样本评价", "定性评价", "定量评价"]
    assert len(table.rows) == 2 + 25 + 1
    first_col = [row.cells[0].text for row in table.rows[2:9]]
    assert first_col == ["决策（20分）"] * 7                                 # one merged cell over 决策's seven lines
    restarts = [tc for tc in table._tbl.iter(qn("w:tc")) if tc.tcPr is not None and tc.tcPr.find(qn("w:vMerge")) is not None]
    assert restarts                                                       # merged vertically in the file, not repeated text
    assert table.rows[-1].cells[0].text == table.rows[-1].cells[3].text == "部门整体自评得分"


def test_the_report_reads_lines_back_under_the_countys_values(tmp_path):
    book = tmp_path / "红旗镇.xlsm"
    shutil.copy(ROOT / "workbook_templates" / "红旗镇2023自评.xlsm", book)
    from perfeval.scoring.inputs import RawTable
    from perfeval.xlsx.workbook import fill_workbook
    fill_workbook(book, {"Parameters": RawTable("Parameters", ["参数", "本县取值"], [["违规记录每个问题扣分", Decimal("1")]])})
    _, d = write_report(book)
    line = next(p for kind, p in d.blocks if kind == "p" and "违规记录（5分）" in p)
    assert "每个扣1分" in line

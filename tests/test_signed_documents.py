"""What the clerk signs and sends is right: an evaluation with 错误 or 未填写 lines is never presented as
final — its total is the scored part, its grade withheld (未完成) on the 打分表, the cover, ``score`` and
the report; the report is a marked 草稿 naming each problem; ``submit`` refuses it unless ``--force``."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from docx import Document

from perfeval import sheets as S
from perfeval.cli import main
from wbtools import write_values

ROOT = Path(__file__).resolve().parents[1]
HONGQI = ROOT / "workbook_templates" / "红旗镇2023自评.xlsm"
TOOL_WORDS = ("输入错误", "校验结果", "重新计算", "未填写", "perfeval", "工作簿")


def invoke(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


@pytest.fixture
def wrong(tmp_path):
    """The 红旗镇 sample with two mistakes clerks make: "约50" for an amount, words for a budget."""
    book = tmp_path / "有错.xlsm"
    write_values(HONGQI, "公用经费", {(3, 2): "约50"}, out=book)
    write_values(book, "项目支出", {(3, 2): "三十八"})
    assert invoke("recalc", book).exit_code == 0
    return book


def _section(paragraphs: list[str], head: str) -> list[str]:
    start = paragraphs.index(head) + 1
    end = next(i for i in range(start, len(paragraphs)) if paragraphs[i].startswith(("（", "附件")))
    return paragraphs[start:end]


def test_score_withholds_the_grade_while_a_line_is_an_error(wrong):
    data = json.loads(invoke("score", wrong, "--json").output)
    assert data["complete"] is False and data["grade"] == "未完成" and data["error_lines"] >= 1 and data["input_errors"] >= 2
    text = invoke("score", wrong).output
    assert "未完成（" in text.splitlines()[0] and "处输入错误" in text.splitlines()[0] and "不评定等级" in text
    wb = openpyxl.load_workbook(wrong)
    cover = wb[S.COVER_SHEET]
    grade_cell = next(s.cell for s in S.COVER_STATUS if s.key == "grade")
    assert cover.cell(grade_cell[0] + 1, grade_cell[1] + 1).value == "未完成"
    score = wb[S.SCORE_SHEET]
    values = [c.value for row in score.iter_rows() for c in row]
    assert "未完成" in values and "优" not in values and "良" not in values and "中" not in values


def test_a_report_on_wrong_inputs_is_a_marked_draft_with_no_tool_text_in_its_body(wrong):
    r = invoke("report", wrong)
    assert r.exit_code == 0
    assert "草稿" in r.output and "公用经费!C4" in r.output and "项目支出!C4" in r.output   # each problem, at its cell
    doc = Document(str(wrong.with_name("有错_自评报告.docx")))
    paragraphs = [p.text for p in doc.paragraphs]
    assert paragraphs[0].startswith("草稿：自评尚未完成")
    assert "草稿" in doc.sections[0].header.paragraphs[0].text
    conclusion = _section(paragraphs, "（一）评价结论。")[0]
    assert "暂不评定等级" in conclusion and "等级：" not in conclusion
    for head in ("（二）存在问题。", "（三）改进建议。"):
        body = "".join(_section(paragraphs, head))
        assert not any(word in body for word in TOOL_WORDS), (head, body)


def test_a_complete_report_is_not_a_draft(tmp_path):
    book = tmp_path / "红旗镇.xlsm"
    shutil.copy(HONGQI, book)
    r = invoke("report", book)
    assert r.exit_code == 0 and "草稿" not in r.output
    doc = Document(str(book.with_name("红旗镇_自评报告.docx")))
    assert not doc.sections[0].header.paragraphs[0].text and "草稿" not in doc.paragraphs[0].text


def test_submit_refuses_an_evaluation_with_errors_and_writes_nothing(wrong, tmp_path, monkeypatch):
    import perfeval.report.submit as submit
    monkeypatch.setattr(submit, "soffice", lambda: None)    # the PDFs are test_report's business
    before = wrong.read_bytes()
    out = tmp_path / "out"
    r = invoke("submit", wrong, "-o", out)
    assert r.exit_code == 2 and "未生成报送文件" in r.output and "--force" in r.output
    assert "公用经费!C4" in r.output and "项目支出!C4" in r.output             # one line per problem
    assert wrong.read_bytes() == before and not out.exists()
    r = invoke("submit", wrong, "-o", out, "--force")
    assert r.exit_code == 0, r.output
    (folder,) = out.iterdir()
    assert folder.name.endswith("_草稿") and all("草稿" in p.name for p in folder.iterdir())
    assert wrong.read_bytes() == before


def test_a_total_above_100_always_stands_beside_its_maximum(tmp_path):
    """Under the printed form's maxima (105), a nearly full unit scores above 100: the report says of
    what, and how the county reads the form."""
    book = tmp_path / "满分.xlsm"
    shutil.copy(HONGQI, book)
    from perfeval.samples import hongqi
    from perfeval.xlsx.workbook import fill_workbook
    t = hongqi()
    t["Qualitative"].rows = [[row[0], "是" if row[1] in ("是", "否") else row[1]] + row[2:] for row in t["Qualitative"].rows]
    fill_workbook(book, {"Qualitative": t["Qualitative"]})
    result_json = json.loads(invoke("score", book, "--json").output)
    assert result_json["max_total"] == 105 and result_json["total"] > 100
    assert invoke("report", book).exit_code == 0
    paragraphs = [p.text for p in Document(str(book.with_name("满分_自评报告.docx"))).paragraphs]
    conclusion = " ".join(_section(paragraphs, "（一）评价结论。")[:2])
    assert f"绩效评价得分：{result_json['total']}分（满分105分）" in conclusion
    assert "各项满分合计105分，与表头总分100分不同" in conclusion


@pytest.mark.parametrize("rubric_id", __import__("perfeval.scoring.rubric", fromlist=["department_ids"]).department_ids())
def test_an_untouched_template_of_every_shipped_rubric_only_says_what_is_unfilled(rubric_id, tmp_path):
    """A fresh template raises nothing but 未填写; the only other words are the 口径提示 of a printed form
    whose points do not add up (said so the county's reading is known), never of one that does."""
    from perfeval.scoring.rubric import shipped_index
    book = tmp_path / "t.xlsm"
    assert invoke("new", "--rubric", rubric_id, book).exit_code == 0
    data = json.loads(invoke("score", book, "--json").output)
    adds_up = shipped_index()[rubric_id]["adds_up"]
    for f in data["findings"]:
        if "未填写" in f["message"]:
            continue
        assert f["severity"] == "info" and f["message"].startswith("评分表口径提示") and not adds_up, f


def test_the_deduction_cap_of_the_100_point_reading_can_be_overridden(tmp_path):
    from perfeval.samples import hongqi
    from perfeval.xlsx.workbook import fill_workbook
    book = tmp_path / "t.xlsm"
    assert invoke("new", "--rubric", "ebian-2023-100", book).exit_code == 0
    t = hongqi()
    for row in t["Qualitative"].rows:
        if row[0] == "不配合评价次数":
            row[1] = 30                                     # 30 × 0.5 = 15, above any cap
    fill_workbook(book, {k: v for k, v in t.items() if k != "Parameters"})
    cooperation = lambda: next(x for x in json.loads(invoke("score", book, "--json").output)["lines"]
                               if x["id"] == "cooperation")
    assert cooperation()["score"] == -10 and "本项扣完为止，扣10分" in cooperation()["reasons"][0]
    labels = [r[0].value for r in openpyxl.load_workbook(book)["评分参数"].iter_rows()]
    write_values(book, "评分参数", {(labels.index("扣分项最高扣分"), 2): 5})      # 本县取值
    assert cooperation()["score"] == -5 and "应扣15分，本项扣完为止，扣5分" in cooperation()["reasons"][0]


def test_the_button_says_the_evaluation_is_not_complete_and_an_error_lines_deduction_is_a_dash(wrong):
    from fake_xlwings import FakeBook
    from perfeval.excel import adapter
    fake = FakeBook.from_file(wrong)
    adapter.run(fake)
    message = fake.app.alerts[-1][1]
    assert "未完成（" in message and "不评定等级" in message and "（优）" not in message
    ws = openpyxl.load_workbook(wrong)[S.SCORE_SHEET]
    rows = [[c.value for c in row] for row in ws.iter_rows()]
    status, deduction = (next(i for i, h in enumerate(r) if h == name) for r in rows if "状态" in r for name in ("状态", "扣分"))
    error_rows = [r for r in rows if len(r) > status and r[status] == "错误"]
    assert error_rows and all(r[deduction] == "—" for r in error_rows)


def test_one_quotation_style_in_everything_a_clerk_reads():
    src = ROOT / "src" / "perfeval"
    offenders = [p.name for p in src.rglob("*.py") if "「" in p.read_text(encoding="utf-8") or "」" in p.read_text(encoding="utf-8")]
    assert offenders == []


def test_the_score_sheet_says_how_a_form_above_its_nominal_total_is_read(tmp_path):
    def head(name: str) -> str:
        book = tmp_path / name
        shutil.copy(ROOT / "workbook_templates" / name, book)
        assert invoke("recalc", book).exit_code == 0
        return openpyxl.load_workbook(book)[S.SCORE_SHEET]["A2"].value
    assert "各项满分合计105分，与表头总分100分不同；总分按各项得分合计，满分105分" in head("红旗镇2023自评.xlsm")
    assert "与表头总分" not in head("五渡镇2023自评.xlsm")          # the 100-point reading adds up

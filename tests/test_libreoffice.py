"""Generated files open in LibreOffice headless without errors (rendered to PDF)."""
import subprocess

import pytest

from perfeval.xlsx.workbook import recalc
from wbtools import libreoffice_job, needs_libreoffice, samples


@libreoffice_job("pdf")
def template_and_sample(folder):
    """The blank template and the recalculated 红旗镇 sample, to PDF."""
    paths = samples(folder, blank=True)[:2]
    recalc(paths[1])
    return paths


@pytest.fixture(scope="module")
def pdfs(libreoffice, tmp_path_factory):
    return libreoffice(template_and_sample, tmp_path_factory.mktemp("pdf")).outputs


@needs_libreoffice
@pytest.mark.parametrize("index,title", [(0, "部门整体支出绩效自评工作簿"), (1, "红旗镇人民政府")])
def test_template_and_sample_render_to_pdf(pdfs, index, title):
    pdf = pdfs[index]
    assert pdf.read_bytes().startswith(b"%PDF")
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout
    assert title in text and "县级部门整体绩效自评打分表" in text


@libreoffice_job("csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false", recalc=True)
def recalculated_and_edited(folder):
    """The 红旗镇 sample recalculated, and a copy with an input changed after that, to CSV (the cover)."""
    import shutil
    from perfeval.samples import hongqi
    from perfeval.xlsx.workbook import fill_workbook
    book = samples(folder)[0]
    recalc(book)
    edited = book.with_name("edited.xlsm")
    shutil.copy(book, edited)
    t = hongqi()
    t["Projects"].rows[0][3] = 30           # an input changes after the last recalculation
    fill_workbook(edited, {"Projects": t["Projects"]})
    return [book, edited]


@needs_libreoffice
def test_stale_flag_computed_by_a_real_spreadsheet_engine(libreoffice, tmp_path):
    """LibreOffice recalculates the cover's formulas on load: after recalc the flag is blank (its
    fingerprint formula agrees with the one perfeval computed); after an input edit it shows the message."""
    import csv
    from perfeval import sheets as S
    outs = libreoffice(recalculated_and_edited, tmp_path / "csv").outputs

    def cover_values(out):
        rows = list(csv.reader(out.read_text(encoding="utf-8").splitlines()))
        return {r[0]: r[1] for r in rows if len(r) > 1}

    status = cover_values(outs[0])
    assert status["输入检查"] == ""
    assert float(status["当前输入指纹"]) == float(status["上次计算时的输入指纹"])
    assert cover_values(outs[1])["输入检查"] == S.STALE_MESSAGE


def test_every_visible_sheet_prints_on_a4_one_page_wide():
    """Fitted one page wide (any number of pages tall), or — 计算明细 — at a fixed scale that fits it."""
    import openpyxl
    from pathlib import Path
    from perfeval import printing as P, sheets as S
    book = Path(__file__).resolve().parents[1] / "workbook_templates" / "红旗镇2023自评.xlsm"
    for ws in openpyxl.load_workbook(book).worksheets:
        if ws.sheet_state != "visible":
            continue
        assert ws.page_setup.paperSize == 9, ws.title
        if ws.title == S.DETAILS_SHEET:
            assert not ws.sheet_properties.pageSetUpPr or not ws.sheet_properties.pageSetUpPr.fitToPage
            assert ws.page_setup.scale == P.print_scale(S.DETAILS.widths, S.DETAILS.landscape), ws.title
            continue
        assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth in (1, None), ws.title
        assert ws.page_setup.fitToHeight == 0, ws.title


@needs_libreoffice
def test_hongqi_sample_prints_in_at_most_23_pages(pdfs):
    import shutil
    if shutil.which("pdfinfo") is None:
        pytest.skip("pdfinfo (poppler-utils) is not installed; .ci/run installs it")
    info = subprocess.run(["pdfinfo", str(pdfs[1])], capture_output=True, text=True).stdout
    pages = int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))
    # 14 before wave 3; + 三公经费, + 评分参数 listing every parameter, + 评分标准, + 上年问题整改 = 18;
    # − 1 since the 打分表's row heights follow its texts (one page); + 1 for 项目目标 (the per-project 自评表's
    # inputs); + 5 for 项目自评 (the five projects' 自评表, one a page); + 1 for 基本信息 (the report texts on a
    # page of their own), + 1 for 打分表 (its groups kept whole on a page at Excel's scale), + 3 for 计算明细
    # (printed at 86%, each line's block whole on a page) = 28
    assert pages <= 28, pages

"""Generated files open in LibreOffice headless without errors (rendered to PDF)."""
import subprocess

import pytest

from perfeval.workbook import recalc, write_samples
from wbtools import convert, needs_libreoffice


@needs_libreoffice
@pytest.mark.parametrize("index,title", [(0, "部门整体支出绩效自评工作簿"), (1, "红旗镇人民政府")])
def test_template_and_sample_render_to_pdf(tmp_path, index, title):
    path = write_samples(tmp_path, blank=True)[index]
    if index:
        recalc(path)
    pdf = convert(path, "pdf", tmp_path / "pdf")
    assert pdf.read_bytes().startswith(b"%PDF")
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout
    assert title in text and "县级部门整体绩效自评打分表" in text

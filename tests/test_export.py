"""The macro-free .xlsx copy (for the submission package): no VBA, no buttons, an ordinary
workbook content type, results and inputs unchanged, the source untouched."""
import shutil
import zipfile
from pathlib import Path

import openpyxl
import pytest

from perfeval.xlsx.export import macro_free_copy
from perfeval.xlsx.package import WorkbookError
from perfeval.xlsx.workbook import recalc, score_workbook
from wbtools import libreoffice_job, needs_libreoffice

SAMPLE = Path(__file__).resolve().parents[1] / "workbook_templates" / "红旗镇2023自评.xlsm"


@pytest.fixture
def recalculated(tmp_path):
    book = tmp_path / "红旗镇.xlsm"
    shutil.copy(SAMPLE, book)
    recalc(book)
    return book


def test_copy_has_no_macros_and_the_same_results(recalculated, tmp_path):
    before = recalculated.read_bytes()
    out = macro_free_copy(recalculated, tmp_path / "红旗镇.xlsx")
    assert recalculated.read_bytes() == before                       # the source is only read
    names = zipfile.ZipFile(out).namelist()
    assert "xl/vbaProject.bin" not in names and not any(n.endswith(".vml") for n in names)
    types = zipfile.ZipFile(out).read("[Content_Types].xml").decode()
    assert "macroEnabled" not in types and "vbaProject" not in types
    assert "spreadsheetml.sheet.main+xml" in types
    everything = b"".join(zipfile.ZipFile(out).read(n) for n in names if n.endswith((".xml", ".rels")))
    assert b"vbaProject" not in everything and b"legacyDrawing" not in everything and b"vmlDrawing" not in everything
    wb = openpyxl.load_workbook(out)
    assert wb["打分表"]["K19"].value == 97
    assert score_workbook(out)[0].total == 97


def test_copy_must_be_xlsx(recalculated, tmp_path):
    with pytest.raises(WorkbookError, match=".xlsx"):
        macro_free_copy(recalculated, tmp_path / "x.xlsm")


@libreoffice_job("pdf")
def macro_free(folder):
    """The macro-free copy of the recalculated 红旗镇 sample."""
    book = folder / "红旗镇.xlsm"
    shutil.copy(SAMPLE, book)
    recalc(book)
    return [macro_free_copy(book, folder / "红旗镇.xlsx")]


@needs_libreoffice
def test_copy_opens_in_libreoffice(libreoffice, tmp_path):
    pdf = libreoffice(macro_free, tmp_path / "pdf").outputs[0]
    assert pdf.stat().st_size > 10_000


def test_comment_drawings_are_kept(tmp_path):
    from wbtools import FIXTURES
    src = FIXTURES / "comment01.xlsx"                       # vendored in tests/fixtures/excel-made
    out = macro_free_copy(src, tmp_path / "c.xlsx")
    names = zipfile.ZipFile(out).namelist()
    assert any(n.endswith(".vml") for n in names)                     # the comment boxes stay
    assert openpyxl.load_workbook(out).worksheets[0]["A1"].comment is not None or \
        any(c.comment for row in openpyxl.load_workbook(out).worksheets[0].iter_rows() for c in row)

"""Every legal XML form of the parts perfeval edits is edited as Excel reads it, or refused with
nothing written — never a lost cell or a broken file with exit 0.

The 评分参数 sheet (which recalc writes: its 默认值 column) and workbook.xml (calcPr, the print area)
of the 红旗镇 sample, carrying a county value, are rewritten as other tools write them: cells and
rows without ``r``, single-quoted attributes, spaces around ``=``, a namespace prefix, an end tag
with whitespace.  After ``perfeval recalc``: exit 0, every input read back as before, the same
score, the file opens in openpyxl (and each edited part parses)."""
from __future__ import annotations

import re
import shutil
import sys
import zipfile
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from perfeval.cli import main
from perfeval.scoring.params import PROJECT_PREFIX
from perfeval.xlsx.package import Package
from perfeval.xlsx.parts import SheetEditor
from perfeval.xlsx.workbook import read_inputs, score_workbook
from wbtools import write_values

sys.path.insert(0, str(Path(__file__).parent / "corpus"))
from dialects import SHEET_FORMS, WORKBOOK_FORMS  # noqa: E402

SAMPLE = Path(__file__).resolve().parents[1] / "workbook_templates" / "红旗镇2023自评.xlsm"
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


@pytest.fixture(scope="module")
def base(tmp_path_factory) -> Path:
    """The sample with a county value in 评分参数 (lost, it would change the 自评表 grades)."""
    path = tmp_path_factory.mktemp("dialect") / "红旗镇.xlsm"
    shutil.copy(SAMPLE, path)
    label = f"{PROJECT_PREFIX}等级“优”最低分"
    rows = read_inputs(path).tables["Parameters"].rows
    write_values(path, "评分参数", {(3 + [r[0] for r in rows].index(label), 2): 100.5})
    return path


def _rewrite(src: Path, dst: Path, part: str, change) -> None:
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename == part:
                data = change(data.decode("utf-8")).encode("utf-8")
            zout.writestr(info, data)


def _inputs(path: Path) -> dict:
    return {name: (t.headers, t.rows) for name, t in read_inputs(path).tables.items()}


def _check(base: Path, tmp_path: Path, part_of, change) -> None:
    book = tmp_path / "book.xlsm"
    pkg = Package.open(str(base))
    part = part_of(pkg)
    _rewrite(base, book, part, change)
    before_inputs, (before, _) = _inputs(book), score_workbook(base)
    assert _inputs(book) == _inputs(base)                       # the rewritten form reads the same
    run = CliRunner().invoke(main, ["recalc", str(book)])
    assert run.exit_code == 0, run.output
    assert _inputs(book) == before_inputs
    after, _ = score_workbook(book)
    assert (after.total, [p.grade for p in after.projects]) == (before.total, [p.grade for p in before.projects])
    assert [p.grade for p in after.projects] == ["良"] * 5      # the county value is still there and used
    openpyxl.load_workbook(book)                                # the file still opens
    defaults = {r[0]: r[1] for r in read_inputs(book).tables["Parameters"].rows}
    assert defaults[f"{PROJECT_PREFIX}等级“优”最低分"] == 90     # recalc wrote the 默认值 column


@pytest.mark.parametrize("form", SHEET_FORMS)
def test_the_parameters_sheet_in_any_legal_form_keeps_every_cell(base, tmp_path, form):
    _check(base, tmp_path, lambda pkg: pkg.sheets["评分参数"], SHEET_FORMS[form])


@pytest.mark.parametrize("form", WORKBOOK_FORMS)
def test_workbook_xml_in_any_legal_form_stays_a_workbook(base, tmp_path, form):
    _check(base, tmp_path, lambda pkg: pkg.workbook, WORKBOOK_FORMS[form])
    with zipfile.ZipFile(tmp_path / "book.xlsm") as z:
        text = z.read("xl/workbook.xml").decode("utf-8")
    assert text.count("calcPr") == 1 and re.search(r"</(x:)?workbook\s*>$", text.rstrip())


def test_the_editor_refuses_a_sheet_it_cannot_read_the_way_excel_does():
    """A cell hidden from the editor's reading (in a CDATA section of the row) makes it refuse, not guess."""
    from perfeval.errors import WorkbookError
    sheet = (f'<worksheet xmlns="{MAIN}"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t><![CDATA[<c r="B1">]]></t>'
             f'</is></c><c r="C1"><v>1</v></c></row></sheetData></worksheet>').encode()
    ed = SheetEditor(sheet)                       # read right: CDATA is plain text to it
    assert ed.expected() == {(0, 0), (0, 2)}
    broken = f'<worksheet xmlns="{MAIN}"><sheetData><row r="1"><c r="A1"><v>1</v></c><!-- <c r="B1"/> --></row></sheetData></worksheet>'
    with pytest.raises(WorkbookError, match="无法安全修改"):
        SheetEditor(broken.encode())


def test_a_written_part_that_would_lose_a_cell_abandons_the_write(tmp_path):
    """The parse-back before the replace: an editor whose output misses a cell writes nothing."""
    from perfeval.errors import WorkbookError
    from perfeval.xlsx.parts import write_package
    book = tmp_path / "b.xlsm"
    shutil.copy(SAMPLE, book)
    before = book.read_bytes()
    pkg = Package.open(str(book))
    ed = SheetEditor(pkg.read(pkg.sheets["评分参数"]), "评分参数")
    ed.set(5, 1, 1)
    row = ed.rows[6]
    row[2].pop(0)                                 # simulate an editing bug: a cell dropped from row 6
    with pytest.raises(WorkbookError, match="评分参数"):
        write_package(pkg.zf, book, {pkg.sheets["评分参数"]: ed})
    assert book.read_bytes() == before and not [p for p in tmp_path.iterdir() if p.name.startswith(".~perfeval")]
    bad = {pkg.workbook: b"<workbook><unclosed></workbook>"}
    with pytest.raises(WorkbookError, match="不是有效的 XML"):
        write_package(pkg.zf, book, bad)
    assert book.read_bytes() == before

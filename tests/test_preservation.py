"""Recalculation and the part writer leave everything perfeval does not own byte-identical."""
from __future__ import annotations

from datetime import datetime

import openpyxl
import pytest

from perfeval import layout as L

from perfeval import sheets as S
from perfeval.xlsx.workbook import recalc
from perfeval.xlsx.package import Package
from wbtools import FIXTURES, libreoffice_job, needs_libreoffice, parts, samples, write_values

FIXTURE_FILES = sorted(p.name for p in FIXTURES.glob("*.xls*")) or ["<missing>"]


def fixture(name):
    """The Excel-made file (vendored in tests/fixtures/excel-made: missing is a failure, never a skip)."""
    if name == "<missing>":
        pytest.fail(f"Excel-made fixtures not found at {FIXTURES}")
    return FIXTURES / name


def owned_parts(path) -> set[str]:
    pkg = Package.open(str(path))
    owned = {pkg.sheets[s] for s in (S.COVER_SHEET,) + S.OUTPUT_SHEETS} | {pkg.workbook}
    if "parameters" in pkg.tables:              # its 默认值 column only (input cells: see _input_values)
        owned.add(pkg.sheets[pkg.tables["parameters"].sheet])
    if "findings" in pkg.tables:
        owned.add(pkg.tables["findings"].part)
    return owned


def assert_only_owned_changed(before: dict, after: dict, owned: set[str]) -> None:
    assert set(after) - set(before) == set()
    changed = sorted(n for n in before if n not in owned and before[n] != after.get(n))
    assert changed == []


def test_template_recalc_preserves_every_other_part(tmp_path):
    path = samples(tmp_path, blank=True)[0]
    before = parts(path)
    inputs_before = _input_values(path)
    recalc(path, now=datetime(2026, 1, 1))
    assert_only_owned_changed(before, parts(path), owned_parts(path))
    assert _input_values(path) == inputs_before
    assert "xl/vbaProject.bin" in before and parts(path)["xl/vbaProject.bin"] == before["xl/vbaProject.bin"]


@libreoffice_job("xlsm:Calc MS Excel 2007 VBA XML")
def sample_to_resave(folder):
    return [samples(folder)[0]]


@needs_libreoffice
def test_libreoffice_resaved_sample_recalc_preserves_parts_and_inputs(libreoffice, tmp_path):
    resaved = libreoffice(sample_to_resave, tmp_path / "lo").outputs[0]
    before = parts(resaved)
    inputs_before = _input_values(resaved)
    result = recalc(resaved, now=datetime(2026, 1, 1))
    assert result.total == 97
    assert_only_owned_changed(before, parts(resaved), owned_parts(resaved))
    assert _input_values(resaved) == inputs_before
    assert openpyxl.load_workbook(resaved)[S.SCORE_SHEET]["K19"].value == 97


def _input_values(path):
    wb = openpyxl.load_workbook(path)
    return {s: [[c.value for c in row] for row in wb[s].iter_rows()] for s in {t.sheet for t in L.INPUT_TABLES}}


@pytest.mark.parametrize("name", FIXTURE_FILES)
def test_part_writer_on_excel_made_files(name, tmp_path):
    src = fixture(name)
    pkg = Package.open(str(src))
    sheet = next(iter(pkg.sheets))
    out = tmp_path / name
    write_values(src, sheet, {(30, 0): "perfeval", (30, 1): 97, (31, 0): "=不是公式", (0, 0): None}, out=out)
    before, after = parts(src), parts(out)
    assert_only_owned_changed(before, after, {pkg.sheets[sheet]})
    wb = openpyxl.load_workbook(out)
    ws = wb[sheet]
    assert (ws["A31"].value, ws["B31"].value, ws["A32"].value) == ("perfeval", 97, "=不是公式")
    assert ws["A32"].data_type == "s"


@libreoffice_job("csv")
def excel_made_written(folder):
    """Every Excel-made file with a value written by perfeval, to CSV."""
    outs = []
    for name in FIXTURE_FILES:
        src = fixture(name)
        outs.append(folder / name)
        write_values(src, next(iter(Package.open(str(src)).sheets)), {(30, 0): "perfeval"}, out=outs[-1])
    return outs


@pytest.fixture(scope="module")
def written_and_converted(libreoffice, tmp_path_factory):
    return dict(zip(FIXTURE_FILES, libreoffice(excel_made_written, tmp_path_factory.mktemp("excel-made")).outputs))


@needs_libreoffice
@pytest.mark.parametrize("name", FIXTURE_FILES)
def test_excel_made_files_open_in_libreoffice_after_writing(name, written_and_converted):
    csv = written_and_converted[name]
    assert "perfeval" in csv.read_text(encoding="utf-8", errors="replace")

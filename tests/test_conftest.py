"""The suite's lean merge binding (conftest.lean_merge_binding) reads every bundled workbook exactly as
openpyxl's own binding does: the same values in every cell and the same merged ranges.  The VBA project
built once a session (conftest.build_vba_project_once) is the one perfeval builds."""
from __future__ import annotations

from pathlib import Path

import openpyxl
import openpyxl.worksheet._reader as reader
import pytest

import conftest

BUNDLED = sorted((Path(__file__).resolve().parents[1] / "workbook_templates").glob("*.xlsm"))


def _read(path: Path, binder) -> dict:
    saved = reader.WorksheetReader.bind_merged_cells
    reader.WorksheetReader.bind_merged_cells = binder
    try:
        wb = openpyxl.load_workbook(path, data_only=True)
    finally:
        reader.WorksheetReader.bind_merged_cells = saved
    return {ws.title: ({(c.row, c.column): (type(c).__name__, c.value) for row in ws.iter_rows() for c in row},
                       sorted(str(m) for m in ws.merged_cells.ranges)) for ws in wb.worksheets}


@pytest.mark.parametrize("path", BUNDLED, ids=lambda p: p.stem)
def test_the_lean_merge_binding_reads_what_openpyxls_own_reads(path):
    lean = _read(path, conftest.lean_merge_binding)
    own = _read(path, conftest.OPENPYXL_BIND_MERGED_CELLS)
    assert lean == own
    assert any(merges for _, merges in lean.values())       # the case it exists for: merged forms


@pytest.mark.parametrize("sheet_count", [1, 13, 21])
def test_the_vba_project_built_once_is_perfevals(sheet_count):
    from perfeval.vba import project
    assert project.build_vba_project is conftest.build_vba_project_once          # what new_template calls
    assert project.build_vba_project(sheet_count) == conftest.BUILD_VBA_PROJECT(sheet_count)
    assert project.build_vba_project(sheet_count) is project.build_vba_project(sheet_count)   # built once

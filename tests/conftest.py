"""Test-wide set-up: the tests' helper modules on the path, and openpyxl reading merged cells without
re-styling them (``lean_merge_binding``)."""
import sys
from pathlib import Path

import openpyxl.worksheet._reader as _openpyxl_reader

sys.path.insert(0, str(Path(__file__).parent))

OPENPYXL_BIND_MERGED_CELLS = _openpyxl_reader.WorksheetReader.bind_merged_cells


def lean_merge_binding(self):
    """openpyxl's ``WorksheetReader.bind_merged_cells`` without ``MergedCellRange.format()``.

    openpyxl's own binding copies the anchor cell's borders and protection onto every edge cell of
    every merge — a style lookup per cell that made each load of a workbook with the 项目自评 forms'
    merged heads cost about 0.4 s, a third of the whole suite.  The values (the anchor's; None in the
    covered cells, which stay ``MergedCell``) and the merged ranges are exactly openpyxl's
    (tests/test_conftest.py compares both on the bundled workbooks); only the covered cells keep
    the styles the file gives them.  No test reads a covered cell's borders."""
    from openpyxl.worksheet.cell_range import MultiCellRange
    from openpyxl.worksheet.merge import MergedCellRange
    from openpyxl.cell.cell import MergedCell
    if not self.parser.merged_cells:
        return
    ranges = []
    for cr in self.parser.merged_cells.mergeCell:
        mcr = MergedCellRange(self.ws, cr.ref)
        cells = mcr.cells
        next(cells)
        for row, col in cells:
            self.ws._cells[row, col] = MergedCell(self.ws, row, col)
        ranges.append(mcr)
    self.ws.merged_cells = MultiCellRange(ranges)


_openpyxl_reader.WorksheetReader.bind_merged_cells = lean_merge_binding


# The core tests: the engine and what the 信创 floor promises (recalc, score, new, report, the .pyz
# and the Linux entry).  tests/test_pythons.py runs them on the oldest supported Python and on 3.13.
CORE = {"test_rules", "test_numbers", "test_params", "test_indicators", "test_rubric", "test_properties",
        "test_workbook_e2e", "test_cli", "test_report", "test_bad_inputs", "test_typed_cells", "test_xlsx_parts",
        "test_file_integrity", "test_embedded_rubric", "test_project_form", "test_golden", "test_engine_imports",
        "test_vba_messages", "test_linux", "test_pyz", "test_windows_kit"}


def pytest_collection_modifyitems(items):
    import pytest
    for item in items:
        if getattr(item, "module", None) is not None and item.module.__name__ in CORE:
            item.add_marker(pytest.mark.core)

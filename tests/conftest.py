"""Test-wide set-up: the tests' helper modules on the path; openpyxl reading merged cells without
re-styling them (``lean_merge_binding``); the VBA project built once (``build_vba_project_once``); the
run's one LibreOffice start (fixture ``libreoffice``) and the folders the workers share; the order that
keeps the LibreOffice modules and the corpus on one worker; what collection made frozen out of the
garbage collector."""
import functools
import os
import shutil
import sys
from pathlib import Path

import openpyxl.worksheet._reader as _openpyxl_reader
import pytest

import perfeval.vba.project as _vba_project

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


# Every workbook perfeval writes carries the same VBA project (the macros it ships, for a sheet count);
# building it (MS-OVBA compression in pure Python) is half of each template written: about 0.1 s, some 80
# times a run.  The tests' processes build it once per sheet count and macro text (tests/test_conftest.py
# shows the bytes are the real function's; test_vba.py checks the real one, ``__wrapped__``, itself).
BUILD_VBA_PROJECT = _vba_project.build_vba_project
_BUILT_VBA_PROJECTS: dict = {}


@functools.wraps(BUILD_VBA_PROJECT)
def build_vba_project_once(sheet_count: int) -> bytes:
    key = (sheet_count, tuple((m.name, m.code()) for m in _vba_project.modules(sheet_count)))
    if key not in _BUILT_VBA_PROJECTS:
        _BUILT_VBA_PROJECTS[key] = BUILD_VBA_PROJECT(sheet_count)
    return _BUILT_VBA_PROJECTS[key]


_vba_project.build_vba_project = build_vba_project_once


# The core tests: the engine and what the 信创 floor promises (recalc, score, new, report, the .pyz
# and the Linux entry).  tests/test_pythons.py runs them on the oldest supported Python and on 3.13.
CORE = {"test_rules", "test_numbers", "test_params", "test_indicators", "test_rubric", "test_properties",
        "test_workbook_e2e", "test_cli", "test_report", "test_bad_inputs", "test_typed_cells", "test_xlsx_parts",
        "test_file_integrity", "test_embedded_rubric", "test_project_form", "test_golden", "test_engine_imports",
        "test_vba_messages", "test_linux", "test_pyz", "test_windows_kit"}


def pytest_collection_modifyitems(items):
    for item in items:
        if getattr(item, "module", None) is not None and item.module.__name__ in CORE:
            item.add_marker(pytest.mark.core)
    # The modules sharing the session's one LibreOffice start run first, then those with a costly module
    # fixture: pytest-xdist's worksteal hands each worker a contiguous half and steals from its end, so these
    # stay on one worker (the other never waits for the LibreOffice start, no fixture is made twice).
    sharing = {item.module.__name__ for item in items
               if getattr(item, "module", None) is not None and "libreoffice" in getattr(item, "fixturenames", ())}

    def rank(item) -> int:
        name = item.module.__name__ if getattr(item, "module", None) is not None else ""
        return 0 if name in sharing else 1 if name in AFTER_THE_LIBREOFFICE_JOBS else 2 if name in COSTLY_MODULE_FIXTURES else 3
    items.sort(key=rank)


AFTER_THE_LIBREOFFICE_JOBS = {"test_reader_oracle"}   # its LibreOffice resave is a job's (the same bytes): reused
COSTLY_MODULE_FIXTURES = {"test_corpus"}      # the reliability corpus: generated once (5 s), its cases in one folder


# ------------------------------------------------------------------ the session's one LibreOffice start

def _worker() -> str:
    return os.environ.get("PYTEST_XDIST_WORKER", "master")


def _shared_folder(tmp_path_factory, worker_id: str) -> Path:
    """A folder every worker of this run sees (pytest-xdist: the run's base temp); the session's own without xdist."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if worker_id != "master" else base


@pytest.fixture(scope="session", autouse=True)
def _shared_folders(tmp_path_factory):
    """wbtools' folders shared by the run's workers: the samples written once (``wbtools.samples``), and where
    the session's LibreOffice jobs keep their outputs by content (``wbtools.convert`` reuses them)."""
    import importlib.util
    import wbtools
    worker_id = _worker()
    shared = _shared_folder(tmp_path_factory, worker_id)
    wbtools.SHARED = shared if importlib.util.find_spec("fcntl") else shared / f"own-{worker_id}"
    wbtools.SHARED.mkdir(exist_ok=True)
    wbtools.CONVERTED = shared / _farm_name(worker_id) / "by-content"


def _farm_name(worker_id: str) -> str:
    import importlib.util
    return "libreoffice-jobs" if importlib.util.find_spec("fcntl") else f"libreoffice-jobs-{worker_id}"


@pytest.fixture(scope="session")
def libreoffice(request, tmp_path_factory):
    """``libreoffice(job, folder)``: what LibreOffice made of ``job``'s files (``wbtools.libreoffice_job``),
    copied into ``folder``.  The jobs of every module among the selected tests that uses this fixture are
    done at the first call, by one LibreOffice start for the whole run: the first worker to ask does them
    (under a lock) and the other finds them done."""
    import pickle
    import wbtools
    worker_id = _worker()
    modules = {item.module.__name__ for item in request.session.items
               if "libreoffice" in getattr(item, "fixturenames", ()) and getattr(item, "module", None) is not None}
    jobs = sorted((job for job in wbtools.JOBS.values() if job.build.__module__ in modules), key=lambda j: j.name)
    shared = _shared_folder(tmp_path_factory, worker_id)
    farm = shared / _farm_name(worker_id)
    with wbtools.locked(shared / (farm.name + ".lock")):
        index = farm / "done.pickle"
        if not index.exists():
            farm.mkdir(exist_ok=True)
            done = wbtools.run_jobs(jobs, farm)
            index.write_bytes(pickle.dumps(done))
        done = pickle.loads(index.read_bytes())
    log = farm / "libreoffice.log"

    def get(job, folder: Path, check: bool = True) -> "wbtools.LibreOfficeDone":
        """The job's outputs copied into ``folder``; with ``check`` (the default) each must exist."""
        assert job.name in done, f"{job.name} is not a job of this run's LibreOffice start"
        found = done[job.name]
        if found.error:
            pytest.fail(f"building {job.name} failed:\n{found.error}")
        missing = [p.name for p in found.outputs if not p.exists()]
        assert not (check and missing), f"LibreOffice failed on {missing}: {log.read_text(errors='replace') if log.exists() else ''}"
        folder.mkdir(parents=True, exist_ok=True)
        copies = [folder / path.name for path in found.outputs]
        for path, copy in zip(found.outputs, copies):
            if path.exists():
                shutil.copy(path, copy)
        return wbtools.LibreOfficeDone(found.inputs, copies, found.extra)
    return get


def pytest_collection_finish(session):
    """What collection made (every module, function and test item: about 160,000 objects a worker) lives
    until the end: frozen out of the garbage collector, whose full collections otherwise walk it again and
    again (the collector's time on the two workers 27 → 18 s, the suite 131 → 119 s in back-to-back runs)."""
    import gc
    gc.collect()
    gc.freeze()
